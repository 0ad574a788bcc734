import { DomainError } from '../../../shared/errors/domain-error';
import { dec } from '../../../shared/money';
import { type SheetCost, lotCostBasis } from './lot-cost-basis';

const carrot = 'product-carrot';
const sheets = new Map<string, SheetCost>([
  // 1,370,000 / 8,000 kg = 171.25 per kg
  ['rosa', { currency: 'CLP', productId: carrot, costPerUnit: dec('171.25') }],
  // 1,000,000 / 3 kg: a per-unit cost with no finite decimal expansion
  ['juan', { currency: 'CLP', productId: carrot, costPerUnit: dec('1000000').dividedBy(3) }],
  ['dollars', { currency: 'USD', productId: carrot, costPerUnit: dec('0.2') }],
  ['cheese', { currency: 'CLP', productId: 'product-cheese', costPerUnit: dec('9000') }],
  ['draft', { currency: 'CLP', productId: carrot, costPerUnit: null }],
]);

describe('lotCostBasis', () => {
  it('weights each cost by its quantity and says why a contribution brings none', () => {
    const basis = lotCostBasis(
      [
        { producerId: 'p1', quantity: '3000', costSheetId: 'rosa' },
        { producerId: 'p2', quantity: '1000', costSheetId: null },
        { producerId: 'p3', quantity: '10', costSheetId: 'missing' },
        { producerId: 'p4', quantity: '10', costSheetId: 'dollars' },
        { producerId: 'p5', quantity: '10', costSheetId: 'cheese' },
        { producerId: 'p6', quantity: '10', costSheetId: 'draft' },
        { producerId: 'p7', quantity: '1000', costSheetId: 'rosa' },
      ],
      sheets,
      { currency: 'CLP', productId: carrot },
    );
    // Only p1 and p7 bring a cost, both 171.25: the weighted cost is 171.25, the floor 172.
    expect(basis).toMatchObject({
      currency: 'CLP',
      weightedCostPerUnit: '171.25',
      floorPrice: '172',
      quantityWithCost: '4000',
      quantityWithoutCost: '1040',
    });
    expect(basis.contributions.map((c) => [c.producerId, c.status, c.costPerUnit])).toEqual([
      ['p1', 'costed', '171.25'],
      ['p2', 'no_cost_sheet', null],
      ['p3', 'cost_sheet_not_found', null],
      ['p4', 'currency_mismatch', null],
      ['p5', 'product_mismatch', null],
      ['p6', 'cost_sheet_incomplete', null],
      ['p7', 'costed', '171.25'],
    ]);
    expect(basis.producersAboveCost).toBeUndefined();
  });

  it('rounds the floor up from the exact weighted cost, not from a rounded one', () => {
    // (3 × 171.25 + 3 × 333,333.33…) / 6 = 166,752.291666…: shown 166752.29, floor 166753.
    const basis = lotCostBasis(
      [
        { producerId: 'p1', quantity: '3', costSheetId: 'rosa' },
        { producerId: 'p2', quantity: '3', costSheetId: 'juan' },
      ],
      sheets,
      { currency: 'CLP' },
    );
    expect(basis.weightedCostPerUnit).toBe('166752.29');
    expect(basis.floorPrice).toBe('166753');
    expect(basis.contributions[1].costPerUnit).toBe('333333.33');
  });

  it('lists the producers a price leaves below their own cost', () => {
    const basis = lotCostBasis(
      [
        { producerId: 'p1', quantity: '3000', costSheetId: 'rosa' },
        { producerId: 'p2', quantity: '3', costSheetId: 'juan' },
      ],
      sheets,
      { currency: 'CLP', price: '200' },
    );
    expect(basis.price).toBe('200');
    expect(basis.producersAboveCost).toEqual([
      {
        producerId: 'p2',
        costPerUnit: '333333.33',
        quantity: '3',
        shortfallPerUnit: '333133.33',
      },
    ]);
  });

  it('has no floor when no contribution brings a cost', () => {
    expect(
      lotCostBasis([{ producerId: 'p1', quantity: '5', costSheetId: null }], sheets, {
        currency: 'CLP',
      }),
    ).toMatchObject({ weightedCostPerUnit: null, floorPrice: null, quantityWithoutCost: '5' });
  });

  it('refuses a price that is not a non-negative decimal, naming it', () => {
    const refusal = (price: string) => {
      try {
        lotCostBasis([], sheets, { currency: 'CLP', price });
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal('-1')).toMatchObject({
      code: 'VALIDATION_FAILED',
      fieldIssues: [expect.objectContaining({ field: 'price', code: 'MUST_NOT_BE_NEGATIVE' })],
    });
    expect(refusal('mucho').fieldIssues).toEqual([
      expect.objectContaining({ field: 'price', code: 'NOT_DECIMAL' }),
    ]);
  });
});
