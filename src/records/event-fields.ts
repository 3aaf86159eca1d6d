/**
 * Reading one event from named text fields: a CSV row or a web form, with the same names
 * (DOMAIN.md's import columns). Every problem is reported against its field; an event is
 * returned only when there is none.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { asks as askTable, campaign as campaignTable, events } from '../db/schema.js';
import { instantOf, parseDate, parseTime, type LondonDate, type WorkingCalendar } from '../domain/calendar.js';
import { replyDueOn, type ReplyWindows } from '../domain/reply-due.js';
import { CHANNELS, EVENT_STATUSES, EVENT_TYPES, isOneOf, RESPONSE_TYPES, STANCES, type Stance } from '../domain/vocabulary.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import type { EventInput, SourceInput } from './events.js';
import { isHttpUrl, orNull } from './fields.js';
import { InstitutionMatcher } from './institutions.js';

export interface FieldError {
  field: string;
  reason: string;
}

export interface EventRules {
  /** Ask slug → ask id, in the campaign's order. */
  asks: Map<string, number>;
  windows: ReplyWindows;
  calendar: WorkingCalendar;
  matcher: InstitutionMatcher;
  /** A contact by id (for a response that answers it). */
  contact: (id: number) => { institutionId: number | null; occurredAt: number } | null;
}

export function eventRules(db: Db, calendar: WorkingCalendar): EventRules {
  const asks = new Map(db.select().from(askTable).orderBy(askTable.sortOrder, askTable.id).all().map((a) => [a.slug, a.id] as const));
  const row = db.select().from(campaignTable).get();
  return {
    asks,
    windows: { foi: row?.replyWindowFoi ?? 20, default: row?.replyWindowDefault ?? 10 },
    calendar,
    matcher: InstitutionMatcher.load(db),
    contact: (id) =>
      db
        .select({ institutionId: events.institutionId, occurredAt: events.occurredAt })
        .from(events)
        .where(and(eq(events.id, id), eq(events.type, 'contact')))
        .get() ?? null,
  };
}


export interface ReadEvent {
  event: (EventInput & { institutionName: string | null }) | null;
  errors: FieldError[];
}

/**
 * Fields: institution, date, time, type, channel, response_type, from, summary, quote,
 * source_title, source_url, source_publisher, source_date, status, one per ask slug; and, from
 * the web forms, answers (a contact id), due_on and due_override_reason.
 */
