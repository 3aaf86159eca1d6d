/**
 * Filing messages read from the campaign's mailbox. Each message is recorded once (by its bytes,
 * and by its Message-ID), and, in the same transaction with its audit row: a reply to an approach
 * (by its reply address, or by the thread's headers) becomes a draft response on it, an automatic
 * reply a draft acknowledgement; anything else waits in the inbox for a person to file or discard.
 * Nothing is ever published here.
 */
import fs from 'node:fs';
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, inboundMessages, mailboxCursors, outbox } from '../db/schema.js';
import { londonDateOf, londonTimeOf } from '../domain/calendar.js';
import { cutText } from '../domain/files.js';
import { TEXT_LIMITS } from '../domain/limits.js';
import { readMessage, type ReadMessage } from '../mail/parse.js';
import { insertAttachment, keepMessageFiles } from './attachments.js';
import { recordAudit, type Actor } from './audit.js';
import { RecordNotFound } from './errors.js';
import { insertEvent, type Tx } from './events.js';
import { storedPath } from './files.js';
import { ok, type Result } from './fields.js';
import { Revision, syncEvent } from './revisions.js';

/** Who files what the mailbox reader finds, in the audit log. */
export const MAILBOX_READER: Actor = { userId: null, name: 'Mailbox reader' };

export type InboundRow = typeof inboundMessages.$inferSelect;

/** Where a message was read: its folder, UID, when it arrived, its raw bytes' SHA-256 and size. */
export interface Arrival {
  folder: string;
  uid: number | null;
  arrivedAt: number;
  sha256: string;
  size: number;
}

export type Filed = { outcome: 'duplicate'; id: number } | { outcome: InboundRow['status']; id: number };

/** Whether these bytes were already read (the same message delivered twice). */
export function alreadyRead(db: Db, sha256: string): number | null {
  return db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.sha256, sha256)).get()?.id ?? null;
}

/** Moves the folder's cursor on (in the caller's transaction). */
export function advanceCursor(tx: Tx | Db, folder: string, uidValidity: string, lastUid: number, now: number): void {
  tx.insert(mailboxCursors)
    .values({ folder, uidValidity, lastUid, checkedAt: now })
    .onConflictDoUpdate({ target: mailboxCursors.folder, set: { uidValidity, lastUid, checkedAt: now } })
    .run();
}

export function cursorOf(db: Db, folder: string): { uidValidity: string; lastUid: number } | null {
  return db.select({ uidValidity: mailboxCursors.uidValidity, lastUid: mailboxCursors.lastUid }).from(mailboxCursors).where(eq(mailboxCursors.folder, folder)).get() ?? null;
}

/** The approach (a live contact) a message answers, and how it was matched, or null. */
function approachOf(tx: Tx | Db, message: Pick<ReadMessage, 'replyTokens' | 'threadIds'>): { eventId: number; institutionId: number; matchedBy: 'address' | 'thread' } | null {
  const find = (column: typeof outbox.replyToken | typeof outbox.messageId, values: string[]) =>
    values.length === 0
      ? []
      : tx
          .select({ eventId: events.id, institutionId: events.institutionId })
          .from(outbox)
          .innerJoin(events, eq(events.id, outbox.eventId))
          .where(and(inArray(column, values), isNotNull(outbox.eventId), eq(events.type, 'contact'), isNull(events.deletedAt)))
          .all();
  const byAddress = find(outbox.replyToken, message.replyTokens)[0];
  if (byAddress?.institutionId) return { eventId: byAddress.eventId, institutionId: byAddress.institutionId, matchedBy: 'address' };
  const byThread = find(outbox.messageId, message.threadIds)[0];
  if (byThread?.institutionId) return { eventId: byThread.eventId, institutionId: byThread.institutionId, matchedBy: 'thread' };
  return null;
}

const messageColumns = (arrival: Arrival, message: Partial<ReadMessage>, now: number) => ({
  messageId: message.messageId ?? null,
  sha256: arrival.sha256,
  size: arrival.size,
  folder: arrival.folder,
  uid: arrival.uid,
  receivedAt: arrival.arrivedAt,
  fromAddress: message.fromAddress ?? null,
  fromName: message.fromName ?? null,
  toAddresses: (message.addresses ?? []).join(', ').slice(0, 4000),
  subject: message.subject ?? '',
  automatic: message.automatic ?? false,
  createdAt: now,
});

