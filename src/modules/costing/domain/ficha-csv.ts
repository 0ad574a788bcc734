import { type Options, parse } from 'csv-parse/sync';
import {
  CURRENCY_SCALE,
  type Currency,
  Dec,
  type DecimalInput,
  dec,
  minorUnit,
  roundMoney,
  sum,
  toDecimalString,
} from '../../../shared/money';
import {
  COST_CATEGORIES,
  type CostCategory,
  type CostSheet,
  type PercentageLine,
  type PricedCategory,
  type PricedLine,
} from './cost-sheet';
import {
  MAX_DECIMAL_SCALE,
  MAX_DESCRIPTION_LENGTH,
  MAX_PERIOD_LENGTH,
  MAX_UNIT_LENGTH,
  decimalIssue,
} from './cost-sheet-validation';
import { summarizeCostSheet } from './cost-calculator';

/*
 * The column layout of Chilean fichas técnico-económicas:
 *
 *   Labor/Insumo;Época;Cantidad;Unidad;Precio ($/Un);Valor ($)
 *   MANO DE OBRA;;;;;
 *   Siembra;Septiembre;2;JH;25000;50000
 *
 * Section rows in capitals carry the category of the rows under them. Treasurers keep these
 * sheets by hand in a spreadsheet, so the reader is tolerant (byte-order mark, decimal commas,
 * thousands dots, accents lost by an old export, stray rows) and never fails on one bad row:
 * it reports the row by its line number and goes on.
 */

export const FICHA_HEADER = [
  'Labor/Insumo',
  'Época',
  'Cantidad',
  'Unidad',
  'Precio ($/Un)',
  'Valor ($)',
] as const;

export type FichaWarningCode =
  | 'EMPTY_FILE'
  | 'MISSING_HEADER'
  | 'MALFORMED_ROW'
  | 'UNKNOWN_SECTION'
  | 'ROW_BEFORE_SECTION'
  | 'NO_FIGURES'
  | 'MISSING_DESCRIPTION'
  | 'TOTAL_ROW_SKIPPED'
  | 'COMPUTED_SECTION_NOT_IMPORTED'
  | 'NOT_A_NUMBER'
  | 'INVALID_NUMBER'
  | 'MISSING_QUANTITY'
  | 'MISSING_PRICE'
  | 'VALUE_ONLY'
  | 'MISSING_UNIT'
  | 'TEXT_TOO_LONG'
  | 'VALUE_MISMATCH'
  | 'PERCENT_BASE_DIFFERS';

export interface FichaWarning {
  /** Line of the file, counting from 1 (the header is usually line 1). */
  row: number;
  code: FichaWarningCode;
  message: string;
  details?: Record<string, string>;
}

export type FichaLine = PricedLine | PercentageLine;

export interface FichaImport {
  lines: FichaLine[];
  warnings: FichaWarning[];
}

export interface FichaImportOptions {
  /** The sheet's currency: a declared Valor is compared to quantity × price in its minor unit. */
  currency: Currency;
  /**
   * Where a plain "MANO DE OBRA" section goes. Default `hired_labor`: fichas price every
   * labour day at the local daily wage, as if paid, and counting it as cash is the prudent
   * reading (it only moves cost between cash and economic; break-even is the same). A family
   * that works its own plot can import with `family_labor`, or split the lines afterwards.
   * "MANO DE OBRA FAMILIAR" and "MANO DE OBRA CONTRATADA" sections are always explicit.
   */
  laborCategory?: 'hired_labor' | 'family_labor';
}

/** Upper case without accents or punctuation, so "Tracción" and "TRACCION:" read the same. */
function normalizeLabel(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/^\s*(\d+|[IVX]+|[A-Z])[.)]\s+/, '')
    .replace(/[^A-Z0-9%]+/g, ' ')
    .trim();
}

type SectionRule = [RegExp, CostCategory | 'labor'];

/**
 * First match wins, so the specific labour sections come before the generic one. Keywords
 * rather than whole names: sheets say "INSUMOS", "INSUMOS Y MATERIALES", "2. INSUMOS:".
 */
