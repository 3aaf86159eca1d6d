/** Writing events: one event with its positions and sources. Callers wrap it in a transaction. */
import { eq } from 'drizzle-orm';
import { eventPositions, events, eventSources } from '../db/schema.js';
import type { Db } from '../db/client.js';
import { instantOf, type LondonDate } from '../domain/calendar.js';
import type { Stance } from '../domain/vocabulary.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface SourceInput {
  title: string;
  url: string | null;
  publisher: string | null;
  publishedOn: LondonDate | null;
}

/** An event to write: its own columns (the drizzle schema's), its date and time as typed, its positions and sources. */
export type EventInput = Required<
  Pick<typeof events.$inferInsert, 'type' | 'institutionId' | 'channel' | 'fromName' | 'responseType' | 'answersEventId' | 'summary' | 'quote' | 'dueOn' | 'status' | 'createdBy'>
> & {
  date: LondonDate;
  /** `HH:MM` London time, or null for a date-only event. */
  time: string | null;
  /** Why `dueOn` differs from the computed date, when overridden. */
  dueOverrideReason?: string | null;
  positions: { askId: number; stance: Stance }[];
  sources: SourceInput[];
};

/** The event's own columns (not who logged it or when), as both inserting and editing write them. */
export function eventColumns(input: EventInput) {
  return {
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
  };
}

/** Replaces an event's positions and sources with the given ones. */
export function writeDetails(tx: Tx | Db, eventId: number, input: Pick<EventInput, 'positions' | 'sources'>): void {
  tx.delete(eventPositions).where(eq(eventPositions.eventId, eventId)).run();
  tx.delete(eventSources).where(eq(eventSources.eventId, eventId)).run();
  if (input.positions.length > 0) tx.insert(eventPositions).values(input.positions.map((p) => ({ eventId, ...p }))).run();
  if (input.sources.length > 0) tx.insert(eventSources).values(input.sources.map((s) => ({ eventId, ...s }))).run();
}

export function insertEvent(tx: Tx | Db, input: EventInput, now: number): number {
  const row = tx
    .insert(events)
    .values({ type: input.type, ...eventColumns(input), createdBy: input.createdBy, createdAt: now, updatedAt: now })
    .returning({ id: events.id })
    .get();
  writeDetails(tx, row.id, input);
  return row.id;
}
