/**
 * Letters written once and sent to many institutions: merge fields (`{{institution}}`), what each
 * one stands for, and the text of a reminder (a chaser) for an approach left unanswered. Plain
 * text in, plain text out: nothing here is HTML.
 */
import { isoWeekday, writtenDate, type LondonDate } from './calendar.js';

/** The merge fields a letter may use, each with what it stands for (shown beside the form). */
export const MERGE_FIELDS = {
  institution: 'the institution’s name, for example “Surrey Police”',
  due_date: 'the date a reply is due, in words, for example “Friday 7 May 2021”',
  campaign: 'the campaign’s name, for example “StopSIM Coalition”',
  reply_address: 'this approach’s own reply address: replies sent to it file themselves on the approach',
  date: 'the date the letter is sent, in words',
} as const;

export type MergeField = keyof typeof MERGE_FIELDS;
export type MergeValues = Record<MergeField, string>;

/** Subjects and bodies: how long each may be. */
export const LETTER_LIMITS = { subject: 200, body: 20_000, summary: 2000 } as const;

const FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * What is wrong with the merge fields of a text, or null: a field the tracker does not know
 * (“{{instituton}}”), or braces left open. Every field is named, so that none is silently left in.
 */
export function mergeProblem(text: string): string | null {
  const unknown = new Set<string>();
  for (const m of text.matchAll(FIELD)) if (!(m[1]! in MERGE_FIELDS)) unknown.add(m[1]!);
  if (unknown.size > 0) {
    const list = [...unknown].map((f) => `{{${f.slice(0, 40)}}}`).join(', ');
    return `${unknown.size === 1 ? `${list} is not a merge field` : `${list} are not merge fields`}: use ${Object.keys(MERGE_FIELDS).map((f) => `{{${f}}}`).join(', ')}`;
  }
  const rest = text.replace(FIELD, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'a merge field is not closed: write it as {{institution}}, with two braces on each side';
  return null;
}

/** A text with every merge field replaced by its value. Values are inserted as they are: plain text. */
export function merge(text: string, values: MergeValues): string {
  return text.replace(FIELD, (whole, name: string) => (name in MERGE_FIELDS ? values[name as MergeField] : whole));
}

/** A subject line with its merge fields filled: one line, whatever the values hold (no header can be added). */
export function mergeSubject(subject: string, values: MergeValues): string {
  return oneLine(merge(subject, values));
}

/** Text for a header: control characters and line breaks become single spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** The name part of an address (`StopSIM Coalition` of `StopSIM Coalition <campaign@example.org>`), or the address: how letters are signed. */
export function senderName(from: string | null): string {
  const text = from ?? '';
  const m = /^\s*"?([^"<]*?)"?\s*<[^<>]+>\s*$/.exec(text);
  return oneLine(m && m[1] ? m[1] : text);
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A date in words with its weekday: “Friday 7 May 2021”. */
export function dateInWords(date: LondonDate): string {
  return `${WEEKDAYS[isoWeekday(date) - 1]} ${writtenDate(date)}`;
}

/** The values of the merge fields for one institution. */
export function mergeValues(v: { institution: string; dueOn: LondonDate; campaign: string; replyAddress: string; sentOn: LondonDate }): MergeValues {
  return { institution: oneLine(v.institution), due_date: dateInWords(v.dueOn), campaign: oneLine(v.campaign), reply_address: v.replyAddress, date: dateInWords(v.sentOn) };
}

/** What the public record keeps of a letter: its text, with the approach's reply address withheld (it files replies). */
export function letterForRecord(subject: string, body: string, replyAddress: string): string {
  const withheld = (text: string) => text.split(replyAddress).join('[reply address withheld]');
  return `${withheld(subject)}\n\n${withheld(body)}`;
}

/**
 * The Message-ID of the reminder of an approach for its reply due date: made from the original's,
 * so that the outbox's unique Message-IDs allow one reminder per approach and due date, and finding
 * whether it was sent is one look-up by that index.
 */
export function chaserMessageId(originalMessageId: string, dueOn: LondonDate): string {
  return `chase.${dueOn}.${originalMessageId}`;
}

/** The approach a reminder chases: when it was sent, its subject and its reply due date. */
export interface ChasedApproach {
  institution: string;
  sentOn: LondonDate;
  subject: string;
  dueOn: LondonDate;
  campaign: string;
  replyAddress: string;
}

/** A reminder's subject and body, citing the original approach. */
export function chaserLetter(a: ChasedApproach): { subject: string; body: string } {
  const subject = oneLine(/^re:/i.test(a.subject) ? a.subject : `Re: ${a.subject}`);
  const body = [
    `Dear ${oneLine(a.institution)},`,
    '',
    `On ${dateInWords(a.sentOn)} we wrote to you about “${oneLine(a.subject)}” and asked for a reply by ${dateInWords(a.dueOn)}. We have not yet received one.`,
    '',
    `Please reply to this email (${a.replyAddress}) so that your answer reaches us and is recorded against our letter. If you have already replied, please send your reply again to this address.`,
    '',
    'Yours faithfully,',
    oneLine(a.campaign),
  ].join('\n');
  return { subject, body };
}
