/**
 * Charts, drawn on the server as SVG with no script: positions on each ask week by week,
 * positions by kind of institution, the longest silences. Each chart is laid out here as shapes
 * and words (`ChartDrawing`) and drawn by one auto-escaped template (views/svg/chart.eta), in two
 * widths: a wide one for larger screens and as an image for articles, and a narrow one whose
 * words stay legible on a 320 px screen. Each chart also has a text summary and its figures in
 * a table (views/partials/charts.eta).
 */
import { londonDateOf } from '../domain/calendar.js';
import type { LadderPoint } from '../domain/positions.js';
import { STANCES, type Stance } from '../domain/vocabulary.js';
import type { ChartData, KindRow } from '../tracker/charts.js';
import { instantLabel, kindsLabel, longDate, plural, stanceLabel } from './format.js';
import { STANCE_COLOURS, STANCE_STACK } from './stances.js';
import { keptFor } from './fragments.js';

export interface ChartDrawing {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  /** What it draws: the same object as an earlier drawing of this chart's that drew the same (`sameShapesAsBefore`). */
  shapes: ChartShapes;
}

/** A rectangle of a chart, in its units. */
export interface Segment {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A chart's shapes and words, apart from its title and description. */
export interface ChartShapes {
  fontSize: number;
  /** Areas of one colour, each drawn as one path of rectangles (`areaPath`). */
  areas: { fill: string; d: string }[];
  rects: (Segment & { fill: string })[];
  lines: { x1: number; y1: number; x2: number; y2: number }[];
  texts: { x: number; y: number; text: string; anchor?: 'start' | 'middle' | 'end' }[];
  /** The legend drawn inside the image (pages show an HTML legend instead and hide this). */
  legend: { x: number; y: number; fill: string; text: string }[];
}

/** How many shapes of each chart are kept for `sameShapesAsBefore` (the overview's, /about's year, the image's). */
const SHAPES_KEPT = 4;
/** The shapes each chart drew lately, by its id, the most recently drawn first. */
const shapesDrawn = new Map<string, ChartShapes[]>();

function sameItems<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    let keys = 0;
    for (const key in x) {
      if (x[key] !== y[key]) return false;
      keys++;
    }
    for (const _ in y) keys--;
    if (keys !== 0) return false;
  }
  return true;
}

const sameShapes = (a: ChartShapes, b: ChartShapes): boolean =>
  a.fontSize === b.fontSize && sameItems(a.areas, b.areas) && sameItems(a.rects, b.rects) && sameItems(a.lines, b.lines) && sameItems(a.texts, b.texts) && sameItems(a.legend, b.legend);

/**
 * The shapes a chart drew before, when they are the same as `shapes`; else `shapes`, kept. A
 * change of the record redraws every chart, but most draw what they drew before (a new approach
 * moves no position; each week but the latest stays as it was): their markup, kept by object
 * (`drawnOnce`), is then not made again.
 */
function sameShapesAsBefore(id: string, shapes: ChartShapes): ChartShapes {
  const drawn = shapesDrawn.get(id) ?? [];
  const same = drawn.find((s) => sameShapes(s, shapes));
  const kept = same ?? shapes;
  shapesDrawn.set(id, [kept, ...drawn.filter((s) => s !== kept)].slice(0, SHAPES_KEPT));
  return kept;
}

export type ChartWidth = 'wide' | 'narrow';

/**
 * Pages show a chart with an HTML legend beside it; an image for another site carries its own
 * legend inside.
 */
export interface ChartOptions {
  legend: boolean;
}

const SIZES: Record<ChartWidth, { width: number; font: number }> = {
  wide: { width: 720, font: 14 },
  // Shown at 288 px on a 320 px screen, 14-unit words are 11 px tall.
  narrow: { width: 360, font: 14 },
};

