/**
 * Logging events from the workspace: one event, the same approach to many institutions,
 * publishing, correcting, deleting and restoring. Each change and its audit rows in one
 * transaction. A change to an event that does not exist throws RecordNotFound.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { eventRecord, eventSourceRows, type EventRecord } from '../db/queries/events.js';
import { events, eventSources, institutions } from '../db/schema.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import { recordAudit, type Actor } from './audit.js';
import { RecordNotFound } from './errors.js';
import { eventColumns, insertEvent, writeDetails, type EventInput, type Tx } from './events.js';
import { validateEvent, type EventRules, type ValidEvent } from './event-rules.js';
import { Revision, syncEvent } from './revisions.js';
import { addError, hasErrors, ok, orNull, type FieldErrors, type Result } from './fields.js';

type Fields = Record<string, string | undefined>;

export function logEvent(db: Db, fields: Fields, rules: EventRules, actor: Actor, now: number): Result<{ id: number }> {
  const checked = validateEvent(fields, rules, { now, createdBy: actor.name });
  if (!checked.ok) return checked;
  const event = checked.value;
  const id = db.transaction((tx) => {
    const id = insertEvent(tx, event, now);
    const revision = new Revision(tx, actor, 'event.create', now, null, id);
    syncEvent(tx, id, revision);
    recordAudit(tx, actor, { action: 'event.create', entityType: 'event', entityId: id, institutionId: event.institutionId, after: auditView(event), revisionId: revision.made }, now);
    return id;
  });
  return ok({ id });
}

/** Whom a batch of approaches goes to: institutions ticked one by one, and every open one of a kind and region. */
export interface BatchChoice {
  slugs: string[];
  kind?: string | undefined;
  region?: string | undefined;
}

/** The slugs a choice names: those ticked, and every open institution of the kind and region chosen. */
export function chosenSlugs(db: Db, choice: BatchChoice): Set<string> {
  const slugs = new Set(choice.slugs);
  if (choice.kind || choice.region) {
    const open = db
      .select({ slug: institutions.slug, kind: institutions.kind, region: institutions.region })
      .from(institutions)
      .where(eq(institutions.active, true))
      .all();
    for (const i of open) if ((!choice.kind || i.kind === choice.kind) && (!choice.region || i.region === choice.region)) slugs.add(i.slug);
  }
  return slugs;
}

/** What a batch may add to the plain one: each institution's own fields, and more writes in the same transaction. */
export interface BatchOptions {
  /** The fields of one institution's contact (a letter merged for it); the same fields for all by default. */
  fieldsFor?: (slug: string) => Fields;
  /** Runs inside the transaction once every contact is written (queueing their messages); throwing rolls everything back. */
  alongside?: (tx: Tx, written: { id: number; slug: string; input: ValidEvent }[]) => void;
  /** The audit rows' action (`event.create` by default). */
  action?: string;
}

/**
 * The same approach to many institutions: one contact each, all written in one transaction, or
 * none when any is refused.
 */
export function logBatchContact(db: Db, fields: Fields, choice: BatchChoice, rules: EventRules, actor: Actor, now: number, options: BatchOptions = {}): Result<{ ids: number[] }> {
  const slugs = chosenSlugs(db, choice);
  const errors: FieldErrors = {};
  if (slugs.size === 0) {
    // Check the rest of the form too, so that every problem is shown at once.
    addError(errors, 'institutions', 'choose at least one institution');
    const rest = validateEvent({ ...fields, type: 'contact', institution: '' }, rules, { now, createdBy: actor.name });
    if (!rest.ok) for (const [field, message] of Object.entries(rest.errors)) if (field !== 'institution') addError(errors, field, message);
    return { ok: false, errors };
  }
  const inputs: { slug: string; input: ValidEvent }[] = [];
  for (const slug of slugs) {
    const checked = validateEvent({ ...(options.fieldsFor?.(slug) ?? fields), type: 'contact', institution: slug }, rules, { now, createdBy: actor.name });
    if (checked.ok) inputs.push({ slug, input: checked.value });
    else for (const [field, message] of Object.entries(checked.errors)) addError(errors, field === 'institution' ? 'institutions' : field, field === 'institution' ? `${slug}: ${message}` : message);
  }
  if (hasErrors(errors)) return { ok: false, errors };
  const ids = db.transaction((tx) => {
    const action = options.action ?? 'event.create';
    const revision = new Revision(tx, actor, action, now);
    const written = inputs.map(({ slug, input }) => {
      const id = insertEvent(tx, input, now);
      syncEvent(tx, id, revision);
      recordAudit(tx, actor, { action, entityType: 'event', entityId: id, institutionId: input.institutionId, after: { ...auditView(input), batch: slugs.size }, revisionId: revision.made }, now);
      return { id, slug, input };
    });
    options.alongside?.(tx, written);
    return written.map((w) => w.id);
  });
  return ok({ ids });
}

