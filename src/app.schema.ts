import { MIGRATIONS } from '../migrations';
import { Community } from './modules/catalog/entities/community.entity';
import { PackagingUnit } from './modules/catalog/entities/packaging-unit.entity';
import { Product } from './modules/catalog/entities/product.entity';
import { CostSheetEntity } from './modules/costing/entities/cost-sheet.entity';
import { CostSheetLineEntity } from './modules/costing/entities/cost-sheet-line.entity';
import { ProductGrade } from './modules/catalog/entities/product-grade.entity';
import { Membership } from './modules/identity/entities/membership.entity';
import { MarketPriceObservation } from './modules/market-prices/entities/market-price-observation.entity';
import { MarketProductAlias } from './modules/market-prices/entities/market-product-alias.entity';
import { Organization } from './modules/identity/entities/organization.entity';
import { Producer } from './modules/identity/entities/producer.entity';
import { User } from './modules/identity/entities/user.entity';
import { Approval, ApprovalVoteRecord } from './modules/negotiation/entities/approval.entity';
import { Deal } from './modules/negotiation/entities/deal.entity';
import { Offer } from './modules/negotiation/entities/offer.entity';
import { Notification } from './modules/notifications/entities/notification.entity';
import { Webhook } from './modules/notifications/entities/webhook.entity';
import { WebhookDelivery } from './modules/notifications/entities/webhook-delivery.entity';
import { Lot } from './modules/pooling/entities/lot.entity';
import { LotContribution } from './modules/pooling/entities/lot-contribution.entity';
import { LotHistoryEvent } from './modules/pooling/entities/lot-history-event.entity';
import { DealPayment } from './modules/settlement/entities/deal-payment.entity';
import { Delivery, DeliveryLine } from './modules/settlement/entities/delivery.entity';
import { Settlement, SettlementPayout } from './modules/settlement/entities/settlement.entity';
import { StatementBundle } from './modules/settlement/entities/statement-bundle.entity';
import { IdempotencyKey } from './shared/idempotency/idempotency-key.entity';
import { OutboxEvent } from './shared/outbox/outbox-event.entity';

/** Every entity and migration of the app; a module's new entity is listed here. */
export const APP_SCHEMA = {
  entities: [
    Community,
    Product,
    ProductGrade,
    PackagingUnit,
    User,
    Organization,
    Membership,
    Producer,
    OutboxEvent,
    IdempotencyKey,
    CostSheetEntity,
    CostSheetLineEntity,
    Lot,
    LotContribution,
    LotHistoryEvent,
    Offer,
    Deal,
    Approval,
    ApprovalVoteRecord,
    MarketPriceObservation,
    MarketProductAlias,
    Delivery,
    DeliveryLine,
    DealPayment,
    Settlement,
    SettlementPayout,
    StatementBundle,
    Notification,
    Webhook,
    WebhookDelivery,
  ],
  migrations: MIGRATIONS,
};
