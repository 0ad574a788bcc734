/**
 * The shapes of the API answers the pages read: the API's contract (shared/API.md), as the
 * console uses it. Money and quantities stay decimal strings all the way to the template.
 */
export interface Membership {
  organizationId: string;
  organizationName: string;
  kind: 'association' | 'buyer';
  role: 'manager' | 'treasurer' | 'member' | 'buyer_agent';
}

export interface Me {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
  memberships: Membership[];
}

export interface ApiPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Organization {
  id: string;
  kind: 'association' | 'buyer';
  name: string;
  approvalPolicy: 'manager' | 'two_person' | 'member_vote';
  floorPolicy: 'block' | 'override_with_reason';
}

export interface Product {
  id: string;
  code: string;
  nameEs: string;
  nameEn: string;
  baseUnit: string;
  grades: { code: string; nameEs: string; nameEn: string }[];
  packagingUnits: { code: string; nameEs: string; nameEn: string }[];
}

export interface Producer {
  id: string;
  name: string;
  userId: string | null;
}

export interface Contribution {
  id: string;
  producerId: string;
  quantity: string;
  grade: string | null;
  costSheetId: string | null;
}

export interface Lot {
  id: string;
  organizationId: string;
  productId: string;
  grade: string;
  unit: string;
  currency: string;
  mechanism: 'negotiation' | 'tender';
  pricingRule: 'pay_as_bid' | 'uniform' | null;
  askingPrice: string | null;
  minOrderQuantity: string;
  deliveryFrom: string;
  deliveryTo: string;
  deliveryPoint: string;
  closesAt: string | null;
  status: string;
  quantityTotal: string;
  quantityAvailable: string;
  /** Only the association's own view carries these. */
  reservePrice?: string | null;
  floorPrice?: string | null;
  quantitySold?: string;
  quantityHeld?: string;
  contributions?: Contribution[];
}

export interface Offer {
  id: string;
  lotId: string;
  buyerOrganizationId: string;
  threadId: string;
  parentOfferId: string | null;
  kind: 'offer' | 'bid';
  madeBy: 'buyer' | 'association';
  price: string;
  quantity: string;
  minQuantity: string;
  paymentTermsDays: number;
  expiresAt: string;
  status: string;
  createdAt: string;
}

export interface Approval {
  id: string;
  lotId: string;
  offerId: string;
  policy: string;
  status: string;
  threshold: string | null;
  quantityHeld: string;
  closesAt: string;
  weights: { producerId: string; userId: string | null; weight: string }[];
  votes: { userId: string; role: string | null; choice: string; castAt: string }[];
  tally: Record<string, unknown>;
  dealId: string | null;
}

export interface Allocation {
  pricingRule: string;
  clearingPrice?: string | null;
  allocations: {
    offerId: string;
    buyerOrganizationId: string;
    price: string;
    quantityBid: string;
    minQuantity: string;
    quantityAllocated: string;
    pricePaid: string;
  }[];
}

export interface Notification {
  id: string;
  type: string;
  data: Record<string, string>;
  occurredAt: string;
  readAt: string | null;
}

export interface CostBasisReport {
  weightedCostPerUnit: string | null;
  floorPrice: string | null;
  quantityWithCost: string;
  quantityWithoutCost: string;
  [other: string]: unknown;
}

export interface Benchmark {
  currency: string;
  baseUnit: string;
  offerPricePerBaseUnit: string;
  reference: 'available' | 'none';
  markets: {
    market: string;
    observations: number;
    medianPricePerBaseUnit: string;
    differencePercent: string;
  }[];
}

export interface SettlementSummary {
  id: string;
  status: string;
  net: string;
  currency?: string;
}
