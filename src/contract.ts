/**
 * The public contract's JSON shapes (DOMAIN.md), declared once in TypeBox: the API serialises
 * its answers with them, the OpenAPI document describes them, and the tracker's views are
 * typed from them.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { CHANNELS, EVENT_TYPES, INSTITUTION_KINDS, RESPONSE_TYPES, STANCES } from './domain/vocabulary.js';

/** A value or null, as one JSON type list (`["string", "null"]`), which serialises faster than anyOf. */
export function Nullable<T extends TSchema>(schema: T) {
  const s = schema as unknown as { type?: string; enum?: unknown[] };
  // An enum of texts has no type of its own.
  const type = s.type ?? 'string';
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...(s.enum ? { enum: [...s.enum, null] } : {}) });
}

const DateText = Type.String({ format: 'date' });
const NullableDate = Nullable(Type.String({ format: 'date' }));

export const PositionSchema = Type.Object({ stance: Type.Enum([...STANCES]), since: NullableDate, eventId: Nullable(Type.Integer()) });

export const SilenceSchema = Nullable(
  Type.Object({
    since: DateText,
    calendarDays: Type.Integer(),
    workingDays: Nullable(Type.Integer({ description: 'Null when the bank holiday list does not reach the moment (see `calendar.holidaysUntil`)' })),
    unansweredContacts: Type.Integer(),
    lastContact: DateText,
  }),
);

export const InstitutionSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  kind: Type.Enum([...INSTITUTION_KINDS]),
  code: Nullable(Type.String()),
  region: Nullable(Type.String()),
  country: Nullable(Type.String()),
  aliases: Type.Array(Type.String()),
  active: Type.Boolean(),
  url: Type.String(),
  email: Nullable(Type.String({ description: 'Where approaches are sent, when the campaign has made it public; null otherwise' })),
  positions: Type.Record(Type.String(), PositionSchema),
  silence: SilenceSchema,
});
export type InstitutionJson = Static<typeof InstitutionSchema>;

export const SourceSchema = Type.Object({ title: Type.String(), url: Nullable(Type.String()), publisher: Nullable(Type.String()), publishedOn: NullableDate });

export const EventSchema = Type.Object({
  id: Type.Integer(),
  type: Type.Enum([...EVENT_TYPES]),
  institution: Nullable(Type.String()),
  occurredAt: Type.String({ format: 'date-time' }),
  date: DateText,
  channel: Nullable(Type.Enum([...CHANNELS])),
  from: Nullable(Type.String()),
  responseType: Nullable(Type.Enum([...RESPONSE_TYPES])),
  summary: Type.String(),
  quote: Nullable(Type.String()),
  positions: Type.Record(Type.String(), Type.Enum([...STANCES])),
  sources: Type.Array(SourceSchema),
  dueOn: NullableDate,
  lateOn: Nullable(Type.String({ format: 'date', description: 'A contact not answered by its reply due date: the day it became late (the day after that date); null otherwise' })),
  longOverdueOn: Nullable(Type.String({ format: 'date', description: 'A contact still not answered once twice its reply window had passed: the day it became long overdue; null otherwise' })),
  url: Type.String(),
});
/** An event as the API gives it. */
export type EventJson = Static<typeof EventSchema>;

export const ErrorSchema = Type.Object({ error: Type.String(), statusCode: Type.Integer(), message: Type.String(), parameter: Nullable(Type.String()) });


/** One change to the public record at one revision, as /corrections.json, /changes.json and `revisedSince` give it. */
export const ChangeSchema = Type.Object({
  revision: Type.Integer(),
  recordedAt: Type.String({ format: 'date-time' }),
  note: Nullable(Type.String()),
  subject: Type.Enum(['event', 'institution', 'ask', 'note']),
  kind: Type.Enum(['added', 'corrected', 'deleted', 'restored', 'changed']),
  late: Type.Boolean(),
  description: Type.String(),
  eventId: Nullable(Type.Integer()),
  institution: Nullable(Type.String()),
  url: Nullable(Type.String()),
  fields: Type.Array(Type.Object({ field: Type.String(), before: Type.String(), after: Type.String() })),
});
export type ChangeJson = Static<typeof ChangeSchema>;
