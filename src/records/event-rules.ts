/**
 * The rules an event must keep, whichever way it comes in (a form, a CSV row): who it names,
 * when it happened, what each type of event carries, its reply due date. Every problem is
 * reported against its field, in words that read well in a form and in an import report; an
 * event is returned only when there is none.
 */
import type { Db } from '../db/client.js';
import { askSlugs, contactRow, directoryNames, replyWindowRow } from '../db/queries/rules.js';
import { instantOf, writtenDate, type WorkingCalendar } from '../domain/calendar.js';
import { DEFAULT_REPLY_WINDOWS, replyDueOn, type ReplyWindows } from '../domain/reply-due.js';
import { CHANNELS, RESPONSE_TYPES, type Stance } from '../domain/vocabulary.js';
import type { EventInput, SourceInput } from './events.js';
import { parseEventFields, type Given, type TypedEvent } from './event-input.js';
import { addError, hasErrors, ok, type FieldErrors, type Result } from './fields.js';
import { InstitutionMatcher, type DirectoryNames } from './institution-names.js';

export interface EventRules {
  /** Ask slug → ask id, in the campaign's order. */
  asks: Map<string, number>;
  windows: ReplyWindows;
  calendar: WorkingCalendar;
  matcher: InstitutionMatcher;
  /** A contact by id (for a response that answers it). */
  contact: (id: number) => { institutionId: number | null; occurredAt: number } | null;
}

/**
 * What the rules need to know of the tracker, as plain data: the asks, the reply windows and the
 * directory's names. A copy of it checks rows in another thread (an import's reader).
 */
export interface EventRuleData {
  asks: [slug: string, id: number][];
  windows: ReplyWindows;
  directory: DirectoryNames;
}

export function eventRuleData(db: Db): EventRuleData {
  const windows = replyWindowRow(db);
  return {
    asks: askSlugs(db),
    windows: { foi: windows?.foi ?? DEFAULT_REPLY_WINDOWS.foi, default: windows?.default ?? DEFAULT_REPLY_WINDOWS.default },
    directory: directoryNames(db),
  };
}

/** The rules over `data`; `contact` finds the approach a response answers. */
export function eventRulesOf(data: EventRuleData, calendar: WorkingCalendar, contact: EventRules['contact']): EventRules {
  return { asks: new Map(data.asks), windows: data.windows, calendar, matcher: new InstitutionMatcher(data.directory), contact };
}

export function eventRules(db: Db, calendar: WorkingCalendar): EventRules {
  return eventRulesOf(eventRuleData(db), calendar, (id) => contactRow(db, id));
}

export type ValidEvent = EventInput & { institutionName: string | null };

