import { toDecimalString } from '../../shared/money';
import type { AssociationLotResponse, ContributionResponse, LotResponse } from './dto/lot.dto';
import { quantityAvailable } from './domain/lot-quantities';
import type { LotContribution } from './entities/lot-contribution.entity';
import type { Lot } from './entities/lot.entity';

const optional = (value: string | null) => (value === null ? null : toDecimalString(value));

/** A buyer's view: no reserve, no floor, no contributions, no record of what others bought. */
export function toLotResponse(lot: Lot): LotResponse {
  return {
    id: lot.id,
    organizationId: lot.organizationId,
    productId: lot.productId,
    grade: lot.grade,
    unit: lot.unit,
    currency: lot.currency,
    mechanism: lot.mechanism,
    pricingRule: lot.pricingRule,
    askingPrice: optional(lot.askingPrice),
    minOrderQuantity: toDecimalString(lot.minOrderQuantity),
    deliveryFrom: lot.deliveryFrom,
    deliveryTo: lot.deliveryTo,
    deliveryPoint: lot.deliveryPoint,
    closesAt: lot.closesAt?.toISOString() ?? null,
    status: lot.status,
    quantityTotal: toDecimalString(lot.quantityTotal),
    quantityAvailable: quantityAvailable(lot),
    createdAt: lot.createdAt.toISOString(),
    publishedAt: lot.publishedAt?.toISOString() ?? null,
  };
}

export function toContributionResponse(contribution: LotContribution): ContributionResponse {
  return {
    id: contribution.id,
    producerId: contribution.producerId,
    quantity: toDecimalString(contribution.quantity),
    grade: contribution.grade,
    costSheetId: contribution.costSheetId,
    createdAt: contribution.createdAt.toISOString(),
  };
}

export function toAssociationLotResponse(
  lot: Lot,
  contributions: LotContribution[],
  floorPrice: string | null,
): AssociationLotResponse {
  return {
    ...toLotResponse(lot),
    reservePrice: optional(lot.reservePrice),
    floorPrice,
    quantitySold: toDecimalString(lot.quantitySold),
    quantityHeld: toDecimalString(lot.quantityHeld),
    contributions: contributions.map(toContributionResponse),
  };
}