const SECTION_RULES: readonly SectionRule[] = [
  [/\bFAMILIAR\b/, 'family_labor'],
  [/\bMANO DE OBRA (CONTRATADA|ASALARIADA)\b|\bJORNALES\b/, 'hired_labor'],
  [/\bMANO DE OBRA\b|\bLABORES\b/, 'labor'],
  [/\bMAQUINARIA\b|\bTRACCION\b|\bMECANIZACION\b|\bTRACTOR\b/, 'machinery'],
  [/\bINSUMOS?\b/, 'inputs'],
  [/\bAGUA\b|\bRIEGO\b/, 'water'],
  [/\bENVASES?\b|\bEMBALAJES?\b/, 'packaging'],
  [/\bTRANSPORTES?\b|\bFLETES?\b/, 'transport'],
  [/\bSERVICIOS?\b/, 'services'],
  [/\bGASTOS GENERALES\b|\bADMINISTRACION\b/, 'overhead'],
  [/\bDEPRECIACION(ES)?\b|\bAMORTIZACION(ES)?\b/, 'depreciation'],
  [/\bINTERES(ES)?\b|\bCOSTO FINANCIERO\b/, 'interest'],
  [/\bTIERRA\b|\bARRIENDO\b|\bTERRENO\b/, 'land'],
  [/\bOTROS\b|\bVARIOS\b|\bIMPREVISTOS\b/, 'other'],
];

/** Section names the export writes, one per category, each read back to its own category. */
const SECTION_NAMES: Readonly<Record<CostCategory, string>> = {
  hired_labor: 'MANO DE OBRA',
  family_labor: 'MANO DE OBRA FAMILIAR',
  machinery: 'MAQUINARIA Y TRACCIÓN ANIMAL',
  inputs: 'INSUMOS',
  water: 'AGUA DE RIEGO',
  packaging: 'ENVASES Y EMBALAJES',
  transport: 'TRANSPORTE',
  services: 'SERVICIOS',
  overhead: 'GASTOS GENERALES',
  land: 'TIERRA',
  other: 'OTROS',
  depreciation: 'DEPRECIACIÓN',
  interest: 'INTERESES',
};

const EXACT_SECTION_LABELS: ReadonlySet<string> = new Set(
  Object.values(SECTION_NAMES).map(normalizeLabel),
);

function sectionCategory(label: string, labor: PricedCategory): CostCategory | undefined {
  const normalized = normalizeLabel(label);
  for (const [pattern, category] of SECTION_RULES) {
    if (pattern.test(normalized)) return category === 'labor' ? labor : category;
  }
  return undefined;
}

function isAllCapitals(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && letters === letters.toUpperCase();
}

type NumberReading = { ok: true; value: string } | { ok: false; reason: string };

/**
 * A figure as hand-kept Chilean sheets write it, to a plain decimal string. Chile writes
 * "25.000" for twenty-five thousand and "2,5" for two and a half, so:
 * - with both "." and ",", the last one is the decimal mark ("1.234,5", also "1,234.5");
 * - a lone "," is a decimal comma ("2,5", "0,350");
 * - dots that group digits in threes after a non-zero digit are thousands ("25.000",
 *   "1.500" is fifteen hundred, as a Chilean reader means it); any other single dot is a
 *   decimal point ("2.5", "0.350"), as a spreadsheet exported in English writes it.
 * Spaces, "$" and non-breaking spaces are ignored.
 */
export function parseFichaNumber(text: string): NumberReading {
  const cleaned = text.replace(/[\s\u00a0\u202f$]/g, '');
  const negative = cleaned.startsWith('-');
  const body = negative ? cleaned.slice(1) : cleaned;
  const fail = { ok: false as const, reason: `"${text}" is not a number` };
  if (body === '' || !/^[\d.,]+$/.test(body)) return fail;

  let plain: string | undefined;
  const lastDot = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  const grouped = (separator: string) => new RegExp(`^[1-9]\\d{0,2}(\\${separator}\\d{3})+$`);
  if (lastDot >= 0 && lastComma >= 0) {
    const decimalMark = lastDot > lastComma ? '.' : ',';
    const thousands = decimalMark === '.' ? ',' : '.';
    const point = body.lastIndexOf(decimalMark);
    const whole = body.slice(0, point);
    const fraction = body.slice(point + 1);
    if ((grouped(thousands).test(whole) || /^\d{1,3}$/.test(whole)) && /^\d+$/.test(fraction)) {
      plain = `${whole.split(thousands).join('')}.${fraction}`;
    }
  } else if (lastComma >= 0) {
    if (/^\d+,\d+$/.test(body)) plain = body.replace(',', '.');
    else if (grouped(',').test(body)) plain = body.split(',').join('');
  } else if (lastDot >= 0) {
    if (grouped('.').test(body)) plain = body.split('.').join('');
    else if (/^\d+\.\d+$/.test(body)) plain = body;
  } else {
    plain = body;
  }
  if (plain === undefined) return fail;
  const value = dec(negative ? `-${plain}` : plain);
  return { ok: true, value: toDecimalString(value) };
}

