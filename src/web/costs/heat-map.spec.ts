import { HEAT_CLASSES, heatClass, heatMapGrid } from './heat-map';

describe('heat map grid', () => {
  it('steps by round prices of about a tenth of the break-even price, with it among them', () => {
    const grid = heatMapGrid('173.07', { low: '6000', expected: '8000', high: '10000' });
    expect(grid.prices).toEqual(['120', '140', '160', '173.07', '180', '200', '220', '240']);
    expect(grid.yields).toEqual(['6000', '7000', '8000', '9000', '10000']);
    expect(grid.breakEvenPrice).toBe('173.07');
  });

  it('does not repeat the break-even price when it is already round', () => {
    const grid = heatMapGrid('200', { low: '10', expected: '10', high: '12' });
    expect(grid.prices).toEqual(['140', '160', '180', '200', '220', '240', '260']);
    expect(grid.yields).toEqual(['10', '11', '12']);
  });

  it('works for fractions of a unit and small yields', () => {
    const grid = heatMapGrid('0.0123', { low: '0.5', expected: '0.75', high: '1.2' });
    expect(grid.prices).toEqual([
      '0.009',
      '0.01',
      '0.011',
      '0.012',
      '0.0123',
      '0.013',
      '0.014',
      '0.015',
    ]);
    expect(grid.yields).toEqual(['0.5', '0.62', '0.75', '0.98', '1.2']);
    const small = heatMapGrid('12', { low: '1', expected: '2', high: '3' });
    expect(small.prices).toEqual(['9', '10', '11', '12', '13', '14', '15']);
  });

  it('keeps to positive prices for a sheet with no cost', () => {
    const grid = heatMapGrid('0', { low: '1', expected: '2', high: '3' });
    expect(grid.prices).toEqual(['1', '2', '3']);
  });
});

describe('heat class of a margin', () => {
  it('has five classes from a strong loss to a strong gain, against the economic cost', () => {
    expect(HEAT_CLASSES).toHaveLength(5);
    const cost = '1000000';
    expect(heatClass('-200000', cost)).toBe('heat-loss-2');
    expect(heatClass('-199999', cost)).toBe('heat-loss-1');
    expect(heatClass('-10000', cost)).toBe('heat-loss-1');
    expect(heatClass('-9999', cost)).toBe('heat-even');
    expect(heatClass('0', cost)).toBe('heat-even');
    expect(heatClass('9999', cost)).toBe('heat-even');
    expect(heatClass('10000', cost)).toBe('heat-gain-1');
    expect(heatClass('199999', cost)).toBe('heat-gain-1');
    expect(heatClass('200000', cost)).toBe('heat-gain-2');
  });

  it('goes by the sign alone when the sheet costs nothing', () => {
    expect(heatClass('-1', '0')).toBe('heat-loss-2');
    expect(heatClass('0', '0')).toBe('heat-even');
    expect(heatClass('5', '0')).toBe('heat-gain-2');
  });
});
