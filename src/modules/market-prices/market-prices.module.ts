import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { APP_CONFIG } from '../../config/app-config';
import {
  MarketPriceImportService,
  PRICE_IMPORT_OPTIONS,
  priceImportOptions,
} from './market-price-import.service';
import { MarketPricesController } from './market-prices.controller';
import { MarketPricesService } from './market-prices.service';
import { TreasurerOfAnAssociation } from './treasurer.check';

/**
 * Reference prices (typed in, imported from ODEPA or our CSV, and the platform's own
 * deals) and the benchmark of an offer against them. The negotiation module calls
 * `MarketPricesService.benchmark` and `recordDealPrice`.
 */
@Module({
  imports: [IdentityModule],
  controllers: [MarketPricesController],
  providers: [
    MarketPricesService,
    MarketPriceImportService,
    TreasurerOfAnAssociation,
    { provide: PRICE_IMPORT_OPTIONS, useFactory: priceImportOptions, inject: [APP_CONFIG] },
  ],
  exports: [MarketPricesService],
})
export class MarketPricesModule {}
