/** Logging events from the workspace: each write and its audit rows in one transaction. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, eventSources } from '../db/schema.js';
import { recordAudit, type Actor } from './audit.js';
import { insertEvent, type EventInput } from './events.js';
import { readEventFields, type EventRules, type FieldError } from './event-fields.js';

export type Logged = { ok: true; ids: number[] } | { ok: false; errors: FieldError[] };

export function logEvent(db: Db, fields: Record<string, string | undefined>, rules: EventRules, actor: Actor, now: number): Logged {
  const read = readEventFields(fields, rules, { now, createdBy: actor.name });
  if (!read.event) return { ok: false, errors: read.errors };
  const event = read.event;
  const id = db.transaction((tx) => {
    const id = insertEvent(tx, event, now);
    recordAudit(tx, actor, { action: `event.create`, entityType: 'event', entityId: id, institutionId: event.institutionId, after: auditView(event) }, now);
    return id;
  });
  return { ok: true, ids: [id] };
}

/**
 * The same approach to many institutions: one contact each, all written in one transaction, or
 * none when any is refused.
 */
export function logBatchContact(
  db: Db,
  fields: Record<string, string | undefined>,
  institutionSlugs: string[],
  rules: EventRules,
  actor: Actor,
  now: number,
): Logged {
  if (institutionSlugs.length === 0) return { ok: false, errors: [{ field: 'institutions', reason: 'choose at least one institution' }] };
  const inputs: EventInput[] = [];
  const errors: FieldError[] = [];
  for (const slug of institutionSlugs) {
    const read = readEventFields({ ...fields, type: 'contact', institution: slug }, rules, { now, createdBy: actor.name });
    if (read.event) inputs.push(read.event);
    for (const e of read.errors) {
      const reason = e.field === 'institution' ? `${slug}: ${e.reason}` : e.reason;
      if (!errors.some((x) => x.field === e.field && x.reason === reason)) errors.push({ field: e.field === 'institution' ? 'institutions' : e.field, reason });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const ids = db.transaction((tx) =>
    inputs.map((input) => {
      const id = insertEvent(tx, input, now);
      recordAudit(tx, actor, { action: 'event.create', entityType: 'event', entityId: id, institutionId: input.institutionId, after: { ...auditView(input), batch: institutionSlugs.length } }, now);
      return id;
    }),
  );
  return { ok: true, ids };
}

/** Publishes a draft; refused without a source. */
export function publishEvent(db: Db, id: number, actor: Actor, now: number): { ok: true } | { ok: false; reason: string } {
  return db.transaction((tx) => {
    const event = tx.select().from(events).where(and(eq(events.id, id), isNull(events.deletedAt))).get();
    if (!event) return { ok: false as const, reason: 'There is no such event' };
    if (event.status === 'published') return { ok: true as const };
    const sources = tx.select({ n: sql<number>`count(*)` }).from(eventSources).where(eq(eventSources.eventId, id)).get()!.n;
    if (sources === 0) return { ok: false as const, reason: 'An event cannot be published without at least one source. Edit it to add one.' };
    tx.update(events).set({ status: 'published', updatedAt: now }).where(eq(events.id, id)).run();
    recordAudit(tx, actor, { action: 'event.publish', entityType: 'event', entityId: id, institutionId: event.institutionId, before: { status: 'draft' }, after: { status: 'published' } }, now);
    return { ok: true as const };
  });
}

function auditView(e: EventInput) {
  return {
    type: e.type, institutionId: e.institutionId, date: e.date, time: e.time, channel: e.channel, from: e.fromName,
    responseType: e.responseType, answers: e.answersEventId, summary: e.summary, quote: e.quote, dueOn: e.dueOn,
    dueOverrideReason: e.dueOverrideReason ?? null, status: e.status, positions: e.positions, sources: e.sources,
  };
}
