/**
 * The outbox: every message the tracker sends is a row here, written in the same transaction as
 * what it records (a contact, a subscription), and delivered later by the sender.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { outbox, type OutboxKind } from '../db/schema.js';
import type { Tx } from '../records/events.js';
import { newMessageId } from './addresses.js';

export interface QueuedMessage {
  kind: OutboxKind;
  to: string;
  from: string;
  subject: string;
  text: string;
  html?: string | null;
  replyTo?: string | null;
  replyToken?: string | null;
  /** Extra headers: In-Reply-To, References, List-Unsubscribe… */
  headers?: Record<string, string>;
  eventId?: number | null;
  subscriptionId?: number | null;
  /** The Message-ID to use (without angle brackets); a new one when absent. */
  messageId?: string;
  createdBy: string;
}

/** Queues one message inside the caller's transaction; returns its row id and Message-ID. */
export function queueMessage(tx: Tx | Db, message: QueuedMessage, now: number): { id: number; messageId: string } {
  const messageId = message.messageId ?? newMessageId(message.from);
  const row = tx
    .insert(outbox)
    .values({
      kind: message.kind,
      eventId: message.eventId ?? null,
      subscriptionId: message.subscriptionId ?? null,
      toAddress: message.to,
      fromAddress: message.from,
      replyTo: message.replyTo ?? null,
      replyToken: message.replyToken ?? null,
      subject: message.subject,
      text: message.text,
      html: message.html ?? null,
      headers: JSON.stringify(message.headers ?? {}),
      messageId,
      status: 'queued',
      nextAttemptAt: now,
      createdBy: message.createdBy,
      createdAt: now,
    })
    .returning({ id: outbox.id })
    .get();
  return { id: row.id, messageId };
}

export type OutboxRow = typeof outbox.$inferSelect;

/** Messages due for delivery now, oldest first. */
export function dueMessages(db: Db, now: number, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit)
    .all();
}

/**
 * Claims a message for delivery: `queued` becomes `sending` only if it still was queued, so two
 * senders (two processes) never both send it. Returns whether this sender got it.
 */
export function claimMessage(db: Db, id: number, now: number): boolean {
  const result = db
    .update(outbox)
    .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')))
    .run();
  return result.changes === 1;
}

export function markSent(db: Db, id: number, now: number): void {
  db.update(outbox).set({ status: 'sent', sentAt: now, lastError: null }).where(eq(outbox.id, id)).run();
}

/** Back-off between attempts: 1, 5, 15, 60 minutes, then 3 hours; after eight attempts the message has failed. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 3 * 60 * 60_000, 3 * 60 * 60_000, 3 * 60 * 60_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * Records a failed attempt: queued again after its back-off, or failed for good when the
 * server refused it permanently (a 5xx answer) or after the last attempt.
 */
export function markFailed(db: Db, row: Pick<OutboxRow, 'id' | 'attempts'>, error: string, permanent: boolean, now: number): void {
  const attempts = row.attempts;
  const final = permanent || attempts >= MAX_ATTEMPTS;
  db.update(outbox)
    .set({
      status: final ? 'failed' : 'queued',
      lastError: error.slice(0, 1000),
      nextAttemptAt: final ? now : now + RETRY_DELAYS_MS[Math.min(attempts - 1, RETRY_DELAYS_MS.length - 1)]!,
    })
    .where(eq(outbox.id, row.id))
    .run();
}

/** How long a sender may hold a message before it is taken to have stopped (nodemailer gives up well before). */
export const SENDING_LEASE_MS = 10 * 60_000;

/**
 * Messages left `sending` by a sender that stopped (a crash, a restart) between handing a message
 * to the SMTP server and recording the answer, more than SENDING_LEASE_MS ago. Whether the server
 * took it is unknown; sending it again could send it twice, so each is marked failed with a note
 * saying so, for a person to check and send again. Returns how many.
 */
export function settleInterrupted(db: Db, now: number): number {
  return db
    .update(outbox)
    .set({ status: 'failed', lastError: 'The sender stopped while handing this message to the mail server: it may or may not have been sent. Check the sent folder, then send it again if needed.', nextAttemptAt: now })
    .where(and(eq(outbox.status, 'sending'), lte(outbox.nextAttemptAt, now - SENDING_LEASE_MS)))
    .run().changes;
}

/** Puts failed messages back in the queue (a campaigner's "send again"). */
export function requeue(db: Db, ids: readonly number[], now: number): number {
  if (ids.length === 0) return 0;
  return db
    .update(outbox)
    .set({ status: 'queued', nextAttemptAt: now, lastError: null })
    .where(and(inArray(outbox.id, [...ids]), eq(outbox.status, 'failed')))
    .run().changes;
}
