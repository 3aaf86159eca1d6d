/**
 * Every route's schemas, declared once in TypeBox: they validate requests, give handlers their
 * types, serialise API answers, and make the OpenAPI document (DOMAIN.md's public contract).
 */
import { Type, type Static } from 'typebox';
import { ChangeSchema, ErrorSchema, EventSchema, InstitutionSchema, Nullable } from '../contract.js';
import { CURSOR_PATTERN } from '../domain/cursor.js';
import { SEARCH_LIMITS } from '../domain/limits.js';
import { EVENT_TYPES, INSTITUTION_KINDS } from '../domain/vocabulary.js';

// ---- Query strings and parameters -------------------------------------------------------------

export const AS_OF = Type.String({ maxLength: 60, description: 'ISO 8601 date or date-time; no offset means Europe/London. Default: now.' });

export const REV = Type.String({
  maxLength: 12,
  pattern: '^[0-9]*$',
  description: 'The revision of the record to read, a whole number as in a citation’s link. Default: the latest.',
});

/** Every page and answer takes `as_of` and `rev`. */
export const AsOfQuery = Type.Object({ as_of: Type.Optional(AS_OF), rev: Type.Optional(REV) });

/** The same, refusing any other parameter (the JSON API). */
export const StrictAsOfQuery = Type.Object({ as_of: Type.Optional(AS_OF), rev: Type.Optional(REV) }, { additionalProperties: false });

/** An institution's page: its history a page at a time, newest first. */
export const InstitutionPageQuery = Type.Object({
  as_of: Type.Optional(AS_OF),
  rev: Type.Optional(REV),
  before: Type.Optional(Type.String({ pattern: CURSOR_PATTERN, description: 'The cursor of the next page of the history; follow the page’s link rather than building it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Events of the history per page, 1 to 200 (default 50)' })),
});

export const SlugParams = Type.Object({
  slug: Type.String({ maxLength: 100, description: 'The institution’s slug, as in its page’s address, e.g. nhs-england' }),
});

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'The event’s number, as in its page’s address' }),
});

export const AskParams = Type.Object({ ask: Type.String({ maxLength: 100 }) });

/** The timeline's search and filters beside type and kind: the page, the API and the feeds take them all. */
const searchFilters = {
  q: Type.Optional(
    // Its length is checked with the search itself (src/domain/search.ts), so that the page can say so beside the search box.
    Type.String({
      description:
        `Only events whose summary, quote, sender, sources’ titles and publishers, or institution’s name or other names have every word given, in any order. ` +
        `"A phrase" in double quotes, OR between alternatives, -word to leave out events that have it, polic* for words that start so; ` +
        `case and accents do not matter. At most ${SEARCH_LIMITS.length} characters and ${SEARCH_LIMITS.phrases} words and phrases.`,
    }),
  ),
  institution: Type.Optional(Type.String({ maxLength: 100, description: 'Only events about this institution (its slug, e.g. nhs-england)' })),
  from: Type.Optional(Type.String({ maxLength: 60, description: 'Only events on or after this date (London), e.g. 2021-04-23' })),
  to: Type.Optional(Type.String({ maxLength: 60, description: 'Only events on or before this date (London), e.g. 2021-05-06' })),
  region: Type.Optional(Type.String({ maxLength: 100, description: 'Only events about institutions in this NHS England region, e.g. South East' })),
  ask: Type.Optional(Type.String({ maxLength: 100, description: 'Only events stating a position on this ask (its slug, e.g. review)' })),
};

const timelineFilters = {
  as_of: Type.Optional(AS_OF),
  rev: Type.Optional(REV),
  ...searchFilters,
  before: Type.Optional(Type.String({ pattern: CURSOR_PATTERN, description: 'The cursor of the next page; follow `next` rather than building it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Events per page, 1 to 200 (default 50)' })),
};

export const TimelineQuery = Type.Object(
  {
    ...timelineFilters,
    type: Type.Optional(Type.Enum([...EVENT_TYPES], { description: 'Only events of this type' })),
    kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS], { description: 'Only events about institutions of this kind' })),
  },
  { additionalProperties: false },
);
export type TimelineQuery = Static<typeof TimelineQuery>;

/** The timeline page's filter form sends empty values for "any". */
export const TimelinePageQuery = Type.Object(
  {
    ...timelineFilters,
    type: Type.Optional(Type.Enum([...EVENT_TYPES, ''])),
    kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS, ''])),
  },
  { additionalProperties: false },
);
export type TimelinePageQuery = Static<typeof TimelinePageQuery>;

/** The feeds take the timeline's search and filters (empty values meaning "any", as on the page). */
export const FeedQuery = Type.Object({
  as_of: Type.Optional(AS_OF),
  rev: Type.Optional(REV),
  ...searchFilters,
  type: Type.Optional(Type.Enum([...EVENT_TYPES, ''], { description: 'Only events of this type' })),
  kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS, ''], { description: 'Only events about institutions of this kind' })),
});