/**
 * The draft a reply becomes on its approach: a response (an acknowledgement when automatic) by
 * the approach's institution, answering it, dated when it was sent, with the sender's name, the
 * subject as its summary and the text as a quote to trim (the whole text stays in the message).
 * No source: a person adds one, sets the response type and positions, then publishes.
 */
function writeDraft(tx: Tx, filesDir: string, inboundId: number, message: ReadMessage, approach: { eventId: number; institutionId: number }, actor: Actor, now: number): number {
  const sender = message.fromName ?? message.fromAddress ?? 'the institution';
  const summary = cutText(`${message.automatic ? 'Automatic reply' : 'Reply'} by email from ${sender}${message.subject ? `: ${message.subject}` : ''}`, TEXT_LIMITS.summary);
  const input = {
    type: 'response' as const,
    institutionId: approach.institutionId,
    date: londonDateOf(message.sentAt),
    time: londonTimeOf(message.sentAt),
    channel: null,
    fromName: message.fromName ? cutText(message.fromName, TEXT_LIMITS.from) : null,
    responseType: message.automatic ? ('acknowledgement' as const) : null,
    answersEventId: approach.eventId,
    summary,
    quote: message.text ? cutText(message.text, TEXT_LIMITS.quote, ' […] (the whole text is in the message)') : null,
    dueOn: null,
    status: 'draft' as const,
    positions: [],
    sources: [],
    createdBy: actor.name,
  };
  const eventId = insertEvent(tx, input, now);
  syncEvent(tx, eventId, new Revision(tx, actor, 'event.create', now, null, eventId));
  for (const file of keepMessageFiles(filesDir, message.attachments)) {
    insertAttachment(tx, { eventId, ...file, public: false, source: 'email', inboundMessageId: inboundId }, actor.name, now);
  }
  recordAudit(tx, actor, { action: 'event.create', entityType: 'event', entityId: eventId, institutionId: approach.institutionId, after: { type: 'response', status: 'draft', answers: approach.eventId, fromMessage: inboundId, automatic: message.automatic } }, now);
  return eventId;
}

/**
 * Files a message the reader parsed (its raw bytes already kept). A copy of a message already read
 * (the same Message-ID, other bytes) is kept and marked discarded, never filed twice.
 */
export function fileMessage(db: Db, filesDir: string, arrival: Arrival, message: ReadMessage, now: number, cursor?: { uidValidity: string }): Filed {
  // Attachment bytes are kept before the transaction (stored by content, a copy left over is harmless).
  return db.transaction((tx) => {
    const seen = tx.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.sha256, arrival.sha256)).get();
    if (seen) return { outcome: 'duplicate' as const, id: seen.id };
    if (cursor && arrival.uid !== null) advanceCursor(tx, arrival.folder, cursor.uidValidity, arrival.uid, now);
    const earlier = message.messageId
      ? tx.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.messageId, message.messageId)).get()
      : undefined;
    if (earlier) {
      const id = tx
        .insert(inboundMessages)
        .values({ ...messageColumns(arrival, message, now), status: 'discarded', problem: `Another copy of message ${earlier.id} (the same Message-ID): not filed again.`, handledBy: MAILBOX_READER.name, handledAt: now })
        .returning({ id: inboundMessages.id })
        .get().id;
      return { outcome: 'discarded' as const, id };
    }
    const approach = approachOf(tx, message);
    const id = tx
      .insert(inboundMessages)
      .values({ ...messageColumns(arrival, message, now), status: approach ? 'filed' : 'unmatched', matchedBy: approach?.matchedBy ?? null, approachEventId: approach?.eventId ?? null, handledBy: approach ? MAILBOX_READER.name : null, handledAt: approach ? now : null })
      .returning({ id: inboundMessages.id })
      .get().id;
    if (!approach) return { outcome: 'unmatched' as const, id };
    const eventId = writeDraft(tx, filesDir, id, message, approach, MAILBOX_READER, now);
    tx.update(inboundMessages).set({ eventId }).where(eq(inboundMessages.id, id)).run();
    return { outcome: 'filed' as const, id };
  });
}

