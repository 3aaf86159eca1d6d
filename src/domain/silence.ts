/**
 * Silence ("days without comment"), as DOMAIN.md defines it:
 * 1. a comment is a response of type `statement` or `foi_response`;
 * 2. the outstanding contacts are the contacts after the latest comment (all of them if none);
 * 3. none outstanding: null; otherwise counted from the earliest outstanding contact's date.
 */
import type { LondonDate, WorkingCalendar } from './calendar.js';
import { daysBetween, londonDateOf } from './calendar.js';
import { byOccurrence, countsAsAt, type HistoryEvent } from './history.js';
import type { ResponseType } from './vocabulary.js';

export const COMMENT_RESPONSE_TYPES: readonly ResponseType[] = ['statement', 'foi_response'];

export interface Silence {
  since: LondonDate;
  calendarDays: number;
  /** Null when the bank holiday list does not cover the days counted (see `WorkingCalendar.lastDate`). */
  workingDays: number | null;
  /** When `workingDays` is null: the last date the bank holiday list covers. */
  holidayListEndsOn: LondonDate | null;
  unansweredContacts: number;
  lastContact: LondonDate;
}

export function isComment(event: Pick<HistoryEvent, 'type' | 'responseType'>): boolean {
  return event.type === 'response' && event.responseType !== null && COMMENT_RESPONSE_TYPES.includes(event.responseType);
}

/** The contacts after the latest comment that counts as at `asOf`, oldest first. */
export function outstandingContacts(history: readonly HistoryEvent[], asOf: number): HistoryEvent[] {
  const counted = history.filter((e) => countsAsAt(e, asOf)).sort(byOccurrence);
  let start = 0;
  counted.forEach((e, i) => {
    if (isComment(e)) start = i + 1;
  });
  return counted.slice(start).filter((e) => e.type === 'contact');
}

/** What the silence figure is computed from: the outstanding contacts, summarised. */
export interface Outstanding {
  /** The date of the earliest outstanding contact. */
  since: LondonDate;
  /** The date of the latest outstanding contact. */
  lastContact: LondonDate;
  /** How many contacts are outstanding (at least 1). */
  count: number;
}

export function summariseOutstanding(history: readonly HistoryEvent[], asOf: number): Outstanding | null {
  const outstanding = outstandingContacts(history, asOf);
  if (outstanding.length === 0) return null;
  return { since: outstanding[0]!.date, lastContact: outstanding[outstanding.length - 1]!.date, count: outstanding.length };
}

/** The silence figure from the outstanding contacts as at `asOf`. */
export function silenceFrom(outstanding: Outstanding | null, asOf: number, calendar: WorkingCalendar): Silence | null {
  if (outstanding === null || outstanding.count === 0) return null;
  const today = londonDateOf(asOf);
  const workingDays = calendar.workingDaysAfterIfKnown(outstanding.since, today);
  return {
    since: outstanding.since,
    calendarDays: daysBetween(outstanding.since, today),
    workingDays,
    holidayListEndsOn: workingDays === null ? calendar.lastDate : null,
    unansweredContacts: outstanding.count,
    lastContact: outstanding.lastContact,
  };
}

/** One institution's silence as at `asOf`, from its own events. */
export function silence(history: readonly HistoryEvent[], asOf: number, calendar: WorkingCalendar): Silence | null {
  return silenceFrom(summariseOutstanding(history, asOf), asOf, calendar);
}
