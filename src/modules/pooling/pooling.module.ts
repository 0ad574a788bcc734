import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CostingModule } from '../costing/costing.module';
import { IdentityModule } from '../identity/identity.module';
import { LotHistory } from './lot-history.service';
import { LotsController } from './lots.controller';
import { LotsService } from './lots.service';

@Module({
  imports: [CatalogModule, IdentityModule, CostingModule],
  controllers: [LotsController],
  providers: [LotsService, LotHistory],
  exports: [LotsService],
})
export class PoolingModule {}