/** Checks a typed event against the rules; `errors` holds what reading it already found. */
export function checkEvent(e: TypedEvent, given: Given, found: FieldErrors, rules: EventRules, context: { now: number; createdBy: string }): Result<ValidEvent> {
  const errors: FieldErrors = { ...found };
  const fail = (field: string, message: string) => addError(errors, field, message);
  const { calendar } = rules;
  const type = e.type;
  if (type === null && !given.has('type')) fail('type', 'the type is missing (contact, response or milestone)');

  let institutionId: number | null = null;
  let institutionName: string | null = null;
  if (e.institution) {
    const match = rules.matcher.find(e.institution);
    if (match.found) [institutionId, institutionName] = [match.id, match.name];
    else fail('institution', match.reason);
  } else if (type !== 'milestone') {
    fail('institution', 'name the institution (only a milestone can be campaign-wide)');
  }

  if (e.date === null && !given.has('date')) fail('date', 'enter the date');
  else if (e.date !== null && e.date < calendar.firstDate) {
    fail('date', `${e.date} is before the bank holiday list begins (${calendar.firstYear}), so no figure could count it`);
  }
  const occurredAt = e.date !== null && e.date >= calendar.firstDate ? instantOf(e.date, e.time) : null;
  if (occurredAt !== null && occurredAt > context.now) fail(e.time ? 'time' : 'date', `${e.date}${e.time ? ` ${e.time}` : ''} is in the future`);

  if (type === 'contact') {
    if (e.channel === null && !given.has('channel')) fail('channel', `choose how the approach was made (${CHANNELS.join(', ')})`);
  } else if (given.has('channel')) fail('channel', 'only an approach (a contact) has a channel');

  if (type === 'response') {
    if (e.responseType === null && !given.has('response_type')) fail('response_type', `choose the kind of response (${RESPONSE_TYPES.join(', ')})`);
  } else if (given.has('response_type')) fail('response_type', 'only a response has a response type');

  if (e.answers !== null) {
    const contact = rules.contact(e.answers);
    if (type !== 'response') fail('answers', 'only a response answers an approach');
    else if (!contact) fail('answers', 'choose one of the approaches listed');
    else if (contact.institutionId !== institutionId) fail('answers', 'that approach was made to another institution');
    else if (occurredAt !== null && occurredAt < contact.occurredAt) fail('date', 'the response is dated before the approach it answers');
  }

  if (!e.summary) fail('summary', type === 'contact' ? 'say what was asked' : 'say what happened');

  const positions: { askId: number; stance: Stance }[] = [];
  for (const [slug, stance] of Object.entries(e.stances)) {
    if (type === 'contact') fail(slug, 'an approach states no position; log the reply as a response');
    else positions.push({ askId: rules.asks.get(slug)!, stance });
  }

  const sources: SourceInput[] = [];
  const { title, url, publisher, publishedOn } = e.source;
  if (title === null && (url || publisher || publishedOn || given.has('source_date'))) fail('source_title', 'a source needs a title');
  if (title !== null) sources.push({ title, url, publisher, publishedOn });
  if (e.status === 'published' && sources.length === 0) fail('source_title', 'a published event needs a source; give one, or save it as a draft');

  // The reply due date is worked out; a campaigner may set another, with a reason.
  let dueOn = e.date && type === 'contact' && e.channel && e.date >= calendar.firstDate ? replyDueOn(e.date, e.channel, rules.windows, calendar) : null;
  let dueOverrideReason: string | null = null;
  if (dueOn === null && e.dueOn === null && type === 'contact' && e.date && e.channel && e.date >= calendar.firstDate) {
    fail(
      'due_on',
      `the reply due date cannot be worked out: the bank holiday list ends on ${writtenDate(calendar.lastDate)}${e.date > calendar.lastDate ? '' : ', before the reply would be due'}. ` +
        'Enter the due date yourself (with a reason), or ask an admin to add the next bank holidays at /admin/holidays',
    );
  }
  if (e.dueOn !== null && type === 'contact') {
    if (e.date && e.dueOn < e.date) fail('due_on', 'the reply cannot be due before the approach was made');
    else if (e.dueOn !== dueOn) {
      dueOverrideReason = e.dueOverrideReason;
      if (!dueOverrideReason) fail('due_override_reason', 'say why the reply is due on another date');
      dueOn = e.dueOn;
    }
  }

  if (hasErrors(errors) || type === null || e.date === null || !e.summary) return { ok: false, errors };
  return ok({
    institutionName,
    type,
    institutionId,
    date: e.date,
    time: e.time,
    channel: type === 'contact' ? e.channel : null,
    fromName: e.fromName,
    responseType: type === 'response' ? e.responseType : null,
    answersEventId: type === 'response' ? e.answers : null,
    summary: e.summary,
    quote: e.quote,
    dueOn,
    dueOverrideReason,
    status: e.status,
    positions,
    sources,
    createdBy: context.createdBy,
  });
}

/** An event from the text a person typed: read, then checked against the rules. */
export function validateEvent(fields: Record<string, string | undefined>, rules: EventRules, context: { now: number; createdBy: string }): Result<ValidEvent> {
  const { typed, given, errors } = parseEventFields(fields, [...rules.asks.keys()]);
  return checkEvent(typed, given, errors, rules, context);
}
