import {
  buildLineChart,
  dayNumber,
  dayTicks,
  lineStyle,
  markerPath,
  valueTicks,
} from './line-chart';

describe('line chart geometry', () => {
  it('puts value ticks on round steps that enclose every value', () => {
    expect(valueTicks(['216', '238.0588', '250'], 5)).toEqual(['210', '220', '230', '240', '250']);
    expect(valueTicks(['1200', '4761.1765'], 5)).toEqual(['1000', '2000', '3000', '4000', '5000']);
    expect(valueTicks(['0.35', '0.52'], 4)).toEqual(['0.3', '0.4', '0.5', '0.6']);
  });

  it('gives a single value a span around it instead of dividing by zero', () => {
    const ticks = valueTicks(['240'], 5);
    expect(Number(ticks[0])).toBeLessThan(240);
    expect(Number(ticks[ticks.length - 1])).toBeGreaterThan(240);
    expect(valueTicks(['0'], 3)).toEqual(['-1', '0', '1']);
  });

  it('places dates by whole days, first at the left edge and last at the right', () => {
    const chart = buildLineChart(
      [
        {
          name: 'Lo Valledor',
          points: [
            { date: '2026-10-15', value: '250' },
            { date: '2026-10-05', value: '230' },
          ],
        },
        { name: 'Vega Central', points: [{ date: '2026-10-10', value: '240' }] },
      ],
      { width: 480, height: 300 },
    );
    const [valledor, vega] = chart.lines;
    // Sorted by date whatever the order given.
    expect(valledor.points.map((p) => p.date)).toEqual(['2026-10-05', '2026-10-15']);
    expect(valledor.points[0].x).toBe(chart.plot.left);
    expect(valledor.points[1].x).toBe(chart.plot.right);
    expect(vega.points[0].x).toBe((chart.plot.left + chart.plot.right) / 2);
    // 230 is the lowest tick, 250 the highest: the bottom and the top of the plot.
    expect(chart.yTicks.map((t) => t.value)).toEqual(['230', '235', '240', '245', '250']);
    expect(valledor.points[0].y).toBe(chart.plot.bottom);
    expect(valledor.points[1].y).toBe(chart.plot.top);
    expect(vega.points[0].y).toBe((chart.plot.top + chart.plot.bottom) / 2);
    expect(valledor.polyline).toBe(
      `${chart.plot.left},${chart.plot.bottom} ${chart.plot.right},${chart.plot.top}`,
    );
  });

  it('keeps the values as the decimal strings it was given', () => {
    const chart = buildLineChart([
      { name: 'm', points: [{ date: '2026-10-05', value: '238.0588' }] },
    ]);
    expect(chart.lines[0].points[0].value).toBe('238.0588');
  });

  it('gives each line its own colour, dash and marker', () => {
    const chart = buildLineChart(
      ['a', 'b', 'c', 'd'].map((name) => ({
        name,
        points: [{ date: '2026-10-05', value: '1' }],
      })),
    );
    const styles = chart.lines.map((line) => line.style);
    expect(new Set(styles.map((s) => s.colour)).size).toBe(4);
    expect(new Set(styles.map((s) => s.dash)).size).toBe(4);
    expect(new Set(styles.map((s) => s.marker)).size).toBe(4);
    const many = Array.from({ length: 64 }, (_, i) => lineStyle(i));
    expect(new Set(many.map((s) => `${s.colour}|${s.dash}`)).size).toBe(64);
  });

  it('stretches the value axis to show a reference price outside the data', () => {
    const chart = buildLineChart(
      [
        {
          name: 'm',
          points: [
            { date: '2026-10-05', value: '240' },
            { date: '2026-10-06', value: '250' },
          ],
        },
      ],
      { reference: '200' },
    );
    expect(chart.reference).toEqual({ value: '200', y: chart.plot.bottom });
    expect(chart.yTicks[0].value).toBe('200');
  });

  it('labels the first and last day, with evenly spaced days between', () => {
    const first = dayNumber('2026-08-01');
    const last = dayNumber('2026-10-30');
    const ticks = dayTicks(first, last, 5);
    expect(ticks[0]).toBe(first);
    expect(ticks[ticks.length - 1]).toBe(last);
    expect(ticks.length).toBeLessThanOrEqual(5);
    const gaps = ticks.slice(1).map((day, i) => day - ticks[i]);
    expect(new Set(gaps.slice(0, -1)).size).toBeLessThanOrEqual(1);
    expect(dayTicks(first, first + 2, 5)).toEqual([first, first + 1, first + 2]);
  });

  it('draws an empty chart without failing', () => {
    const chart = buildLineChart([]);
    expect(chart.lines).toEqual([]);
    expect(chart.yTicks.length).toBeGreaterThan(1);
  });

  it('counts days across Chile’s daylight-saving change as whole days', () => {
    expect(dayNumber('2026-09-07') - dayNumber('2026-09-05')).toBe(2);
    expect(dayNumber('2026-04-06') - dayNumber('2026-04-04')).toBe(2);
  });
});

describe('markers', () => {
  it('draws each shape as a closed path around its point', () => {
    for (const shape of ['circle', 'square', 'diamond', 'triangle'] as const) {
      const path = markerPath(shape, 100, 50);
      expect(path).toMatch(/^M[\d.]+,[\d.]+.*Z$/);
    }
    expect(markerPath('diamond', 100, 50, 5)).toBe('M100,45L105,50L100,55L95,50Z');
  });
});
