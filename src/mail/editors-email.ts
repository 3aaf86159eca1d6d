/**
 * The editors' daily email: once per London day, from 08:00, every active editor and admin gets
 * one message saying which approaches became late or long overdue that day and which replies were
 * read from the mailbox since the last one. Nothing to say: no email. `mail_runs` remembers the
 * day, in the same transaction as the messages, so a restart never sends it twice.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { lastRun } from '../db/queries/outbox.js';
import { mailRuns } from '../db/schema.js';
import { londonDateOf, londonTimeOf } from '../domain/calendar.js';
import { dateInWords, oneLine } from '../domain/letters.js';
import { editorsDigest, type EditorsDigest } from '../tracker/mail.js';
import type { Tracker } from '../tracker/tracker.js';
import { queueMessage } from './outbox.js';

export const EDITORS_EMAIL = 'editors-daily';
/** The London time from which the day's email goes. */
export const EDITORS_EMAIL_FROM = '08:00';

/** Queues the day's email if it is due; returns how many messages were queued (0 when not due or nothing to say). */
export function queueEditorsEmail(t: Tracker, from: string, instant: number): number {
  const db: Db = t.db;
  if (londonTimeOf(instant) < EDITORS_EMAIL_FROM) return 0;
  const day = londonDateOf(instant);
  const previous = lastRun(db, EDITORS_EMAIL);
  if (previous !== null && londonDateOf(previous) === day) return 0;
  const digest = editorsDigest(t, instant, previous);
  return db.transaction((tx) => {
    // Checked again inside the transaction: a second process running the same round sends nothing.
    const again = tx.select().from(mailRuns).where(eq(mailRuns.name, EDITORS_EMAIL)).get();
    if (again && londonDateOf(again.lastRunAt) === day) return 0;
    tx.insert(mailRuns).values({ name: EDITORS_EMAIL, lastRunAt: instant }).onConflictDoUpdate({ target: mailRuns.name, set: { lastRunAt: instant } }).run();
    if (digest.becameLate.length + digest.becameLongOverdue.length + digest.replies.length === 0) return 0;
    const text = editorsText(digest, t.baseUrl);
    for (const editor of digest.editors) {
      queueMessage(tx, { kind: 'editors', to: editor.email, from, subject: `Follow-up for ${dateInWords(day)}: ${summaryLine(digest)}`, text, createdBy: 'the daily email' }, instant);
    }
    return digest.editors.length;
  });
}

function summaryLine(d: EditorsDigest): string {
  const parts = [
    d.becameLate.length > 0 ? `${d.becameLate.length} became late` : null,
    d.becameLongOverdue.length > 0 ? `${d.becameLongOverdue.length} long overdue` : null,
    d.replies.length > 0 ? `${d.replies.length} ${d.replies.length === 1 ? 'reply' : 'replies'} read` : null,
  ].filter(Boolean);
  return parts.join(', ');
}

/** The message, in plain text: each item on a line of its own, with the link to act on it. */
export function editorsText(d: EditorsDigest, baseUrl: string): string {
  const lines: string[] = [`What needs following up on ${dateInWords(d.day)}.`, ''];
  const approaches = (title: string, list: EditorsDigest['becameLate']) => {
    if (list.length === 0) return;
    lines.push(`${title} (${list.length}):`);
    for (const e of list) lines.push(`- ${oneLine(e.institutionName ?? 'Campaign-wide')}: approached on ${e.date}, reply due ${e.dueOn ?? 'not set'}. ${baseUrl}/admin/events/${e.id}/edit`);
    lines.push('');
  };
  approaches('Became late today', d.becameLate);
  approaches('Became long overdue today', d.becameLongOverdue);
  if (d.replies.length > 0) {
    lines.push(`Replies read from the mailbox (${d.replies.length}):`);
    for (const r of d.replies) {
      const who = oneLine(r.fromName ? `${r.fromName} <${r.fromAddress ?? ''}>` : (r.fromAddress ?? 'unknown sender'));
      const where = r.status === 'filed' ? `filed as a draft on the approach to ${oneLine(r.institutionName ?? 'an institution')}` : 'waiting in the inbox to be filed';
      lines.push(`- ${who}: “${oneLine(r.subject).slice(0, 200)}”${r.automatic ? ' (an automatic reply)' : ''}, ${where}.`);
    }
    lines.push('');
  }
  lines.push(`The follow-up queue: ${baseUrl}/admin`, '', 'You get this email because you are an editor or admin of the tracker.');
  return lines.join('\n');
}
