import {
  CURRENCY_SCALE,
  type Currency,
  type DecimalInput,
  dec,
  sum,
  toDecimalString,
} from '../../../shared/money';
import type { DeductionType, PayoutGradeQuantity, SettlementDeduction } from './payout-split';

/*
 * What a producer reads: the statements CSV (every producer, for the treasurer) and the
 * one-page statement (one producer). Both are built here from plain values, so the words and
 * figures are tested without a database or a PDF library; the renderer only lays them out.
 *
 * The CSV follows the cost-sheet export of this service: `;` between fields, decimal comma and
 * no thousands mark, a byte-order mark and CRLF, which is what Excel in Spanish opens as a
 * table. The figures are the stored ones, unrounded: each row adds up
 * (gross share − deductions = net) and the last row holds the settlement's totals.
 */

export type StatementKind = 'settlement' | 'adjustment';

export interface StatementSettlement {
  id: string;
  kind: StatementKind;
  status: 'draft' | 'confirmed';
  currency: Currency;
  gross: string;
  deductions: readonly SettlementDeduction[];
  totalDeductions: string;
  net: string;
  computedAt: Date;
  confirmedAt: Date | null;
  adjustsSettlementId: string | null;
}

export interface StatementContext {
  associationName: string;
  associationRut: string | null;
  lot: {
    id: string;
    productName: string;
    grade: string;
    unit: string;
    deliveryPoint: string;
  };
  settlement: StatementSettlement;
  /** Each deal of the lot with its buyer's name, as settled. */
  deals: readonly { buyerName: string; price: string; quantityAccepted: string; amount: string }[];
}

export interface StatementRow {
  producerId: string;
  producerName: string;
  producerRut: string | null;
  quantityDelivered: string;
  quantity: string;
  grades: readonly PayoutGradeQuantity[];
  grossShare: string;
  /** One per settlement deduction; null on an adjustment. */
  deductionShares: readonly string[] | null;
  totalDeductions: string;
  amount: string;
  /** Adjustment only: what the confirmed settlements paid, and the corrected amount. */
  confirmedAmount: string | null;
  correctedAmount: string | null;
}

const DEDUCTION_NAMES: Record<DeductionType, string> = {
  freight: 'Flete',
  packaging: 'Envases',
  commission: 'Comisión',
  other: 'Otros descuentos',
};

/** "Comisión (3 %)" for a rate, the bare name for an amount. */
export function deductionLabel(deduction: SettlementDeduction): string {
  const name = DEDUCTION_NAMES[deduction.type];
  if (deduction.basis !== 'rate' || deduction.rate === null) return name;
  return `${name} (${spanishNumber(dec(deduction.rate).times(100))} %)`;
}

