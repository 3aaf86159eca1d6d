/** The data behind the charts, from the same figures as every page. */
import { recordExtent } from '../db/queries/events.js';
import { addDays, endOfLondonDay, isoWeekday, londonDateOf, type LondonDate } from '../domain/calendar.js';
import { headlineCounts, LadderByWeek, type LadderPoint } from '../domain/positions.js';
import { INSTITUTION_KINDS, STANCES, type InstitutionKind, type Stance } from '../domain/vocabulary.js';
import { directoryCounts } from './directory.js';
import { activityAsAt, bySilence, campaignView, institutionsAsAt, keptAsAt, overview, positionStatementsByInstitution, reading, type At, type InstitutionView, type Overview, type Tracker } from './tracker.js';

/** London weeks from a first Sunday: the instants they end at (computed as far as asked). */
interface WeekGrid {
  /** The Sunday after the last week computed. */
  sunday: LondonDate;
  ends: number[];
}

/** The grids of weeks asked for, by their first Sunday: each week's end is worked out once. */
const grids = new Map<LondonDate, WeekGrid>();

function gridFrom(first: number): WeekGrid {
  const firstDate = londonDateOf(first);
  const firstSunday = addDays(firstDate, 7 - isoWeekday(firstDate));
  let grid = grids.get(firstSunday);
  if (!grid) grids.set(firstSunday, (grid = { sunday: firstSunday, ends: [] }));
  return grid;
}

/** The grid's end of week `i`. */
function weekEnd(grid: WeekGrid, i: number): number {
  while (grid.ends.length <= i) {
    grid.ends.push(endOfLondonDay(grid.sunday));
    grid.sunday = addDays(grid.sunday, 7);
  }
  return grid.ends[i]!;
}

