/**
 * Reading an event as a person typed it, in a form or a CSV row (the same field names:
 * DOMAIN.md's import columns): dates, times and choices are read, texts trimmed and bounded.
 * Whether the event makes sense (the rules) is checked next, by event-rules.ts.
 */
import { parseDate, parseTime, type LondonDate } from '../domain/calendar.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import { CHANNELS, EVENT_STATUSES, EVENT_TYPES, isOneOf, RESPONSE_TYPES, STANCES, type Channel, type EventStatus, type EventType, type ResponseType, type Stance } from '../domain/vocabulary.js';
import { addError, isHttpUrl, orNull, type FieldErrors } from './fields.js';

/** An event as typed: each field read, or null when it was empty or could not be read. */
export interface TypedEvent {
  type: EventType | null;
  institution: string | null;
  date: LondonDate | null;
  time: string | null;
  channel: Channel | null;
  fromName: string | null;
  responseType: ResponseType | null;
  answers: number | null;
  summary: string | null;
  quote: string | null;
  status: EventStatus;
  /** Ask slug → stance, for the asks given a value. */
  stances: Record<string, Stance>;
  source: { title: string | null; url: string | null; publisher: string | null; publishedOn: LondonDate | null };
  dueOn: LondonDate | null;
  dueOverrideReason: string | null;
}

/** The fields that were given (not empty), by name, so the rules can tell "missing" from "unreadable". */
export type Given = Set<string>;

const TEXTS = [
  ['summary', TEXT_LIMITS.summary, 'the summary'],
  ['quote', TEXT_LIMITS.quote, 'the quote'],
  ['from', TEXT_LIMITS.from, 'who it was from'],
  ['source_title', TEXT_LIMITS.sourceTitle, 'the source’s title'],
  ['source_url', TEXT_LIMITS.url, 'the web address'],
  ['source_publisher', TEXT_LIMITS.sourcePublisher, 'the publisher'],
  ['due_override_reason', TEXT_LIMITS.note, 'the reason'],
] as const;

const lower = (message: string) => message.charAt(0).toLowerCase() + message.slice(1);

/**
 * Reads every field; each one that cannot be read gets its message. `asks` are the slugs of the
 * campaign's asks, each a field of its own.
 */
export function parseEventFields(v: Record<string, string | undefined>, asks: readonly string[]): { typed: TypedEvent; given: Given; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const given: Given = new Set();
  for (const k in v) if (orNull(v[k]) !== null) given.add(k);
  const fail = (field: string, message: string) => addError(errors, field, message);
  const choice = <T extends string>(field: string, values: readonly T[], what: string): T | null => {
    const value = orNull(v[field]);
    if (value === null) return null;
    if (isOneOf(values, value)) return value;
    fail(field, `“${value}” is not ${what} (${values.join(', ')})`);
    return null;
  };
  const date = (field: string): LondonDate | null => {
    const text = orNull(v[field]);
    if (text === null) return null;
    const parsed = parseDate(text);
    if (parsed.ok) return parsed.value;
    fail(field, lower(parsed.message));
    return null;
  };

  for (const [field, limit, what] of TEXTS) {
    const problem = tooLong(orNull(v[field]), limit, what);
    if (problem) fail(field, lower(problem));
  }

  let time: string | null = null;
  const timeText = orNull(v.time);
  if (timeText !== null) {
    const parsed = parseTime(timeText);
    if (parsed.ok) time = parsed.value;
    else fail('time', lower(parsed.message));
  }

  let answers: number | null = null;
  const answersText = orNull(v.answers);
  if (answersText !== null) {
    if (/^\d{1,15}$/.test(answersText)) answers = Number(answersText);
    else fail('answers', 'choose one of the approaches listed');
  }

  const sourceUrl = orNull(v.source_url);
  if (sourceUrl !== null && !isHttpUrl(sourceUrl)) fail('source_url', `“${sourceUrl}” is not a web address starting http:// or https://`);

  const stances: Record<string, Stance> = {};
  for (const ask of asks) {
    const stance = choice(ask, STANCES, 'a stance');
    if (stance) stances[ask] = stance;
  }

  const typed: TypedEvent = {
    type: choice('type', EVENT_TYPES, 'an event type'),
    institution: orNull(v.institution),
    date: date('date'),
    time,
    channel: choice('channel', CHANNELS, 'a channel'),
    fromName: orNull(v.from),
    responseType: choice('response_type', RESPONSE_TYPES, 'a response type'),
    answers,
    summary: orNull(v.summary),
    quote: orNull(v.quote),
    status: choice('status', EVENT_STATUSES, 'a status (draft or published)') ?? 'published',
    stances,
    source: { title: orNull(v.source_title), url: sourceUrl, publisher: orNull(v.source_publisher), publishedOn: date('source_date') },
    dueOn: date('due_on'),
    dueOverrideReason: orNull(v.due_override_reason),
  };
  return { typed, given, errors };
}