/** Keeps apart stacked segments of neighbouring colours. */
const GAP = 1;

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Rectangles of one colour as one SVG path, each a closed subpath (`M x y h w v h h -w z`): a
 * third of the markup of a `<rect>` each, and one element for all of them.
 */
export function areaPath(segments: readonly Segment[]): string {
  return segments.map((r) => `M${r.x} ${r.y}h${r.width}v${r.height}h${r2(-r.width)}z`).join('');
}

function legend(width: ChartWidth, y: number, shown: boolean): { items: ChartShapes['legend']; height: number; bottom: number } {
  if (!shown) return { items: [], height: 0, bottom: y };
  const perRow = width === 'wide' ? 5 : 3;
  const column = SIZES[width].width / perRow;
  const items = STANCE_STACK.map((s, i) => ({ x: 10 + (i % perRow) * column, y: y + Math.floor(i / perRow) * 22, fill: STANCE_COLOURS[s].fill, text: stanceLabel(s) }));
  const height = Math.ceil(STANCE_STACK.length / perRow) * 22;
  return { items, height, bottom: y + height };
}

/** `history` is the whole series, when `points` shows only a part of it. */
export function positionsSummary(points: LadderPoint[], ask: { slug: string; title: string }, history: LadderPoint[] = points): string {
  const last = points[points.length - 1];
  if (!last || last.involved === 0) return `No institution was involved yet, so no position on “${ask.title}” is counted.`;
  const parts = [...STANCES].reverse().map((s) => `${last.byAsk[ask.slug]![s]} ${stanceLabel(s).toLowerCase()}`);
  const firstCommitted = history.find((p) => p.byAsk[ask.slug]!.committed + p.byAsk[ask.slug]!.done > 0);
  return (
    `Week by week from ${longDate(londonDateOf(points[0]!.at))}. At ${instantLabel(last.at)}, of ${plural(last.involved, 'institution')} involved: ${parts.join(', ')}.` +
    (firstCommitted ? ` The first commitment was counted in the week to ${longDate(londonDateOf(firstCommitted.at))}.` : ' None has committed.')
  );
}

export function positionsChart(points: LadderPoint[], ask: { slug: string; title: string }, width: ChartWidth, options: ChartOptions, history: LadderPoint[] = points): ChartDrawing {
  const { width: W, font } = SIZES[width];
  const top = 20;
  const bottom = 200;
  const left = 40;
  const max = Math.max(1, ...points.map((p) => p.involved));
  const bar = (W - left - 10) / Math.max(points.length, 1);
  // Bars of fewer than 3 units touch (no gap between weeks): a stance's segment that stays the
  // same from week to week is then one rectangle, which draws exactly what the weeks' would.
  const touching = !(bar > 3);
  const segments = new Map<Stance, Segment[]>(STANCE_STACK.map((s) => [s, []]));
  const lastWeek = new Map<Stance, number>();
  points.forEach((p, i) => {
    let y = bottom;
    for (const s of STANCE_STACK) {
      const h = ((bottom - top) * p.byAsk[ask.slug]![s]) / max;
      y -= h;
      if (h <= 0) continue;
      const next = { x: r2(left + i * bar), y: r2(y), width: r2(Math.max(bar - (bar > 3 ? 1 : 0), 0.5)), height: r2(Math.max(h - GAP, 0.5)) };
      const list = segments.get(s)!;
      const last = list[list.length - 1];
      if (touching && last && lastWeek.get(s) === i - 1 && last.y === next.y && last.height === next.height) last.width = r2(next.x + next.width - last.x);
      else list.push(next);
      lastWeek.set(s, i);
    }
  });
  const areas: ChartShapes['areas'] = [...segments].filter(([, list]) => list.length > 0).map(([s, list]) => ({ fill: STANCE_COLOURS[s].fill, d: areaPath(list) }));
  const firstDate = points[0] ? longDate(londonDateOf(points[0].at)) : '';
  const lastDate = points.length ? longDate(londonDateOf(points[points.length - 1]!.at)) : '';
  const texts: ChartShapes['texts'] = [
    { x: left - 6, y: bottom + 4, text: '0', anchor: 'end' },
    { x: left - 6, y: top + 4, text: String(max), anchor: 'end' },
  ];
  // The narrow chart puts its dates on two lines, so neither runs into the other.
  if (width === 'wide') texts.push({ x: left, y: bottom + 18, text: firstDate }, { x: W - 10, y: bottom + 18, text: lastDate, anchor: 'end' });
  else texts.push({ x: left, y: bottom + 18, text: `From ${firstDate}` }, { x: W - 10, y: bottom + 36, text: `to ${lastDate}`, anchor: 'end' });
  const key = legend(width, bottom + (width === 'wide' ? 35 : 52), options.legend);
  const id = `positions-${ask.slug}-${width}`;
  return {
    id,
    title: `Positions on “${ask.title}” over time`,
    description: positionsSummary(points, ask, history),
    width: W,
    height: key.bottom,
    shapes: sameShapesAsBefore(id, {
      fontSize: font,
      areas,
      rects: [],
      lines: [
        { x1: left, y1: bottom, x2: W - 10, y2: bottom },
        { x1: left, y1: top, x2: left, y2: bottom },
      ],
      texts,
      legend: key.items,
    }),
  };
}

