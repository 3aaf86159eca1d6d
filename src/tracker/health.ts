/** Whether the tracker can answer, and answer fully: what /healthz reports. */
import type { MailConfig } from '../config.js';
import { campaignRow, databaseIsReady } from '../db/queries/campaign.js';
import { mailboxLastRead, oldestWaiting, outboxCounts } from '../db/queries/outbox.js';
import { DEFAULT_REPLY_WINDOWS } from '../domain/reply-due.js';
import { addDays, londonDateOf, writtenDate as longDate } from '../domain/calendar.js';
import type { Tracker } from './tracker.js';

/** How long before the bank holiday list runs out the tracker starts warning. */
export const CALENDAR_WARNING_DAYS = 90;

export interface Health {
  /** `degraded`: the tracker answers, but some figures are not available (see `reasons`). */
  status: 'ok' | 'degraded';
  reasons: string[];
  /** What will degrade soon if nobody acts. */
  warnings: string[];
}

export interface CalendarState {
  /** The last date the bank holiday list covers. */
  lastDate: string;
  /**
   * `ended`: today is after it; `short`: it covers today but not the reply due date of an approach
   * logged today (the longest reply window); `ending`: it ends within CALENDAR_WARNING_DAYS; else `ok`.
   */
  state: 'ok' | 'ending' | 'short' | 'ended';
  message: string | null;
}

const HOW = 'Add the next years’ bank holidays: npm run import -- holidays bank-holidays.json (gov.uk’s file), or upload it at /admin/holidays.';

/** Whether the bank holiday list reaches today, and for how much longer. */
export function calendarState(t: Tracker, now: number): CalendarState {
  const today = londonDateOf(now);
  const lastDate = t.calendar.lastDate;
  if (today > lastDate) {
    return { lastDate, state: 'ended', message: `The bank holiday list ended on ${longDate(lastDate)}: working-day figures after that date are not available, and reply due dates cannot be worked out. ${HOW}` };
  }
  const row = campaignRow(t.db);
  const longest = Math.max(row?.replyWindowFoi ?? DEFAULT_REPLY_WINDOWS.foi, row?.replyWindowDefault ?? DEFAULT_REPLY_WINDOWS.default);
  if (t.calendar.addWorkingDaysIfKnown(today, longest) === null) {
    return {
      lastDate,
      state: 'short',
      message: `The bank holiday list ends on ${longDate(lastDate)}: the reply due date of an approach logged today (up to ${longest} working days on) cannot be worked out, and working-day figures after that date will not be available. ${HOW}`,
    };
  }
  if (addDays(today, CALENDAR_WARNING_DAYS) > lastDate) {
    return { lastDate, state: 'ending', message: `The bank holiday list ends on ${longDate(lastDate)}: after that, working-day figures will not be available and reply due dates cannot be worked out. ${HOW}` };
  }
  return { lastDate, state: 'ok', message: null };
}

export function health(t: Tracker, now: number, mail?: MailConfig): Health {
  databaseIsReady(t.db);
  const calendar = calendarState(t, now);
  const reasons = calendar.state === 'ended' || calendar.state === 'short' ? [calendar.message!] : [];
  const warnings = calendar.state === 'ending' ? [calendar.message!] : [];
  if (mail) warnings.push(...mailWarnings(t, mail, now));
  return { status: reasons.length ? 'degraded' : 'ok', reasons, warnings };
}

/** How long mail may lag before /healthz says so: three rounds of the worker, and at least a quarter of an hour. */
export const mailLagMs = (mail: MailConfig): number => Math.max(3 * mail.pollSeconds * 1000, 15 * 60_000);

/**
 * What needs a person's eye in the mail: messages that failed, messages waiting longer than the
 * worker should take (is it running? MAIL_WORKER=off needs `npm run mail:work` beside it), and a
 * mailbox not read for as long.
 */
export function mailWarnings(t: Tracker, mail: MailConfig, now: number): string[] {
  const warnings: string[] = [];
  const lag = mailLagMs(mail);
  const minutes = (ms: number) => Math.round(ms / 60_000);
  if (mail.smtpUrl) {
    const { failed } = outboxCounts(t.db);
    if (failed > 0) warnings.push(`${failed} ${failed === 1 ? 'message' : 'messages'} could not be sent: see /admin/outbox?status=failed.`);
    const oldest = oldestWaiting(t.db);
    if (oldest !== null && now - oldest > lag) {
      warnings.push(`A message has waited ${minutes(now - oldest)} minutes to be sent: check that the mail worker runs (in npm start, or npm run mail:work when MAIL_WORKER=off) and that the mail server answers.`);
    }
  }
  if (mail.imapUrl) {
    const read = mailboxLastRead(t.db, mail.imapFolder);
    if (read === null || now - read > lag) {
      warnings.push(read === null ? `The mailbox (${mail.imapFolder}) has not been read yet.` : `The mailbox (${mail.imapFolder}) was last read ${minutes(now - read)} minutes ago: check that the mail worker runs and that the mail server answers.`);
    }
  }
  return warnings;
}
