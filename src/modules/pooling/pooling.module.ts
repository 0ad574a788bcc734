import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { IdentityModule } from '../identity/identity.module';
import { LotHistory } from './lot-history.service';
import { LotsController } from './lots.controller';
import { LotsService } from './lots.service';

@Module({
  imports: [CatalogModule, IdentityModule],
  controllers: [LotsController],
  providers: [LotsService, LotHistory],
  exports: [LotsService],
})
export class PoolingModule {}
