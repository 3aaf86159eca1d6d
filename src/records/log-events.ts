/** Logging events from the workspace: each write and its audit rows in one transaction. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { corrections, events, eventSources } from '../db/schema.js';
import { londonTimeOf } from '../domain/calendar.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import { recordAudit, type Actor } from './audit.js';
import { eventColumns, insertEvent, writeDetails, type EventInput } from './events.js';
import { readEventFields, type EventRules, type FieldError } from './event-fields.js';

export type Logged = { ok: true; ids: number[] } | { ok: false; errors: FieldError[] };

export function logEvent(db: Db, fields: Record<string, string | undefined>, rules: EventRules, actor: Actor, now: number): Logged {
  const read = readEventFields(fields, rules, { now, createdBy: actor.name, audience: 'form' });
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
  if (institutionSlugs.length === 0) {
    // Check the rest of the form too, so that every problem is shown at once.
    const read = readEventFields({ ...fields, type: 'contact', institution: '' }, rules, { now, createdBy: actor.name, audience: 'form' });
    return { ok: false, errors: [{ field: 'institutions', reason: 'choose at least one institution' }, ...read.errors.filter((e) => e.field !== 'institution')] };
  }
  const inputs: EventInput[] = [];
  const errors: FieldError[] = [];
  for (const slug of institutionSlugs) {
    const read = readEventFields({ ...fields, type: 'contact', institution: slug }, rules, { now, createdBy: actor.name, audience: 'form' });
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

export type Edited = { ok: true } | { ok: false; errors: FieldError[] };

/** The event as form fields, for editing. */
export function eventFields(db: Db, id: number): Record<string, string> | null {
  const row = db.$client
    .prepare(
      `SELECT e.*, i.slug AS institution_slug FROM events e LEFT JOIN institutions i ON i.id = e.institution_id
       WHERE e.id = ?`,
    )
    .get(id) as (Record<string, unknown> & { deleted_at: number | null }) | undefined;
  if (!row) return null;
  const source = db.select().from(eventSources).where(eq(eventSources.eventId, id)).orderBy(eventSources.id).get();
  const stances = db.$client
    .prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = ?')
    .all(id) as { slug: string; stance: string }[];
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    type: text(row.type),
    institution: text(row.institution_slug),
    date: text(row.occurred_on),
    time: row.has_time ? londonTimeOf(Number(row.occurred_at)) : '',
    channel: text(row.channel),
    from: text(row.from_name),
    response_type: text(row.response_type),
    answers: text(row.answers_event_id),
    summary: text(row.summary),
    quote: text(row.quote),
    source_title: text(source?.title),
    source_url: text(source?.url),
    source_publisher: text(source?.publisher),
    source_date: text(source?.publishedOn),
    status: text(row.status),
    due_on: row.due_override_reason ? text(row.due_on) : '',
    due_override_reason: text(row.due_override_reason),
    deleted: row.deleted_at === null ? '' : 'yes',
    ...Object.fromEntries(stances.map((s) => [s.slug, s.stance])),
  };
}

/**
 * Edits an event. A published event needs a public correction note, shown on its page and on
 * /corrections. Positions and sources are replaced by the form's.
 */
export function updateEvent(
  db: Db,
  id: number,
  fields: Record<string, string | undefined>,
  rules: EventRules,
  actor: Actor,
  now: number,
): Edited {
  const before = eventFields(db, id);
  if (!before || before.deleted) return { ok: false, errors: [{ field: 'summary', reason: 'there is no such event' }] };
  const wasPublished = before.status === 'published';
  const read = readEventFields({ ...fields, type: before.type }, rules, { now, createdBy: actor.name, audience: 'form' });
  const note = (fields.correction_note ?? '').trim();
  const errors = [...read.errors];
  if (wasPublished && note === '') errors.push({ field: 'correction_note', reason: 'say, for the public, what was corrected' });
  const noteTooLong = tooLong(note, TEXT_LIMITS.note, 'the correction note');
  if (noteTooLong) errors.push({ field: 'correction_note', reason: noteTooLong });
  if (wasPublished && read.event?.status === 'draft') errors.push({ field: 'status', reason: 'a published event cannot go back to being a draft; delete it instead' });
  if (!read.event || errors.length > 0) return { ok: false, errors };
  const input = read.event;
  db.transaction((tx) => {
    tx.update(events).set({ ...eventColumns(input), updatedAt: now }).where(eq(events.id, id)).run();
    writeDetails(tx, id, input);
    if (wasPublished) tx.insert(corrections).values({ eventId: id, at: now, userId: actor.userId, note }).run();
    recordAudit(tx, actor, { action: 'event.update', entityType: 'event', entityId: id, institutionId: input.institutionId, before, after: { ...auditView(input), correction: wasPublished ? note : null } }, now);
  });
  return { ok: true };
}

/** Hides an event (or shows it again): nothing is destroyed. */
export function setEventDeleted(db: Db, id: number, deleted: boolean, actor: Actor, now: number): boolean {
  return db.transaction((tx) => {
    const event = tx.select().from(events).where(eq(events.id, id)).get();
    if (!event || (event.deletedAt !== null) === deleted) return false;
    tx.update(events).set({ deletedAt: deleted ? now : null, updatedAt: now }).where(eq(events.id, id)).run();
    recordAudit(tx, actor, { action: deleted ? 'event.delete' : 'event.restore', entityType: 'event', entityId: id, institutionId: event.institutionId, before: { deletedAt: event.deletedAt }, after: { deletedAt: deleted ? now : null } }, now);
    return true;
  });
}
