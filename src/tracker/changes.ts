/**
 * What changed between two states of the record: between two moments (new approaches, replies
 * and milestones) or between two revisions (what was added, corrected, deleted or restored);
 * and in both, positions moved up or down the ladder and silences begun and ended. Built from
 * the same figures as every page, at each end.
 */
import { endOfLondonDay, instantOf, londonDateOf, parseMoment } from '../domain/calendar.js';
import { rung } from '../domain/positions.js';
import type { Stance } from '../domain/vocabulary.js';
import { recordChanges, type RecordChange } from './revisions.js';
import { campaignView, contactsCrossing, institutionsAsAt, timeline, type At, type EventView, type Tracker } from './tracker.js';
import type { Silence } from '../domain/silence.js';

export interface PositionMove {
  institution: { slug: string; name: string };
  ask: string;
  askTitle: string;
  from: Stance;
  to: Stance;
  direction: 'up' | 'down';
  eventId: number | null;
}

export interface SilenceChange {
  institution: { slug: string; name: string };
  silence: Silence | null;
  before: Silence | null;
}

export interface Changes {
  from: At;
  to: At;
  /** Comparing two moments at one revision, or two revisions at one moment. */
  mode: 'moments' | 'revisions';
  /** Moments: the events that happened in the period (as recorded at the revision). */
  contacts: EventView[];
  responses: EventView[];
  milestones: EventView[];
  /** Revisions: what was added, corrected, deleted or restored between them, about the moment. */
  record: RecordChange[];
  moves: PositionMove[];
  silencesBegun: SilenceChange[];
  silencesEnded: SilenceChange[];
  /** Moments: contacts that became late, and long overdue, in the period (unanswered by then). */
  becameLate: EventView[];
  becameLongOverdue: EventView[];
}

const MAX_EVENTS = 10_000;

/** What changed from one state of the record to another (two moments, or two revisions). */
export function changes(t: Tracker, from: At, to: At): Changes {
  const asks = campaignView(t, to).asks;
  const mode = from.rev === to.rev ? 'moments' : 'revisions';
  const events = mode === 'moments' ? timeline(t, to, {}, null, MAX_EVENTS).events.filter((e) => Date.parse(e.occurredAt) > from.asOf) : [];
  const record = mode === 'revisions' ? recordChanges(t, { after: from.rev, upTo: to.rev, asOf: to.asOf, lateOnly: false, directory: true, limit: 1000 }) : [];
  const before = new Map(institutionsAsAt(t, from).map((i) => [i.id, i]));
  const after = institutionsAsAt(t, to);
  const moves: PositionMove[] = [];
  const silencesBegun: SilenceChange[] = [];
  const silencesEnded: SilenceChange[] = [];
  for (const now of after) {
    const then = before.get(now.id);
    if (!then) continue;
    const institution = { slug: now.slug, name: now.name };
    for (const ask of asks) {
      const a = then.positions[ask.slug]?.stance ?? 'none';
      const b = now.positions[ask.slug]!.stance;
      if (a !== b) moves.push({ institution, ask: ask.slug, askTitle: ask.title, from: a, to: b, direction: rung(b) > rung(a) ? 'up' : 'down', eventId: now.positions[ask.slug]!.eventId });
    }
    if (!then.silence && now.silence) silencesBegun.push({ institution, silence: now.silence, before: null });
    if (then.silence && !now.silence) silencesEnded.push({ institution, silence: null, before: then.silence });
  }
  const crossing = mode === 'moments' ? contactsCrossing(t, to, londonDateOf(from.asOf), londonDateOf(to.asOf), MAX_EVENTS) : { late: [], longOverdue: [] };
  return {
    from,
    to,
    mode,
    contacts: events.filter((e) => e.type === 'contact'),
    responses: events.filter((e) => e.type === 'response'),
    milestones: events.filter((e) => e.type === 'milestone'),
    record,
    moves,
    silencesBegun,
    silencesEnded,
    becameLate: crossing.late,
    becameLongOverdue: crossing.longOverdue,
  };
}

const WEEK = 7 * 86_400_000;
/** How far ahead of the server's clock a moment may be (clock differences). */
const FUTURE_TOLERANCE_MS = 60_000;


/**
 * The period of /changes: `from` is exclusive (a date alone starts the period at the beginning
 * of that day), `to` inclusive (a date alone ends it at the end of that day); neither may be in
 * the future. Each problem is reported against its field.
 */
export function changesPeriod(
  query: { from?: string | undefined; to?: string | undefined; from_rev?: string | undefined; to_rev?: string | undefined },
  at: At,
  now: number,
  latest: number,
): { from: At; to: At } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  // Two revisions of the record, about one moment: "what was added or corrected since I last looked".
  if (query.from_rev || query.to_rev) {
    const revision = (name: 'from_rev' | 'to_rev', fallback: number): number | null => {
      const text = query[name]?.trim();
      if (!text) return fallback;
      if (!/^\d{1,12}$/.test(text) || Number(text) < 1 || Number(text) > latest) {
        errors[name] = `Give a revision number from 1 to ${latest} (the latest)`;
        return null;
      }
      return Number(text);
    };
    const toRev = revision('to_rev', latest);
    const fromRev = revision('from_rev', 1);
    if (Object.keys(errors).length > 0 || toRev === null || fromRev === null) return { errors };
    if (fromRev >= toRev) return { errors: { from_rev: 'The earlier revision must come before the later one.' } };
    return { from: { asOf: at.asOf, rev: fromRev }, to: { asOf: at.asOf, rev: toRev } };
  }
  const bound = (name: 'from' | 'to'): number | null => {
    const text = query[name]?.trim();
    if (!text) return null;
    const parsed = parseMoment(text);
    if (!parsed.ok) {
      errors[name] = parsed.message;
      return null;
    }
    const { instant, date, dateOnly } = parsed.value;
    const value = dateOnly ? (name === 'from' ? instantOf(date) - 1 : endOfLondonDay(date)) : instant;
    if ((dateOnly ? instantOf(date) : value) > now + FUTURE_TOLERANCE_MS) {
      errors[name] = `“${text}” is in the future; the tracker shows what was known up to now.`;
      return null;
    }
    return Math.min(value, now);
  };
  const toValue = bound('to');
  const fromValue = bound('from');
  if (Object.keys(errors).length > 0) return { errors };
  const to = toValue ?? at.asOf;
  const from = fromValue ?? to - WEEK;
  if (from >= to) return { errors: { from: 'The start of the period must come before its end.' } };
  return { from: { asOf: from, rev: at.rev }, to: { asOf: to, rev: at.rev } };
}
