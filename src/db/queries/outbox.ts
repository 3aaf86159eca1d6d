/** What the workspace shows of the outbox: messages by status, a contact's deliveries, counts, reminders due. */
import type { Db } from '../client.js';
import type { OutboxKind, OutboxStatus } from '../schema.js';
import { prepared } from './prepared.js';

export interface OutboxListRow {
  id: number;
  kind: OutboxKind;
  eventId: number | null;
  toAddress: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
  createdAt: number;
  nextAttemptAt: number;
  institutionName: string | null;
}

const LIST_COLUMNS = `o.id, o.kind, o.event_id AS eventId, o.to_address AS toAddress, o.subject, o.status, o.attempts, o.last_error AS lastError,
  o.sent_at AS sentAt, o.created_at AS createdAt, o.next_attempt_at AS nextAttemptAt, i.name AS institutionName`;

/**
 * A page of the outbox, newest first, of one status or all, from before a message id (keyset).
 * Only the letters the workspace sends (approaches, reminders, the editors' email), never a follower's address.
 */
export function outboxRows(db: Db, status: OutboxStatus | null, beforeId: number | null, limit: number): OutboxListRow[] {
  return prepared(
    db,
    `SELECT ${LIST_COLUMNS}
    FROM outbox o LEFT JOIN events e ON e.id = o.event_id LEFT JOIN institutions i ON i.id = e.institution_id
    WHERE o.kind IN ('approach', 'chaser', 'editors') AND (@status IS NULL OR o.status = @status) AND (@before IS NULL OR o.id < @before)
    ORDER BY o.id DESC LIMIT @limit`,
  ).all({ status, before: beforeId, limit }) as OutboxListRow[];
}

/** How many letters wait (queued or being sent) and how many have failed. */
export function outboxCounts(db: Db): { waiting: number; failed: number } {
  return prepared(
    db,
    `SELECT coalesce(sum(status IN ('queued', 'sending')), 0) AS waiting, coalesce(sum(status = 'failed'), 0) AS failed
    FROM outbox WHERE status IN ('queued', 'sending', 'failed') AND kind IN ('approach', 'chaser', 'editors')`,
  ).get() as { waiting: number; failed: number };
}

export interface Delivery {
  id: number;
  eventId: number;
  kind: OutboxKind;
  toAddress: string;
  replyTo: string | null;
  subject: string;
  text: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
  nextAttemptAt: number;
  messageId: string;
}

/** The messages of these contacts, in one query. */
export function deliveriesOf(db: Db, eventIds: readonly number[]): Delivery[] {
  if (eventIds.length === 0) return [];
  return prepared(
    db,
    `SELECT id, event_id AS eventId, kind, to_address AS toAddress, reply_to AS replyTo, subject, text, status, attempts, last_error AS lastError,
      sent_at AS sentAt, next_attempt_at AS nextAttemptAt, message_id AS messageId
    FROM outbox WHERE event_id IN (SELECT value FROM json_each(@ids)) ORDER BY id`,
  ).all({ ids: JSON.stringify(eventIds) }) as Delivery[];
}

/** Which of these Message-IDs the outbox holds (reminders already queued, looked up by their unique index). */
export function queuedMessageIds(db: Db, messageIds: readonly string[]): Set<string> {
  if (messageIds.length === 0) return new Set();
  const rows = prepared(db, `SELECT message_id AS id FROM outbox WHERE message_id IN (SELECT value FROM json_each(@ids))`).all({ ids: JSON.stringify(messageIds) }) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

/** The editors and admins who get the daily email. */
export function activeEditors(db: Db): { email: string; name: string }[] {
  return prepared(db, `SELECT email, name FROM users WHERE active = 1 AND role IN ('admin', 'editor') ORDER BY id`).all() as { email: string; name: string }[];
}

export interface ArrivedReply {
  id: number;
  fromAddress: string | null;
  fromName: string | null;
  subject: string;
  status: string;
  automatic: number;
  institutionName: string | null;
  receivedAt: number;
}

/** Messages read from the mailbox between two instants, with the institution of the approach each was filed on. */
export function repliesArrived(db: Db, from: number, to: number, limit: number): ArrivedReply[] {
  return prepared(
    db,
    `SELECT m.id, m.from_address AS fromAddress, m.from_name AS fromName, m.subject, m.status, m.automatic, i.name AS institutionName, m.received_at AS receivedAt
    FROM inbound_messages m LEFT JOIN events e ON e.id = m.approach_event_id LEFT JOIN institutions i ON i.id = e.institution_id
    WHERE m.created_at >= @from AND m.created_at < @to AND m.status IN ('filed', 'unmatched')
    ORDER BY m.created_at, m.id LIMIT @limit`,
  ).all({ from, to, limit }) as ArrivedReply[];
}

/** When a periodic job last ran, or null. */
export function lastRun(db: Db, name: string): number | null {
  return (prepared(db, 'SELECT last_run_at AS at FROM mail_runs WHERE name = ?').get(name) as { at: number } | undefined)?.at ?? null;
}

/** When the mailbox's folder was last read (null: never). */
export function mailboxLastRead(db: Db, folder: string): number | null {
  return (prepared(db, 'SELECT checked_at AS at FROM mailbox_cursors WHERE folder = ?').get(folder) as { at: number } | undefined)?.at ?? null;
}

/** The oldest message still waiting to be sent (its time of queueing), or null. */
export function oldestWaiting(db: Db): number | null {
  return (prepared(db, "SELECT min(created_at) AS at FROM outbox WHERE status = 'queued'").get() as { at: number | null }).at;
}
