/**
 * The read side of mail and files: the inbox of messages waiting to be filed (a page at a time),
 * one message as text, the approaches a message may be filed on, and the attachments of events.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, asc, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { attachments, events, inboundMessages, institutions } from '../db/schema.js';
import type { Cursor } from '../domain/cursor.js';
import { fromInstitution, messageLimits, storedName } from '../domain/files.js';
import { readMessage } from '../mail/parse.js';
import type { Tracker } from './tracker.js';

export const INBOX_PAGE = 50;

export type MessageRow = typeof inboundMessages.$inferSelect;

export interface InboxPage {
  rows: MessageRow[];
  /** The cursor of the next (older) page, or null. */
  next: Cursor | null;
  waiting: number;
}

/** Messages waiting to be filed, newest first, a page at a time (keyset on the time it arrived and id). */
export function inbox(t: Tracker, before: Cursor | null): InboxPage {
  const m = inboundMessages;
  const rows = t.db
    .select()
    .from(m)
    .where(and(eq(m.status, 'unmatched'), before ? or(lt(m.receivedAt, before.at), and(eq(m.receivedAt, before.at), lt(m.id, before.id))) : undefined))
    .orderBy(desc(m.receivedAt), desc(m.id))
    .limit(INBOX_PAGE + 1)
    .all();
  const more = rows.length > INBOX_PAGE;
  const page = rows.slice(0, INBOX_PAGE);
  const last = page[page.length - 1];
  const waiting = t.db.select({ n: sql<number>`count(*)` }).from(m).where(eq(m.status, 'unmatched')).get()!.n;
  return { rows: page, next: more && last ? { at: last.receivedAt, id: last.id } : null, waiting };
}

/** One message's row (for its raw download). */
export function messageRow(t: Tracker, id: number): MessageRow | null {
  return t.db.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get() ?? null;
}

export interface MessageView {
  row: MessageRow;
  /** The text, read again from the raw message (HTML turned into text), or null when it cannot be. */
  text: string | null;
  attachments: string[];
  leftInMessage: string[];
  /** The draft it became, and the approach it answers, when filed. */
  draft: { id: number; summary: string } | null;
  approach: { id: number; summary: string; institutionName: string | null } | null;
}

/** One message, as a campaigner reads it (never as HTML). */
export async function messageView(t: Tracker, id: number, options: { filesDir: string; replyAddressPattern: string | null; maxAttachmentBytes: number }): Promise<MessageView | null> {
  const row = t.db.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get();
  if (!row) return null;
  let text: string | null = null;
  let names: string[] = [];
  let left: string[] = [];
  const file = path.join(options.filesDir, storedName(row.sha256));
  if (row.status !== 'refused' && row.size <= messageLimits(options.maxAttachmentBytes).parse && fs.existsSync(file)) {
    try {
      const read = await readMessage(fs.readFileSync(file), { replyAddressPattern: options.replyAddressPattern, arrivedAt: row.receivedAt, maxAttachmentBytes: options.maxAttachmentBytes });
      text = read.text;
      names = read.attachments.map((a) => a.name);
      left = read.leftInMessage;
    } catch {
      text = null;
    }
  }
  const eventSummary = (eventId: number | null) =>
    eventId === null
      ? undefined
      : t.db.select({ id: events.id, summary: events.summary, institutionName: institutions.name }).from(events).leftJoin(institutions, eq(institutions.id, events.institutionId)).where(eq(events.id, eventId)).get();
  return { row, text, attachments: names, leftInMessage: left, draft: eventSummary(row.eventId) ?? null, approach: eventSummary(row.approachEventId) ?? null };
}

export interface ApproachChoice {
  id: number;
  institutionName: string;
  date: string;
  summary: string;
  /** The sender seems to write from this approach's institution (see fromInstitution). */
  likely: boolean;
}

/**
 * The approaches a message may be filed on: the most recent contacts, by institution; those to
 * the institution the sender seems to write from first.
 */
export function approachChoices(t: Tracker, sender: string | null = null, limit = 500): ApproachChoice[] {
  return t.db
    .select({ id: events.id, institutionName: institutions.name, date: events.occurredOn, summary: events.summary, email: institutions.email, website: institutions.website })
    .from(events)
    .innerJoin(institutions, eq(institutions.id, events.institutionId))
    .where(and(eq(events.type, 'contact'), isNull(events.deletedAt)))
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(limit)
    .all()
    .map(({ email, website, ...choice }) => ({ ...choice, likely: fromInstitution(sender, { email, website }) }))
    .sort((a, b) => Number(b.likely) - Number(a.likely) || a.institutionName.localeCompare(b.institutionName, 'en-GB') || b.date.localeCompare(a.date) || b.id - a.id);
}

export type AttachmentView = typeof attachments.$inferSelect;

/** The attachments of an event (all of them, for the workspace; the public ones, for its public page). */
export function eventAttachments(t: Tracker, eventId: number, which: 'all' | 'public'): AttachmentView[] {
  return t.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.eventId, eventId), which === 'public' ? eq(attachments.public, true) : undefined))
    .orderBy(asc(attachments.id))
    .all();
}

/**
 * One attachment to serve: to anyone when it is public and its event published and not deleted;
 * to signed-in campaigners always; otherwise null (a 404).
 */
export function attachmentToServe(t: Tracker, id: number, signedIn: boolean): AttachmentView | null {
  const found = t.db
    .select({ attachment: attachments, status: events.status, deletedAt: events.deletedAt })
    .from(attachments)
    .innerJoin(events, eq(events.id, attachments.eventId))
    .where(eq(attachments.id, id))
    .get();
  if (!found) return null;
  if (signedIn) return found.attachment;
  return found.attachment.public && found.status === 'published' && found.deletedAt === null ? found.attachment : null;
}

/** An event of the workspace (not deleted), for its attachments page. */
export function workspaceEvent(t: Tracker, id: number): { id: number; type: string; summary: string; date: string; status: string; institutionName: string | null } | null {
  return (
    t.db
      .select({ id: events.id, type: events.type, summary: events.summary, date: events.occurredOn, status: events.status, institutionName: institutions.name })
      .from(events)
      .leftJoin(institutions, eq(institutions.id, events.institutionId))
      .where(and(eq(events.id, id), isNull(events.deletedAt)))
      .get() ?? null
  );
}
