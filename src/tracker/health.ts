/** Whether the tracker can answer, and answer fully: what /healthz reports. */
import { campaignRow, databaseIsReady } from '../db/queries/campaign.js';
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

export function health(t: Tracker, now: number): Health {
  databaseIsReady(t.db);
  const calendar = calendarState(t, now);
  const reasons = calendar.state === 'ended' || calendar.state === 'short' ? [calendar.message!] : [];
  const warnings = calendar.state === 'ending' ? [calendar.message!] : [];
  return { status: reasons.length ? 'degraded' : 'ok', reasons, warnings };
}
