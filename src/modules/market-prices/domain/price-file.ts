import { type FieldIssue } from '../../../shared/errors/domain-error';
import { CURRENCIES, type Currency, type Dec, dec, isCurrency } from '../../../shared/money';
import { type CalendarDate, parsePublishedDate } from './calendar-date';
import { foldText } from './folded-text';
import { PriceIssueCodes } from './market-prices.errors';
import {
  type ObservationField,
  type ValidObservation,
  validateObservation,
} from './price-observation';

/**
 * The two layouts a price file may have.
 *
 * `odepa`: ODEPA's yearly wholesale file as published (`Fecha, ID region, Region, Mercado,
 * Subsector, Producto, Variedad / Tipo, Calidad, Unidad de comercializacion, Origen, Volumen,
 * Precio minimo, Precio maximo, Precio promedio`), headings with or without accents and in
 * any case; prices are pesos with VAT. Columns we do not use are ignored, so a new column in
 * next year's file does not stop an import.
 *
 * `ayllu`: our own, for a local fair or a buyer's price list: `date, market, product_code,
 * unit, currency, price_avg` required, `price_min, price_max, volume, variety, quality,
 * origin, region, vat_included` optional. Unknown columns are refused (a misspelt
 * `price_mni` must not silently drop the minimum).
 */
export type PriceFileLayout = 'odepa' | 'ayllu';

type Column = 'product' | Exclude<ObservationField, 'unitLabel'> | 'unit';

/** ODEPA's headings as published, and the column each one feeds (null: not used). */
const ODEPA_HEADINGS: ReadonlyArray<readonly [string, Column | null]> = [
  ['Fecha', 'date'],
  ['ID region', null],
  ['Region', 'region'],
  ['Mercado', 'market'],
  ['Subsector', null],
  ['Producto', 'product'],
  ['Variedad / Tipo', 'variety'],
  ['Calidad', 'quality'],
  ['Unidad de comercializacion', 'unit'],
  ['Origen', 'origin'],
  ['Volumen', 'volume'],
  ['Precio minimo', 'priceMin'],
  ['Precio maximo', 'priceMax'],
  ['Precio promedio', 'priceAvg'],
];
const ODEPA_REQUIRED: readonly Column[] = ['date', 'market', 'product', 'unit', 'priceAvg'];

const AYLLU_HEADINGS: ReadonlyArray<readonly [string, Column]> = [
  ['date', 'date'],
  ['market', 'market'],
  ['product_code', 'product'],
  ['unit', 'unit'],
  ['currency', 'currency'],
  ['price_min', 'priceMin'],
  ['price_max', 'priceMax'],
  ['price_avg', 'priceAvg'],
  ['volume', 'volume'],
  ['variety', 'variety'],
  ['quality', 'quality'],
  ['origin', 'origin'],
  ['region', 'region'],
  ['vat_included', 'vatIncluded'],
];
const AYLLU_REQUIRED: readonly Column[] = [
  'date',
  'market',
  'product',
  'unit',
  'currency',
  'priceAvg',
];

export const AYLLU_LAYOUT_HEADER = AYLLU_HEADINGS.map(([heading]) => heading).join(',');

export interface PriceFileHeader {
  layout: PriceFileLayout;
  /** Where each column we read sits in a record. */
  columns: ReadonlyMap<Column, number>;
  /** The headings as the file writes them, to name a column in an issue. */
  headings: readonly string[];
}

export type HeaderCheck =
  { ok: true; header: PriceFileHeader } | { ok: false; issues: FieldIssue[] };

/** `Variedad / Tipo`, `variedad/tipo` and `VARIEDAD /TIPO` are one heading. */
function foldHeading(heading: string): string {
  return foldText(heading.replace(/^\uFEFF/, '')).replace(/ ?\/ ?/g, '/');
}

