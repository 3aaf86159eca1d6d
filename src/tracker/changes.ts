/**
 * What changed between two moments: new approaches, replies and milestones; positions moved up
 * or down the ladder; silences begun and ended. Built from the same figures as every page, as
 * at each end of the period.
 */
import { endOfLondonDay, instantOf, parseMoment } from '../domain/calendar.js';
import { rung } from '../domain/positions.js';
import type { Stance } from '../domain/vocabulary.js';
import { campaignView, institutionsAsAt, timeline, type EventView, type Tracker } from './tracker.js';
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
  from: number;
  to: number;
  contacts: EventView[];
  responses: EventView[];
  milestones: EventView[];
  moves: PositionMove[];
  silencesBegun: SilenceChange[];
  silencesEnded: SilenceChange[];
}

const MAX_EVENTS = 10_000;

export function changes(t: Tracker, from: number, to: number): Changes {
  const asks = campaignView(t).asks;
  const events = timeline(t, to, {}, null, MAX_EVENTS).events.filter((e) => Date.parse(e.occurredAt) > from);
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
      const a = then.positions[ask.slug]!.stance;
      const b = now.positions[ask.slug]!.stance;
      if (a !== b) moves.push({ institution, ask: ask.slug, askTitle: ask.title, from: a, to: b, direction: rung(b) > rung(a) ? 'up' : 'down', eventId: now.positions[ask.slug]!.eventId });
    }
    if (!then.silence && now.silence) silencesBegun.push({ institution, silence: now.silence, before: null });
    if (then.silence && !now.silence) silencesEnded.push({ institution, silence: null, before: then.silence });
  }
  return {
    from,
    to,
    contacts: events.filter((e) => e.type === 'contact'),
    responses: events.filter((e) => e.type === 'response'),
    milestones: events.filter((e) => e.type === 'milestone'),
    moves,
    silencesBegun,
    silencesEnded,
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
export function changesPeriod(query: { from?: string | undefined; to?: string | undefined }, asOf: number, now: number): { from: number; to: number } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
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
  const to = toValue ?? asOf;
  const from = fromValue ?? to - WEEK;
  if (from >= to) return { errors: { from: 'The start of the period must come before its end.' } };
  return { from, to };
}
