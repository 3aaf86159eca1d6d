/**
 * Mail as the workspace sees it: whether sending is on, what waits in the outbox and what failed,
 * each contact's deliveries, and the reminders (chasers) late approaches call for.
 */
import type { MailConfig } from '../config.js';
import { activeEditors, deliveriesOf, outboxCounts, outboxRows, queuedMessageIds, repliesArrived, type ArrivedReply, type Delivery, type OutboxListRow } from '../db/queries/outbox.js';
import { addDays, instantOf, londonDateOf, type LondonDate } from '../domain/calendar.js';
import { chaserLetter, chaserMessageId, senderName, type ChasedApproach } from '../domain/letters.js';
import type { OutboxStatus } from '../db/schema.js';
import type { AwaitingContact } from './follow-up.js';
import { contactsCrossing, now, type EventView, type Tracker } from './tracker.js';

export interface MailState {
  /** Letters can be sent: SMTP_URL and MAIL_FROM are set. */
  sending: boolean;
  /** The mailbox is read: IMAP_URL is set. */
  reading: boolean;
  /** The worker runs in this process (MAIL_WORKER). */
  worker: boolean;
  waiting: number;
  failed: number;
}

export const sendingOn = (mail: MailConfig): boolean => Boolean(mail.smtpUrl && mail.from && mail.replyAddressPattern);

export function mailState(t: Tracker, mail: MailConfig): MailState {
  return { sending: sendingOn(mail), reading: Boolean(mail.imapUrl), worker: mail.worker, ...outboxCounts(t.db) };
}

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'failed'];
export const OUTBOX_PAGE = 50;

/** A page of the outbox, newest first, and where the next begins. */
export function outboxPage(t: Tracker, status: OutboxStatus | null, before: number | null): { rows: OutboxListRow[]; next: number | null } {
  const rows = outboxRows(t.db, status, before, OUTBOX_PAGE + 1);
  return { rows: rows.slice(0, OUTBOX_PAGE), next: rows.length > OUTBOX_PAGE ? rows[OUTBOX_PAGE - 1]!.id : null };
}

/** Each contact's messages (an approach and its reminders are separate contacts), by event id. */
export function deliveries(t: Tracker, eventIds: readonly number[]): Map<number, Delivery[]> {
  const map = new Map<number, Delivery[]>();
  for (const d of deliveriesOf(t.db, eventIds)) map.set(d.eventId, [...(map.get(d.eventId) ?? []), d]);
  return map;
}

export interface ChaserProposal {
  eventId: number;
  institution: string;
  to: string;
  sentOn: LondonDate;
  dueOn: LondonDate;
  originalSubject: string;
  subject: string;
  body: string;
}

/**
 * The reminders late approaches call for: each approach sent by email from the tracker (and
 * delivered), late and unanswered, not chased since its reply due date passed. `campaign` signs them.
 */
export function chaserProposals(t: Tracker, awaiting: readonly AwaitingContact[], campaign: string): ChaserProposal[] {
  const late = awaiting.filter((c) => c.overdue && c.dueOn);
  const sent = deliveries(t, late.map((c) => c.id));
  const approaches = late.flatMap((c) => {
    // Only a letter that went: one that failed is sent again from its approach, not chased.
    const d = (sent.get(c.id) ?? []).find((m) => m.kind === 'approach' && m.status === 'sent');
    return d ? [{ contact: c, delivery: d }] : [];
  });
  const chased = queuedMessageIds(t.db, approaches.map((a) => chaserMessageId(a.delivery.messageId, a.contact.dueOn!)));
  return approaches
    .filter(({ contact, delivery }) => !chased.has(chaserMessageId(delivery.messageId, contact.dueOn!)))
    .map(({ contact, delivery }) => {
      const approach: ChasedApproach = { institution: contact.institutionName, sentOn: contact.date, subject: delivery.subject, dueOn: contact.dueOn!, campaign, replyAddress: delivery.replyTo ?? '' };
      return { eventId: contact.id, institution: contact.institutionName, to: delivery.toAddress, sentOn: contact.date, dueOn: contact.dueOn!, originalSubject: delivery.subject, ...chaserLetter(approach) };
    });
}

/** What the editors' daily email says: approaches that became late or long overdue on the day, and replies read since the last one. */
export interface EditorsDigest {
  day: LondonDate;
  becameLate: EventView[];
  becameLongOverdue: EventView[];
  replies: ArrivedReply[];
  editors: { email: string; name: string }[];
}

export const DIGEST_LIMIT = 500;

/** The digest of the day of `instant`; replies read from `since` (the last email, or the start of yesterday) up to `instant`. */
export function editorsDigest(t: Tracker, instant: number, since: number | null): EditorsDigest {
  const day = londonDateOf(instant);
  const crossing = contactsCrossing(t, now(t, instant), addDays(day, -1), day, DIGEST_LIMIT);
  return {
    day,
    becameLate: crossing.late,
    becameLongOverdue: crossing.longOverdue,
    replies: repliesArrived(t.db, since ?? instantOf(addDays(day, -1)), instant + 1, DIGEST_LIMIT),
    editors: activeEditors(t.db),
  };
}

/** The campaign's name as its letters are signed: the name in MAIL_FROM, or its address. */
export const signature = (mail: MailConfig): string => senderName(mail.from);

/** What the follow-up queue shows of mail: the state, each awaiting approach's messages, the reminders proposed. */
export function followUpMail(t: Tracker, mail: MailConfig, awaiting: readonly AwaitingContact[]): { state: MailState; deliveries: Record<number, Delivery[]>; chasers: ChaserProposal[] } {
  const state = mailState(t, mail);
  return {
    state,
    deliveries: Object.fromEntries(deliveries(t, awaiting.map((c) => c.id))),
    chasers: state.sending ? chaserProposals(t, awaiting, signature(mail)) : [],
  };
}
