import { DomainError } from '../../../shared/errors/domain-error';
import {
  type LotVisibilityView,
  type OfferViewer,
  assertOfferReadable,
  buyerAllocationView,
  visibleOffers,
} from './offer-visibility';
import type { TenderAllocation } from './tender-allocation';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const closesAt = new Date('2026-03-12T18:00:00Z');
const before = new Date('2026-03-12T17:00:00Z');
const after = new Date('2026-03-12T19:00:00Z');

const association: OfferViewer = { kind: 'association', organizationId: 'lasana' };
const otherAssociation: OfferViewer = { kind: 'association', organizationId: 'chiu-chiu' };
const vega: OfferViewer = { kind: 'buyer', organizationId: 'vega' };
const lider: OfferViewer = { kind: 'buyer', organizationId: 'lider' };

const negotiationLot: LotVisibilityView = {
  associationId: 'lasana',
  mechanism: 'negotiation',
  status: 'open',
  closesAt: null,
};
const tenderLot: LotVisibilityView = {
  associationId: 'lasana',
  mechanism: 'tender',
  status: 'open',
  closesAt,
};

const offers = [
  { id: 'o1', buyerOrganizationId: 'vega' },
  { id: 'o2', buyerOrganizationId: 'lider' },
];

describe('who sees which offer', () => {
  it('shows a buyer its own offers only, and hides the others as not found', () => {
    expect(codeOf(() => assertOfferReadable(vega, negotiationLot, offers[0], before))).toBeNull();
    expect(codeOf(() => assertOfferReadable(vega, negotiationLot, offers[1], before))).toBe(
      'NOT_FOUND',
    );
    expect(visibleOffers(lider, negotiationLot, offers, before).map((o) => o.id)).toEqual(['o2']);
  });

  it('keeps a buyer from seeing another buyer’s bid even after the tender closes', () => {
    expect(codeOf(() => assertOfferReadable(vega, tenderLot, offers[1], after))).toBe('NOT_FOUND');
    expect(visibleOffers(vega, tenderLot, offers, after).map((o) => o.id)).toEqual(['o1']);
  });

  it('shows the association every offer on its negotiation lot', () => {
    expect(
      codeOf(() => assertOfferReadable(association, negotiationLot, offers[1], before)),
    ).toBeNull();
    expect(visibleOffers(association, negotiationLot, offers, before)).toHaveLength(2);
  });

  it('seals tender bids from the association until close, by time alone if need be', () => {
    expect(codeOf(() => assertOfferReadable(association, tenderLot, offers[0], before))).toBe(
      'BID_HIDDEN',
    );
    expect(codeOf(() => visibleOffers(association, tenderLot, offers, before))).toBe('BID_HIDDEN');
    expect(codeOf(() => assertOfferReadable(association, tenderLot, offers[0], after))).toBeNull();
    expect(
      visibleOffers(association, { ...tenderLot, status: 'sold' }, offers, before),
    ).toHaveLength(2);
  });

  it('hides another association’s offers as not found', () => {
    expect(
      codeOf(() => assertOfferReadable(otherAssociation, negotiationLot, offers[0], after)),
    ).toBe('NOT_FOUND');
    expect(codeOf(() => visibleOffers(otherAssociation, tenderLot, offers, after))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('a buyer reading a tender allocation', () => {
  const row = (offerId: string, buyer: string, rank: number, allocated: string) => ({
    offerId,
    buyerOrganizationId: buyer,
    rank,
    price: '250',
    quantityBid: '1000',
    minQuantity: '500',
    quantityAllocated: allocated,
    pricePaid: allocated === '0' ? null : '240',
    outcome: allocated === '0' ? ('below_reserve' as const) : ('won' as const),
  });
  const allocation: TenderAllocation = {
    pricingRule: 'uniform',
    clearingPrice: '240',
    quantityAllocated: '1500',
    quantityUnallocated: '0',
    allocations: [
      row('o1', 'vega', 1, '1000'),
      row('o2', 'lider', 2, '500'),
      row('o3', 'vega', 3, '0'),
    ],
  };

  it('gets its own rows in the contract fields, and no totals', () => {
    const view = buyerAllocationView(allocation, ['vega']);
    expect(Object.keys(view).sort()).toEqual(['allocations', 'clearingPrice', 'pricingRule']);
    expect(view.allocations.map((r) => r.offerId)).toEqual(['o1', 'o3']);
    expect(Object.keys(view.allocations[0]).sort()).toEqual([
      'buyerOrganizationId',
      'minQuantity',
      'offerId',
      'price',
      'pricePaid',
      'quantityAllocated',
      'quantityBid',
    ]);
    expect(buyerAllocationView(allocation, ['nobody']).allocations).toEqual([]);
  });
});
