import { type Dec, dec } from '../../shared/money';

/**
 * The geometry of a line chart of prices over market days: scales, ticks and one polyline
 * per series, for a template to draw as SVG. Pure: no formatting, no markup. Values stay
 * decimal strings; only the pixel coordinates are floats, since a position on the screen
 * is presentation and not money.
 */

/** A market day, `YYYY-MM-DD`: a calendar date with no time or zone. */
export type CalendarDate = string;

export interface ChartPoint {
  date: CalendarDate;
  /** A decimal string. */
  value: string;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle';

/** Colour and dash and marker, so that no line is told from another by its colour alone. */
export interface LineStyle {
  colour: string;
  /** An SVG `stroke-dasharray`; empty for a solid line. */
  dash: string;
  marker: MarkerShape;
}

export interface PlottedPoint extends ChartPoint {
  x: number;
  y: number;
}

export interface PlottedLine {
  name: string;
  style: LineStyle;
  points: PlottedPoint[];
  /** The `points` attribute of an SVG polyline. */
  polyline: string;
}

export interface LineChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: { x: number; date: CalendarDate }[];
  yTicks: { y: number; value: string }[];
  lines: PlottedLine[];
  /** A horizontal mark across the plot, such as an offer's price. */
  reference?: { y: number; value: string };
}

export interface LineChartOptions {
  width?: number;
  height?: number;
  /** How many labelled ticks to aim for on each axis. */
  xTicks?: number;
  yTicks?: number;
  reference?: string;
}

/**
 * Colours after Okabe and Ito's palette (told apart with the common colour blindnesses),
 * darkened to keep 3:1 against white; dashes and markers, so that colour is never the only
 * cue.
 */
const COLOURS = [
  '#0b5f99',
  '#b34700',
  '#00775a',
  '#a3306f',
  '#5b4a00',
  '#3d3d3d',
  '#6a3d9a',
  '#8a3b12',
];
const DASHES = ['', '8 4', '2 3', '10 3 2 3', '4 4', '12 4', '1 4', '6 2 1 2'];
const MARKERS: readonly MarkerShape[] = ['circle', 'square', 'diamond', 'triangle'];

/**
 * The style of the `index`th line. The first eight differ in colour, dash and marker;
 * after them each round shifts the dashes, so no two of 64 lines share colour and dash.
 */
export function lineStyle(index: number): LineStyle {
  const round = Math.floor(index / COLOURS.length);
  return {
    colour: COLOURS[index % COLOURS.length],
    dash: DASHES[(index + round) % DASHES.length],
    marker: MARKERS[(index + round) % MARKERS.length],
  };
}

/** Room for the value labels on the left and the date labels below, at a phone's text size. */
const MARGIN = { left: 76, right: 12, top: 14, bottom: 40 };
const DAY_MS = 86_400_000;

export function buildLineChart(series: ChartSeries[], options: LineChartOptions = {}): LineChart {
  const width = options.width ?? 480;
  const height = options.height ?? 330;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: width - MARGIN.right,
    bottom: height - MARGIN.bottom,
  };
  const points = series.flatMap((line) => line.points);
  const values = points.map((point) => point.value);
  if (options.reference !== undefined) values.push(options.reference);
  const yTicks = valueTicks(values, options.yTicks ?? 5);
  const [xFirst, xLast] = dayExtent(points.map((point) => point.date));

  const xOf = (date: CalendarDate) =>
    plot.left + ((dayNumber(date) - xFirst) / (xLast - xFirst)) * (plot.right - plot.left);
  const yLow = dec(yTicks[0]);
  const ySpan = dec(yTicks[yTicks.length - 1]).minus(yLow);
  // Presentation only: the share of the axis a price covers becomes a float for the pixel.
  const yOf = (value: string) =>
    plot.bottom - dec(value).minus(yLow).dividedBy(ySpan).toNumber() * (plot.bottom - plot.top);

  const lines = series.map((line, index) => {
    const plotted = [...line.points]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .map((point) => ({ ...point, x: round(xOf(point.date)), y: round(yOf(point.value)) }));
    return {
      name: line.name,
      style: lineStyle(index),
      points: plotted,
      polyline: plotted.map((point) => `${point.x},${point.y}`).join(' '),
    };
  });

  return {
    width,
    height,
    plot,
    xTicks: dayTicks(xFirst, xLast, options.xTicks ?? 5).map((day) => {
      const date = calendarDateOf(day);
      return { x: round(xOf(date)), date };
    }),
    yTicks: yTicks.map((value) => ({ value, y: round(yOf(value)) })),
    lines,
    reference:
      options.reference === undefined
        ? undefined
        : { value: options.reference, y: round(yOf(options.reference)) },
  };
}