/** The index of the grid's first week that ends at or after the instant. */
function weekOf(grid: WeekGrid, instant: number): number {
  while (grid.ends.length === 0 || grid.ends[grid.ends.length - 1]! < instant) weekEnd(grid, grid.ends.length);
  let low = 0;
  let high = grid.ends.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (grid.ends[mid]! < instant) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The end of each London week (Sunday) from the first event's week, then T itself. */
export function weekEnds(first: number, asOf: number): number[] {
  const grid = gridFrom(first);
  const instants: number[] = [];
  for (let i = 0; weekEnd(grid, i) < asOf; i++) instants.push(grid.ends[i]!);
  instants.push(asOf);
  return instants;
}

export function positionsOverTime(t: Tracker, at: At): LadderPoint[] {
  return keptAsAt(t, 'positionsOverTime', at, () => sameWeeksAsBefore(t, computePositionsOverTime(t, at)));
}

/** The weeks' counts last brought up to date, on their grid, for their asks. */
const ladders = new WeakMap<Tracker, { grid: WeekGrid; asks: string; ladder: LadderByWeek }>();

/**
 * `ladderOverTime` of the statements and the institutions involved, at `weekEnds`; the counts
 * are kept, and a change of the record counts again only the institutions it touched (whose
 * lists of statements are new objects, or whose first event moved).
 */
function computePositionsOverTime(t: Tracker, at: At): LadderPoint[] {
  const asks = campaignView(t, at).asks.map((a) => a.slug);
  const since = new Map(activityAsAt(t, at).map((a) => [a.institutionId, a.firstActivityAt]));
  if (since.size === 0) return [];
  const first = Math.min(...since.values());
  const grid = gridFrom(first);
  let kept = ladders.get(t);
  if (kept?.grid !== grid || kept.asks !== asks.join(' ')) {
    kept = { grid, asks: asks.join(' '), ladder: new LadderByWeek(asks, (instant) => weekOf(grid, instant)) };
    ladders.set(t, kept);
  }
  kept.ladder.update(positionStatementsByInstitution(t, at), since);
  const instants = weekEnds(first, at.asOf);
  return kept.ladder.points(instants.slice(0, -1), at.asOf);
}

/** The weeks last counted, by their instant. */
const weeksCounted = new WeakMap<Tracker, Map<number, LadderPoint>>();

const samePoint = (a: LadderPoint, b: LadderPoint): boolean =>
  a.at === b.at &&
  a.involved === b.involved &&
  Object.keys(a.byAsk).length === Object.keys(b.byAsk).length &&
  Object.entries(a.byAsk).every(([ask, counts]) => b.byAsk[ask] !== undefined && STANCES.every((s) => counts[s] === b.byAsk[ask]![s]));

/**
 * The weeks, each as the object it was last counted as when it counts the same (a change of the
 * record seldom changes past weeks): what is drawn of a week (its row in the week-by-week
 * tables) is then kept, by object, and not drawn again.
 */
function sameWeeksAsBefore(t: Tracker, points: LadderPoint[]): LadderPoint[] {
  const before = weeksCounted.get(t);
  const kept = points.map((p) => {
    const earlier = before?.get(p.at);
    return earlier && samePoint(earlier, p) ? earlier : p;
  });
  weeksCounted.set(t, new Map(kept.map((p) => [p.at, p])));
  return kept;
}

export interface KindRow {
  kind: InstitutionKind;
  involved: number;
  byStance: Record<Stance, number>;
}

/** For one ask: the positions of the institutions involved, by kind. */
export function stanceByKind(t: Tracker, at: At, ask: string): KindRow[] {
  const involved = institutionsAsAt(t, at).filter((i) => i.involved);
  return INSTITUTION_KINDS.map((kind) => {
    const [count] = headlineCounts(involved.filter((i) => i.kind === kind), [ask]);
    return { kind, involved: count!.involved, byStance: count!.byStance };
  }).filter((r) => r.involved > 0);
}

export function longestSilences(t: Tracker, at: At, limit: number): InstitutionView[] {
  return bySilence(institutionsAsAt(t, at).filter((i) => i.silence !== null)).slice(0, limit);
}

export interface ChartData {
  asks: { slug: string; title: string }[];
  /** The weeks shown. */
  positions: LadderPoint[];
  /** Every week, for what the summary says of the whole history. */
  history: LadderPoint[];
  kinds: { ask: { slug: string; title: string }; rows: KindRow[] }[];
  silences: InstitutionView[];
}

/**
 * What every chart shows as at T. `weeks` keeps only the latest weeks of the positions over
 * time (the overview shows the last half-year; /charts the whole history).
 */
export function chartData(t: Tracker, at: At, weeks?: number): ChartData {
  // Kept as the figures are: the same object while they hold, so that its drawings are made once.
  return keptAsAt(t, `chartData:${weeks ?? 'all'}`, at, () => computeChartData(t, at, weeks));
}

function computeChartData(t: Tracker, at: At, weeks?: number): ChartData {
  const asks = campaignView(t, at).asks.map(({ slug, title }) => ({ slug, title }));
  const history = positionsOverTime(t, at);
  return {
    asks,
    positions: weeks === undefined ? history : history.slice(-weeks),
    history,
    kinds: asks.map((ask) => ({ ask, rows: stanceByKind(t, at, ask.slug) })),
    silences: longestSilences(t, at, 10),
  };
}

/** The overview: its figures and its charts (positions over the campaign's active period, or the latest `weeks` weeks). */
export function overviewPage(t: Tracker, at: At, weeks?: number): { overview: Overview; charts: ChartData } {
  return { overview: overview(t, at), charts: chartData(t, at, weeks) };
}

/** The about page: what each figure means, where the directory comes from, a year of positions. */
export function aboutPage(t: Tracker, at: At) {
  return { campaign: campaignView(t, at), directory: directoryCounts(t, at), calendar: t.calendar, record: recordExtent(t.db, reading(t, at)), charts: chartData(t, at, 52) };
}
