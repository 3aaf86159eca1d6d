/** JSON schemas of the public API (DOMAIN.md's contract). Responses are serialised through them. */
import { CHANNELS, EVENT_TYPES, INSTITUTION_KINDS, RESPONSE_TYPES, STANCES } from '../domain/vocabulary.js';

const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });
const date = nullable('string', { format: 'date' });

export const asOfQuery = {
  as_of: { type: 'string', description: 'ISO 8601 date or date-time; no offset means Europe/London. Default: now.' },
} as const;

export const positionSchema = {
  type: 'object',
  required: ['stance', 'since', 'eventId'],
  properties: { stance: { type: 'string', enum: STANCES }, since: date, eventId: nullable('integer') },
} as const;

export const silenceSchema = {
  type: ['object', 'null'],
  required: ['since', 'calendarDays', 'workingDays', 'unansweredContacts', 'lastContact'],
  properties: {
    since: { type: 'string', format: 'date' },
    calendarDays: { type: 'integer' },
    workingDays: { type: 'integer' },
    unansweredContacts: { type: 'integer' },
    lastContact: { type: 'string', format: 'date' },
  },
} as const;

export const institutionSchema = {
  type: 'object',
  required: ['slug', 'name', 'kind', 'code', 'region', 'country', 'aliases', 'active', 'url', 'positions', 'silence'],
  properties: {
    slug: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: INSTITUTION_KINDS },
    code: nullable('string'),
    region: nullable('string'),
    country: nullable('string'),
    aliases: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    url: { type: 'string' },
    positions: { type: 'object', additionalProperties: positionSchema },
    silence: silenceSchema,
  },
} as const;

export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'institution', 'occurredAt', 'date', 'channel', 'from', 'responseType', 'summary', 'quote', 'positions', 'sources', 'dueOn', 'url'],
  properties: {
    id: { type: 'integer' },
    type: { type: 'string', enum: EVENT_TYPES },
    institution: nullable('string'),
    occurredAt: { type: 'string', format: 'date-time' },
    date: { type: 'string', format: 'date' },
    channel: nullable('string', { enum: [...CHANNELS, null] }),
    from: nullable('string'),
    responseType: nullable('string', { enum: [...RESPONSE_TYPES, null] }),
    summary: { type: 'string' },
    quote: nullable('string'),
    positions: { type: 'object', additionalProperties: { type: 'string', enum: STANCES } },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['title', 'url', 'publisher', 'publishedOn'],
        properties: { title: { type: 'string' }, url: nullable('string'), publisher: nullable('string'), publishedOn: date },
      },
    },
    dueOn: date,
    url: { type: 'string' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, statusCode: { type: 'integer' }, message: { type: 'string' }, parameter: nullable('string') },
} as const;

const asOfInstant = { asOf: { type: 'string', format: 'date-time' } } as const;

export const timelineQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...asOfQuery,
    type: { type: 'string', enum: EVENT_TYPES, description: 'Only events of this type' },
    kind: { type: 'string', enum: INSTITUTION_KINDS, description: 'Only events about institutions of this kind' },
    region: { type: 'string', maxLength: 100, description: 'Only events about institutions in this NHS England region, e.g. South East' },
    ask: { type: 'string', maxLength: 100, description: 'Only events stating a position on this ask (its slug, e.g. review)' },
    before: { type: 'string', pattern: '^-?\\d{1,15}\\.\\d{1,15}$', description: 'The cursor of the next page; follow `next` rather than building it' },
    limit: { type: 'integer', minimum: 1, maximum: 200, description: 'Events per page, 1 to 200 (default 50)' },
  },
} as const;

export const apiSchemas = {
  campaign: {
    summary: 'The campaign and its asks',
    querystring: { type: 'object', additionalProperties: false, properties: asOfQuery },
    response: {
      200: {
        type: 'object',
        required: ['asOf', 'title', 'summary', 'asks'],
        properties: {
          ...asOfInstant,
          title: { type: 'string' },
          summary: { type: 'string' },
          asks: {
            type: 'array',
            items: { type: 'object', required: ['slug', 'title', 'description'], properties: { slug: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' } } },
          },
        },
      },
    },
  },
  institutions: {
    summary: 'Every institution, with its position on each ask and its silence',
    description: 'Filter with kind and region. Silence is null when no approach is waiting for a comment.',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...asOfQuery,
        kind: { type: 'string', enum: INSTITUTION_KINDS, description: 'Only institutions of this kind' },
        region: { type: 'string', maxLength: 100, description: 'Only institutions in this NHS England region, e.g. South East' },
      },
    },
    response: { 200: { type: 'object', required: ['asOf', 'institutions'], properties: { ...asOfInstant, institutions: { type: 'array', items: institutionSchema } } } },
  },
  institution: {
    summary: 'One institution and its published events, newest first',
    params: { type: 'object', properties: { slug: { type: 'string', maxLength: 200, description: 'The institution’s slug, as in its page’s address, e.g. nhs-england' } } },
    querystring: { type: 'object', additionalProperties: false, properties: asOfQuery },
    response: {
      200: { type: 'object', required: ['asOf', 'institution', 'events'], properties: { ...asOfInstant, institution: institutionSchema, events: { type: 'array', items: eventSchema } } },
      404: errorSchema,
    },
  },
  timeline: {
    summary: 'Published events, newest first, a page at a time',
    description: 'Follow `next` for the next page (keyset pagination on the event instant and id). Filters: type, kind, region, ask.',
    querystring: timelineQuery,
    response: { 200: { type: 'object', required: ['asOf', 'events', 'next'], properties: { ...asOfInstant, events: { type: 'array', items: eventSchema }, next: nullable('string') } } },
  },
  event: {
    summary: 'One published event',
    params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, description: 'The event’s number, as in its page’s address' } } },
    querystring: { type: 'object', additionalProperties: false, properties: asOfQuery },
    response: { 200: { type: 'object', required: ['asOf', 'event'], properties: { ...asOfInstant, event: eventSchema } }, 404: errorSchema },
  },
} as const;