export function kindsSummary(rows: KindRow[], ask: { title: string }): string {
  if (rows.length === 0) return `No institution is involved yet.`;
  return rows.map((r) => `${kindsLabel(r.kind)}: ${r.byStance.committed + r.byStance.done} of ${r.involved} committed or done`).join('; ') + ` (on “${ask.title}”).`;
}

export function kindsChart(rows: KindRow[], ask: { slug: string; title: string }, width: ChartWidth, options: ChartOptions): ChartDrawing {
  const { width: W, font } = SIZES[width];
  // Wide: the kind to the left of its bar; narrow: above it.
  const labelAbove = width === 'narrow';
  const left = labelAbove ? 10 : 200;
  const rowH = labelAbove ? 52 : 34;
  const max = Math.max(1, ...rows.map((r) => r.involved));
  const rects: ChartShapes['rects'] = [];
  const texts: ChartShapes['texts'] = [];
  rows.forEach((r, i) => {
    const y = 20 + i * rowH + (labelAbove ? 20 : 0);
    let x = left;
    for (const s of STANCE_STACK) {
      const w = ((W - left - 60) * r.byStance[s]) / max;
      if (w > 0) rects.push({ x: r2(x), y, width: r2(Math.max(w - GAP, 0.5)), height: 22, fill: STANCE_COLOURS[s].fill });
      x += w;
    }
    texts.push(labelAbove ? { x: left, y: y - 6, text: kindsLabel(r.kind) } : { x: left - 8, y: y + 15, text: kindsLabel(r.kind), anchor: 'end' });
    texts.push({ x: r2(x + 6), y: y + 15, text: String(r.involved) });
  });
  const key = legend(width, 20 + rows.length * rowH + 20, options.legend);
  const id = `kinds-${ask.slug}-${width}`;
  return {
    id,
    title: `Positions on “${ask.title}” by kind of institution`,
    description: kindsSummary(rows, ask),
    width: W,
    height: key.bottom,
    shapes: sameShapesAsBefore(id, { fontSize: font, areas: [], rects, lines: [], texts, legend: key.items }),
  };
}

export interface SilenceRow {
  name: string;
  calendarDays: number;
}

export function silencesSummary(list: SilenceRow[]): string {
  if (list.length === 0) return 'No institution is waiting to comment.';
  return list.map((i) => `${i.name}: ${plural(i.calendarDays, 'day')}`).join('; ') + '.';
}

