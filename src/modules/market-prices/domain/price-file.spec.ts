import { toDecimalString } from '../../../shared/money';
import {
  type PriceFileHeader,
  productOf,
  readDecimalText,
  readHeader,
  readPriceRow,
} from './price-file';

const ODEPA_HEADER = [
  '\uFEFFFecha',
  'ID region',
  'Region',
  'Mercado',
  'Subsector',
  'Producto',
  'Variedad / Tipo',
  'Calidad',
  'Unidad de comercializacion',
  'Origen',
  'Volumen',
  'Precio minimo',
  'Precio maximo',
  'Precio promedio',
];
const ODEPA_ROW = [
  '2026-10-05',
  '13',
  'Region Metropolitana de Santiago',
  'Mercado Mayorista Lo Valledor de Santiago',
  'Hortalizas',
  'Zanahoria',
  'Sin especificar',
  'Primera',
  '$/saco 20 kilos',
  'Region de Coquimbo',
  '850',
  '4500,0000',
  '5000,0000',
  '4761,1765',
];
const TODAY = '2026-11-25';

function header(record: string[]): PriceFileHeader {
  const read = readHeader(record);
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  return read.header;
}

function headerIssues(record: string[]) {
  const read = readHeader(record);
  if (read.ok) throw new Error('expected the header to be refused');
  return read.issues;
}

function observationOf(record: string[], fileHeader: PriceFileHeader) {
  const row = readPriceRow(record, fileHeader, TODAY);
  if (!row.ok) throw new Error(JSON.stringify(row.issues));
  return row.observation;
}

function rowIssues(record: string[], fileHeader: PriceFileHeader) {
  const row = readPriceRow(record, fileHeader, TODAY);
  if (row.ok) throw new Error('expected the row to be refused');
  return row.issues;
}

function withCell(heading: string, value: string): string[] {
  const row = [...ODEPA_ROW];
  row[ODEPA_HEADER.findIndex((h) => h.includes(heading))] = value;
  return row;
}

describe('readHeader', () => {
  it("recognises ODEPA's header with a byte-order mark", () => {
    expect(header(ODEPA_HEADER).layout).toBe('odepa');
  });

  it('recognises the same headings with accents and in other case and spacing', () => {
    const accented = [
      'Fecha',
      'ID región',
      'Región',
      'Mercado',
      'Subsector',
      'Producto',
      'Variedad/Tipo',
      'Calidad',
      'Unidad de comercialización',
      'Origen',
      'Volumen',
      'Precio mínimo',
      'PRECIO  MÁXIMO',
      'Precio promedio',
    ];
    const observation = observationOf(ODEPA_ROW, header(accented));
    expect(toDecimalString(observation.priceMax!)).toBe('5000');
  });

  it('recognises our own layout and refuses an unknown column in it', () => {
    expect(header(['date', 'market', 'product_code', 'unit', 'currency', 'price_avg']).layout).toBe(
      'ayllu',
    );
    expect(
      headerIssues(['date', 'market', 'product_code', 'unit', 'currency', 'price_mni']),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'UNKNOWN_COLUMN',
          message: expect.stringContaining('price_mni'),
        }),
        expect.objectContaining({
          code: 'MISSING_COLUMN',
          message: expect.stringContaining('price_avg'),
        }),
      ]),
    );
  });

  it('names each missing ODEPA column, and refuses a header of neither layout', () => {
    expect(
      headerIssues(['Fecha', 'Mercado', 'Producto', 'Volumen']).map((issue) => issue.message),
    ).toEqual(['missing column "Unidad de comercializacion"', 'missing column "Precio promedio"']);
    expect(headerIssues(['a', 'b'])[0].code).toBe('UNKNOWN_LAYOUT');
  });
});

