/**
 * Letters sent from the tracker: a letter written once, merged for each institution chosen, logged
 * as one published contact each (channel email) and queued in the outbox in the same transaction,
 * all or nothing; and the reminder (chaser) of an approach gone late, logged and queued the same way.
 */
import { and, eq, gte, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, institutions, outbox, type OutboxStatus } from '../db/schema.js';
import { londonDateOf, londonTimeOf, type LondonDate } from '../domain/calendar.js';
import { chaserLetter, chaserMessageId, LETTER_LIMITS, letterForRecord, merge, mergeProblem, mergeSubject, mergeValues, senderName } from '../domain/letters.js';
import { tooLong } from '../domain/limits.js';
import { replyDueOn } from '../domain/reply-due.js';
import { newReplyToken, replyAddress } from '../mail/addresses.js';
import { queueMessage, requeue } from '../mail/outbox.js';
import type { MailConfig } from '../config.js';
import { recordAudit, type Actor } from './audit.js';
import { validateEvent, type EventRules } from './event-rules.js';
import { addError, hasErrors, ok, orNull, type FieldErrors, type Result } from './fields.js';
import { emailProblem } from './institutions.js';
import { chosenSlugs, logBatchContact, type BatchChoice } from './log-events.js';

/** Where letters come from: the campaign's address, its reply address pattern and its name. */
export interface LetterSender {
  /** MAIL_FROM: `StopSIM Coalition <campaign@example.org>`. */
  from: string;
  /** MAIL_REPLY_ADDRESS: `campaign+{token}@example.org`. */
  replyAddressPattern: string;
  /** The campaign's name, for {{campaign}} and the contacts' “from”. */
  campaign: string;
}

/** The sender of letters, or null while sending is off (SMTP_URL or MAIL_FROM unset). */
export function letterSenderOf(mail: MailConfig): LetterSender | null {
  if (!mail.smtpUrl || !mail.from || !mail.replyAddressPattern) return null;
  return { from: mail.from, replyAddressPattern: mail.replyAddressPattern, campaign: senderName(mail.from) };
}

/** Puts a failed message back in the queue (“send again”), with its audit row; false when it had not failed. */
export function sendAgain(db: Db, outboxId: number, actor: Actor, now: number): boolean {
  return db.transaction((tx) => {
    const row = tx.select({ id: outbox.id, eventId: outbox.eventId, status: outbox.status, lastError: outbox.lastError }).from(outbox).where(eq(outbox.id, outboxId)).get();
    if (!row || row.status !== 'failed') return false;
    requeue(tx as unknown as Db, [outboxId], now);
    recordAudit(tx, actor, { action: 'mail.send_again', entityType: 'event', entityId: row.eventId, before: { status: 'failed', error: row.lastError }, after: { status: 'queued', outboxId } }, now);
    return true;
  });
}

/** One message of a letter, exactly as it will be sent. */
export interface LetterMessage {
  slug: string;
  institution: string;
  to: string;
  replyAddress: string;
  token: string;
  subject: string;
  body: string;
}

export interface LetterPlan {
  messages: LetterMessage[];
  /** Institutions chosen that have no usable email address: not sent to, and said so. */
  unreachable: { slug: string; name: string; reason: string }[];
  sentOn: LondonDate;
  dueOn: LondonDate;
  /** The fields each institution's contact is logged with. */
  fieldsFor: (slug: string) => Record<string, string>;
}

const TOKEN = /^[a-hjkmnp-z2-9]{10}$/;

/**
 * Checks a letter and works out every message: the same for the preview and for sending. `tokens`
 * are the reply codes the preview showed (slug → code): kept when still unused, so that what is
 * sent is what was previewed.
 */
