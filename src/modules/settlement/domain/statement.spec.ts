import { computeSettlement } from './payout-split';
import {
  MAX_BUYERS_ON_STATEMENT,
  type StatementContext,
  type StatementRow,
  chileanDate,
  deductionLabel,
  gradesLabel,
  producerStatement,
  spanishMoney,
  spanishNumber,
  statementsCsv,
} from './statement';

/*
 * Two producers, one deal of 1,000 kg at CLP 245: gross 245,000; freight 35,000 and the
 * association's 3 % commission (7,350); net 202,650, split 600 : 340 (grade B at 0.85).
 *   net     202,650 × 600 / 940 = 129,351.06 → 129,351; × 340 / 940 = 73,298.94 → 73,299
 *   freight  35,000 × 600 / 940 =  22,340.43 →  22,340; × 340 / 940 = 12,659.57 → 12,660
 *   commission 7,350 × 600 / 940 = 4,691.49 →   4,691; × 340 / 940 =  2,658.51 →  2,659
 *   (each time the one peso left goes to the larger remainder: Elena's)
 *   gross shares: Rosa 129,351 + 22,340 + 4,691 = 156,382; Elena 88,618; Σ 245,000
 */
const figures = computeSettlement({
  currency: 'CLP',
  deals: [
    {
      dealId: 'deal-1',
      price: '245',
      lines: [
        { producerId: 'rosa', quantityAccepted: '600', grade: 'A' },
        { producerId: 'elena', quantityAccepted: '400', grade: 'B' },
      ],
    },
  ],
  deductions: [{ type: 'freight', amount: '35000' }],
  gradeFactors: { A: '1', B: '0.85' },
  defaultCommissionRate: '0.03',
});

const names: Record<string, string> = { rosa: 'Rosa; "la Chica" Mamani', elena: 'Elena Cruz' };
const rows: StatementRow[] = figures.payouts.map((payout) => ({
  ...payout,
  producerName: names[payout.producerId],
  producerRut: payout.producerId === 'rosa' ? '12.345.678-5' : null,
  quantityDelivered: payout.producerId === 'rosa' ? '620' : '400',
  confirmedAmount: null,
  correctedAmount: null,
}));

const settlement: StatementContext['settlement'] = {
  id: 'settlement-1',
  kind: 'settlement',
  status: 'confirmed',
  currency: 'CLP',
  gross: figures.gross,
  deductions: figures.deductions,
  totalDeductions: figures.totalDeductions,
  net: figures.net,
  computedAt: new Date('2026-12-20T15:00:00Z'),
  confirmedAt: new Date('2026-12-21T02:30:00Z'),
  adjustsSettlementId: null,
};

const context: StatementContext = {
  associationName: 'Asociación de Productores de Lasana',
  associationRut: null,
  lot: {
    id: 'lot-1',
    productName: 'Zanahoria',
    grade: 'A',
    unit: 'kg',
    deliveryPoint: 'Sede, Lasana',
  },
  settlement,
  deals: [
    {
      buyerName: 'Vega Modelo de Calama',
      price: '245',
      quantityAccepted: '1000',
      amount: '245000',
    },
  ],
};

describe('Spanish figures', () => {
  it('groups thousands with a point and uses a decimal comma', () => {
    expect(spanishNumber('1234567.5')).toBe('1.234.567,5');
    expect(spanishNumber('-1250')).toBe('-1.250');
    expect(spanishNumber('999')).toBe('999');
    expect(spanishMoney('129351', 'CLP')).toBe('$ 129.351');
    expect(spanishMoney('1165.5', 'USD')).toBe('US$ 1.165,50');
    expect(spanishMoney('-750', 'CLP')).toBe('-$ 750');
  });

  it('names deductions, with the rate when there is one', () => {
    expect(figures.deductions.map(deductionLabel)).toEqual(['Flete', 'Comisión (3 %)']);
  });

  it('shows one grade bare and several with their quantities', () => {
    expect(gradesLabel([{ grade: 'A', factor: '1', quantityAccepted: '600' }])).toBe('A');
    expect(
      gradesLabel([
        { grade: 'A', factor: '1', quantityAccepted: '600' },
        { grade: 'B', factor: '0.85', quantityAccepted: '100.5' },
      ]),
    ).toBe('A 600 / B 100,5');
  });

  it('dates a statement by the calendar in Chile, not UTC', () => {
    // 02:30 UTC on the 21st is still the evening of the 20th in Santiago (UTC−3 in summer).
    expect(chileanDate(new Date('2026-12-21T02:30:00Z'))).toBe('20-12-2026');
  });
});

