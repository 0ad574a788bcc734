import {
  CASH_CATEGORIES,
  COST_CATEGORIES,
  COST_CATEGORY_LABELS,
  ECONOMIC_ONLY_CATEGORIES,
  PRICED_CATEGORIES,
} from './cost-sheet';

describe('cost categories', () => {
  it('are the thirteen of the API contract', () => {
    expect([...COST_CATEGORIES].sort()).toEqual(
      [
        'inputs',
        'hired_labor',
        'family_labor',
        'machinery',
        'water',
        'packaging',
        'transport',
        'services',
        'overhead',
        'depreciation',
        'interest',
        'land',
        'other',
      ].sort(),
    );
  });

  it('split into cash and economic-only as API.md says, with none left out', () => {
    expect([...CASH_CATEGORIES].sort()).toEqual(
      [
        'inputs',
        'hired_labor',
        'machinery',
        'water',
        'packaging',
        'transport',
        'services',
        'overhead',
        'other',
      ].sort(),
    );
    expect([...ECONOMIC_ONLY_CATEGORIES].sort()).toEqual(
      ['family_labor', 'land', 'depreciation', 'interest'].sort(),
    );
    for (const category of COST_CATEGORIES) {
      expect(CASH_CATEGORIES.has(category) !== ECONOMIC_ONLY_CATEGORIES.has(category)).toBe(true);
    }
  });

  it('leave depreciation and interest out of the priced categories', () => {
    expect(PRICED_CATEGORIES).toHaveLength(11);
    expect(PRICED_CATEGORIES).not.toContain('depreciation');
    expect(PRICED_CATEGORIES).not.toContain('interest');
  });

  it('have a distinct Spanish and English label each', () => {
    expect(Object.keys(COST_CATEGORY_LABELS).sort()).toEqual([...COST_CATEGORIES].sort());
    const es = Object.values(COST_CATEGORY_LABELS).map((label) => label.es);
    const en = Object.values(COST_CATEGORY_LABELS).map((label) => label.en);
    expect(new Set(es).size).toBe(COST_CATEGORIES.length);
    expect(new Set(en).size).toBe(COST_CATEGORIES.length);
    expect(COST_CATEGORY_LABELS.family_labor).toEqual({
      es: 'Mano de obra familiar',
      en: 'Family labour',
    });
  });
});
