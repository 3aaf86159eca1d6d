/**
 * Every route's schemas, declared once in TypeBox: they validate requests, give handlers their
 * types, serialise API answers, and make the OpenAPI document (DOMAIN.md's public contract).
 */
import { Type, type Static } from 'typebox';
import { ErrorSchema, EventSchema, InstitutionSchema, Nullable } from '../contract.js';
import { CURSOR_PATTERN } from '../domain/cursor.js';
import { EVENT_TYPES, INSTITUTION_KINDS } from '../domain/vocabulary.js';

// ---- Query strings and parameters -------------------------------------------------------------

export const AS_OF = Type.String({ maxLength: 60, description: 'ISO 8601 date or date-time; no offset means Europe/London. Default: now.' });

/** Every page and answer takes `as_of`. */
export const AsOfQuery = Type.Object({ as_of: Type.Optional(AS_OF) });

/** The same, refusing any other parameter (the JSON API). */
export const StrictAsOfQuery = Type.Object({ as_of: Type.Optional(AS_OF) }, { additionalProperties: false });

export const SlugParams = Type.Object({
  slug: Type.String({ maxLength: 100, description: 'The institution’s slug, as in its page’s address, e.g. nhs-england' }),
});

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'The event’s number, as in its page’s address' }),
});

export const AskParams = Type.Object({ ask: Type.String({ maxLength: 100 }) });

const timelineFilters = {
  as_of: Type.Optional(AS_OF),
  region: Type.Optional(Type.String({ maxLength: 100, description: 'Only events about institutions in this NHS England region, e.g. South East' })),
  ask: Type.Optional(Type.String({ maxLength: 100, description: 'Only events stating a position on this ask (its slug, e.g. review)' })),
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

/** The directory's filters; `stance_<ask>` filters are checked against the campaign's asks. */
export const DirectoryQuery = Type.Object(
  {
    as_of: Type.Optional(AS_OF),
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
    kind: Type.Optional(Type.Enum([...INSTITUTION_KINDS], { description: 'Only institutions of this kind' })),
    region: Type.Optional(Type.String({ maxLength: 100, description: 'Only institutions in this NHS England region, e.g. South East' })),
  },
  { additionalProperties: false },
);

export const ChangesQuery = Type.Object({
  as_of: Type.Optional(AS_OF),
  from: Type.Optional(Type.String({ maxLength: 60 })),
  to: Type.Optional(Type.String({ maxLength: 60 })),
});

export const BadgeQuery = Type.Object({ as_of: Type.Optional(AS_OF), ask: Type.Optional(Type.String({ maxLength: 100 })) });

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

export const apiSchemas = {
  campaign: {
    summary: 'The campaign and its asks',
    querystring: StrictAsOfQuery,
    response: {
      200: Type.Object({
        asOf: AsOfInstant,
        title: Type.String(),
        summary: Type.String(),
        asks: Type.Array(Type.Object({ slug: Type.String(), title: Type.String(), description: Type.String() })),
      }),
    },
  },
  institutions: {
    summary: 'Every institution, with its position on each ask and its silence',
    description: 'Filter with kind and region. Silence is null when no approach is waiting for a comment.',
    querystring: InstitutionsQuery,
    response: { 200: Type.Object({ asOf: AsOfInstant, institutions: Type.Array(InstitutionSchema) }) },
  },
  institution: {
    summary: 'One institution and its published events, newest first',
    params: SlugParams,
    querystring: StrictAsOfQuery,
    response: { 200: Type.Object({ asOf: AsOfInstant, institution: InstitutionSchema, events: Type.Array(EventSchema) }), 404: ErrorSchema },
  },
  timeline: {
    summary: 'Published events, newest first, a page at a time',
    description: 'Follow `next` for the next page (keyset pagination on the event instant and id). Filters: type, kind, region, ask.',
    querystring: TimelineQuery,
    response: { 200: Type.Object({ asOf: AsOfInstant, events: Type.Array(EventSchema), next: Nullable(Type.String()) }) },
  },
  event: {
    summary: 'One published event',
    params: IdParams,
    querystring: StrictAsOfQuery,
    response: { 200: Type.Object({ asOf: AsOfInstant, event: EventSchema }), 404: ErrorSchema },
  },
};
