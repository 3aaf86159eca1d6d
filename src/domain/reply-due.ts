/**
 * Reply due dates: the Nth working day after the contact's date (that date is day 0), where
 * N = 20 for FOI requests (Freedom of Information Act 2000, s.10) and the campaign's reply
 * window for every other channel. Stored when the contact is logged.
 */
import type { LondonDate, WorkingCalendar } from './calendar.js';
import { addDays, daysBetween, isoWeekday, londonDateOf } from './calendar.js';
import type { Channel } from './vocabulary.js';

export interface ReplyWindows {
  /** Working days for an FOI request (20 by law). */
  foi: number;
  /** Working days for every other channel (10 by default). */
  default: number;
}

export const DEFAULT_REPLY_WINDOWS: ReplyWindows = { foi: 20, default: 10 };

export function replyWindow(channel: Channel | null, windows: ReplyWindows): number {
  return channel === 'foi' ? windows.foi : windows.default;
}

/** The reply due date, or null when it would fall beyond the bank holiday list. */
export function replyDueOn(contactDate: LondonDate, channel: Channel | null, windows: ReplyWindows, calendar: WorkingCalendar): LondonDate | null {
  return calendar.addWorkingDaysIfKnown(contactDate, replyWindow(channel, windows));
}

/** An unanswered contact is overdue from the day after its reply due date. */
export function isOverdue(dueOn: LondonDate | null, asOf: number): boolean {
  return dueOn !== null && londonDateOf(asOf) > dueOn;
}

/**
 * The overdue tiers of a contact, as WhatDoTheyKnow has them: *late* from the day after its reply
 * due date; *long overdue* once twice its reply window has passed (the window being the working
 * days from the contact's date to its due date, so 40 working days for an FOI request). Null
 * when there is no due date, or when the bank holiday list does not reach the date.
 */
export interface OverdueThresholds {
  lateOn: LondonDate | null;
  longOverdueOn: LondonDate | null;
}

export function overdueThresholds(contactDate: LondonDate, dueOn: LondonDate | null, calendar: WorkingCalendar): OverdueThresholds {
  if (dueOn === null) return { lateOn: null, longOverdueOn: null };
  const lateOn = addDays(dueOn, 1);
  const window = calendar.workingDaysAfterIfKnown(contactDate, dueOn);
  const secondDue = window === null ? null : calendar.addWorkingDaysIfKnown(dueOn, window);
  return { lateOn, longOverdueOn: secondDue === null ? null : addDays(secondDue, 1) };
}

/**
 * The tiers a contact had crossed by `today`: each threshold counts when it had been reached
 * before the contact was answered (by the first comment after it, dated `answeredOn`).
 */
export function overdueAsAt(thresholds: OverdueThresholds, answeredOn: LondonDate | null, today: LondonDate): OverdueThresholds {
  const crossed = (on: LondonDate | null) => (on !== null && on <= today && (answeredOn === null || answeredOn >= on) ? on : null);
  return { lateOn: crossed(thresholds.lateOn), longOverdueOn: crossed(thresholds.longOverdueOn) };
}

/** One day between a contact and its reply due date, and whether it counted. */
export interface DueDay {
  date: LondonDate;
  /** The working day's number (1 … N), or null for a day skipped. */
  counted: number | null;
  /** Why a day was skipped: "Saturday", "Sunday", or the bank holiday's name. */
  skipped: string | null;
}

/**
 * How a reply due date was worked out: every day from the day after the contact to the due date,
 * each counted as a working day or skipped (a weekend, or a bank holiday by name). Null when the
 * bank holiday list does not cover those days.
 */
export function explainDueDate(contactDate: LondonDate, dueOn: LondonDate, calendar: WorkingCalendar): DueDay[] | null {
  // A due date set by hand may be far off: a list of more than a year of days explains nothing.
  if (dueOn <= contactDate || daysBetween(contactDate, dueOn) > 366 || !calendar.covers(addDays(contactDate, 1)) || !calendar.covers(dueOn)) return null;
  const names = new Map(calendar.holidays.map((h) => [h.date, h.title]));
  const days: DueDay[] = [];
  let n = 0;
  for (let day = addDays(contactDate, 1); day <= dueOn; day = addDays(day, 1)) {
    const weekday = isoWeekday(day);
    const skipped = weekday === 6 ? 'Saturday' : weekday === 7 ? 'Sunday' : (names.get(day) ?? null);
    days.push({ date: day, counted: skipped === null ? ++n : null, skipped });
  }
  return days;
}