type Column = 'description' | 'period' | 'quantity' | 'unit' | 'unitPrice' | 'value';
type ColumnMap = Partial<Record<Column, number>>;

const DEFAULT_COLUMNS: ColumnMap = {
  description: 0,
  period: 1,
  quantity: 2,
  unit: 3,
  unitPrice: 4,
  value: 5,
};

function headerColumns(cells: readonly string[]): ColumnMap | undefined {
  const columns: ColumnMap = {};
  cells.forEach((cell, index) => {
    const label = normalizeLabel(cell);
    let column: Column | undefined;
    if (label.startsWith('PRECIO')) column = 'unitPrice';
    else if (label.startsWith('CANT')) column = 'quantity';
    else if (label.startsWith('UNI')) column = 'unit';
    else if (label.startsWith('VALOR') || label.startsWith('TOTAL') || label.startsWith('COSTO'))
      column = 'value';
    else if (label.startsWith('EPOCA') || label.startsWith('FECHA') || label.startsWith('MES'))
      column = 'period';
    else if (label.startsWith('LABOR') || label.startsWith('INSUMO') || label.startsWith('ITEM'))
      column = 'description';
    if (column !== undefined && columns[column] === undefined) columns[column] = index;
  });
  if (columns.quantity === undefined || columns.unitPrice === undefined) return undefined;
  // The first column is the label in every ficha, whatever its heading says ("Concepto").
  return { description: 0, ...columns };
}

/**
 * csv-parse is given one physical line at a time, so a broken quote costs one row, not the
 * rest of the file. The price is that a cell with a line break inside it (rare in fichas)
 * is reported as malformed rather than read.
 */
function splitRows(text: string): { row: number; text: string }[] {
  const withoutBom = text.startsWith('\ufeff') ? text.slice(1) : text;
  return withoutBom.split(/\r\n|\r|\n/).map((line, index) => ({ row: index + 1, text: line }));
}

function detectDelimiter(lines: readonly { text: string }[]): string {
  const first = lines.find((line) => line.text.trim() !== '')?.text ?? '';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}

const PARSE_OPTIONS: Options = { relax_quotes: true, relax_column_count: true };

interface PendingPercentage {
  row: number;
  line: PercentageLine;
  declaredBase?: string;
}

class FichaReader {
  readonly lines: FichaLine[] = [];
  readonly warnings: FichaWarning[] = [];
  private readonly percentages: PendingPercentage[] = [];
  private columns: ColumnMap | undefined;
  private category: CostCategory | undefined;
  private readonly labor: PricedCategory;
  private readonly tolerance: Dec;

  constructor(private readonly options: FichaImportOptions) {
    this.labor = options.laborCategory ?? 'hired_labor';
    this.tolerance = minorUnit(options.currency);
  }

  warn(row: number, code: FichaWarningCode, message: string, details?: Record<string, string>) {
    this.warnings.push({ row, code, message, ...(details ? { details } : {}) });
  }

  read(text: string): FichaImport {
    const rows = splitRows(text);
    const delimiter = detectDelimiter(rows);
    let seenAny = false;
    for (const { row, text: line } of rows) {
      if (line.trim() === '') continue;
      let cells: string[];
      try {
        const records = parse(line, { ...PARSE_OPTIONS, delimiter });
        cells = (records[0] ?? []).map((cell) => cell.trim());
      } catch (error) {
        this.warn(
          row,
          'MALFORMED_ROW',
          `the row cannot be read as CSV: ${(error as Error).message}`,
        );
        continue;
      }
      if (cells.every((cell) => cell === '')) continue;
      if (!seenAny) {
        seenAny = true;
        this.columns = headerColumns(cells);
        if (this.columns) continue;
        this.columns = DEFAULT_COLUMNS;
        this.warn(
          row,
          'MISSING_HEADER',
          `no header row; reading the columns as ${FICHA_HEADER.join(';')}`,
        );
      }
      this.readRow(row, cells);
    }
    if (!seenAny) this.warn(1, 'EMPTY_FILE', 'the file has no rows');
    this.checkPercentageBases();
    return { lines: this.lines, warnings: this.warnings };
  }