export function silencesChart(list: SilenceRow[], width: ChartWidth): ChartDrawing {
  const { width: W, font } = SIZES[width];
  const labelAbove = width === 'narrow';
  const left = labelAbove ? 10 : 300;
  const rowH = labelAbove ? 48 : 30;
  const max = Math.max(1, ...list.map((i) => i.calendarDays));
  const room = labelAbove ? 38 : 42;
  const rects: ChartShapes['rects'] = [];
  const texts: ChartShapes['texts'] = [];
  list.forEach((i, n) => {
    const y = 10 + n * rowH + (labelAbove ? 20 : 0);
    const w = ((W - left - 120) * i.calendarDays) / max;
    const name = i.name.length > room ? `${i.name.slice(0, room - 2)}…` : i.name;
    rects.push({ x: left, y, width: r2(Math.max(w, 1)), height: 20, fill: STANCE_COLOURS.refused.fill });
    texts.push(labelAbove ? { x: left, y: y - 6, text: name } : { x: left - 8, y: y + 15, text: name, anchor: 'end' });
    texts.push({ x: r2(left + w + 6), y: y + 15, text: plural(i.calendarDays, 'day') });
  });
  if (list.length === 0) texts.push({ x: 10, y: 20, text: 'No institution is waiting to comment.' });
  const id = `silences-${width}`;
  return {
    id,
    title: 'Longest without comment',
    description: silencesSummary(list),
    width: W,
    height: 30 + Math.max(list.length, 1) * rowH,
    shapes: sameShapesAsBefore(id, { fontSize: font, areas: [], rects, lines: [], texts, legend: [] }),
  };
}

const ON_PAGE: ChartOptions = { legend: false };
export const AS_IMAGE: ChartOptions = { legend: true };

/** Markup drawn once for what it shows: a drawing's shapes, a table of figures, a week's row of it. */
const drawn = new WeakMap<object, Map<string, string>>();

/**
 * The markup `draw` makes of `shown` (a chart's drawing or shapes, its figures, a week of them),
 * or of one `part` of it (a week's row for one ask), made once and kept while `shown` is: the
 * chart sets of figures kept unchanged (tracker's keptAsAt), the shapes a chart drew before and
 * the weeks counted as before are drawn once, not on every request. `draw` must depend on
 * `shown` and `part` alone.
 */
export function drawnOnce(shown: object, draw: () => string, part = ''): string {
  return keptFor(drawn, shown, part, draw);
}

export type ChartSet = ReturnType<typeof makeChartSet>;

const chartSets = new WeakMap<ChartData, ChartSet>();

/** Every chart of a page, in both widths, with its summary and the figures its table shows (made once for the same data). */
export function chartSet(data: ChartData): ChartSet {
  let set = chartSets.get(data);
  if (!set) chartSets.set(data, (set = makeChartSet(data)));
  return set;
}

function makeChartSet(data: ChartData) {
  const points = data.positions;
  return {
    drawnOnce,
    asks: data.asks,
    positions: data.asks.map((ask) => ({
      ask,
      points,
      wide: positionsChart(points, ask, 'wide', ON_PAGE, data.history),
      narrow: positionsChart(points, ask, 'narrow', ON_PAGE, data.history),
      summary: positionsSummary(points, ask, data.history),
    })),
    kinds: data.kinds.map(({ ask, rows }) => ({ ask, rows, wide: kindsChart(rows, ask, 'wide', ON_PAGE), narrow: kindsChart(rows, ask, 'narrow', ON_PAGE), summary: kindsSummary(rows, ask) })),
    silences: {
      list: data.silences,
      wide: silencesChart(data.silences.map(silenceRow), 'wide'),
      narrow: silencesChart(data.silences.map(silenceRow), 'narrow'),
      summary: silencesSummary(data.silences.map(silenceRow)),
    },
  };
}

export const silenceRow = (i: { name: string; silence: { calendarDays: number } | null }): SilenceRow => ({ name: i.name, calendarDays: i.silence?.calendarDays ?? 0 });