/** The directory's filters; `stance_<ask>` filters are checked against the campaign's asks. */
export const DirectoryQuery = Type.Object(
  {
    as_of: Type.Optional(AS_OF),
    rev: Type.Optional(REV),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS, ''])),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    approached: Type.Optional(Type.Enum(['yes', 'no', ''])),
    sort: Type.Optional(Type.Enum(['name', 'silence', 'activity'])),
  },
  { additionalProperties: Type.String({ maxLength: 20 }) },
);
export type DirectoryQuery = Static<typeof DirectoryQuery> & { [stanceFilter: `stance_${string}`]: string | undefined };

export const InstitutionsQuery = Type.Object(
  {
    as_of: Type.Optional(AS_OF),
    rev: Type.Optional(REV),
    kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS], { description: 'Only institutions of this kind' })),
    region: Type.Optional(Type.String({ maxLength: 100, description: 'Only institutions in this NHS England region, e.g. South East' })),
  },
  { additionalProperties: false },
);

export const ChangesQuery = Type.Object({
  as_of: Type.Optional(AS_OF),
  rev: Type.Optional(REV),
  from: Type.Optional(Type.String({ maxLength: 60, description: 'The start of the period (exclusive): a date, or a date and time' })),
  to: Type.Optional(Type.String({ maxLength: 60, description: 'The end of the period (inclusive); default: now' })),
  from_rev: Type.Optional(Type.String({ maxLength: 20, description: 'Compare two revisions instead: the earlier one' })),
  to_rev: Type.Optional(Type.String({ maxLength: 20, description: 'The later revision; default: the latest' })),
});
export type ChangesQuery = Static<typeof ChangesQuery>;

export const BadgeQuery = Type.Object({ as_of: Type.Optional(AS_OF), rev: Type.Optional(REV), ask: Type.Optional(Type.String({ maxLength: 100 })) });

export const AuditQuery = Type.Object({
  user: Type.Optional(Type.String({ maxLength: 20 })),
  institution: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ maxLength: 60 })),
  to: Type.Optional(Type.String({ maxLength: 60 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const NewEventQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 20 })),
  institution: Type.Optional(Type.String({ maxLength: 100 })),
  answers: Type.Optional(Type.String({ maxLength: 20 })),
});

export const LoginQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) });

const AsOfInstant = Type.String({ format: 'date-time' });

/** What every answer says about itself: the moment, the revision, and what has been revised since. */
const Stamp = {
  asOf: AsOfInstant,
  revision: Type.Integer({ description: 'The revision of the record this answer reads (the latest unless `rev` named one)' }),
  revisedSince: Type.Array(ChangeSchema, {
    description: 'At an older revision: what has changed since in what this answer shows, newest first (empty at the latest revision)',
  }),
  campaign: Type.Object(
    {
      endedOn: Nullable(Type.String({ format: 'date', description: 'The date the campaign ended (then "now" means the end of that day), or null while it runs' })),
      recordKept: Type.Boolean({ description: 'False for a moment after the campaign ended: the record was not kept then' }),
      lastUpdatedOn: Nullable(Type.String({ format: 'date', description: 'The date of the latest event on record at or before `asOf`' })),
      stale: Type.Boolean({ description: 'True when that date is more than the campaign’s `staleAfterDays` (default 30) before `asOf`: replies after it may not be recorded' }),
    },
    { description: 'Whether the campaign had ended, as the record stood at the revision' },
  ),
  calendar: Type.Object(
    {
      holidaysUntil: Type.String({ format: 'date', description: 'The last date the bank holiday list covers' }),
      workingDaysAvailable: Type.Boolean({ description: 'False when the moment is after that date: every `workingDays` is then null' }),
    },
    { description: 'Whether working days can be counted as at the moment' },
  ),
};