export function planLetter(db: Db, sender: LetterSender, fields: Record<string, string | undefined>, choice: BatchChoice, rules: EventRules, now: number, tokens: Record<string, string> = {}): Result<LetterPlan> {
  const errors: FieldErrors = {};
  const subject = orNull(fields.subject);
  const body = (fields.body ?? '').replace(/\r\n?/g, '\n').trim();
  const summary = orNull(fields.summary);
  if (!subject) addError(errors, 'subject', 'enter the subject');
  else if (/[\r\n]/.test(subject)) addError(errors, 'subject', 'write the subject on one line');
  else addError(errors, 'subject', tooLong(subject, LETTER_LIMITS.subject, 'the subject') ?? mergeProblem(subject));
  if (!body) addError(errors, 'body', 'write the letter');
  else addError(errors, 'body', tooLong(body, LETTER_LIMITS.body, 'the letter') ?? mergeProblem(body));
  addError(errors, 'summary', tooLong(summary, LETTER_LIMITS.summary, 'the summary') ?? (summary ? mergeProblem(summary) : null));

  const slugs = chosenSlugs(db, choice);
  if (slugs.size === 0) addError(errors, 'institutions', 'choose at least one institution');
  const rows = slugs.size === 0 ? [] : db
    .select({ slug: institutions.slug, name: institutions.name, email: institutions.email })
    .from(institutions)
    .where(inArray(institutions.slug, [...slugs]))
    .orderBy(institutions.name)
    .all();
  const unknown = [...slugs].filter((s) => !rows.some((r) => r.slug === s));
  if (unknown.length > 0) addError(errors, 'institutions', `choose institutions from the list (“${unknown[0]!.slice(0, 80)}” is not one of them)`);

  const sentOn = londonDateOf(now);
  const dueOn = replyDueOn(sentOn, 'email', rules.windows, rules.calendar);
  if (dueOn === null) addError(errors, 'institutions', 'the reply due date cannot be worked out: the bank holiday list ends too soon. Ask an admin to add the next bank holidays at /admin/holidays');

  const unreachable: LetterPlan['unreachable'] = [];
  const reachable: { slug: string; name: string; email: string }[] = [];
  for (const r of rows) {
    const problem = r.email ? emailProblem(r.email) : 'no email address in the directory';
    if (problem || !r.email) unreachable.push({ slug: r.slug, name: r.name, reason: r.email ? 'its email address is not valid' : 'no email address in the directory' });
    else reachable.push({ slug: r.slug, name: r.name, email: r.email });
  }
  if (rows.length > 0 && reachable.length === 0) {
    addError(errors, 'institutions', 'none of the institutions chosen has an email address: add their addresses under Manage institutions, or log these approaches by hand');
  }
  if (hasErrors(errors) || !subject || !body || dueOn === null) return { ok: false, errors };

  // The codes the preview showed, when still well formed, distinct and unused.
  const offered = reachable.map((r) => tokens[r.slug]).filter((t): t is string => typeof t === 'string' && TOKEN.test(t));
  const used = new Set(offered.length === 0 ? [] : db.select({ token: outbox.replyToken }).from(outbox).where(inArray(outbox.replyToken, offered)).all().map((r) => r.token));
  const taken = new Set<string>();
  const from = senderName(sender.from);
  const messages: LetterMessage[] = reachable.map((r) => {
    let token = tokens[r.slug];
    if (!token || !TOKEN.test(token) || used.has(token) || taken.has(token)) token = newReplyToken();
    taken.add(token);
    const address = replyAddress(sender.replyAddressPattern, token);
    const values = mergeValues({ institution: r.name, dueOn, campaign: sender.campaign, replyAddress: address, sentOn });
    return { slug: r.slug, institution: r.name, to: r.email, replyAddress: address, token, subject: mergeSubject(subject, values), body: merge(body, values) };
  });
  const bySlug = new Map(messages.map((m) => [m.slug, m]));
  const fieldsFor = (slug: string): Record<string, string> => {
    const m = bySlug.get(slug)!;
    const values = mergeValues({ institution: m.institution, dueOn, campaign: sender.campaign, replyAddress: '[reply address withheld]', sentOn });
    return {
      date: sentOn,
      time: londonTimeOf(now),
      channel: 'email',
      from,
      summary: summary ? merge(summary, values) : `Letter sent by email: “${m.subject}”`.slice(0, LETTER_LIMITS.summary),
      quote: letterForRecord(m.subject, m.body, m.replyAddress),
      source_title: `Letter sent by email: ${m.subject}`.slice(0, 500),
      source_publisher: from.slice(0, 200),
      source_date: sentOn,
      status: 'published',
    };
  };
  // The contacts' own rules (lengths, dates), each problem shown beside the part of the letter it comes from.
  for (const m of messages) {
    const checked = validateEvent({ ...fieldsFor(m.slug), type: 'contact', institution: m.slug }, rules, { now, createdBy: 'check' });
    if (!checked.ok) for (const [field, message] of Object.entries(checked.errors)) addError(errors, field === 'quote' ? 'body' : field === 'summary' ? 'summary' : field === 'source_title' ? 'subject' : 'institutions', `${m.institution}: ${message}`);
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return ok({ messages, unreachable, sentOn, dueOn, fieldsFor });
}

/**
 * Sends a letter: one published contact per institution reached, and its message queued, in one
 * transaction. Nothing is written when anything is refused.
 */
export function sendLetter(db: Db, sender: LetterSender, fields: Record<string, string | undefined>, choice: BatchChoice, rules: EventRules, actor: Actor, now: number, tokens: Record<string, string> = {}): Result<{ ids: number[]; plan: LetterPlan }> {
  const planned = planLetter(db, sender, fields, choice, rules, now, tokens);
  if (!planned.ok) return planned;
  const plan = planned.value;
  const bySlug = new Map(plan.messages.map((m) => [m.slug, m]));
  const logged = logBatchContact(db, {}, { slugs: plan.messages.map((m) => m.slug) }, rules, actor, now, {
    fieldsFor: plan.fieldsFor,
    alongside: (tx, written) => {
      for (const w of written) {
        const m = bySlug.get(w.slug)!;
        queueMessage(tx, { kind: 'approach', to: m.to, from: sender.from, subject: m.subject, text: m.body, replyTo: m.replyAddress, replyToken: m.token, eventId: w.id, createdBy: actor.name }, now);
      }
    },
  });
  if (!logged.ok) return logged;
  return ok({ ids: logged.value.ids, plan });
}

/** What a reminder needs of the approach it chases. */
export interface ChaseTarget {
  eventId: number;
  institutionSlug: string;
  institution: string;
  sentOn: LondonDate;
  dueOn: LondonDate;
  subject: string;
  to: string;
  replyTo: string | null;
  messageId: string;
  references: string | null;
  /** Whether the letter went (only a delivered letter is chased; one that failed is sent again). */
  delivery: OutboxStatus;
  /** A comment has followed it: no reminder. */
  answered: boolean;
}

/** The approach (sent by email from the tracker) a reminder would chase, or null. */
export function chaseTarget(db: Db, eventId: number): ChaseTarget | null {
  const row = db
    .select({
      eventId: events.id, institutionId: institutions.id, institutionSlug: institutions.slug, institution: institutions.name, sentOn: events.occurredOn, dueOn: events.dueOn, subject: outbox.subject,
      occurredAt: events.occurredAt, status: events.status, deletedAt: events.deletedAt,
      to: outbox.toAddress, replyTo: outbox.replyTo, messageId: outbox.messageId, headers: outbox.headers, delivery: outbox.status,
    })
    .from(outbox)
    .innerJoin(events, eq(events.id, outbox.eventId))
    .innerJoin(institutions, eq(institutions.id, events.institutionId))
    .where(and(eq(outbox.eventId, eventId), eq(outbox.kind, 'approach')))
    .get();
  if (!row || !row.dueOn || row.deletedAt !== null || row.status !== 'published') return null;
  const headers = JSON.parse(row.headers) as Record<string, string>;
  // Answered: a comment (a statement or an FOI response) published since, as the silence figure counts it.
  const comment = db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.institutionId, row.institutionId), eq(events.type, 'response'), inArray(events.responseType, ['statement', 'foi_response']), eq(events.status, 'published'), isNull(events.deletedAt), gte(events.occurredAt, row.occurredAt)))
    .get();
  return { ...row, dueOn: row.dueOn, references: headers.References ?? null, answered: comment !== undefined };
}

