/**
 * Positions: an institution's stance on each ask is the one stated by its latest published
 * event (as at T) that states one for that ask; `none` if no event has.
 */
import type { LondonDate } from './calendar.js';
import { byOccurrence, countsAsAt, type HistoryEvent } from './history.js';
import { STANCES, type Stance } from './vocabulary.js';

export interface PositionStatement extends HistoryEvent {
  ask: string;
  stance: Stance;
}

export interface CurrentPosition {
  stance: Stance;
  /** The date of the event that set it; null when no position was ever stated. */
  since: LondonDate | null;
  eventId: number | null;
}

export const NO_POSITION: CurrentPosition = { stance: 'none', since: null, eventId: null };

export function currentPositions(
  statements: readonly PositionStatement[],
  asks: readonly string[],
  asOf: number,
): Record<string, CurrentPosition> {
  const positions: Record<string, CurrentPosition> = {};
  for (const ask of asks) positions[ask] = NO_POSITION;
  const counted = statements.filter((s) => countsAsAt(s, asOf) && asks.includes(s.ask)).sort(byOccurrence);
  for (const s of counted) positions[s.ask] = { stance: s.stance, since: s.date, eventId: s.id };
  return positions;
}

/** Where a stance stands on the ladder: none 0 … done 4. */
export function rung(stance: Stance): number {
  return STANCES.indexOf(stance);
}

export interface AskCount {
  ask: string;
  /** Institutions involved: at least one published event as at T. */
  involved: number;
  byStance: Record<Stance, number>;
}

/**
 * Headline counts: for each ask, how many of the involved institutions stand at each rung.
 * `involved` lists the positions of every institution with at least one counted event.
 */
export function headlineCounts(
  involved: readonly { positions: Record<string, CurrentPosition> }[],
  asks: readonly string[],
): AskCount[] {
  return asks.map((ask) => {
    const byStance = Object.fromEntries(STANCES.map((s) => [s, 0])) as Record<Stance, number>;
    for (const institution of involved) byStance[institution.positions[ask]?.stance ?? 'none']++;
    return { ask, involved: involved.length, byStance };
  });
}

export interface LadderPoint {
  /** The instant counted as at (epoch ms). */
  at: number;
  involved: number;
  byAsk: Record<string, Record<Stance, number>>;
}

/**
 * Headline counts at each of the given instants (ascending): for each ask, how many of the
 * institutions involved by then stand at each rung. Equal to `headlineCounts` of the current
 * positions at every instant; computed in one sweep over the statements.
 */
export function ladderOverTime(
  statements: readonly (PositionStatement & { institutionId: number })[],
  involvedSince: ReadonlyMap<number, number>,
  asks: readonly string[],
  instants: readonly number[],
): LadderPoint[] {
  const sorted = statements.filter((s) => s.status === 'published' && asks.includes(s.ask)).sort(byOccurrence);
  const since = [...involvedSince.entries()].sort((a, b) => a[1] - b[1]);
  const askIndex = new Map(asks.map((ask, i) => [ask, i]));
  // Each institution's stance on each ask so far; the counts of those involved so far, kept as
  // each statement and each institution comes in, so that every instant costs only a copy.
  const current = new Map<number, Stance[]>();
  const involved = new Set<number>();
  const counts = asks.map(() => Object.fromEntries(STANCES.map((s) => [s, 0])) as Record<Stance, number>);
  let next = 0;
  let joined = 0;
  return instants.map((at) => {
    while (next < sorted.length && sorted[next]!.occurredAt <= at) {
      const s = sorted[next++]!;
      const i = askIndex.get(s.ask)!;
      let stances = current.get(s.institutionId);
      if (!stances) current.set(s.institutionId, (stances = asks.map(() => 'none')));
      if (involved.has(s.institutionId)) {
        counts[i]![stances[i]!]--;
        counts[i]![s.stance]++;
      }
      stances[i] = s.stance;
    }
    while (joined < since.length && since[joined]![1] <= at) {
      const id = since[joined++]![0];
      involved.add(id);
      const stances = current.get(id);
      asks.forEach((_, i) => counts[i]![stances?.[i] ?? 'none']++);
    }
    const byAsk: Record<string, Record<Stance, number>> = {};
    asks.forEach((ask, i) => (byAsk[ask] = { ...counts[i]! }));
    return { at, involved: involved.size, byAsk };
  });
}

type Statements = readonly (PositionStatement & { institutionId: number })[];

/** What one institution adds to the weeks' counts: [week, slot, +1 or -1], slot 0 being `involved`. */
type Entry = [week: number, slot: number, delta: number];

