import { CreateFoundation1764032400000 } from './1764032400000-CreateFoundation';
import { SeedElLoaReferenceData1764032400001 } from './1764032400001-SeedElLoaReferenceData';
import { CreateCostSheets1764100000000 } from './1764100000000-CreateCostSheets';
import { CreateLotsAndNegotiation1764200000000 } from './1764200000000-CreateLotsAndNegotiation';
import { CreateMarketPrices1764300000000 } from './1764300000000-CreateMarketPrices';
import { CreateSettlements1764400000000 } from './1764400000000-CreateSettlements';
import { AddDealToMarketPrices1764500000000 } from './1764500000000-AddDealToMarketPrices';
import { StageLotHistory1764600000000 } from './1764600000000-StageLotHistory';
import { CreateNotifications1764700000000 } from './1764700000000-CreateNotifications';
import { DisableFailingWebhooks1764800000000 } from './1764800000000-DisableFailingWebhooks';
import { OrderWebhookDeliveries1764907700000 } from './1764907700000-OrderWebhookDeliveries';

/** Every migration, in order. A new migration is added here in the same commit. */
export const MIGRATIONS = [
  CreateFoundation1764032400000,
  SeedElLoaReferenceData1764032400001,
  CreateCostSheets1764100000000,
  CreateLotsAndNegotiation1764200000000,
  CreateMarketPrices1764300000000,
  CreateSettlements1764400000000,
  AddDealToMarketPrices1764500000000,
  StageLotHistory1764600000000,
  CreateNotifications1764700000000,
  DisableFailingWebhooks1764800000000,
  OrderWebhookDeliveries1764907700000,
];