/** Whether the reminder of this approach for its current reply due date has been queued. */
export function alreadyChased(db: Db, target: Pick<ChaseTarget, 'messageId' | 'dueOn'>): boolean {
  return db.select({ id: outbox.id }).from(outbox).where(eq(outbox.messageId, chaserMessageId(target.messageId, target.dueOn))).get() !== undefined;
}

/** The reminder of an approach, exactly as it will be sent. */
export function chaserFor(target: ChaseTarget, sender: LetterSender): { subject: string; body: string; replyTo: string } {
  const replyTo = target.replyTo ?? replyAddress(sender.replyAddressPattern, newReplyToken());
  return { ...chaserLetter({ institution: target.institution, sentOn: target.sentOn, subject: target.subject, dueOn: target.dueOn, campaign: sender.campaign, replyAddress: replyTo }), replyTo };
}

/**
 * Sends the reminder of a late approach: a published contact (channel email) and its message,
 * threaded on the original (In-Reply-To, References) and with the same reply address, in one
 * transaction. Refused when the approach is not late, or was chased since it became late.
 */
export function sendChaser(db: Db, sender: LetterSender, eventId: number, rules: EventRules, actor: Actor, now: number): Result<{ id: number }> {
  const target = chaseTarget(db, eventId);
  if (!target) return { ok: false, errors: { chaser: 'That approach was not sent by email from the tracker (or is no longer published), so no reminder can be sent from here' } };
  if (target.delivery !== 'sent') return { ok: false, errors: { chaser: `The letter to ${target.institution} has not been delivered (${target.delivery}): send it again from its approach rather than a reminder` } };
  if (target.answered) return { ok: false, errors: { chaser: `${target.institution} has commented since that approach, so no reminder is needed` } };
  if (londonDateOf(now) <= target.dueOn) return { ok: false, errors: { chaser: `The reply to that approach is not late yet: it is due on ${target.dueOn}` } };
  if (alreadyChased(db, target)) return { ok: false, errors: { chaser: `A reminder of that approach to ${target.institution} has already been sent` } };
  const letter = chaserFor(target, sender);
  const from = senderName(sender.from);
  const fields = {
    date: londonDateOf(now),
    time: londonTimeOf(now),
    channel: 'email',
    from,
    summary: `Reminder sent by email: no reply to the letter of ${target.sentOn}, due by ${target.dueOn}`,
    quote: letterForRecord(letter.subject, letter.body, letter.replyTo),
    source_title: `Reminder sent by email: ${letter.subject}`.slice(0, 500),
    source_publisher: from.slice(0, 200),
    source_date: londonDateOf(now),
    status: 'published',
  };
  const references = [target.references, `<${target.messageId}>`].filter(Boolean).join(' ');
  const log = () => logBatchContact(db, fields, { slugs: [target.institutionSlug] }, rules, actor, now, {
    alongside: (tx, written) => {
      // Checked again inside the transaction: two clicks send one reminder.
      if (alreadyChased(tx as unknown as Db, target)) throw new AlreadyChased();
      queueMessage(tx, {
        kind: 'chaser', to: target.to, from: sender.from, subject: letter.subject, text: letter.body, replyTo: letter.replyTo,
        headers: { 'In-Reply-To': `<${target.messageId}>`, References: references }, eventId: written[0]!.id, createdBy: actor.name,
        messageId: chaserMessageId(target.messageId, target.dueOn),
      }, now);
    },
  });
  let logged: ReturnType<typeof log>;
  try {
    logged = log();
  } catch (error) {
    // Two clicks at once: the second reminder's Message-ID is refused by the outbox's unique index.
    if (error instanceof AlreadyChased || (error instanceof Error && /UNIQUE constraint failed: outbox\.message_id/.test(error.message))) return { ok: false, errors: { chaser: `A reminder of that approach to ${target.institution} has already been sent` } };
    throw error;
  }
  if (!logged.ok) return { ok: false, errors: { chaser: Object.values(logged.errors)[0] ?? 'The reminder could not be logged' } };
  return ok({ id: logged.value.ids[0]! });
}

class AlreadyChased extends Error {}
