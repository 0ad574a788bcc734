import { errorCodeSpec } from '../../../shared/errors/domain-error';
import { CostingErrors } from './costing.errors';

describe('CostingErrors', () => {
  it('registers every code with its status and a title in Spanish and English', () => {
    expect(
      Object.fromEntries(
        Object.keys(CostingErrors).map((code) => [code, errorCodeSpec(code)?.status]),
      ),
    ).toEqual({
      SENSITIVITY_GRID_TOO_LARGE: 400,
      COST_SHEET_CYCLE: 400,
      CURRENCY_MISMATCH: 400,
      COST_SHEET_SOURCE_NOT_FOUND: 400,
      COST_SHEET_INCOMPLETE: 409,
      COST_SHEET_SOURCE_UNRESOLVED: 422,
    });
    for (const code of Object.keys(CostingErrors)) {
      expect(errorCodeSpec(code)?.title.es).toMatch(/\S/);
      expect(errorCodeSpec(code)?.title.en).toMatch(/\S/);
    }
  });
});
