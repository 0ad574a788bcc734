import { DomainError } from '../../../shared/errors/domain-error';
import { dec, sum } from '../../../shared/money';
import { allocateLargestRemainder, computeSettlement, type SettlementInput } from './payout-split';

function thrownBy(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

/*
 * The Lasana carrot pool: one buyer takes 1,800 kg at CLP 245/kg.
 *
 *   producer   accepted  grade  factor  weight
 *   p1-rosa      600 kg    A     1      600
 *   p2-juan      500 kg    A     1      500
 *   p3-elena     400 kg    B     0.85   340
 *   p4-pedro     300 kg    B     0.85   255
 *   p5-ana         0 kg    B     0.85     0      (delivered, all rejected)
 *                                       ─────
 *                                W =   1,695
 *
 * gross      = 1,800 × 245                 = 441,000
 * freight    = 35,000 (amount)
 * commission = 3 % of 441,000 = 13,230 (exact, nothing to round)
 * net        = 441,000 − 35,000 − 13,230   = 392,770
 *
 * Net split, exact share = 392,770 × weight / 1,695:
 *   p1 139,033.628  p2 115,861.357  p3 78,785.723  p4 59,089.292
 *   floors add to 392,768; 2 pesos left → largest remainders p3 (.723), p1 (.628)
 *   → 139,034  115,861  78,786  59,089  0          Σ = 392,770
 * Freight split, exact = 35,000 × weight / 1,695:
 *   p1 12,389.381  p2 10,324.484  p3 7,020.649  p4 5,265.487
 *   floors 34,998; 2 left → p3 (.649), p4 (.487, just ahead of p2's .484)
 *   → 12,389  10,324  7,021  5,266  0              Σ = 35,000
 * Commission split, exact = 13,230 × weight / 1,695:
 *   p1 4,683.186  p2 3,902.655  p3 2,653.805  p4 1,990.354
 *   floors 13,228; 2 left → p3 (.805), p2 (.655)
 *   → 4,683  3,903  2,654  1,990  0                Σ = 13,230
 * Gross share = net + freight + commission:
 *   → 156,106  130,088  88,461  66,345  0          Σ = 441,000
 */
const lasana: SettlementInput = {
  currency: 'CLP',
  deals: [
    {
      dealId: 'deal-vega-calama',
      price: '245',
      lines: [
        { producerId: 'p4-pedro', quantityAccepted: '300', grade: 'B' },
        { producerId: 'p1-rosa', quantityAccepted: '600', grade: 'A' },
        { producerId: 'p5-ana', quantityAccepted: '0', grade: 'B' },
        { producerId: 'p3-elena', quantityAccepted: '400', grade: 'B' },
        { producerId: 'p2-juan', quantityAccepted: '500', grade: 'A' },
      ],
    },
  ],
  deductions: [
    { type: 'commission', rate: '0.03' },
    { type: 'freight', amount: '35000' },
  ],
  gradeFactors: { A: '1', B: '0.85' },
};

describe('computeSettlement: the Lasana carrot pool in CLP', () => {
  const result = computeSettlement(lasana);

  it('computes gross, deductions in their fixed order, and net', () => {
    expect(result.gross).toBe('441000');
    expect(result.deals).toEqual([
      { dealId: 'deal-vega-calama', price: '245', quantityAccepted: '1800', amount: '441000' },
    ]);
    expect(result.deductions).toEqual([
      { type: 'freight', basis: 'amount', rate: null, amount: '35000', source: 'request' },
      { type: 'commission', basis: 'rate', rate: '0.03', amount: '13230', source: 'request' },
    ]);
    expect(result.totalDeductions).toBe('48230');
    expect(result.net).toBe('392770');
  });

  it('splits net and each deduction by largest remainder, producers ordered by id', () => {
    expect(
      result.payouts.map((p) => [
        p.producerId,
        p.weight,
        p.grossShare,
        ...p.deductionShares,
        p.totalDeductions,
        p.amount,
      ]),
    ).toEqual([
      ['p1-rosa', '600', '156106', '12389', '4683', '17072', '139034'],
      ['p2-juan', '500', '130088', '10324', '3903', '14227', '115861'],
      ['p3-elena', '340', '88461', '7021', '2654', '9675', '78786'],
      ['p4-pedro', '255', '66345', '5266', '1990', '7256', '59089'],
      ['p5-ana', '0', '0', '0', '0', '0', '0'],
    ]);
  });

  it('reports quantities and grades for the statement', () => {
    const elena = result.payouts.find((p) => p.producerId === 'p3-elena');
    expect(elena?.quantity).toBe('400');
    expect(elena?.grades).toEqual([{ grade: 'B', factor: '0.85', quantityAccepted: '400' }]);
  });

  it('returns plain serialisable values', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

/*
 * Quinoa in USD, two deals at USD 2.125/kg, ungraded (factor 1):
 *   deal-a: q1 600 kg, q2 401 kg → 1,001 × 2.125 = 2,127.125 → 2,127.12 (half-even: 2 is even)
 *   deal-b: q2 100 kg, q3 101 kg →   201 × 2.125 =   427.125 →   427.12
 *   gross = 2,554.24 (rounding the exact total 2,554.25 once would invent a cent no buyer owes)
 *   weights q1 600, q2 501, q3 101; W = 1,202
 *
 * Deductions, given as [other 1.5 %, packaging 54.24], no commission line, association 5 %:
 *   packaging  54.24
 *   commission 5 % × 2,554.24 = 127.712  → 127.71 (association default)
 *   other    1.5 % × 2,554.24 =  38.3136 →  38.31
 *   total 220.26; net 2,333.98
 *
 * Net in cents 233,398 × w / 1,202: 116,504.825  97,281.529  19,611.646; 2 cents left → q1, q3
 *   → 1,165.05  972.81  196.12
 * Packaging 5,424 cents: 2,707.488  2,260.752  455.760; 2 left → q3 (.760), q2 (.752)
 *   → 27.07  22.61  4.56
 * Commission 12,771 cents: 6,374.875  5,323.021  1,073.104; 1 left → q1
 *   → 63.75  53.23  10.73
 * Other 3,831 cents: 1,912.313  1,596.781  321.906; 2 left → q3, q2
 *   → 19.12  15.97  3.22
 * Gross shares: 1,274.99  1,064.62  214.63 (exact 1,274.995  1,064.617  214.628), Σ 2,554.24
 */
describe('computeSettlement: two quinoa deals in USD', () => {
  const result = computeSettlement({
    currency: 'USD',
    deals: [
      {
        dealId: 'deal-a',
        price: '2.125',
        lines: [
          { producerId: 'q1', quantityAccepted: '600' },
          { producerId: 'q2', quantityAccepted: '401' },
        ],
      },
      {
        dealId: 'deal-b',
        price: '2.125',
        lines: [
          { producerId: 'q2', quantityAccepted: '100', grade: null },
          { producerId: 'q3', quantityAccepted: '101' },
        ],
      },
    ],
    deductions: [
      { type: 'other', rate: '0.015' },
      { type: 'packaging', amount: '54.24' },
    ],
    defaultCommissionRate: '0.05',
  });

  it('rounds each deal half-even once and sums the deals into the gross', () => {
    expect(result.deals.map((d) => d.amount)).toEqual(['2127.12', '427.12']);
    expect(result.gross).toBe('2554.24');
  });

  it('adds the association commission on the gross and orders deductions by type', () => {
    expect(result.deductions).toEqual([
      { type: 'packaging', basis: 'amount', rate: null, amount: '54.24', source: 'request' },
      { type: 'commission', basis: 'rate', rate: '0.05', amount: '127.71', source: 'association' },
      { type: 'other', basis: 'rate', rate: '0.015', amount: '38.31', source: 'request' },
    ]);
    expect(result.totalDeductions).toBe('220.26');
    expect(result.net).toBe('2333.98');
  });

  it('splits to the cent with every column and row adding up', () => {
    expect(
      result.payouts.map((p) => [
        p.producerId,
        p.quantity,
        p.grossShare,
        ...p.deductionShares,
        p.amount,
      ]),
    ).toEqual([
      ['q1', '600', '1274.99', '27.07', '63.75', '19.12', '1165.05'],
      ['q2', '501', '1064.62', '22.61', '53.23', '15.97', '972.81'],
      ['q3', '101', '214.63', '4.56', '10.73', '3.22', '196.12'],
    ]);
    expect(result.payouts[1].grades).toEqual([
      { grade: null, factor: '1', quantityAccepted: '501' },
    ]);
  });
});

describe('computeSettlement: deduction rules', () => {
  const oneDeal = (deductions: SettlementInput['deductions'], defaultCommissionRate?: string) =>
    computeSettlement({
      currency: 'CLP',
      deals: [
        {
          dealId: 'd1',
          price: '100',
          lines: [
            { producerId: 'a', quantityAccepted: '7' },
            { producerId: 'b', quantityAccepted: '3' },
          ],
        },
      ],
      deductions,
      defaultCommissionRate,
    });

  it('rounds a rate-based deduction half-even to the peso', () => {
    // gross 1,000; 0.25 % = 2.5 → 2 (even); 0.35 % = 3.5 → 4 (even)
    expect(oneDeal([{ type: 'other', rate: '0.0025' }]).deductions[0].amount).toBe('2');
    expect(oneDeal([{ type: 'other', rate: '0.0035' }]).deductions[0].amount).toBe('4');
  });

  it('lets a commission in the request replace the association rate, even at zero', () => {
    const waived = oneDeal([{ type: 'commission', rate: '0' }], '0.05');
    expect(waived.deductions).toEqual([
      { type: 'commission', basis: 'rate', rate: '0', amount: '0', source: 'request' },
    ]);
    expect(waived.net).toBe('1000');
    const byDefault = oneDeal([], '0.05');
    expect(byDefault.deductions.map((d) => [d.source, d.amount])).toEqual([['association', '50']]);
    expect(oneDeal([], '0').deductions).toEqual([]);
  });

  it('allows deductions equal to the gross, leaving every producer zero', () => {
    const all = oneDeal([
      { type: 'freight', amount: '600' },
      { type: 'other', rate: '0.4' },
    ]);
    expect(all.net).toBe('0');
    expect(all.payouts.map((p) => [p.grossShare, p.amount])).toEqual([
      ['700', '0'],
      ['300', '0'],
    ]);
  });

  it('refuses deductions above the gross with the figures', () => {
    const error = thrownBy(() =>
      oneDeal(
        [
          { type: 'freight', amount: '600' },
          { type: 'other', rate: '0.4' },
        ],
        '0.001',
      ),
    );
    expect(error.code).toBe('DEDUCTIONS_EXCEED_GROSS');
    expect(error.details).toMatchObject({ gross: '1000', totalDeductions: '1001' });
  });

  it('keeps several deductions of one type in the order given', () => {
    const result = oneDeal([
      { type: 'other', amount: '5' },
      { type: 'freight', amount: '20' },
      { type: 'other', amount: '3' },
      { type: 'freight', amount: '10' },
    ]);
    expect(result.deductions.map((d) => `${d.type}:${d.amount}`)).toEqual([
      'freight:20',
      'freight:10',
      'other:5',
      'other:3',
    ]);
  });
});

describe('computeSettlement: weights and edge cases', () => {
  it('gives zero, not an error, when nothing at all was accepted', () => {
    const result = computeSettlement({
      currency: 'USD',
      deals: [{ dealId: 'd1', price: '1.5', lines: [{ producerId: 'a', quantityAccepted: '0' }] }],
      deductions: [{ type: 'commission', rate: '0.03' }],
    });
    expect([result.gross, result.net, result.payouts[0].amount]).toEqual(['0.00', '0.00', '0.00']);
  });

  it('adds a producer’s lines across deals and grades into one weight', () => {
    // a: 10 A (factor 1.1) + 4 C (no factor given → 1) = 15; b: 5 A = 5.5; W = 20.5
    // gross 19 × 10 = 190; a gets 190 × 15 / 20.5 = 139.02 → 139, b 50.98 → 51
    const result = computeSettlement({
      currency: 'CLP',
      deals: [
        {
          dealId: 'd1',
          price: '10',
          lines: [
            { producerId: 'a', quantityAccepted: '10', grade: 'A' },
            { producerId: 'b', quantityAccepted: '5', grade: 'A' },
          ],
        },
        {
          dealId: 'd2',
          price: '10',
          lines: [{ producerId: 'a', quantityAccepted: '4', grade: 'C' }],
        },
      ],
      gradeFactors: { A: '1.1' },
    });
    expect(result.payouts.map((p) => [p.producerId, p.quantity, p.weight, p.amount])).toEqual([
      ['a', '14', '15', '139'],
      ['b', '5', '5.5', '51'],
    ]);
    expect(result.payouts[0].grades).toEqual([
      { grade: 'A', factor: '1.1', quantityAccepted: '10' },
      { grade: 'C', factor: '1', quantityAccepted: '4' },
    ]);
  });
});

describe('computeSettlement: refusals', () => {
  const valid: SettlementInput = {
    currency: 'CLP',
    deals: [{ dealId: 'd1', price: '100', lines: [{ producerId: 'a', quantityAccepted: '1' }] }],
  };

  it.each([
    ['0', 'MUST_BE_POSITIVE'],
    ['-0.85', 'MUST_BE_POSITIVE'],
    ['0,85', 'NOT_DECIMAL'],
    ['0.1234567', 'TOO_MANY_DECIMALS'],
  ])('refuses grade factor %s with INVALID_GRADE_FACTOR', (factor, issue) => {
    const error = thrownBy(() =>
      computeSettlement({ ...valid, gradeFactors: { A: '1', B: factor } }),
    );
    expect(error.code).toBe('INVALID_GRADE_FACTOR');
    expect(error.details).toEqual({ grades: [{ grade: 'B', factor }] });
    expect(error.fieldIssues).toEqual([
      expect.objectContaining({ field: 'gradeFactors.B', code: issue }),
    ]);
  });

  it('refuses a settlement without deals', () => {
    expect(thrownBy(() => computeSettlement({ ...valid, deals: [] })).code).toBe(
      'NO_DEALS_TO_SETTLE',
    );
  });

  it.each<[string, Partial<SettlementInput>, string, string]>([
    ['an unknown currency', { currency: 'EUR' as 'CLP' }, 'currency', 'UNKNOWN_CURRENCY'],
    [
      'a deduction with both amount and rate',
      { deductions: [{ type: 'freight', amount: '10', rate: '0.1' }] },
      'deductions.0',
      'AMOUNT_XOR_RATE',
    ],
    [
      'a deduction with neither amount nor rate',
      { deductions: [{ type: 'freight' }] },
      'deductions.0',
      'AMOUNT_XOR_RATE',
    ],
    [
      'a negative deduction amount',
      { deductions: [{ type: 'freight', amount: '-10' }] },
      'deductions.0.amount',
      'MUST_NOT_BE_NEGATIVE',
    ],
    [
      'a deduction with centavos in CLP',
      { deductions: [{ type: 'packaging', amount: '10.5' }] },
      'deductions.0.amount',
      'TOO_MANY_DECIMALS',
    ],
    [
      'a negative rate',
      { deductions: [{ type: 'commission', rate: '-0.03' }] },
      'deductions.0.rate',
      'MUST_NOT_BE_NEGATIVE',
    ],
    [
      'a rate above one',
      { deductions: [{ type: 'commission', rate: '3' }] },
      'deductions.0.rate',
      'RATE_ABOVE_ONE',
    ],
    [
      'an unknown deduction type',
      { deductions: [{ type: 'tax' as 'other', amount: '1' }] },
      'deductions.0.type',
      'UNKNOWN_DEDUCTION_TYPE',
    ],
    [
      'a bad association rate',
      { defaultCommissionRate: '3%' },
      'defaultCommissionRate',
      'NOT_DECIMAL',
    ],
    [
      'a zero price',
      { deals: [{ dealId: 'd1', price: '0', lines: [] }] },
      'deals.0.price',
      'MUST_BE_POSITIVE',
    ],
    [
      'a negative accepted quantity',
      {
        deals: [{ dealId: 'd1', price: '1', lines: [{ producerId: 'a', quantityAccepted: '-1' }] }],
      },
      'deals.0.lines.0.quantityAccepted',
      'MUST_NOT_BE_NEGATIVE',
    ],
    [
      'a line without producer',
      {
        deals: [{ dealId: 'd1', price: '1', lines: [{ producerId: ' ', quantityAccepted: '1' }] }],
      },
      'deals.0.lines.0.producerId',
      'REQUIRED',
    ],
    [
      'a deal settled twice',
      {
        deals: [
          { dealId: 'd1', price: '1', lines: [] },
          { dealId: 'd1', price: '1', lines: [] },
        ],
      },
      'deals.1.dealId',
      'DUPLICATE',
    ],
  ])('refuses %s with VALIDATION_FAILED', (_label, change, field, code) => {
    const error = thrownBy(() => computeSettlement({ ...valid, ...change }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldIssues).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('fails loudly instead of rounding when figures outgrow exact arithmetic', () => {
    // Each figure fits numeric(20,6), but gross in cents (30 digits) × weight (20 digits)
    // needs 50 significant digits, more than Dec carries.
    const error = thrownBy(() =>
      computeSettlement({
        currency: 'USD',
        deals: [
          {
            dealId: 'd1',
            price: '98765432101234.123457',
            lines: [{ producerId: 'a', quantityAccepted: '12345678901234.567891' }],
          },
        ],
      }),
    );
    expect(error.code).toBe('FIGURE_TOO_LARGE');
  });
});

describe('allocateLargestRemainder', () => {
  const split = (total: string, weights: [string, string][], currency: 'CLP' | 'USD' = 'CLP') =>
    allocateLargestRemainder(
      total,
      weights.map(([key, weight]) => ({ key, weight })),
      currency,
    ).map((amount) => amount.toFixed());

  it('breaks equal remainders by larger weight, then by smaller key', () => {
    // 2 pesos over weights 1 and 3: exact 0.5 and 1.5, equal remainders → larger weight first
    expect(
      split('2', [
        ['a', '1'],
        ['b', '3'],
      ]),
    ).toEqual(['0', '2']);
    // 100 pesos over three equal weights: 33.33 each, the one peso left goes to key "a"
    expect(
      split('100', [
        ['c', '1'],
        ['a', '1'],
        ['b', '1'],
      ]),
    ).toEqual(['33', '34', '33']);
  });

  it('works in cents for USD and returns the parts in input order', () => {
    // 1.00 over 1 and 2: 33.33 and 66.67 cents → 33 and 67 (remainder .67 beats .33)
    expect(
      split(
        '1',
        [
          ['x', '2'],
          ['y', '1'],
        ],
        'USD',
      ),
    ).toEqual(['0.67', '0.33']);
  });

  it('gives nothing to zero weights and splits zero into zeros', () => {
    expect(
      split('5', [
        ['a', '0'],
        ['b', '2'],
        ['c', '0.5'],
      ]),
    ).toEqual(['0', '4', '1']);
    expect(
      split('0', [
        ['a', '0'],
        ['b', '0'],
      ]),
    ).toEqual(['0', '0']);
  });

  it('refuses to split a positive amount among zero weights', () => {
    const error = thrownBy(() =>
      split('10', [
        ['a', '0'],
        ['b', '0'],
      ]),
    );
    expect(error.code).toBe('NOTHING_TO_SPLIT');
    expect(thrownBy(() => split('10', [])).code).toBe('NOTHING_TO_SPLIT');
  });

  it('refuses a total that is negative or finer than the minor unit, and bad parts', () => {
    expect(thrownBy(() => split('-1', [['a', '1']])).fieldIssues[0].field).toBe('total');
    expect(thrownBy(() => split('0.5', [['a', '1']])).fieldIssues[0].field).toBe('total');
    expect(thrownBy(() => split('0.005', [['a', '1']], 'USD')).fieldIssues[0].field).toBe('total');
    expect(
      thrownBy(() =>
        split('1', [
          ['a', '-1'],
          ['b', '2'],
        ]),
      ).fieldIssues[0],
    ).toMatchObject({
      field: 'parts.0.weight',
    });
    expect(
      thrownBy(() =>
        split('1', [
          ['a', '1'],
          ['a', '2'],
        ]),
      ).fieldIssues[0],
    ).toMatchObject({
      field: 'parts.1.key',
      code: 'DUPLICATE',
    });
  });

  it('splits a large pool of 10,000 producers to the peso', () => {
    const weights: [string, string][] = Array.from({ length: 10_000 }, (_, i) => [
      `producer-${String(i).padStart(5, '0')}`,
      `${(i * 7919) % 1000}.${i % 1000}`,
    ]);
    const amounts = split('123456789', weights);
    expect(sum(amounts).toFixed()).toBe('123456789');
    expect(amounts.every((amount) => dec(amount).isInteger())).toBe(true);
  });
});