/** Publishes a draft; refused without a source. */
export function publishEvent(db: Db, id: number, actor: Actor, now: number): Result<{ id: number }> {
  return db.transaction((tx) => {
    const event = tx.select().from(events).where(and(eq(events.id, id), isNull(events.deletedAt))).get();
    if (!event) throw new RecordNotFound('There is no such event to publish');
    if (event.status === 'published') return ok({ id });
    const sources = tx.select({ n: sql<number>`count(*)` }).from(eventSources).where(eq(eventSources.eventId, id)).get()!.n;
    if (sources === 0) return { ok: false as const, errors: { source_title: 'An event cannot be published without at least one source. Edit it to add one.' } };
    tx.update(events).set({ status: 'published', updatedAt: now }).where(eq(events.id, id)).run();
    const revision = new Revision(tx, actor, 'event.publish', now, null, id);
    syncEvent(tx, id, revision);
    recordAudit(tx, actor, { action: 'event.publish', entityType: 'event', entityId: id, institutionId: event.institutionId, before: { status: 'draft' }, after: { status: 'published' }, revisionId: revision.made }, now);
    return ok({ id });
  });
}

/**
 * Publishes the drafts shown together ("Publish all"), in one transaction and one revision of the
 * public record. Ids that are no longer drafts (published or deleted since) are passed over; when
 * any draft has no source, none is published.
 */
export function publishDrafts(db: Db, ids: readonly number[], actor: Actor, now: number): Result<{ published: number[] }> {
  return db.transaction((tx) => {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return ok({ published: [] });
    const drafts = tx
      .select({ id: events.id, institutionId: events.institutionId, summary: events.summary })
      .from(events)
      .where(and(inArray(events.id, wanted), eq(events.status, 'draft'), isNull(events.deletedAt)))
      .orderBy(asc(events.occurredAt), asc(events.id))
      .all();
    const unsourced = drafts.find((d) => eventSourceRows(db, d.id).length === 0);
    if (unsourced) return { ok: false as const, errors: { drafts: `Nothing was published: the draft “${unsourced.summary}” has no source. Edit it to add one, then publish again.` } };
    const revision = new Revision(tx, actor, 'event.publish', now);
    for (const d of drafts) {
      tx.update(events).set({ status: 'published', updatedAt: now }).where(eq(events.id, d.id)).run();
      syncEvent(tx, d.id, revision);
      recordAudit(tx, actor, { action: 'event.publish', entityType: 'event', entityId: d.id, institutionId: d.institutionId, before: { status: 'draft' }, after: { status: 'published', together: drafts.length }, revisionId: revision.made }, now);
    }
    return ok({ published: drafts.map((d) => d.id) });
  });
}

function auditView(e: EventInput) {
  return {
    type: e.type, institutionId: e.institutionId, date: e.date, time: e.time, channel: e.channel, from: e.fromName,
    responseType: e.responseType, answers: e.answersEventId, summary: e.summary, quote: e.quote, dueOn: e.dueOn,
    dueOverrideReason: e.dueOverrideReason ?? null, status: e.status, positions: e.positions, sources: e.sources,
  };
}

