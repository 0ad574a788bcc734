import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { IdentityModule } from '../identity/identity.module';
import { MarketPricesModule } from '../market-prices/market-prices.module';
import { PoolingModule } from '../pooling/pooling.module';
import { NegotiationController } from './negotiation.controller';
import { NegotiationService } from './negotiation.service';

@Module({
  imports: [PoolingModule, IdentityModule, CatalogModule, MarketPricesModule],
  controllers: [NegotiationController],
  providers: [NegotiationService],
  exports: [NegotiationService],
})
export class NegotiationModule {}