export function readHeader(record: readonly string[]): HeaderCheck {
  const folded = record.map(foldHeading);
  const layout: PriceFileLayout | null = folded.includes('producto')
    ? 'odepa'
    : folded.includes('product_code')
      ? 'ayllu'
      : null;
  if (!layout) {
    return {
      ok: false,
      issues: [
        headerIssue(
          'UNKNOWN_LAYOUT',
          `the header names neither ODEPA's columns (Fecha, Mercado, Producto, Unidad de comercializacion, Precio promedio...) nor ours (${AYLLU_LAYOUT_HEADER})`,
        ),
      ],
    };
  }
  const known: ReadonlyArray<readonly [string, Column | null]> =
    layout === 'odepa' ? ODEPA_HEADINGS : AYLLU_HEADINGS;
  const byFolded = new Map(known.map(([heading, column]) => [foldHeading(heading), column]));
  const columns = new Map<Column, number>();
  const issues: FieldIssue[] = [];
  folded.forEach((heading, index) => {
    const column = byFolded.get(heading);
    if (column === undefined) {
      if (layout === 'ayllu') {
        issues.push(headerIssue('UNKNOWN_COLUMN', `unknown column "${record[index]}"`));
      }
      return;
    }
    if (column === null) return;
    if (columns.has(column)) {
      issues.push(headerIssue('DUPLICATE_COLUMN', `column "${record[index]}" appears twice`));
    }
    columns.set(column, index);
  });
  const required = layout === 'odepa' ? ODEPA_REQUIRED : AYLLU_REQUIRED;
  for (const column of required) {
    if (!columns.has(column)) {
      const heading = known.find(([, candidate]) => candidate === column)![0];
      issues.push(headerIssue('MISSING_COLUMN', `missing column "${heading}"`));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, header: { layout, columns, headings: record.map((h) => h.trim()) } };
}

/** The row's product as the file names it: ODEPA's `Producto`, or our `product_code`. */
export function productOf(record: readonly string[], header: PriceFileHeader): string {
  return (record[header.columns.get('product')!] ?? '').trim();
}

export interface RowIssue {
  /** The column's heading as the file writes it; null for the row as a whole. */
  field: string | null;
  code: string;
  message: string;
}

export type RowRead =
  { ok: true; observation: ValidObservation } | { ok: false; issues: RowIssue[] };

/**
 * One data row into a checked observation, or the issues that keep it out, each naming
 * the column. Numbers may use a decimal comma (`1800,0000`) or point; a number with both
 * (`1.800,00`) is refused rather than guessed at.
 */
export function readPriceRow(
  record: readonly string[],
  header: PriceFileHeader,
  today: CalendarDate,
): RowRead {
  if (record.length !== header.headings.length) {
    const joined = record.some((cell) => cell.includes('\n'));
    return {
      ok: false,
      issues: [
        joined
          ? {
              field: null,
              code: PriceIssueCodes.MALFORMED_CSV,
              message: 'a quote left open joins this row to the next line',
            }
          : {
              field: null,
              code: PriceIssueCodes.COLUMN_COUNT,
              message: `the row has ${record.length} columns, the header ${header.headings.length}`,
            },
      ],
    };
  }
  const issues: RowIssue[] = [];
  const headingOf = (column: Column) => header.headings[header.columns.get(column)!];
  const cell = (column: Column): string | null => {
    const index = header.columns.get(column);
    if (index === undefined) return null;
    const text = record[index];
    if (text.includes('\uFFFD')) {
      issues.push({
        field: headingOf(column),
        code: PriceIssueCodes.INVALID_ENCODING,
        message: 'holds bytes that are not valid UTF-8',
      });
    }
    return text;
  };
  const required = (column: Column): string => {
    const text = (cell(column) ?? '').trim();
    if (text === '') {
      issues.push({
        field: headingOf(column),
        code: PriceIssueCodes.REQUIRED,
        message: 'is empty',
      });
    }
    return text;
  };
  const decimal = (column: Column): Dec | null => {
    const text = (cell(column) ?? '').trim();
    if (text === '') return null;
    const value = readDecimalText(text);
    if (value === null) {
      issues.push({
        field: headingOf(column),
        code: PriceIssueCodes.NOT_DECIMAL,
        message: `"${text}" is not a number such as 1800,0000 or 1800.00`,
      });
    }
    return value;
  };

  required('product');
  const dateText = required('date');
  const date = dateText === '' ? null : parsePublishedDate(dateText);
  if (dateText !== '' && date === null) {
    issues.push({
      field: headingOf('date'),
      code: PriceIssueCodes.NOT_DATE,
      message: `"${dateText}" is not a date such as 2026-10-05 or 05/10/2026`,
    });
  }
  const market = required('market');
  const unitLabel = required('unit');
  const priceAvgText = required('priceAvg');
  const priceAvg = priceAvgText === '' ? null : decimal('priceAvg');
  const priceMin = decimal('priceMin');
  const priceMax = decimal('priceMax');
  const volume = decimal('volume');
  const currency = header.layout === 'odepa' ? 'CLP' : readCurrency(required('currency'));
  if (currency === undefined) {
    issues.push({
      field: headingOf('currency'),
      code: PriceIssueCodes.NOT_ALLOWED_VALUE,
      message: `must be one of ${CURRENCIES.join(', ')}`,
    });
  }
  // ODEPA publishes consumer-facing wholesale prices with VAT included.
  const vatIncluded = header.layout === 'odepa' ? true : readBoolean(cell('vatIncluded'));
  if (vatIncluded === undefined) {
    issues.push({
      field: headingOf('vatIncluded'),
      code: PriceIssueCodes.NOT_BOOLEAN,
      message: 'must be true/false, si/no or 1/0',
    });
  }
  const variety = cell('variety');
  const quality = cell('quality');
  const origin = cell('origin');
  const region = cell('region');
  if (
    issues.length > 0 ||
    date === null ||
    priceAvg === null ||
    !currency ||
    vatIncluded === undefined
  ) {
    return { ok: false, issues };
  }
  const checked = validateObservation(
    {
      date,
      market,
      unitLabel,
      currency,
      priceMin,
      priceMax,
      priceAvg,
      volume,
      variety,
      quality,
      origin,
      region,
      vatIncluded,
    },
    today,
  );
  if (!checked.ok) {
    return {
      ok: false,
      issues: checked.issues.map((issue) => ({
        ...issue,
        field: headingOf(issue.field === 'unitLabel' ? 'unit' : issue.field),
      })),
    };
  }
  return checked;
}

/** `1800,0000`, `1800.00`, `-5` (refused later as not positive); never `1.800,00`. */
export function readDecimalText(text: string): Dec | null {
  if (!/^-?\d+([.,]\d+)?$/.test(text)) return null;
  return dec(text.replace(',', '.'));
}

/** null when empty (already reported as required); undefined when not a currency we know. */
function readCurrency(text: string): Currency | null | undefined {
  if (text === '') return null;
  const code = text.toUpperCase();
  return isCurrency(code) ? code : undefined;
}

/** null when the cell is absent or empty (not stated); undefined when it cannot be read. */
function readBoolean(text: string | null): boolean | null | undefined {
  if (text === null) return null;
  const folded = foldText(text);
  if (folded === '') return null;
  if (['true', 'si', 'yes', '1'].includes(folded)) return true;
  if (['false', 'no', '0'].includes(folded)) return false;
  return undefined;
}

function headerIssue(code: keyof typeof PriceIssueCodes, message: string): FieldIssue {
  return { field: 'header', code: PriceIssueCodes[code], message };
}
