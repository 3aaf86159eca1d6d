/**
 * Reply due dates: the Nth working day after the contact's date (that date is day 0), where
 * N = 20 for FOI requests (Freedom of Information Act 2000, s.10) and the campaign's reply
 * window for every other channel. Stored when the contact is logged.
 */
import type { LondonDate, WorkingCalendar } from './calendar.js';
import { londonDateOf } from './calendar.js';
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
