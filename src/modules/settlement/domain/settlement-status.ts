import { DomainError } from '../../../shared/errors/domain-error';
import { SettlementErrors } from './settlement.errors';

/**
 * A settlement is a draft while the treasurer checks it (it may be recomputed at will) and
 * confirmed once the producers are to be paid. A confirmed settlement never changes: members
 * have been told their payout, so a correction is a new adjusting settlement instead.
 */
export type SettlementStatus = 'draft' | 'confirmed';

export interface DealReadiness {
  dealId: string;
  /** Whether the deal's delivery has been recorded. */
  delivered: boolean;
}

/**
 * A lot is settled on what buyers accepted; before every deal is delivered that is not known,
 * so a settlement would have to be redone.
 */
export function assertDealsDelivered(deals: readonly DealReadiness[]): void {
  if (deals.length === 0) {
    throw new DomainError(SettlementErrors.NO_DEALS_TO_SETTLE, 'the lot has no deals to settle');
  }
  const pending = deals.filter((deal) => !deal.delivered).map((deal) => deal.dealId);
  if (pending.length > 0) {
    throw new DomainError(
      SettlementErrors.DEALS_NOT_DELIVERED,
      `deals without a recorded delivery: ${pending.join(', ')}`,
      { dealIds: pending },
    );
  }
}

/** Guards every write to a settlement (recompute, change of deductions, delete). */
export function assertSettlementDraft(settlementId: string, status: SettlementStatus): void {
  if (status === 'confirmed') {
    throw new DomainError(
      SettlementErrors.SETTLEMENT_CONFIRMED,
      `settlement ${settlementId} is confirmed; corrections are made by an adjusting settlement`,
      { settlementId },
    );
  }
}

/** Confirming twice is refused rather than ignored, so a second click cannot look like success. */
export function confirmSettlement(settlementId: string, status: SettlementStatus): 'confirmed' {
  assertSettlementDraft(settlementId, status);
  return 'confirmed';
}
