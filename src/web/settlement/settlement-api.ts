/** The settlement answers the console reads (API.md, "Settlement"), figures as decimal strings. */
export interface SettlementDeduction {
  type: 'freight' | 'packaging' | 'commission' | 'other';
  basis: 'amount' | 'rate';
  rate: string | null;
  amount: string;
  source: 'request' | 'association';
}

export interface SettlementSummary {
  id: string;
  lotId: string;
  kind: 'settlement' | 'adjustment';
  status: 'draft' | 'confirmed';
  version: number;
  currency: string;
  gross: string;
  deductions: SettlementDeduction[];
  totalDeductions: string;
  net: string;
  computedAt: string;
  confirmedAt: string | null;
}

export interface Payout {
  producerId: string;
  producerName: string;
  quantityDelivered: string;
  quantity: string;
  totalDeductions: string;
  amount: string;
}

export interface Settlement extends SettlementSummary {
  gradeFactors: Record<string, string>;
  deals: { dealId: string; price: string; quantityAccepted: string; amount: string }[];
  payouts: Payout[];
}

export interface LotRef {
  id: string;
  organizationId: string;
  productId: string;
  unit: string;
  currency: string;
  status: string;
}
