import { dec, isDecimalString, toDecimalString } from '../../shared/money';

/**
 * A cost sheet's lines as the API reads and writes them (API.md, "Cost-sheet lines"). The
 * console passes them back untouched except where a person typed something.
 */
export interface SheetLine {
  kind: 'priced' | 'sourced' | 'depreciation' | 'interest' | 'percentage';
  category: string;
  description: string;
  [field: string]: unknown;
}

/** The kinds the console edits; the others are shown and kept as they are. */
export const EDITABLE_KINDS = ['priced', 'percentage'] as const;
export type EditableKind = (typeof EDITABLE_KINDS)[number];

export function isEditable(line: SheetLine): boolean {
  return (EDITABLE_KINDS as readonly string[]).includes(line.kind);
}

/** Figures typed as numbers (read the person's way, then sent as decimal strings). */
const FIGURES = new Set([
  'quantity',
  'unitPrice',
  'rate',
  'assetValue',
  'salvageValue',
  'lifeYears',
  'share',
  'annualRate',
  'months',
]);
const TEXTS = new Set(['category', 'description', 'unit', 'period']);

/**
 * Fractions a person types as percentages (5 for 5 %, 50 for half an asset), as people say
 * them; the API takes fractions.
 */
export const PERCENT_FIELDS: ReadonlySet<string> = new Set(['rate', 'annualRate', 'share']);

/** A form field named the way the API names a line's field, so its errors land beside it. */
const LINE_FIELD = /^lines\.(\d+)\.([A-Za-z]+)$/;

/** Reads a number typed in the person's language into a decimal string (Page.decimal). */
export type ReadDecimal = (typed: string | undefined) => string | undefined;

/**
 * The sheet's lines with what the form changed: fields named `lines.<i>.<field>` overwrite
 * line i, and `lines.<n>.*` with n = the number of lines adds a line of the kind in
 * `lines.<n>.kind`. A blank figure is sent as null, for the API to say it is required.
 */
export function linesWithForm(
  lines: readonly SheetLine[],
  form: Record<string, string>,
  read: ReadDecimal,
): SheetLine[] {
  const result = lines.map((line) => ({ ...line }));
  const added = form[`lines.${lines.length}.kind`];
  if (added !== undefined) result.push(newLine(added === 'percentage' ? 'percentage' : 'priced'));
  for (const [name, typed] of Object.entries(form)) {
    const match = LINE_FIELD.exec(name);
    if (!match) continue;
    const [, index, field] = match;
    const line = result[Number(index)];
    if (!line || !(FIGURES.has(field) || TEXTS.has(field))) continue;
    if (TEXTS.has(field)) {
      line[field] = typed.trim();
    } else {
      const value = read(typed) ?? null;
      line[field] = PERCENT_FIELDS.has(field) && value !== null ? rateOfPercent(value) : value;
    }
  }
  return result;
}

function newLine(kind: EditableKind): SheetLine {
  return kind === 'percentage'
    ? { kind, category: '', description: '', rate: null }
    : { kind, category: '', description: '', quantity: null, unit: '', unitPrice: null };
}

export function withoutLine(lines: readonly SheetLine[], index: number): SheetLine[] {
  return lines.filter((_, position) => position !== index);
}

/** "5" (%) → "0.05"; anything not a number goes through for the API to refuse. */
export function rateOfPercent(percent: string): string {
  return isDecimalString(percent) ? toDecimalString(dec(percent).dividedBy(100)) : percent;
}

/** "0.05" → "5", for showing a rate where a person types percentages. */
export function percentOfRate(rate: string | null | undefined): string {
  return rate === null || rate === undefined || !isDecimalString(rate)
    ? ''
    : toDecimalString(dec(rate).times(100));
}
