/** The data behind the charts, from the same figures as every page. */
import { recordExtent } from '../db/queries/events.js';
import { addDays, endOfLondonDay, isoWeekday, londonDateOf } from '../domain/calendar.js';
import { headlineCounts, ladderOverTime, type LadderPoint } from '../domain/positions.js';
import { INSTITUTION_KINDS, type InstitutionKind, type Stance } from '../domain/vocabulary.js';
import { directoryCounts } from './directory.js';
import { activityAsAt, bySilence, campaignView, institutionsAsAt, keptAsAt, overview, positionStatements, reading, type At, type InstitutionView, type Overview, type Tracker } from './tracker.js';

/** The end of each London week (Sunday) from the first event's week, then T itself. */
export function weekEnds(first: number, asOf: number): number[] {
  const firstDate = londonDateOf(first);
  let sunday = addDays(firstDate, 7 - isoWeekday(firstDate));
  const instants: number[] = [];
  while (endOfLondonDay(sunday) < asOf) {
    instants.push(endOfLondonDay(sunday));
    sunday = addDays(sunday, 7);
  }
  instants.push(asOf);
  return instants;
}

export function positionsOverTime(t: Tracker, at: At): LadderPoint[] {
  return keptAsAt(t, 'positionsOverTime', at, () => computePositionsOverTime(t, at));
}

function computePositionsOverTime(t: Tracker, at: At): LadderPoint[] {
  const asks = campaignView(t, at).asks.map((a) => a.slug);
  const since = new Map(activityAsAt(t, at).map((a) => [a.institutionId, a.firstActivityAt]));
  if (since.size === 0) return [];
  const first = Math.min(...since.values());
  return ladderOverTime(positionStatements(t, at), since, asks, weekEnds(first, at.asOf));
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
