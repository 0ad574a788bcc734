import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import {
  DEFAULT_PRICE_IMPORT_OPTIONS,
  MarketPriceImportService,
  PRICE_IMPORT_OPTIONS,
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
    // Overridable like any provider; an environment variable needs a field in AppConfig.
    { provide: PRICE_IMPORT_OPTIONS, useValue: DEFAULT_PRICE_IMPORT_OPTIONS },
  ],
  exports: [MarketPricesService],
})
export class MarketPricesModule {}