/**
 * Edits an event. A published event needs a public correction note, shown on its page and on
 * /corrections, and cannot go back to being a draft. Positions and sources are replaced by the form's.
 */
export function updateEvent(db: Db, id: number, fields: Fields, rules: EventRules, actor: Actor, now: number): Result<{ id: number }> {
  const before = eventRecord(db, id);
  if (!before || before.deletedAt !== null) throw new RecordNotFound('There is no such event');
  const wasPublished = before.status === 'published';
  const checked = validateEvent({ ...fields, type: before.type }, rules, { now, createdBy: actor.name });
  const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
  const note = orNull(fields.correction_note) ?? '';
  if (wasPublished && note === '') addError(errors, 'correction_note', 'say, for the public, what was corrected');
  addError(errors, 'correction_note', tooLong(note, TEXT_LIMITS.note, 'the correction note'));
  if (wasPublished && checked.ok && checked.value.status === 'draft') addError(errors, 'status', 'a published event cannot go back to being a draft; delete it instead');
  if (!checked.ok || hasErrors(errors)) return { ok: false, errors };
  const input = checked.value;
  db.transaction((tx) => {
    // A published event's correction is a revision with its public note; a draft's edit makes none.
    const correction = wasPublished ? note : null;
    writeEventEdit(tx, before, input, new Revision(tx, actor, 'event.update', now, correction, id), correction, actor, now);
  });
  return ok({ id });
}

/**
 * Writes a checked edit of an event (its columns, positions and sources) under `revision`, with
 * its audit row: what the edit form and a spreadsheet's updated row both do. A correction of a
 * published event goes under a revision of its own carrying the public note. `extra` adds to the
 * audit row (the line of the spreadsheet, say).
 */
export function writeEventEdit(tx: Tx | Db, before: EventRecord, input: EventInput, revision: Revision, correction: string | null, actor: Actor, now: number, extra: Record<string, unknown> = {}): void {
  tx.update(events).set({ ...eventColumns(input), updatedAt: now }).where(eq(events.id, before.id)).run();
  writeDetails(tx, before.id, input);
  syncEvent(tx, before.id, revision);
  recordAudit(tx, actor, { action: 'event.update', entityType: 'event', entityId: before.id, institutionId: input.institutionId, before, after: { ...auditView(input), correction, ...extra }, revisionId: revision.made }, now);
}

/**
 * Hides an event (or shows it again): nothing is destroyed. Deleting a published event changes
 * the public record, so it needs a public note, shown on /corrections (restoring may have one). Throws
 * RecordNotFound when there is no such event to delete (or restore).
 */
export function setEventDeleted(db: Db, id: number, deleted: boolean, note: string | null | undefined, actor: Actor, now: number): Result<{ id: number }> {
  return db.transaction((tx) => {
    const event = tx.select().from(events).where(eq(events.id, id)).get();
    if (!event || (event.deletedAt !== null) === deleted) throw new RecordNotFound(deleted ? 'There is no such event to delete' : 'There is no such deleted event');
    const publicNote = orNull(note);
    const errors: FieldErrors = {};
    if (deleted && event.status === 'published' && !publicNote) addError(errors, 'note', 'say, for the public, why this event is deleted');
    addError(errors, 'note', tooLong(publicNote, TEXT_LIMITS.note, 'the note'));
    if (hasErrors(errors)) return { ok: false as const, errors };
    tx.update(events).set({ deletedAt: deleted ? now : null, updatedAt: now }).where(eq(events.id, id)).run();
    const revision = new Revision(tx, actor, deleted ? 'event.delete' : 'event.restore', now, publicNote, id);
    syncEvent(tx, id, revision);
    recordAudit(tx, actor, { action: deleted ? 'event.delete' : 'event.restore', entityType: 'event', entityId: id, institutionId: event.institutionId, before: { deletedAt: event.deletedAt }, after: { deletedAt: deleted ? now : null, note: publicNote }, revisionId: revision.made }, now);
    return ok({ id });
  });
}
