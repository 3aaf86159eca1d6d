/** Writing events: one event with its positions and sources. Callers wrap it in a transaction. */
import { eventPositions, events, eventSources } from '../db/schema.js';
import type { Db } from '../db/client.js';
import { instantOf, type LondonDate } from '../domain/calendar.js';
import type { Channel, EventStatus, EventType, ResponseType, Stance } from '../domain/vocabulary.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface SourceInput {
  title: string;
  url: string | null;
  publisher: string | null;
  publishedOn: LondonDate | null;
}

export interface EventInput {
  type: EventType;
  institutionId: number | null;
  date: LondonDate;
  /** `HH:MM` London time, or null for a date-only event. */
  time: string | null;
  channel: Channel | null;
  fromName: string | null;
  responseType: ResponseType | null;
  answersEventId: number | null;
  summary: string;
  quote: string | null;
  /** The reply due date, for contacts. */
  dueOn: LondonDate | null;
  /** Why `dueOn` differs from the computed date, when overridden. */
  dueOverrideReason?: string | null;
  status: EventStatus;
  positions: { askId: number; stance: Stance }[];
  sources: SourceInput[];
  createdBy: string;
}

export function insertEvent(tx: Tx | Db, input: EventInput, now: number): number {
  const row = tx
    .insert(events)
    .values({
      type: input.type,
      institutionId: input.institutionId,
      occurredAt: instantOf(input.date, input.time),
      occurredOn: input.date,
      hasTime: input.time !== null,
      channel: input.channel,
      fromName: input.fromName,
      responseType: input.responseType,
      answersEventId: input.answersEventId,
      summary: input.summary,
      quote: input.quote,
      dueOn: input.dueOn,
      dueOverrideReason: input.dueOverrideReason ?? null,
      status: input.status,
      createdBy: input.createdBy,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: events.id })
    .get();
  if (input.positions.length > 0) {
    tx.insert(eventPositions).values(input.positions.map((p) => ({ eventId: row.id, ...p }))).run();
  }
  if (input.sources.length > 0) {
    tx.insert(eventSources).values(input.sources.map((s) => ({ eventId: row.id, ...s }))).run();
  }
  return row.id;
}
