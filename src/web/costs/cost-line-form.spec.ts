import { parseDecimalInput } from '../format/format';
import {
  type SheetLine,
  linesWithForm,
  percentOfRate,
  rateOfPercent,
  withoutLine,
} from './cost-line-form';

const read = (typed: string | undefined) =>
  typed === undefined || typed.trim() === '' ? undefined : parseDecimalInput(typed, 'es');

const LINES: SheetLine[] = [
  {
    kind: 'priced',
    category: 'hired_labor',
    description: 'Siembra',
    period: 'Septiembre',
    quantity: '2',
    unit: 'JH',
    unitPrice: '25000',
  },
  {
    kind: 'depreciation',
    category: 'depreciation',
    description: 'Motobomba',
    assetValue: '300000',
    salvageValue: '50000',
    lifeYears: '5',
    share: '0.5',
  },
  { kind: 'percentage', category: 'other', description: 'Imprevistos', rate: '0.05' },
];

describe('cost lines from a form', () => {
  it('changes the fields typed for one line, read the Chilean way, and keeps the rest', () => {
    const lines = linesWithForm(
      LINES,
      { 'lines.0.quantity': '2,5', 'lines.0.unitPrice': '27.500', version: '3', _csrf: 'x' },
      read,
    );
    expect(lines[0]).toEqual({ ...LINES[0], quantity: '2.5', unitPrice: '27500' });
    expect(lines.slice(1)).toEqual(LINES.slice(1));
  });

  it('reads rates, interest and shares typed as percentages', () => {
    const lines = linesWithForm(
      LINES,
      { 'lines.1.share': '50', 'lines.2.rate': '7,5', 'lines.1.lifeYears': '4' },
      read,
    );
    expect(lines[1]).toMatchObject({ share: '0.5', lifeYears: '4' });
    expect(lines[2].rate).toBe('0.075');
  });

  it('adds a line of the chosen kind at the end', () => {
    const priced = linesWithForm(
      LINES,
      {
        'lines.3.kind': 'priced',
        'lines.3.category': 'inputs',
        'lines.3.description': ' Guano ',
        'lines.3.quantity': '40',
        'lines.3.unit': 'saco',
        'lines.3.unitPrice': '3500',
      },
      read,
    );
    expect(priced[3]).toEqual({
      kind: 'priced',
      category: 'inputs',
      description: 'Guano',
      quantity: '40',
      unit: 'saco',
      unitPrice: '3500',
    });
    const percentage = linesWithForm(
      LINES,
      { 'lines.3.kind': 'percentage', 'lines.3.category': 'overhead', 'lines.3.rate': '2,5' },
      read,
    );
    expect(percentage[3]).toEqual({
      kind: 'percentage',
      category: 'overhead',
      description: '',
      rate: '0.025',
    });
  });

  it('sends blanks as null and garbage as typed, for the API to name them', () => {
    const lines = linesWithForm(
      LINES,
      { 'lines.0.quantity': '', 'lines.0.unitPrice': 'mucho', 'lines.2.rate': '-5' },
      read,
    );
    expect(lines[0].quantity).toBeNull();
    expect(lines[0].unitPrice).toBe('mucho');
    expect(lines[2].rate).toBe('-0.05');
  });

  it('ignores fields of lines that do not exist and fields no line has', () => {
    const lines = linesWithForm(
      LINES,
      { 'lines.7.quantity': '1', 'lines.0.kind': 'percentage', 'lines.0.organizationId': 'x' },
      read,
    );
    expect(lines).toEqual(LINES);
  });

  it('removes one line', () => {
    expect(withoutLine(LINES, 1).map((line) => line.description)).toEqual([
      'Siembra',
      'Imprevistos',
    ]);
  });

  it('shows fractions as percentages and back, exactly', () => {
    expect(percentOfRate('0.05')).toBe('5');
    expect(percentOfRate('0.125')).toBe('12.5');
    expect(percentOfRate(null)).toBe('');
    expect(rateOfPercent('12.5')).toBe('0.125');
    expect(rateOfPercent('doce')).toBe('doce');
  });
});
