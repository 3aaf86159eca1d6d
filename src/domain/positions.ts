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