  private cell(cells: readonly string[], column: Column): string {
    const index = (this.columns as ColumnMap)[column];
    return index === undefined ? '' : (cells[index] ?? '');
  }

  private readRow(row: number, cells: readonly string[]): void {
    const description = this.cell(cells, 'description');
    const figures = (['period', 'quantity', 'unit', 'unitPrice', 'value'] as const).map((column) =>
      this.cell(cells, column),
    );
    if (figures.every((cell) => cell === '')) {
      this.readSection(row, description);
      return;
    }
    if (description === '') {
      this.warn(
        row,
        'MISSING_DESCRIPTION',
        'the row has figures but no Labor/Insumo; not imported',
      );
      return;
    }
    if (/^(SUB ?)?TOTAL\b/.test(normalizeLabel(description))) {
      this.warn(row, 'TOTAL_ROW_SKIPPED', 'totals are computed from the lines; row not imported');
      return;
    }
    if (description.length > MAX_DESCRIPTION_LENGTH) {
      this.warn(
        row,
        'TEXT_TOO_LONG',
        `Labor/Insumo has more than ${MAX_DESCRIPTION_LENGTH} characters; not imported`,
      );
      return;
    }
    if (this.category === undefined) {
      this.category = 'other';
      this.warn(row, 'ROW_BEFORE_SECTION', 'the row comes before any section; filed under OTROS');
    }
    if (this.category === 'depreciation' || this.category === 'interest') {
      this.warn(
        row,
        'COMPUTED_SECTION_NOT_IMPORTED',
        `${this.category} is computed from its own figures (asset value, salvage and life; rate and months), which this layout does not carry; add the line to the sheet by hand`,
      );
      return;
    }
    this.readFigures(row, this.category, description, cells);
  }

  /**
   * Sections are written in capitals. A row in ordinary case without figures ("Riego;;;;;")
   * is more likely a labour whose numbers are missing than a section, so it opens one only
   * when it is a whole section name ("Insumos").
   */
  private readSection(row: number, description: string): void {
    const capitals = isAllCapitals(description);
    const category =
      capitals || EXACT_SECTION_LABELS.has(normalizeLabel(description))
        ? sectionCategory(description, this.labor)
        : undefined;
    if (category !== undefined) {
      this.category = category;
    } else if (capitals) {
      this.category = 'other';
      this.warn(
        row,
        'UNKNOWN_SECTION',
        `unknown section "${description}"; its rows go under OTROS`,
      );
    } else {
      this.warn(row, 'NO_FIGURES', 'the row has no quantity, price or value; not imported');
    }
  }

  /**
   * A number from a cell, or a warning and undefined; an empty cell is `null`. Figures the
   * line stores (`stored`) must also fit the sheet's precision; a Valor or a % row's base is
   * only compared, so any size will do.
   */
  private figure(
    row: number,
    cells: readonly string[],
    column: Column,
    label: string,
    stored: boolean,
  ): string | null | undefined {
    const text = this.cell(cells, column);
    if (text === '') return null;
    const reading = parseFichaNumber(text);
    if (!reading.ok) {
      this.warn(row, 'NOT_A_NUMBER', `${label}: ${reading.reason}; row not imported`);
      return undefined;
    }
    const issue = stored
      ? decimalIssue(reading.value, 'nonNegative')
      : dec(reading.value).lessThan(0)
        ? { message: 'must be zero or more' }
        : undefined;
    if (issue) {
      this.warn(row, 'INVALID_NUMBER', `${label} ${issue.message}; row not imported`, {
        [column]: reading.value,
      });
      return undefined;
    }
    return reading.value;
  }