/**
 * Ticks for the value axis: round steps of 1, 2 or 5 times a power of ten, from a tick at
 * or below the lowest value to one at or above the highest, so every line fits.
 */
export function valueTicks(values: readonly string[], target: number): string[] {
  if (values.length === 0) return ['0', '1'];
  let low = values.map((value) => dec(value)).reduce((a, b) => (b.lessThan(a) ? b : a));
  let high = values.map((value) => dec(value)).reduce((a, b) => (b.greaterThan(a) ? b : a));
  if (low.equals(high)) {
    // One value: a span around it, so the line sits in the middle rather than on an edge.
    const pad = low.isZero() ? dec('1') : low.abs().dividedBy(10);
    low = low.minus(pad);
    high = high.plus(pad);
  }
  const step = niceStep(high.minus(low).dividedBy(Math.max(1, target - 1)));
  const first = low.dividedBy(step).floor().times(step);
  const last = high.dividedBy(step).ceil().times(step);
  const ticks: string[] = [];
  for (let tick = first; tick.lessThanOrEqualTo(last); tick = tick.plus(step)) {
    ticks.push(tick.toFixed());
  }
  return ticks;
}

/** The smallest 1, 2 or 5 × 10^k at least `raw`. */
function niceStep(raw: Dec): Dec {
  const power = dec('10').pow(raw.log(10).floor());
  for (const factor of ['1', '2', '5', '10']) {
    const step = power.times(factor);
    if (step.greaterThanOrEqualTo(raw)) return step;
  }
  return power.times(10);
}

/** First and last day on the axis; a single day is widened by one day on either side. */
function dayExtent(dates: readonly CalendarDate[]): [number, number] {
  if (dates.length === 0) return [0, 1];
  const days = dates.map(dayNumber);
  const first = Math.min(...days);
  const last = Math.max(...days);
  return first === last ? [first - 1, last + 1] : [first, last];
}

/** Days on the time axis: the first, the last, and evenly spaced whole days between. */
export function dayTicks(first: number, last: number, target: number): number[] {
  const span = last - first;
  const step = Math.max(1, Math.ceil(span / Math.max(1, target - 1)));
  const ticks: number[] = [];
  for (let day = first; day < last; day += step) ticks.push(day);
  // The last tick is the last day; one too close to it would overprint its label.
  if (ticks.length > 1 && last - ticks[ticks.length - 1] < step / 2) ticks.pop();
  ticks.push(last);
  return ticks;
}

/** Whole days since 1970-01-01: market days are dates, so this never meets a time zone. */
export function dayNumber(date: CalendarDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function calendarDateOf(day: number): CalendarDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function round(pixel: number): number {
  return Math.round(pixel * 10) / 10;
}

/** The SVG path of a point's marker, centred on it: the same shapes as the legend's. */
export function markerPath(shape: MarkerShape, x: number, y: number, size = 4.5): string {
  const r = size;
  switch (shape) {
    case 'circle':
      return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'square':
      return `M${x - r * 0.8},${y - r * 0.8}h${r * 1.6}v${r * 1.6}h${-r * 1.6}Z`;
    case 'diamond':
      return `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`;
    case 'triangle':
      return `M${x},${y - r}L${x + r},${y + r * 0.8}L${x - r},${y + r * 0.8}Z`;
  }
}
