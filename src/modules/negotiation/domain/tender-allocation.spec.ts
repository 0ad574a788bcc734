import fc from 'fast-check';
import { DomainError } from '../../../shared/errors/domain-error';
import { Dec, dec, sum } from '../../../shared/money';
import { type PricingRule, type TenderBid, allocateTender } from './tender-allocation';

const t = (minutes: number) => new Date(Date.UTC(2026, 2, 10, 12, minutes));

describe('tender allocation: worked examples', () => {
  // Lasana, 5,000 kg of carrots, reserve 400 CLP/kg.
  const bids: TenderBid[] = [
    {
      offerId: 'A',
      buyerOrganizationId: 'vega',
      price: '480',
      quantity: '2000',
      minQuantity: '1000',
      placedAt: t(1),
    },
    {
      offerId: 'B',
      buyerOrganizationId: 'lider',
      price: '470',
      quantity: '2500',
      minQuantity: '2500',
      placedAt: t(2),
    },
    {
      offerId: 'C',
      buyerOrganizationId: 'calama',
      price: '470',
      quantity: '1000',
      minQuantity: '500',
      placedAt: t(0),
    },
    {
      offerId: 'D',
      buyerOrganizationId: 'trucker',
      price: '390',
      quantity: '1000',
      minQuantity: '1',
      placedAt: t(0),
    },
    {
      offerId: 'E',
      buyerOrganizationId: 'resto',
      price: '450',
      quantity: '3000',
      minQuantity: '1500',
      placedAt: t(3),
    },
  ];

  it('pays each winner its own price under pay_as_bid', () => {
    const result = allocateTender({
      quantity: '5000',
      reservePrice: '400',
      pricingRule: 'pay_as_bid',
      bids,
    });
    expect(result.clearingPrice).toBeNull();
    expect(result.quantityAllocated).toBe('5000');
    expect(result.quantityUnallocated).toBe('0');
    expect(
      result.allocations.map((a) => [
        a.rank,
        a.offerId,
        a.quantityAllocated,
        a.pricePaid,
        a.outcome,
      ]),
    ).toEqual([
      [1, 'A', '2000', '480', 'won'],
      // C ties B on price and bid earlier, so it goes first
      [2, 'C', '1000', '470', 'won'],
      // 2,000 kg left, below B's minimum of 2,500: B gets nothing and E is tried
      [3, 'B', '0', null, 'below_min_quantity'],
      [4, 'E', '2000', '450', 'won'],
      [5, 'D', '0', null, 'below_reserve'],
    ]);
  });

  it('makes every winner pay the lowest accepted price under uniform', () => {
    const result = allocateTender({
      quantity: '5000',
      reservePrice: '400',
      pricingRule: 'uniform',
      bids,
    });
    expect(result.clearingPrice).toBe('450');
    expect(result.allocations.find((a) => a.offerId === 'A')).toEqual({
      offerId: 'A',
      buyerOrganizationId: 'vega',
      rank: 1,
      price: '480',
      quantityBid: '2000',
      minQuantity: '1000',
      quantityAllocated: '2000',
      pricePaid: '450',
      outcome: 'won',
    });
    expect(result.allocations.filter((a) => a.outcome === 'won').map((a) => a.pricePaid)).toEqual([
      '450',
      '450',
      '450',
    ]);
  });

  it('leaves quantity unsold when no remaining bid fits', () => {
    const result = allocateTender({
      quantity: '1000',
      pricingRule: 'uniform',
      bids: [
        {
          offerId: 'x',
          buyerOrganizationId: 'b1',
          price: '500',
          quantity: '800',
          minQuantity: '800',
          placedAt: t(0),
        },
        {
          offerId: 'y',
          buyerOrganizationId: 'b2',
          price: '490',
          quantity: '600',
          minQuantity: '600',
          placedAt: t(0),
        },
        {
          offerId: 'z',
          buyerOrganizationId: 'b3',
          price: '480',
          quantity: '300',
          minQuantity: '250',
          placedAt: t(0),
        },
      ],
    });
    expect(result.allocations.map((a) => a.quantityAllocated)).toEqual(['800', '0', '0']);
    expect(result).toMatchObject({ clearingPrice: '500', quantityUnallocated: '200' });
  });

  it('breaks a tie of price and time by offer id', () => {
    const same = {
      buyerOrganizationId: 'b',
      price: '400',
      quantity: '10',
      minQuantity: '10',
      placedAt: t(5),
    };
    const result = allocateTender({
      quantity: '10',
      pricingRule: 'pay_as_bid',
      bids: [
        { ...same, offerId: 'o-2' },
        { ...same, offerId: 'o-1' },
      ],
    });
    expect(result.allocations.map((a) => [a.offerId, a.quantityAllocated])).toEqual([
      ['o-1', '10'],
      ['o-2', '0'],
    ]);
  });

  it('compares prices as decimals, not as text', () => {
    const result = allocateTender({
      quantity: '1',
      pricingRule: 'pay_as_bid',
      bids: [
        {
          offerId: 'a',
          buyerOrganizationId: 'b',
          price: '99.5',
          quantity: '1',
          minQuantity: '1',
          placedAt: t(0),
        },
        {
          offerId: 'b',
          buyerOrganizationId: 'b',
          price: '100',
          quantity: '1',
          minQuantity: '1',
          placedAt: t(1),
        },
      ],
    });
    expect(result.allocations[0]).toMatchObject({
      offerId: 'b',
      quantityAllocated: '1',
      pricePaid: '100',
    });
  });

  it('lets a bid at the reserve win', () => {
    const result = allocateTender({
      quantity: '10',
      reservePrice: '400',
      pricingRule: 'uniform',
      bids: [
        {
          offerId: 'a',
          buyerOrganizationId: 'b',
          price: '400',
          quantity: '5',
          minQuantity: '5',
          placedAt: t(0),
        },
      ],
    });
    expect(result).toMatchObject({
      clearingPrice: '400',
      quantityAllocated: '5',
      quantityUnallocated: '5',
    });
  });

  it('has no clearing price when nobody wins', () => {
    expect(allocateTender({ quantity: '100', pricingRule: 'uniform', bids: [] })).toEqual({
      pricingRule: 'uniform',
      clearingPrice: null,
      quantityAllocated: '0',
      quantityUnallocated: '100',
      allocations: [],
    });
  });

  it('refuses malformed bids, naming each', () => {
    let error: unknown;
    try {
      allocateTender({
        quantity: '100',
        pricingRule: 'pay_as_bid',
        bids: [
          {
            offerId: 'a',
            buyerOrganizationId: 'b',
            price: '0',
            quantity: '5',
            minQuantity: '6',
            placedAt: t(0),
          },
          {
            offerId: 'a',
            buyerOrganizationId: 'b',
            price: '1',
            quantity: '5',
            minQuantity: '5',
            placedAt: t(0),
          },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).fieldIssues.map((i) => [i.field, i.code])).toEqual([
      ['bids.0.price', 'MUST_BE_POSITIVE'],
      ['bids.0.minQuantity', 'ABOVE_QUANTITY'],
      ['bids.1.offerId', 'DUPLICATE'],
    ]);
  });
});

/** Decimal strings with up to two decimals. */
const decimal = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => dec(String(n)).dividedBy(100).toFixed());

const bidsArb = fc
  .array(
    fc.record({
      buyerOrganizationId: fc.constantFrom('b1', 'b2', 'b3', 'b4'),
      // a narrow price range and few instants make ties common
      price: fc.integer({ min: 300, max: 320 }).map(String),
      quantity: decimal(1, 300_000),
      minShare: fc.integer({ min: 1, max: 100 }),
      minute: fc.integer({ min: 0, max: 5 }),
    }),
    { maxLength: 12 },
  )
  .map((rows) =>
    rows.map((r, i): TenderBid => ({
      offerId: `o${String(i).padStart(2, '0')}`,
      buyerOrganizationId: r.buyerOrganizationId,
      price: r.price,
      quantity: r.quantity,
      minQuantity: dec(r.quantity)
        .times(r.minShare)
        .dividedBy(100)
        .toDecimalPlaces(2, Dec.ROUND_CEIL)
        .toFixed(),
      placedAt: t(r.minute),
    })),
  );

const tenderArb = fc.record({
  quantity: decimal(0, 1_000_000),
  reservePrice: fc.option(fc.integer({ min: 295, max: 325 }).map(String), { nil: undefined }),
  pricingRule: fc.constantFrom<PricingRule>('pay_as_bid', 'uniform'),
  bids: bidsArb,
});

describe('tender allocation: properties', () => {
  it('never allocates more than the lot, and accounts for all of it', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        const allocated = sum(r.allocations.map((a) => a.quantityAllocated));
        return (
          allocated.lessThanOrEqualTo(dec(input.quantity)) &&
          allocated.equals(dec(r.quantityAllocated)) &&
          allocated.plus(r.quantityUnallocated).equals(dec(input.quantity))
        );
      }),
    );
  });

  it('gives each bid nothing, or between its minimum and what it bid', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        return r.allocations.every((a) => {
          const q = dec(a.quantityAllocated);
          return (
            q.isZero() ||
            (q.greaterThanOrEqualTo(dec(a.minQuantity)) && q.lessThanOrEqualTo(dec(a.quantityBid)))
          );
        });
      }),
    );
  });

  it('makes every winner bid and pay at least the reserve', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        const reserve = dec(input.reservePrice ?? '0');
        return r.allocations
          .filter((a) => a.outcome === 'won')
          .every(
            (a) =>
              dec(a.price).greaterThanOrEqualTo(reserve) &&
              dec(a.pricePaid ?? '-1').greaterThanOrEqualTo(reserve),
          );
      }),
    );
  });

  it('charges one price to all winners under uniform, their own under pay_as_bid', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        const winners = r.allocations.filter((a) => a.outcome === 'won');
        const losersPayNothing = r.allocations
          .filter((a) => a.outcome !== 'won')
          .every((a) => a.pricePaid === null && a.quantityAllocated === '0');
        if (input.pricingRule === 'pay_as_bid') {
          return (
            losersPayNothing &&
            r.clearingPrice === null &&
            winners.every((w) => w.pricePaid === w.price)
          );
        }
        if (winners.length === 0) return losersPayNothing && r.clearingPrice === null;
        const lowest = winners.map((w) => dec(w.price)).reduce((a, b) => (a.lessThan(b) ? a : b));
        return (
          losersPayNothing &&
          r.clearingPrice !== null &&
          dec(r.clearingPrice).equals(lowest) &&
          winners.every((w) => w.pricePaid === r.clearingPrice)
        );
      }),
    );
  });

  it('wastes nothing: an eligible losing bid could not have fitted in what is left', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        const left = dec(r.quantityUnallocated);
        return r.allocations
          .filter((a) => a.outcome === 'below_min_quantity')
          .every((a) => dec(a.minQuantity).greaterThan(left));
      }),
    );
  });

  it('serves bids in rank order: a bid filled only in part leaves nothing for those below it', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const r = allocateTender(input);
        const partial = r.allocations.findIndex(
          (a) => a.outcome === 'won' && dec(a.quantityAllocated).lessThan(dec(a.quantityBid)),
        );
        const ranksInOrder = r.allocations.every((a, i) => a.rank === i + 1);
        const priceNonIncreasing = r.allocations.every(
          (a, i) => i === 0 || dec(r.allocations[i - 1].price).greaterThanOrEqualTo(dec(a.price)),
        );
        if (partial < 0) return ranksInOrder && priceNonIncreasing;
        return (
          ranksInOrder &&
          priceNonIncreasing &&
          r.quantityUnallocated === '0' &&
          r.allocations.slice(partial + 1).every((a) => a.quantityAllocated === '0')
        );
      }),
    );
  });

  it('gives one row per bid and the same answer whatever order the bids come in', () => {
    fc.assert(
      fc.property(
        tenderArb.chain((input) =>
          fc
            .shuffledSubarray(input.bids, { minLength: input.bids.length })
            .map((shuffled) => ({ input, shuffled })),
        ),
        ({ input, shuffled }) => {
          const a = allocateTender(input);
          const b = allocateTender({ ...input, bids: shuffled });
          expect(b).toEqual(a);
          expect(a.allocations.map((x) => x.offerId).sort()).toEqual(
            input.bids.map((x) => x.offerId).sort(),
          );
        },
      ),
    );
  });

  it('allocates the same quantities under both pricing rules', () => {
    fc.assert(
      fc.property(tenderArb, (input) => {
        const a = allocateTender({ ...input, pricingRule: 'pay_as_bid' });
        const b = allocateTender({ ...input, pricingRule: 'uniform' });
        return a.allocations.every(
          (row, i) => row.quantityAllocated === b.allocations[i].quantityAllocated,
        );
      }),
    );
  });
});