  private readFigures(
    row: number,
    category: PricedCategory,
    description: string,
    cells: readonly string[],
  ): void {
    let unit = this.cell(cells, 'unit');
    const percentage = unit === '%';
    const quantity = this.figure(row, cells, 'quantity', 'Cantidad', true);
    const price = this.figure(row, cells, 'unitPrice', 'Precio', !percentage);
    const value = this.figure(row, cells, 'value', 'Valor', false);
    if (quantity === undefined || price === undefined || value === undefined) return;

    let period: string | undefined = this.cell(cells, 'period') || undefined;
    if (period !== undefined && period.length > MAX_PERIOD_LENGTH) {
      this.warn(
        row,
        'TEXT_TOO_LONG',
        `Época has more than ${MAX_PERIOD_LENGTH} characters; left out`,
      );
      period = undefined;
    }
    if (percentage) {
      this.readPercentage(row, category, description, quantity, price, value);
      return;
    }
    if (unit.length > MAX_UNIT_LENGTH) {
      this.warn(
        row,
        'TEXT_TOO_LONG',
        `Unidad has more than ${MAX_UNIT_LENGTH} characters; not imported`,
      );
      return;
    }

    if (quantity === null && price === null && value !== null) {
      // Keeping the amount keeps the sheet's total right; the warning says what was assumed.
      this.warn(
        row,
        'VALUE_ONLY',
        'the row has only a Valor; imported as 1 global × Valor, add quantity and price if known',
      );
      this.lines.push(this.pricedLine(category, description, '1', 'global', value, period));
      return;
    }
    if (quantity === null) {
      this.warn(row, 'MISSING_QUANTITY', 'the row has no Cantidad; not imported');
      return;
    }
    if (price === null) {
      this.warn(row, 'MISSING_PRICE', 'the row has no Precio; not imported');
      return;
    }
    if (unit === '') {
      unit = 'unidad';
      this.warn(row, 'MISSING_UNIT', 'the row has no Unidad; imported as "unidad"');
    }
    if (value !== null) this.checkValue(row, dec(quantity).times(dec(price)), value);
    this.lines.push(this.pricedLine(category, description, quantity, unit, price, period));
  }

  private pricedLine(
    category: PricedCategory,
    description: string,
    quantity: string,
    unit: string,
    unitPrice: string,
    period: string | undefined,
  ): PricedLine {
    return {
      kind: 'priced',
      category,
      description,
      quantity,
      unit,
      unitPrice,
      ...(period === undefined ? {} : { period }),
    };
  }

  /**
   * "Imprevistos; ; 5; %; 1.252.000; 62.600": Cantidad is the percentage and Precio the base.
   * The layout cannot say which categories the base covers, so the line applies to every
   * priced line, and a declared base that differs from their sum is reported.
   */
  private readPercentage(
    row: number,
    category: PricedCategory,
    description: string,
    percent: string | null,
    declaredBase: string | null,
    value: string | null,
  ): void {
    if (percent === null) {
      this.warn(row, 'MISSING_QUANTITY', 'a % row needs its percentage in Cantidad; not imported');
      return;
    }
    const rate = toDecimalString(dec(percent).dividedBy(100));
    const issue = decimalIssue(rate, 'fraction');
    if (issue) {
      this.warn(row, 'INVALID_NUMBER', `the rate ${rate} ${issue.message}; not imported`);
      return;
    }
    if (value !== null && declaredBase !== null) {
      this.checkValue(row, dec(rate).times(dec(declaredBase)), value);
    }
    const line: PercentageLine = { kind: 'percentage', category, description, rate };
    this.lines.push(line);
    this.percentages.push({ row, line, ...(declaredBase === null ? {} : { declaredBase }) });
  }

  /**
   * Hand-kept sheets round Valor to the peso (or cent), so a difference within one minor
   * unit is rounding; anything more is reported with both figures. The line keeps quantity
   * × price: the treasurer decides which of the two was the typo.
   */
  private checkValue(row: number, computed: Dec, declared: string): void {
    if (computed.minus(dec(declared)).abs().lte(this.tolerance)) return;
    const shown = toDecimalString(roundMoney(computed, this.options.currency));
    this.warn(
      row,
      'VALUE_MISMATCH',
      `Valor ${declared} differs from Cantidad × Precio = ${shown}; the line keeps ${shown}`,
      { declared, computed: toDecimalString(computed) },
    );
  }

  private checkPercentageBases(): void {
    const pricedTotal = sum(
      this.lines
        .filter((line): line is PricedLine => line.kind === 'priced')
        .map((line) => dec(line.quantity).times(dec(line.unitPrice))),
    );
    for (const pending of this.percentages) {
      if (pending.declaredBase === undefined) continue;
      if (pricedTotal.minus(dec(pending.declaredBase)).abs().lte(this.tolerance)) continue;
      this.warn(
        pending.row,
        'PERCENT_BASE_DIFFERS',
        `the base ${pending.declaredBase} differs from the sum of all priced lines (${toDecimalString(pricedTotal)}); the line applies to all priced lines, set its base categories if it should apply to some`,
        { declared: pending.declaredBase, computed: toDecimalString(pricedTotal) },
      );
    }
  }
}