export function readEventFields(
  v: Record<string, string | undefined>,
  rules: EventRules,
  context: { now: number; createdBy: string; audience?: 'form' | 'csv' },
): ReadEvent {
  const form = context.audience === 'form';
  const errors: FieldError[] = [];
  const fail = (field: string, reason: string) => errors.push({ field, reason });
  const { calendar } = rules;

  const type = (v.type ?? '').trim();
  if (!isOneOf(EVENT_TYPES, type)) fail('type', type === '' ? 'the type is missing (contact, response or milestone)' : `“${type}” is not an event type (contact, response or milestone)`);

  let institutionId: number | null = null;
  let institutionName: string | null = null;
  const institution = orNull(v.institution);
  if (institution) {
    const match = rules.matcher.find(institution);
    if (match.found) [institutionId, institutionName] = [match.id, match.name];
    else fail('institution', match.reason);
  } else if (type !== 'milestone') {
    fail('institution', form ? 'choose the institution' : 'only a milestone can be campaign-wide; name the institution');
  }

  let date: LondonDate | null = null;
  let time: string | null = null;
  const dateText = orNull(v.date);
  if (!dateText) fail('date', form ? 'enter the date' : 'the date is missing');
  else {
    const parsed = parseDate(dateText);
    if (!parsed.ok) fail('date', parsed.message);
    else if (!calendar.covers(parsed.value)) {
      fail('date', `${parsed.value} is outside the bank holiday list (${calendar.firstYear} to ${calendar.lastYear}), so no figure could count it`);
    } else date = parsed.value;
  }
  const timeText = orNull(v.time);
  if (timeText) {
    const parsed = parseTime(timeText);
    if (!parsed.ok) fail('time', parsed.message);
    else time = parsed.value;
  }
  const occurredAt = date ? instantOf(date, time) : null;
  if (date && occurredAt! > context.now) fail(time ? 'time' : 'date', `${date}${time ? ` ${time}` : ''} is in the future`);

  const channel = orNull(v.channel);
  if (type === 'contact') {
    if (channel === null) fail('channel', form ? 'choose how the approach was made' : `a contact needs a channel (${CHANNELS.join(', ')})`);
    else if (!isOneOf(CHANNELS, channel)) fail('channel', `“${channel}” is not a channel (${CHANNELS.join(', ')})`);
  } else if (channel !== null) fail('channel', 'only a contact has a channel');

  const responseType = orNull(v.response_type);
  if (type === 'response') {
    if (responseType === null) fail('response_type', form ? 'choose the kind of response' : `a response needs a response type (${RESPONSE_TYPES.join(', ')})`);
    else if (!isOneOf(RESPONSE_TYPES, responseType)) fail('response_type', `“${responseType}” is not a response type (${RESPONSE_TYPES.join(', ')})`);
  } else if (responseType !== null) fail('response_type', 'only a response has a response type');

  let answersEventId: number | null = null;
  const answers = orNull(v.answers);
  if (answers !== null) {
    const contact = /^\d+$/.test(answers) ? rules.contact(Number(answers)) : null;
    if (type !== 'response') fail('answers', 'only a response answers a contact');
    else if (!contact) fail('answers', 'choose one of the approaches listed');
    else if (contact.institutionId !== institutionId) fail('answers', 'that approach was made to another institution');
    else if (occurredAt !== null && occurredAt < contact.occurredAt) fail('date', 'the response is dated before the approach it answers');
    else answersEventId = Number(answers);
  }

  const summary = orNull(v.summary);
  if (!summary) fail('summary', form ? (type === 'contact' ? 'say what was asked' : 'say what happened') : 'the summary is missing');
  // Every text is bounded, so that no record is too long to show, link to or edit.
  for (const [field, limit, what] of [
    ['summary', TEXT_LIMITS.summary, 'the summary'],
    ['quote', TEXT_LIMITS.quote, 'the quote'],
    ['from', TEXT_LIMITS.from, 'who it was from'],
    ['source_title', TEXT_LIMITS.sourceTitle, 'the source’s title'],
    ['source_url', TEXT_LIMITS.url, 'the web address'],
    ['source_publisher', TEXT_LIMITS.sourcePublisher, 'the publisher'],
    ['due_override_reason', TEXT_LIMITS.note, 'the reason'],
  ] as const) {
    const problem = tooLong(orNull(v[field]), limit, what);
    if (problem) fail(field, problem.charAt(0).toLowerCase() + problem.slice(1));
  }

  const status = orNull(v.status) ?? 'published';
  if (!isOneOf(EVENT_STATUSES, status)) fail('status', `“${status}” is not a status (draft or published)`);

  const positions: { askId: number; stance: Stance }[] = [];
  for (const [slug, askId] of rules.asks) {
    const stance = orNull(v[slug]);
    if (!stance) continue;
    if (!isOneOf(STANCES, stance)) fail(slug, `“${stance}” is not a stance (${STANCES.join(', ')})`);
    else if (type === 'contact') fail(slug, 'a contact states no position; log the reply as a response');
    else positions.push({ askId, stance });
  }

  const sources: SourceInput[] = [];
  const sourceTitle = orNull(v.source_title);
  const sourceUrl = orNull(v.source_url);
  if (sourceUrl !== null && !isHttpUrl(sourceUrl)) fail('source_url', `“${sourceUrl}” is not a web address starting http:// or https://`);
  let sourceDate: LondonDate | null = null;
  const sourceDateText = orNull(v.source_date);
  if (sourceDateText) {
    const parsed = parseDate(sourceDateText);
    if (!parsed.ok) fail('source_date', parsed.message);
    else sourceDate = parsed.value;
  }
  if (sourceTitle === null && (sourceUrl || orNull(v.source_publisher) || sourceDateText)) fail('source_title', 'a source needs a title');
  if (sourceTitle !== null) sources.push({ title: sourceTitle, url: sourceUrl, publisher: orNull(v.source_publisher), publishedOn: sourceDate });
  if (status === 'published' && sources.length === 0) fail('source_title', 'a published event needs a source; give one, or save it as a draft');

  let dueOn: LondonDate | null = date && type === 'contact' && isOneOf(CHANNELS, channel) ? replyDueOn(date, channel, rules.windows, calendar) : null;
  let dueOverrideReason: string | null = null;
  const dueText = orNull(v.due_on);
  if (dueText !== null && type === 'contact') {
    const parsed = parseDate(dueText);
    if (!parsed.ok) fail('due_on', parsed.message);
    else if (date && parsed.value < date) fail('due_on', 'the reply cannot be due before the approach was made');
    else if (parsed.value !== dueOn) {
      dueOverrideReason = orNull(v.due_override_reason);
      if (!dueOverrideReason) fail('due_override_reason', 'say why the reply is due on another date');
      dueOn = parsed.value;
    }
  }

  if (errors.length > 0 || date === null || !isOneOf(EVENT_TYPES, type) || !isOneOf(EVENT_STATUSES, status)) return { event: null, errors };
  return {
    errors,
    event: {
      institutionName,
      type,
      institutionId,
      date,
      time,
      channel: type === 'contact' && isOneOf(CHANNELS, channel) ? channel : null,
      fromName: orNull(v.from),
      responseType: isOneOf(RESPONSE_TYPES, responseType) ? responseType : null,
      answersEventId,
      summary: summary!,
      quote: orNull(v.quote),
      dueOn,
      dueOverrideReason,
      status,
      positions,
      sources,
      createdBy: context.createdBy,
    },
  };
}
