import { PRICED_CATEGORIES } from './cost-sheet';
import {
  type TemplateLine,
  costSheetTemplateFor,
  costSheetTemplateProductCodes,
} from './cost-sheet-templates';

describe('cost sheet templates', () => {
  it('cover carrot, broad beans, quinoa, goat milk and goat cheese', () => {
    expect(costSheetTemplateProductCodes()).toEqual(
      expect.arrayContaining(['zanahoria', 'habas', 'quinua', 'leche-cabra', 'queso-cabra']),
    );
    expect(costSheetTemplateFor('flores')).toBeUndefined();
  });

  it.each(costSheetTemplateProductCodes())('%s carries no invented figure', (code) => {
    const template = costSheetTemplateFor(code);
    expect(template?.lines.length).toBeGreaterThan(0);
    for (const line of template?.lines ?? []) {
      const keys = Object.keys(line).sort();
      const allowed = ['category', 'description', 'kind', 'sourceProductCode', 'unit'];
      expect(keys.filter((key) => !allowed.includes(key))).toEqual([]);
      // No digits anywhere: a quantity or price hidden in a description counts too.
      expect(JSON.stringify(line)).not.toMatch(/\d/);
    }
  });

  it.each(costSheetTemplateProductCodes())('%s has valid categories, units and kinds', (code) => {
    const fits = (line: TemplateLine): boolean => {
      if (line.description.trim() === '') return false;
      switch (line.kind) {
        case 'priced':
          return PRICED_CATEGORIES.includes(line.category) && line.unit.trim() !== '';
        case 'percentage':
          return (PRICED_CATEGORIES as readonly string[]).includes(line.category);
        case 'depreciation':
        case 'interest':
          return line.category === line.kind;
      }
    };
    expect(costSheetTemplateFor(code)?.lines.filter((line) => !fits(line))).toEqual([]);
  });

  it('counts labour in JH and animal traction in yunta', () => {
    const carrot = costSheetTemplateFor('zanahoria')?.lines ?? [];
    const unitsOf = (category: string) =>
      new Set(
        carrot
          .filter((line) => line.category === category)
          .map((line) => ('unit' in line ? line.unit : '')),
      );
    expect(unitsOf('hired_labor')).toEqual(new Set(['JH']));
    expect(unitsOf('family_labor')).toEqual(new Set(['JH']));
    expect(unitsOf('machinery')).toEqual(new Set(['yunta']));
  });

  it('points the cheese milk line at the goat milk sheet, in litres', () => {
    const cheese = costSheetTemplateFor('queso-cabra');
    expect(cheese?.yieldUnit).toBe('kg');
    expect(costSheetTemplateFor('leche-cabra')?.yieldUnit).toBe('l');
    expect(cheese?.lines).toContainEqual(
      expect.objectContaining({
        description: 'Leche de cabra',
        unit: 'l',
        sourceProductCode: 'leche-cabra',
      }),
    );
  });
});