/** "1234.5" → "1.234,5": the thousands mark and decimal comma of Chilean Spanish. */
export function spanishNumber(value: DecimalInput, scale?: number): string {
  const text = toDecimalString(value, scale);
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped}${fraction ? `,${fraction}` : ''}`;
}

/** "$ 139.034" (CLP) or "US$ 1.165,05" (USD), padded to the currency's minor unit. */
export function spanishMoney(value: DecimalInput, currency: Currency): string {
  const text = spanishNumber(value, CURRENCY_SCALE[currency]);
  const symbol = currency === 'CLP' ? '$' : 'US$';
  return text.startsWith('-') ? `-${symbol} ${text.slice(1)}` : `${symbol} ${text}`;
}

/** "A" for one grade; "A 600 / B 100,5" when a producer delivered several. */
export function gradesLabel(grades: readonly PayoutGradeQuantity[]): string {
  if (grades.length === 1) return grades[0].grade ?? '';
  return grades
    .map((grade) => `${grade.grade ?? 'sin calidad'} ${spanishNumber(grade.quantityAccepted)}`)
    .join(' / ');
}

/** Line breaks become spaces, so one producer is always one physical line. */
function csvField(value: string): string {
  const flat = value.replace(/\r\n|\r|\n/g, ' ');
  return /[;"]|^\s|\s$/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

function csvNumber(value: DecimalInput): string {
  return toDecimalString(value).replace('.', ',');
}

/**
 * One row per producer and a totals row. A settlement shows each deduction in its own
 * column; an adjustment shows what was paid, the corrected amount and the differences.
 */
export function statementsCsv(
  settlement: StatementSettlement,
  rows: readonly StatementRow[],
): string {
  const table: string[][] = [];
  const totalOf = (pick: (row: StatementRow) => string) => csvNumber(sum(rows.map(pick)));
  if (settlement.kind === 'settlement') {
    table.push([
      'Productor',
      'RUT',
      'Cantidad entregada',
      'Cantidad aceptada',
      'Calidad',
      'Participación bruta',
      ...settlement.deductions.map(deductionLabel),
      'Total descuentos',
      'Neto a pagar',
    ]);
    for (const row of rows) {
      table.push([
        row.producerName,
        row.producerRut ?? '',
        csvNumber(row.quantityDelivered),
        csvNumber(row.quantity),
        gradesLabel(row.grades),
        csvNumber(row.grossShare),
        ...(row.deductionShares ?? []).map(csvNumber),
        csvNumber(row.totalDeductions),
        csvNumber(row.amount),
      ]);
    }
    table.push([
      'Total',
      '',
      totalOf((row) => row.quantityDelivered),
      totalOf((row) => row.quantity),
      '',
      csvNumber(settlement.gross),
      ...settlement.deductions.map((deduction) => csvNumber(deduction.amount)),
      csvNumber(settlement.totalDeductions),
      csvNumber(settlement.net),
    ]);
  } else {
    table.push([
      'Productor',
      'RUT',
      'Cantidad aceptada',
      'Calidad',
      'Pagado antes',
      'Monto corregido',
      'Ajuste participación bruta',
      'Ajuste descuentos',
      'Ajuste neto',
    ]);
    for (const row of rows) {
      table.push([
        row.producerName,
        row.producerRut ?? '',
        csvNumber(row.quantity),
        gradesLabel(row.grades),
        csvNumber(row.confirmedAmount ?? '0'),
        csvNumber(row.correctedAmount ?? row.amount),
        csvNumber(row.grossShare),
        csvNumber(row.totalDeductions),
        csvNumber(row.amount),
      ]);
    }
    table.push([
      'Total',
      '',
      totalOf((row) => row.quantity),
      '',
      totalOf((row) => row.confirmedAmount ?? '0'),
      totalOf((row) => row.correctedAmount ?? row.amount),
      csvNumber(settlement.gross),
      csvNumber(settlement.totalDeductions),
      csvNumber(settlement.net),
    ]);
  }
  return '\ufeff' + table.map((row) => row.map(csvField).join(';')).join('\r\n') + '\r\n';
}

export interface StatementSection {
  title: string;
  rows: readonly [label: string, value: string][];
}

export interface ProducerStatement {
  title: string;
  /** Under the title: association, status; one line each. */
  heading: string[];
  sections: StatementSection[];
  /** The figure the page is about, printed last and large. */
  total: [label: string, value: string];
  notes: string[];
}

/** A tender may have many winners; the page lists this many buyers and counts the rest. */
export const MAX_BUYERS_ON_STATEMENT = 8;

/** The words and figures of one producer's one-page statement, in Spanish. */
export function producerStatement(context: StatementContext, row: StatementRow): ProducerStatement {
  const { settlement, lot } = context;
  const money = (value: DecimalInput) => spanishMoney(value, settlement.currency);
  const quantity = (value: DecimalInput) => `${spanishNumber(value)} ${lot.unit}`;
  const isAdjustment = settlement.kind === 'adjustment';
  const status =
    settlement.status === 'confirmed' && settlement.confirmedAt
      ? `Confirmada el ${chileanDate(settlement.confirmedAt)}`
      : `BORRADOR calculado el ${chileanDate(settlement.computedAt)}: las cifras pueden cambiar`;

  const shown = context.deals.slice(0, MAX_BUYERS_ON_STATEMENT);
  const buyers: [string, string][] = shown.map((deal) => [
    deal.buyerName,
    `${quantity(deal.quantityAccepted)} a ${money(deal.price)} por ${lot.unit} = ${money(deal.amount)}`,
  ]);
  if (context.deals.length > shown.length) {
    buyers.push([`y ${context.deals.length - shown.length} compradores más`, '']);
  }

  const producerRows: [string, string][] = [
    [
      'Productor',
      row.producerRut ? `${row.producerName} (RUT ${row.producerRut})` : row.producerName,
    ],
    ['Cantidad entregada', quantity(row.quantityDelivered)],
    ['Cantidad aceptada', quantity(row.quantity)],
    ...row.grades.map((grade): [string, string] => [
      `Calidad ${grade.grade ?? 'sin calidad'} (factor ${spanishNumber(grade.factor)})`,
      quantity(grade.quantityAccepted),
    ]),
  ];

  const figures: [string, string][] = isAdjustment
    ? [
        ['Pagado en la liquidación confirmada', money(row.confirmedAmount ?? '0')],
        ['Monto corregido', money(row.correctedAmount ?? row.amount)],
        ['Ajuste de participación bruta', money(row.grossShare)],
        ['Ajuste de descuentos', money(dec(row.totalDeductions).negated())],
      ]
    : [
        ['Participación en el monto bruto', money(row.grossShare)],
        ...settlement.deductions.map((deduction, index): [string, string] => [
          deductionLabel(deduction),
          money(dec(row.deductionShares?.[index] ?? '0').negated()),
        ]),
        ['Total descuentos', money(dec(row.totalDeductions).negated())],
      ];

  const poolRows: [string, string][] = isAdjustment
    ? [
        ['Ajuste del monto bruto', money(settlement.gross)],
        ['Ajuste de descuentos', money(dec(settlement.totalDeductions).negated())],
        ['Ajuste del neto', money(settlement.net)],
      ]
    : [
        ['Monto bruto del lote', money(settlement.gross)],
        ['Descuentos del lote', money(dec(settlement.totalDeductions).negated())],
        ['Neto a repartir', money(settlement.net)],
      ];

  return {
    title: isAdjustment ? 'Ajuste de liquidación al productor' : 'Liquidación al productor',
    heading: [
      context.associationRut
        ? `${context.associationName} (RUT ${context.associationRut})`
        : context.associationName,
      `Liquidación ${settlement.id}`,
      ...(settlement.adjustsSettlementId
        ? [`Corrige la liquidación ${settlement.adjustsSettlementId}`]
        : []),
      status,
    ],
    sections: [
      {
        title: 'Lote',
        rows: [
          ['Producto', `${lot.productName}, calidad ${lot.grade}`],
          ['Lote', lot.id],
          ['Punto de entrega', lot.deliveryPoint],
        ],
      },
      { title: 'Compradores y precios', rows: buyers },
      { title: 'Su entrega', rows: producerRows },
      { title: isAdjustment ? 'Su ajuste' : 'Su liquidación', rows: figures },
      { title: isAdjustment ? 'Ajuste del lote' : 'Totales del lote', rows: poolRows },
    ],
    total: [isAdjustment ? 'Ajuste neto' : 'Neto a pagar', money(row.amount)],
    notes: [
      'El neto del lote se reparte en proporción a la cantidad aceptada por el factor de calidad; ' +
        'el redondeo al peso se asigna por mayor resto, de modo que la suma de los pagos es igual al neto.',
      ...(isAdjustment && dec(row.amount).isNegative()
        ? ['Un ajuste negativo es un monto que el productor devuelve a la asociación.']
        : []),
    ],
  };
}

/** The calendar day in Chile, where the members live: "25-11-2026". */
export function chileanDate(at: Date): string {
  const parts = new Intl.DateTimeFormat('es-CL', {
    timeZone: 'America/Santiago',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}-${part('month')}-${part('year')}`;
}