/**
 * Positions over time kept week by week, institution by institution: `ladderOverTime` at the ends
 * of the weeks of a fixed grid (and at T), brought up to date by taking out what the institutions
 * a change touched added and putting in what they add now, instead of counting every statement
 * again. An institution adds one to `involved` and to its rung on each ask from the week it became
 * involved in, and moves between rungs in the weeks its later statements fall in.
 *
 * `weekOf(instant)` is the index of the first week on the grid that ends at or after the instant;
 * the grid starts at or before every institution's first event.
 */
export class LadderByWeek {
  private readonly slots: number;
  /** The counts each week adds, by week. */
  private readonly weeks: Int32Array[] = [];
  /** What each institution added, and from what. */
  private readonly added = new Map<number, { statements: Statements; since: number; entries: Entry[] }>();

  constructor(
    readonly asks: readonly string[],
    private readonly weekOf: (instant: number) => number,
  ) {
    this.slots = 1 + asks.length * STANCES.length;
  }

  private slot(ask: number, stance: Stance): number {
    return 1 + ask * STANCES.length + STANCES.indexOf(stance);
  }

  private apply(entries: readonly Entry[], sign: number): void {
    for (const [week, slot, delta] of entries) {
      while (this.weeks.length <= week) this.weeks.push(new Int32Array(this.slots));
      this.weeks[week]![slot]! += sign * delta;
    }
  }

  /**
   * Brings the counts up to date with each institution's statements and the instant it became
   * involved (`involvedSince`, as `ladderOverTime` takes them). An institution whose statements
   * are the same list (the same object) and whose instant is the same as last time is not counted
   * again: callers give a new list for whatever changed.
   */
  update(statements: ReadonlyMap<number, Statements>, involvedSince: ReadonlyMap<number, number>): void {
    for (const [id, before] of this.added) {
      if (involvedSince.get(id) === before.since && (statements.get(id) ?? NO_STATEMENTS) === before.statements) continue;
      this.apply(before.entries, -1);
      this.added.delete(id);
    }
    for (const [id, since] of involvedSince) {
      if (this.added.has(id)) continue;
      const own = statements.get(id) ?? NO_STATEMENTS;
      const entries = this.entriesOf(own, since);
      this.apply(entries, 1);
      this.added.set(id, { statements: own, since, entries });
    }
  }

  private entriesOf(statements: Statements, since: number): Entry[] {
    const askIndex = new Map(this.asks.map((ask, i) => [ask, i]));
    const sorted = statements.filter((s) => s.status === 'published' && askIndex.has(s.ask)).sort(byOccurrence);
    const joined = this.weekOf(since);
    const stances: Stance[] = this.asks.map(() => 'none');
    let next = 0;
    // The statements up to the end of the week it became involved in give the rungs it starts on.
    for (; next < sorted.length && this.weekOf(sorted[next]!.occurredAt) <= joined; next++) stances[askIndex.get(sorted[next]!.ask)!] = sorted[next]!.stance;
    const entries: Entry[] = [[joined, 0, 1]];
    stances.forEach((stance, i) => entries.push([joined, this.slot(i, stance), 1]));
    for (; next < sorted.length; next++) {
      const s = sorted[next]!;
      const i = askIndex.get(s.ask)!;
      const week = this.weekOf(s.occurredAt);
      entries.push([week, this.slot(i, stances[i]!), -1], [week, this.slot(i, s.stance), 1]);
      stances[i] = s.stance;
    }
    return entries;
  }

  /**
   * The counts at the ends of the grid's first weeks (`weekEnds`, ascending, each the end of the
   * week of its index) and then at T (`asOf`, after them), which counts every statement given.
   */
  points(weekEnds: readonly number[], asOf: number): LadderPoint[] {
    const running = new Int32Array(this.slots);
    const point = (at: number): LadderPoint => {
      const byAsk: Record<string, Record<Stance, number>> = {};
      this.asks.forEach((ask, i) => (byAsk[ask] = Object.fromEntries(STANCES.map((s) => [s, running[this.slot(i, s)]!])) as Record<Stance, number>));
      return { at, involved: running[0]!, byAsk };
    };
    const points: LadderPoint[] = [];
    let week = 0;
    for (; week < weekEnds.length; week++) {
      const counts = this.weeks[week];
      if (counts) for (let i = 0; i < this.slots; i++) running[i]! += counts[i]!;
      points.push(point(weekEnds[week]!));
    }
    for (; week < this.weeks.length; week++) for (let i = 0; i < this.slots; i++) running[i]! += this.weeks[week]![i]!;
    points.push(point(asOf));
    return points;
  }
}

const NO_STATEMENTS: Statements = [];