export const apiSchemas = {
  campaign: {
    summary: 'The campaign and its asks',
    querystring: StrictAsOfQuery,
    response: {
      200: Type.Object({
        ...Stamp,
        title: Type.String(),
        summary: Type.String(),
        asks: Type.Array(Type.Object({ slug: Type.String(), title: Type.String(), description: Type.String() })),
        endedOn: Nullable(Type.String({ format: 'date' })),
        outcome: Nullable(
          Type.Object({ text: Type.String(), sources: Type.Array(Type.Object({ title: Type.String(), url: Type.String() })) }, { description: 'What came of the campaign, with its sources' }),
        ),
      }),
    },
  },
  institutions: {
    summary: 'Every institution, with its position on each ask and its silence',
    description: 'Filter with kind and region. Silence is null when no approach is waiting for a comment.',
    querystring: InstitutionsQuery,
    response: { 200: Type.Object({ ...Stamp, institutions: Type.Array(InstitutionSchema) }) },
  },
  institution: {
    summary: 'One institution and its published events, newest first',
    params: SlugParams,
    querystring: StrictAsOfQuery,
    response: { 200: Type.Object({ ...Stamp, institution: InstitutionSchema, events: Type.Array(EventSchema) }), 404: ErrorSchema },
  },
  timeline: {
    summary: 'Published events, newest first, a page at a time',
    description:
      'Follow `next` for the next page (keyset pagination on the event instant and id; it keeps the search and filters). ' +
      'Search with q; filter by type, kind, region, ask, institution, and dates from and to (both included). A search that cannot be read, an unknown ask or institution, or a bad date is a 400 naming the parameter.',
    querystring: TimelineQuery,
    response: { 200: Type.Object({ ...Stamp, events: Type.Array(EventSchema), next: Nullable(Type.String()) }), 400: ErrorSchema },
  },
  event: {
    summary: 'One published event',
    params: IdParams,
    querystring: StrictAsOfQuery,
    response: { 200: Type.Object({ ...Stamp, event: EventSchema }), 404: ErrorSchema },
  },
};

export const CorrectionsQuery = Type.Object({
  rev: Type.Optional(REV),
  as_of: Type.Optional(AS_OF),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}(\\.[0-9]{1,9})?$', description: 'The next page: follow `next` rather than building it' })),
});

export const correctionsSchema = {
  summary: 'Every change to published material, newest first, a page at a time',
  description: 'Corrections, deletions and restorations of published events, late entries, and changes to institutions and asks, each with its revision, time, public note and what changed.',
  querystring: CorrectionsQuery,
  response: { 200: Type.Object({ revision: Type.Integer(), corrections: Type.Array(ChangeSchema), next: Nullable(Type.String()) }) },
};

const Who = Type.Object({ slug: Type.String(), name: Type.String() });
const Side = Type.Object({ asOf: Type.String({ format: 'date-time' }), revision: Type.Integer() });

const Crossing = Type.Object({
  institution: Type.Object({ slug: Type.String(), name: Type.String() }),
  eventId: Type.Integer(),
  date: Type.String({ format: 'date' }),
  dueOn: Type.String({ format: 'date' }),
  on: Type.String({ format: 'date', description: 'The day it crossed the threshold' }),
});

export const changesSchema = {
  summary: 'What changed between two moments, or between two revisions of the record',
  description:
    'With from and to: the events of the period and what moved. With from_rev and to_rev: what was added, corrected, deleted or restored between the two revisions, about the record as at as_of, and what moved.',
  querystring: ChangesQuery,
  response: {
    200: Type.Object({
      mode: Type.Enum(['moments', 'revisions']),
      from: Side,
      to: Side,
      events: Type.Array(EventSchema),
      record: Type.Array(ChangeSchema),
      moves: Type.Array(
        Type.Object({ institution: Who, ask: Type.String(), from: Type.String(), to: Type.String(), direction: Type.Enum(['up', 'down']), eventId: Nullable(Type.Integer()) }),
      ),
      silencesBegun: Type.Array(Type.Object({ institution: Who, since: Type.String({ format: 'date' }), calendarDays: Type.Integer(), workingDays: Nullable(Type.Integer()) })),
      silencesEnded: Type.Array(Type.Object({ institution: Who, since: Type.String({ format: 'date' }), calendarDays: Type.Integer(), workingDays: Nullable(Type.Integer()) })),
      becameLate: Type.Array(Crossing, { description: 'Moments: approaches that became late in the period (the day after their reply due date, unanswered)' }),
      becameLongOverdue: Type.Array(Crossing, { description: 'Moments: approaches that became long overdue in the period (twice their reply window passed, unanswered)' }),
    }),
    400: ErrorSchema,
  },
};

// ---- Following by email ---------------------------------------------------------------------

export const FollowQuery = Type.Object({
  institution: Type.Optional(Type.String({ maxLength: 100 })),
  ask: Type.Optional(Type.String({ maxLength: 100 })),
});

export const FollowTokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

export const ManageQuery = Type.Object({ confirmed: Type.Optional(Type.String({ maxLength: 10 })), changed: Type.Optional(Type.String({ maxLength: 10 })) });

export const ManageBody = Type.Object({ action: Type.Optional(Type.String({ maxLength: 20 })), frequency: Type.Optional(Type.String({ maxLength: 20 })) });

/** RFC 8058: the body a mail program sends to unsubscribe in one click (other fields are ignored). */
export const OneClickBody = Type.Object({ 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: 20 })) });

export const UnsubscribedQuery = Type.Object({
  institution: Type.Optional(Type.String({ maxLength: 100 })),
  ask: Type.Optional(Type.String({ maxLength: 100 })),
  all: Type.Optional(Type.String({ maxLength: 10 })),
});
