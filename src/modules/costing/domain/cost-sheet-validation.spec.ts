import { DomainError, type FieldIssue } from '../../../shared/errors/domain-error';
import { validateCostSheet } from './cost-sheet-validation';

const validSheet = () => ({
  currency: 'CLP',
  areaHa: '0.4',
  yields: { low: '6000', expected: '8000', high: '10000' },
  lines: [
    {
      category: 'hired_labor',
      description: ' Siembra ',
      quantity: '2',
      unit: 'JH',
      unitPrice: '25000',
      period: 'Septiembre',
    },
    {
      category: 'inputs',
      description: 'Leche',
      quantity: '700',
      unit: 'l',
      sourceSheetId: 'milk-sheet',
    },
    {
      category: 'depreciation',
      description: 'Bodega',
      assetValue: '1200000',
      salvageValue: '200000',
      lifeYears: '10',
      share: '0.25',
    },
    { category: 'interest', description: 'Interés', annualRate: '0.12', months: '6' },
    { category: 'other', description: 'Imprevistos', rate: '0.05' },
    {
      category: 'overhead',
      description: 'Administración',
      rate: '0.02',
      baseCategories: ['inputs', 'packaging', 'inputs'],
    },
  ],
});

function issuesOf(raw: unknown): FieldIssue[] {
  try {
    validateCostSheet(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return [...(error as DomainError).fieldIssues];
  }
  throw new Error('expected the sheet to be refused');
}

/** The (field, code) pairs, which is what a client keys its messages on. */
function pairs(raw: unknown): string[] {
  return issuesOf(raw).map((issue) => `${issue.field} ${issue.code}`);
}

function withLine(line: Record<string, unknown>) {
  return { ...validSheet(), lines: [line] };
}

describe('validateCostSheet', () => {
  it('types every line kind and trims text', () => {
    const sheet = validateCostSheet(validSheet());
    expect(sheet.lines.map((line) => line.kind)).toEqual([
      'priced',
      'sourced',
      'depreciation',
      'interest',
      'percentage',
      'percentage',
    ]);
    expect(sheet.lines[0]).toEqual({
      kind: 'priced',
      category: 'hired_labor',
      description: 'Siembra',
      quantity: '2',
      unit: 'JH',
      unitPrice: '25000',
      period: 'Septiembre',
    });
    expect(sheet.lines[5]).toMatchObject({ baseCategories: ['inputs', 'packaging'] });
  });

  it('accepts its own output again (a stored sheet read back)', () => {
    const sheet = validateCostSheet(validSheet());
    expect(validateCostSheet(JSON.parse(JSON.stringify(sheet)))).toEqual(sheet);
  });

  it('treats null as absent, as JSON clients send it', () => {
    const sheet = validateCostSheet(
      withLine({
        category: 'inputs',
        description: 'Guano',
        quantity: '1',
        unit: 'saco',
        unitPrice: '3500',
        sourceSheetId: null,
        rate: null,
      }),
    );
    expect(sheet.lines[0].kind).toBe('priced');
  });

  it('refuses a body that is not an object', () => {
    expect(pairs('sheet')).toEqual(['body NOT_AN_OBJECT']);
    expect(pairs([])).toEqual(['body NOT_AN_OBJECT']);
  });

  it('checks the sheet fields', () => {
    expect(pairs({})).toEqual([
      'currency REQUIRED',
      'areaHa REQUIRED',
      'yields REQUIRED',
      'lines REQUIRED',
    ]);
    expect(
      pairs({
        currency: 'EUR',
        areaHa: '-1',
        yields: { low: '0', expected: '-5', high: 'x' },
        lines: {},
      }),
    ).toEqual([
      'currency UNKNOWN_CURRENCY',
      'areaHa MUST_NOT_BE_NEGATIVE',
      'yields.low MUST_BE_POSITIVE',
      'yields.expected MUST_BE_POSITIVE',
      'yields.high NOT_DECIMAL',
      'lines NOT_AN_ARRAY',
    ]);
  });

  it('refuses yields out of order', () => {
    expect(
      pairs({ ...validSheet(), yields: { low: '9000', expected: '8000', high: '7000' } }),
    ).toEqual(['yields.low YIELDS_OUT_OF_ORDER', 'yields.high YIELDS_OUT_OF_ORDER']);
  });

  it('refuses figures that are not decimal strings, including JSON numbers', () => {
    expect(
      pairs(
        withLine({
          category: 'inputs',
          description: 'Guano',
          quantity: 40,
          unit: 'saco',
          unitPrice: '3.500,5',
        }),
      ),
    ).toEqual(['lines.0.quantity NOT_DECIMAL', 'lines.0.unitPrice NOT_DECIMAL']);
  });

  it('refuses figures finer or larger than the database holds', () => {
    expect(
      pairs(
        withLine({
          category: 'inputs',
          description: 'x',
          quantity: '0.1234567',
          unit: 'kg',
          unitPrice: '123456789012345',
        }),
      ),
    ).toEqual(['lines.0.quantity TOO_MANY_DECIMALS', 'lines.0.unitPrice TOO_LARGE']);
  });

  it('refuses negative quantities and prices', () => {
    expect(
      pairs(
        withLine({
          category: 'inputs',
          description: 'x',
          quantity: '-1',
          unit: 'kg',
          unitPrice: '-0.5',
        }),
      ),
    ).toEqual(['lines.0.quantity MUST_NOT_BE_NEGATIVE', 'lines.0.unitPrice MUST_NOT_BE_NEGATIVE']);
  });

  it('refuses unknown and missing categories', () => {
    expect(
      pairs(
        withLine({
          category: 'seeds',
          description: 'x',
          quantity: '1',
          unit: 'kg',
          unitPrice: '1',
        }),
      ),
    ).toEqual(['lines.0.category UNKNOWN_CATEGORY']);
    expect(
      pairs(withLine({ description: 'x', quantity: '1', unit: 'kg', unitPrice: '1' })),
    ).toEqual(['lines.0.category REQUIRED']);
  });

  it('refuses a priced line with both unitPrice and sourceSheetId, or neither', () => {
    expect(
      pairs(
        withLine({
          category: 'inputs',
          description: 'x',
          quantity: '1',
          unit: 'l',
          unitPrice: '1',
          sourceSheetId: 'milk',
        }),
      ),
    ).toEqual(['lines.0.sourceSheetId AMBIGUOUS_PRICE_SOURCE']);
    expect(
      pairs(withLine({ category: 'inputs', description: 'x', quantity: '1', unit: 'l' })),
    ).toEqual(['lines.0.unitPrice REQUIRED']);
  });

  it('requires description, quantity and unit of a priced line', () => {
    expect(pairs(withLine({ category: 'inputs', description: '  ', unitPrice: '1' }))).toEqual([
      'lines.0.description EMPTY',
      'lines.0.quantity REQUIRED',
      'lines.0.unit REQUIRED',
    ]);
    expect(
      pairs(
        withLine({
          category: 'inputs',
          description: 'x'.repeat(201),
          quantity: '1',
          unit: 7,
          unitPrice: '1',
        }),
      ),
    ).toEqual(['lines.0.description TOO_LONG', 'lines.0.unit NOT_STRING']);
  });

  it('refuses depreciation without a life, with a life of zero or less, or with salvage above value', () => {
    expect(
      pairs(
        withLine({
          category: 'depreciation',
          description: 'Bodega',
          assetValue: '100',
          salvageValue: '0',
          share: '1',
        }),
      ),
    ).toEqual(['lines.0.lifeYears REQUIRED']);
    expect(
      pairs(
        withLine({
          category: 'depreciation',
          description: 'Bodega',
          assetValue: '100',
          salvageValue: '0',
          lifeYears: '0',
          share: '1',
        }),
      ),
    ).toEqual(['lines.0.lifeYears MUST_BE_POSITIVE']);
    expect(
      pairs(
        withLine({
          category: 'depreciation',
          description: 'Bodega',
          assetValue: '100',
          salvageValue: '0',
          lifeYears: '-3',
          share: '1',
        }),
      ),
    ).toEqual(['lines.0.lifeYears MUST_BE_POSITIVE']);
    expect(
      pairs(
        withLine({
          category: 'depreciation',
          description: 'Bodega',
          assetValue: '100',
          salvageValue: '150',
          lifeYears: '5',
          share: '1',
        }),
      ),
    ).toEqual(['lines.0.salvageValue SALVAGE_ABOVE_ASSET_VALUE']);
  });

  it('refuses a share outside (0, 1]', () => {
    for (const share of ['0', '-0.5', '1.01']) {
      expect(
        pairs(
          withLine({
            category: 'depreciation',
            description: 'B',
            assetValue: '100',
            salvageValue: '0',
            lifeYears: '5',
            share,
          }),
        ),
      ).toEqual(['lines.0.share OUT_OF_RANGE']);
    }
    expect(
      validateCostSheet(
        withLine({
          category: 'depreciation',
          description: 'B',
          assetValue: '100',
          salvageValue: '0',
          lifeYears: '5',
          share: '1',
        }),
      ).lines[0],
    ).toMatchObject({ share: '1' });
  });

  it('refuses interest with a negative rate or months, or a rate given as a percentage', () => {
    expect(
      pairs(withLine({ category: 'interest', description: 'I', annualRate: '-0.1', months: '-2' })),
    ).toEqual(['lines.0.annualRate MUST_NOT_BE_NEGATIVE', 'lines.0.months MUST_NOT_BE_NEGATIVE']);
    expect(
      pairs(withLine({ category: 'interest', description: 'I', annualRate: '12', months: '6' })),
    ).toEqual(['lines.0.annualRate OUT_OF_RANGE']);
    expect(pairs(withLine({ category: 'interest', description: 'I' }))).toEqual([
      'lines.0.annualRate REQUIRED',
      'lines.0.months REQUIRED',
    ]);
  });

  it('refuses bad percentage lines and derived or unknown base categories', () => {
    expect(pairs(withLine({ category: 'other', description: 'p', rate: '-0.05' }))).toEqual([
      'lines.0.rate MUST_NOT_BE_NEGATIVE',
    ]);
    expect(
      pairs(
        withLine({
          category: 'other',
          description: 'p',
          rate: '0.05',
          baseCategories: ['interest', 'seeds', 'inputs'],
        }),
      ),
    ).toEqual([
      'lines.0.baseCategories.0 DERIVED_BASE_CATEGORY',
      'lines.0.baseCategories.1 UNKNOWN_CATEGORY',
    ]);
    expect(
      pairs(withLine({ category: 'other', description: 'p', rate: '0.05', baseCategories: [] })),
    ).toEqual(['lines.0.baseCategories EMPTY']);
    expect(
      pairs(
        withLine({ category: 'other', description: 'p', rate: '0.05', baseCategories: 'inputs' }),
      ),
    ).toEqual(['lines.0.baseCategories NOT_AN_ARRAY']);
  });

  it('refuses fields of another kind of line', () => {
    expect(
      pairs(
        withLine({
          category: 'depreciation',
          description: 'B',
          assetValue: '100',
          salvageValue: '0',
          lifeYears: '5',
          share: '1',
          unitPrice: '3',
        }),
      ),
    ).toEqual(['lines.0.unitPrice NOT_ALLOWED']);
    expect(
      pairs(withLine({ category: 'other', description: 'p', rate: '0.05', quantity: '1' })),
    ).toEqual(['lines.0.quantity NOT_ALLOWED']);
    expect(
      pairs(
        withLine({
          category: 'interest',
          description: 'I',
          annualRate: '0.1',
          months: '1',
          rate: '0.1',
        }),
      ),
    ).toEqual(['lines.0.rate NOT_ALLOWED']);
  });

  it('refuses a stored kind that contradicts the fields', () => {
    expect(
      pairs(
        withLine({
          kind: 'depreciation',
          category: 'inputs',
          description: 'x',
          quantity: '1',
          unit: 'kg',
          unitPrice: '1',
        }),
      ),
    ).toEqual(['lines.0.kind KIND_MISMATCH']);
    expect(
      pairs(
        withLine({
          kind: 'rebate',
          category: 'inputs',
          description: 'x',
          quantity: '1',
          unit: 'kg',
          unitPrice: '1',
        }),
      ),
    ).toEqual(['lines.0.kind KIND_MISMATCH']);
  });

  it('reads priced and sourced as one shape, priced by whichever field is given', () => {
    const line = { category: 'inputs', description: 'Leche', quantity: '7000', unit: 'l' };
    expect(
      validateCostSheet(withLine({ ...line, kind: 'priced', unitPrice: null, sourceSheetId: 'm' }))
        .lines[0],
    ).toMatchObject({ kind: 'sourced', sourceSheetId: 'm' });
    expect(
      validateCostSheet(withLine({ ...line, kind: 'sourced', unitPrice: '500' })).lines[0],
    ).toMatchObject({ kind: 'priced', unitPrice: '500' });
  });

  it('names a misspelt or unknown field instead of ignoring it', () => {
    // Ignored, `baseCategory` would make the line a percentage of every priced line.
    expect(
      pairs(
        withLine({ category: 'overhead', description: 'p', rate: '0.02', baseCategory: 'inputs' }),
      ),
    ).toEqual(['lines.0.baseCategory UNKNOWN_FIELD']);
    expect(
      pairs({ ...validSheet(), yields: { low: '1', expected: '2', high: '3', medium: '2' } }),
    ).toEqual(['yields.medium UNKNOWN_FIELD']);
  });

  it('checks a line that states its kind as that kind, so unfilled figures are named', () => {
    // A sheet started from a template is read back with its figures as nulls.
    expect(
      pairs({
        ...validSheet(),
        lines: [
          { kind: 'percentage', category: 'other', description: 'Imprevistos', rate: null },
          {
            kind: 'priced',
            category: 'hired_labor',
            description: 'Siembra',
            quantity: null,
            unit: 'JH',
            unitPrice: null,
          },
          {
            kind: 'depreciation',
            category: 'depreciation',
            description: 'Herramientas',
            assetValue: null,
            salvageValue: null,
            lifeYears: null,
            share: null,
          },
        ],
      }),
    ).toEqual([
      'lines.0.rate REQUIRED',
      'lines.1.quantity REQUIRED',
      'lines.1.unitPrice REQUIRED',
      'lines.2.assetValue REQUIRED',
      'lines.2.salvageValue REQUIRED',
      'lines.2.lifeYears REQUIRED',
      'lines.2.share REQUIRED',
    ]);
  });

  it('never lets a stated kind move a line out of its category', () => {
    expect(
      pairs(
        withLine({
          kind: 'depreciation',
          category: 'inputs',
          description: 'x',
          assetValue: '100',
          salvageValue: '0',
          lifeYears: '5',
          share: '1',
        }),
      ),
    ).toEqual([
      'lines.0.assetValue NOT_ALLOWED',
      'lines.0.salvageValue NOT_ALLOWED',
      'lines.0.lifeYears NOT_ALLOWED',
      'lines.0.share NOT_ALLOWED',
      'lines.0.quantity REQUIRED',
      'lines.0.unit REQUIRED',
      'lines.0.unitPrice REQUIRED',
    ]);
  });

  it('refuses lines that are not objects and more than 500 lines', () => {
    expect(pairs({ ...validSheet(), lines: ['x', null] })).toEqual([
      'lines.0 NOT_AN_OBJECT',
      'lines.1 NOT_AN_OBJECT',
    ]);
    const line = validSheet().lines[0];
    expect(pairs({ ...validSheet(), lines: Array.from({ length: 501 }, () => line) })).toEqual([
      'lines TOO_MANY',
    ]);
    expect(
      validateCostSheet({ ...validSheet(), lines: Array.from({ length: 500 }, () => line) }).lines,
    ).toHaveLength(500);
  });

  it('collects every issue of every line in one refusal', () => {
    const issues = pairs({
      currency: 'CLP',
      areaHa: '1',
      yields: { low: '0', expected: '1', high: '1' },
      lines: [
        { category: 'inputs', description: 'ok', quantity: '1', unit: 'kg', unitPrice: '1' },
        { category: 'inputs', description: 'a', quantity: '-1', unit: 'kg', unitPrice: 'x' },
        { category: 'machines', description: 'b', quantity: '1', unit: 'h', unitPrice: '1' },
        {
          category: 'depreciation',
          description: 'c',
          assetValue: '10',
          salvageValue: '20',
          share: '2',
        },
        { category: 'interest', description: 'd', annualRate: '-1', months: '3' },
        {
          category: 'inputs',
          description: 'e',
          quantity: '1',
          unit: 'l',
          unitPrice: '1',
          sourceSheetId: 's',
        },
      ],
    });
    expect(issues).toEqual([
      'yields.low MUST_BE_POSITIVE',
      'lines.1.quantity MUST_NOT_BE_NEGATIVE',
      'lines.1.unitPrice NOT_DECIMAL',
      'lines.2.category UNKNOWN_CATEGORY',
      'lines.3.lifeYears REQUIRED',
      'lines.3.share OUT_OF_RANGE',
      'lines.3.salvageValue SALVAGE_ABOVE_ASSET_VALUE',
      'lines.4.annualRate MUST_NOT_BE_NEGATIVE',
      'lines.5.sourceSheetId AMBIGUOUS_PRICE_SOURCE',
    ]);
    // The message of the error names each field too, for logs.
    expect(() =>
      validateCostSheet({
        currency: 'CLP',
        areaHa: 'x',
        yields: { low: '1', expected: '1', high: '1' },
        lines: [],
      }),
    ).toThrow(/areaHa: must be a decimal string/);
  });
});