/**
 * Reads a ficha CSV into priced and percentage lines, with one warning per row it could not
 * take as written. Never throws on content: the treasurer gets every problem at once.
 */
export function importFichaCsv(text: string, options: FichaImportOptions): FichaImport {
  return new FichaReader(options).read(text);
}

export interface FichaExportOptions {
  resolvedUnitPrices?: ReadonlyMap<string, DecimalInput>;
  /** Default true: Excel in Spanish reads "Época" right only with a byte-order mark. */
  byteOrderMark?: boolean;
}

/** Line breaks become spaces: the reader takes one row per physical line (see splitRows). */
function csvField(value: string): string {
  const flat = value.replace(/\r\n|\r|\n/g, ' ');
  return /[;"]|^\s|\s$/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

/** Decimal comma, no thousands mark: unambiguous to the reader above and to Excel in Spanish. */
function fichaNumber(value: DecimalInput): string {
  return toDecimalString(value).replace('.', ',');
}

/**
 * A computed price (a source sheet's cost per unit, a year's depreciation) to the finest
 * figure a sheet stores, half-even, without padding zeros.
 */
function fichaPrice(value: Dec): string {
  return fichaNumber(dec(toDecimalString(value, MAX_DECIMAL_SCALE)));
}

/**
 * Writes a sheet in the ficha layout, one section per category in the usual order.
 *
 * Priced lines read back exactly. A line priced from another sheet is written as a priced
 * line at that sheet's cost per unit, to 6 decimals (the finest figure a sheet stores), since
 * the layout has no column for the link. Percentage lines are written as "%" rows (Cantidad =
 * the percentage, Precio = the base) and read back as percentages of all priced lines.
 * Depreciation and interest rows show how their amount arises (share × annual depreciation;
 * months × monthly interest) but cannot be read back: their inputs have no column here.
 * Valor is the line's amount rounded to the currency's minor unit, half-even.
 */
export function exportFichaCsv(sheet: CostSheet, options: FichaExportOptions = {}): string {
  const summary = summarizeCostSheet(sheet, {
    ...(options.resolvedUnitPrices ? { resolvedUnitPrices: options.resolvedUnitPrices } : {}),
  });
  const currency = sheet.currency;
  const money = (value: Dec) => toDecimalString(value, CURRENCY_SCALE[currency]).replace('.', ',');
  const rows: string[][] = [[...FICHA_HEADER]];

  for (const category of COST_CATEGORIES) {
    const lines = sheet.lines
      .map((line, index) => ({ line, result: summary.lines[index] }))
      .filter(({ line }) => line.category === category);
    if (lines.length === 0) continue;
    rows.push([SECTION_NAMES[category], '', '', '', '', '']);
    for (const { line, result } of lines) {
      switch (line.kind) {
        case 'priced':
          rows.push([
            line.description,
            line.period ?? '',
            fichaNumber(line.quantity),
            line.unit,
            fichaNumber(line.unitPrice),
            money(result.value),
          ]);
          break;
        case 'sourced':
          rows.push([
            line.description,
            line.period ?? '',
            fichaNumber(line.quantity),
            line.unit,
            fichaPrice(result.unitPrice as Dec),
            money(result.value),
          ]);
          break;
        case 'percentage':
          rows.push([
            line.description,
            '',
            fichaNumber(dec(line.rate).times(100)),
            '%',
            money(result.base as Dec),
            money(result.value),
          ]);
          break;
        case 'depreciation': {
          const annual = dec(line.assetValue)
            .minus(dec(line.salvageValue))
            .dividedBy(dec(line.lifeYears));
          rows.push([
            line.description,
            `vida útil ${fichaNumber(line.lifeYears)} años`,
            fichaNumber(line.share),
            'proporción',
            fichaPrice(annual),
            money(result.value),
          ]);
          break;
        }
        case 'interest': {
          const monthly = dec(line.annualRate)
            .times(result.base as Dec)
            .dividedBy(12);
          rows.push([
            line.description,
            `tasa anual ${fichaNumber(dec(line.annualRate).times(100))} %`,
            fichaNumber(line.months),
            'mes',
            fichaPrice(monthly),
            money(result.value),
          ]);
          break;
        }
      }
    }
  }
  const body = rows.map((row) => row.map(csvField).join(';')).join('\r\n') + '\r\n';
  return ((options.byteOrderMark ?? true) ? '\ufeff' : '') + body;
}