/** Records a message that could not be read or was too large: kept (whole, or its headers), refused, with why. */
export function refuseMessage(db: Db, arrival: Arrival, headers: Partial<ReadMessage>, problem: string, now: number, cursor?: { uidValidity: string }): Filed {
  return db.transaction((tx) => {
    const seen = tx.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.sha256, arrival.sha256)).get();
    if (seen) return { outcome: 'duplicate' as const, id: seen.id };
    if (cursor && arrival.uid !== null) advanceCursor(tx, arrival.folder, cursor.uidValidity, arrival.uid, now);
    const id = tx
      .insert(inboundMessages)
      .values({ ...messageColumns(arrival, headers, now), status: 'refused', problem: problem.slice(0, 1000) })
      .returning({ id: inboundMessages.id })
      .get().id;
    return { outcome: 'refused' as const, id };
  });
}

function waiting(tx: Tx | Db, id: number): InboundRow {
  const row = tx.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get();
  if (!row) throw new RecordNotFound('There is no such message');
  return row;
}

/**
 * A campaigner files a waiting message onto an approach: it becomes a draft response (or
 * acknowledgement) on it, as the reader would have made it. The raw message is read again from
 * the file store.
 */
export async function fileByPerson(db: Db, filesDir: string, id: number, approachText: string | undefined, options: { replyAddressPattern: string | null; maxAttachmentBytes: number; parseLimit: number }, actor: Actor, now: number): Promise<Result<{ eventId: number }>> {
  const row = waiting(db, id);
  if (row.status !== 'unmatched') return { ok: false, errors: { approach: 'This message has already been filed or discarded' } };
  const approachId = /^\d{1,15}$/.test(approachText ?? '') ? Number(approachText) : null;
  const approach = approachId === null ? undefined : db.select({ eventId: events.id, institutionId: events.institutionId }).from(events).where(and(eq(events.id, approachId), eq(events.type, 'contact'), isNull(events.deletedAt))).get();
  if (!approach?.institutionId) return { ok: false, errors: { approach: 'Choose the approach this message answers' } };
  if (row.size > options.parseLimit) return { ok: false, errors: { approach: 'This message is too large to file' } };
  const raw = fs.readFileSync(storedPath(filesDir, row.sha256));
  const message = await readMessage(raw, { replyAddressPattern: options.replyAddressPattern, arrivedAt: row.receivedAt, maxAttachmentBytes: options.maxAttachmentBytes });
  const eventId = db.transaction((tx) => {
    const again = waiting(tx, id);
    if (again.status !== 'unmatched') return null;
    const made = writeDraft(tx, filesDir, id, { ...message, automatic: row.automatic }, { eventId: approach.eventId, institutionId: approach.institutionId! }, actor, now);
    tx.update(inboundMessages).set({ status: 'filed', matchedBy: 'person', approachEventId: approach.eventId, eventId: made, handledBy: actor.name, handledAt: now }).where(eq(inboundMessages.id, id)).run();
    recordAudit(tx, actor, { action: 'message.file', entityType: 'message', entityId: id, institutionId: approach.institutionId, after: { approach: approach.eventId, draft: made } }, now);
    return made;
  });
  if (eventId === null) return { ok: false, errors: { approach: 'This message has already been filed or discarded' } };
  return ok({ eventId });
}

/** A campaigner discards a waiting message: kept, marked discarded. */
export function discardMessage(db: Db, id: number, actor: Actor, now: number): Result<{ id: number }> {
  return db.transaction((tx) => {
    const row = waiting(tx, id);
    if (row.status !== 'unmatched') return { ok: false as const, errors: { message: 'This message has already been filed or discarded' } };
    tx.update(inboundMessages).set({ status: 'discarded', handledBy: actor.name, handledAt: now }).where(eq(inboundMessages.id, id)).run();
    recordAudit(tx, actor, { action: 'message.discard', entityType: 'message', entityId: id, before: { status: 'unmatched' }, after: { status: 'discarded' } }, now);
    return ok({ id });
  });
}