describe('readPriceRow (ODEPA layout)', () => {
  const odepa = header(ODEPA_HEADER);

  it('reads decimal commas, the published unit and VAT-included pesos', () => {
    expect(productOf(ODEPA_ROW, odepa)).toBe('Zanahoria');
    const o = observationOf(ODEPA_ROW, odepa);
    expect({
      date: o.date,
      market: o.market,
      unit: o.unitLabel,
      quantity: toDecimalString(o.unit.quantity),
      baseUnit: o.unit.baseUnit,
      currency: o.currency,
      min: toDecimalString(o.priceMin!),
      max: toDecimalString(o.priceMax!),
      avg: toDecimalString(o.priceAvg),
      volume: toDecimalString(o.volume!),
      variety: o.variety,
      quality: o.quality,
      origin: o.origin,
      region: o.region,
      vatIncluded: o.vatIncluded,
    }).toEqual({
      date: '2026-10-05',
      market: 'Mercado Mayorista Lo Valledor de Santiago',
      unit: '$/saco 20 kilos',
      quantity: '20',
      baseUnit: 'kg',
      currency: 'CLP',
      min: '4500',
      max: '5000',
      avg: '4761.1765',
      volume: '850',
      variety: 'Sin especificar',
      quality: 'Primera',
      origin: 'Region de Coquimbo',
      region: 'Region Metropolitana de Santiago',
      vatIncluded: true,
    });
  });

  it.each([
    ['Precio promedio', '', 'REQUIRED'],
    ['Precio promedio', '0', 'MUST_BE_POSITIVE'],
    ['Precio minimo', '-1', 'MUST_BE_POSITIVE'],
    ['Precio promedio', '1.800,00', 'NOT_DECIMAL'],
    ['Precio promedio', '4761,1234567', 'TOO_MANY_DECIMALS'],
    ['Precio minimo', '4800,0000', 'PRICE_ORDER'],
    ['Fecha', '2026-02-30', 'NOT_DATE'],
    ['Fecha', '2026-11-26', 'DATE_IN_FUTURE'],
    ['Unidad de comercializacion', '$/atado', 'UNIT_NOT_PARSED'],
    ['Unidad de comercializacion', '$/bolsa 0,0005 gramos', 'OUT_OF_RANGE'],
    ['Mercado', 'Ayllu', 'MARKET_RESERVED'],
    ['Mercado', 'Vega Central Mapocho de Santiago\uFFFD', 'INVALID_ENCODING'],
  ])('column %s = %j → %s, naming the column', (heading, value, code) => {
    expect(rowIssues(withCell(heading, value), odepa)).toContainEqual(
      expect.objectContaining({ field: heading, code }),
    );
  });

  it('reads a day-first date', () => {
    expect(observationOf(withCell('Fecha', '05/10/2026'), odepa).date).toBe('2026-10-05');
  });

  it('refuses a row with another number of columns than the header', () => {
    expect(rowIssues(ODEPA_ROW.slice(0, 10), odepa)).toEqual([
      expect.objectContaining({ field: null, code: 'COLUMN_COUNT' }),
    ]);
  });
});

describe('readPriceRow (our layout)', () => {
  const ours = header([
    'date',
    'market',
    'product_code',
    'unit',
    'currency',
    'price_min',
    'price_max',
    'price_avg',
    'vat_included',
  ]);

  it('reads currency, VAT flag and optional prices', () => {
    const observation = observationOf(
      ['2026-10-05', 'Feria de Calama', 'zanahoria', 'kg', 'clp', '', '', '260.5', 'no'],
      ours,
    );
    expect(observation).toMatchObject({
      currency: 'CLP',
      priceMin: null,
      vatIncluded: false,
      region: null,
    });
  });

  it('names an unknown currency and an unreadable VAT flag', () => {
    const issues = rowIssues(
      ['2026-10-05', 'Feria de Calama', 'zanahoria', 'kg', 'EUR', '', '', '260', 'quizás'],
      ours,
    );
    expect(issues.map((issue) => [issue.field, issue.code])).toEqual([
      ['currency', 'NOT_ALLOWED_VALUE'],
      ['vat_included', 'NOT_BOOLEAN'],
    ]);
  });
});

describe('readDecimalText', () => {
  it.each([
    ['1800,0000', '1800'],
    ['1800.50', '1800.5'],
    ['-5', '-5'],
  ])('%s → %s', (text, value) => {
    expect(toDecimalString(readDecimalText(text)!)).toBe(value);
  });

  it.each(['1.800,00', '1,800.00', '1e3', '', ' 5', '5,', ',5'])('refuses %j', (text) => {
    expect(readDecimalText(text)).toBeNull();
  });
});