describe('statementsCsv', () => {
  const lines = statementsCsv(settlement, rows)
    .replace(/^\ufeff/, '')
    .split('\r\n');

  it('starts with a byte-order mark and ends every line with CRLF', () => {
    const csv = statementsCsv(settlement, rows);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('has one row per producer, quoting a name that holds the separator, and a totals row', () => {
    expect(lines.slice(0, 4)).toEqual([
      'Productor;RUT;Cantidad entregada;Cantidad aceptada;Calidad;Participación bruta;Flete;Comisión (3 %);Total descuentos;Neto a pagar',
      'Elena Cruz;;400;400;B;88618;12660;2659;15319;73299',
      '"Rosa; ""la Chica"" Mamani";12.345.678-5;620;600;A;156382;22340;4691;27031;129351',
      'Total;;1020;1000;;245000;35000;7350;42350;202650',
    ]);
  });
});

describe('producerStatement', () => {
  const rosa = rows.find((row) => row.producerId === 'rosa')!;

  it('gives the net, each deduction as a subtraction, and the buyer with the price', () => {
    const statement = producerStatement(context, rosa);
    expect(statement.title).toBe('Liquidación al productor');
    expect(statement.heading).toEqual([
      'Asociación de Productores de Lasana',
      'Liquidación settlement-1',
      'Confirmada el 20-12-2026',
    ]);
    expect(statement.total).toEqual(['Neto a pagar', '$ 129.351']);
    const section = (title: string) => statement.sections.find((s) => s.title === title)?.rows;
    expect(section('Compradores y precios')).toEqual([
      ['Vega Modelo de Calama', '1.000 kg a $ 245 por kg = $ 245.000'],
    ]);
    expect(section('Su entrega')).toEqual([
      ['Productor', 'Rosa; "la Chica" Mamani (RUT 12.345.678-5)'],
      ['Cantidad entregada', '620 kg'],
      ['Cantidad aceptada', '600 kg'],
      ['Calidad A (factor 1)', '600 kg'],
    ]);
    expect(section('Su liquidación')).toEqual([
      ['Participación en el monto bruto', '$ 156.382'],
      ['Flete', '-$ 22.340'],
      ['Comisión (3 %)', '-$ 4.691'],
      ['Total descuentos', '-$ 27.031'],
    ]);
  });

  it('marks a draft as one whose figures may change', () => {
    const draft = producerStatement(
      { ...context, settlement: { ...settlement, status: 'draft', confirmedAt: null } },
      rosa,
    );
    expect(draft.heading[2]).toMatch(/^BORRADOR calculado el 20-12-2026/);
  });

  it('lists at most a page of buyers and counts the rest', () => {
    const deals = Array.from({ length: MAX_BUYERS_ON_STATEMENT + 3 }, (_, i) => ({
      buyerName: `Comprador ${i + 1}`,
      price: '245',
      quantityAccepted: '10',
      amount: '2450',
    }));
    const buyers = producerStatement({ ...context, deals }, rosa).sections.find(
      (s) => s.title === 'Compradores y precios',
    )!.rows;
    expect(buyers).toHaveLength(MAX_BUYERS_ON_STATEMENT + 1);
    expect(buyers[buyers.length - 1]).toEqual(['y 3 compradores más', '']);
  });

  it('explains a negative adjustment as money owed back', () => {
    const adjustment = producerStatement(
      {
        ...context,
        settlement: {
          ...settlement,
          kind: 'adjustment',
          adjustsSettlementId: 'settlement-0',
          gross: '0',
          deductions: [],
          totalDeductions: '750',
          net: '-750',
        },
      },
      {
        ...rosa,
        grossShare: '0',
        deductionShares: null,
        totalDeductions: '750',
        amount: '-750',
        confirmedAmount: '129351',
        correctedAmount: '128601',
      },
    );
    expect(adjustment.title).toBe('Ajuste de liquidación al productor');
    expect(adjustment.heading).toContain('Corrige la liquidación settlement-0');
    expect(adjustment.total).toEqual(['Ajuste neto', '-$ 750']);
    expect(adjustment.notes.join(' ')).toContain('devuelve a la asociación');
  });
});
