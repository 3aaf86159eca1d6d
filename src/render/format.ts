/** Plain-English wording of dates, instants and figures, shared by every page. */
import { addDays, endOfLondonDay, isoWeekday, londonDateOf, londonTimeOf } from '../domain/calendar.js';
import type { AskCount } from '../domain/positions.js';
import type { Silence } from '../domain/silence.js';
import {
  CHANNEL_LABELS,
  EVENT_TYPE_LABELS,
  KIND_LABELS,
  RESPONSE_TYPE_LABELS,
  STANCE_LABELS,
  type Channel,
  type EventType,
  type InstitutionKind,
  type ResponseType,
  type Stance,
} from '../domain/vocabulary.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "23 April 2021" (pages write thousands of dates: plain string work, no time zone library). */
export function longDate(date: string | null): string {
  if (!date) return '';
  const m = ISO_DATE.exec(date);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : date;
}

/** "Friday 23 April 2021" */
export function dayAndDate(date: string): string {
  return `${WEEKDAYS[isoWeekday(date) - 1]} ${longDate(date)}`;
}

/** "May 2021" from "2021-05-06" */
export function monthOf(date: string): string {
  const m = ISO_DATE.exec(date);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : date;
}

/** "11:30 on 6 May 2021" or "the end of 6 May 2021" for an instant, in UK time. */
export function instantLabel(instant: number): string {
  const date = londonDateOf(instant);
  if (endOfLondonDay(date) === instant) return `the end of ${longDate(date)}`;
  return `${londonTimeOf(instant)} on ${longDate(date)}`;
}

/** The start of a period that counts what happened after `instant`: "the start of 6 May 2021". */
export function periodStartLabel(instant: number): string {
  const date = londonDateOf(instant);
  return endOfLondonDay(date) === instant ? `the start of ${longDate(addDays(date, 1))}` : instantLabel(instant);
}

/** "st", "nd", "rd" or "th" for a number: 1st, 2nd, 3rd, 11th, 20th. */
export function ordinalSuffix(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

/** The day after a date. */
export const nextDay = (date: string): string => addDays(date, 1);

const numbers = new Intl.NumberFormat('en-GB');

/**
 * "1,234": a number as pages write it (one formatter for every page: a new one per call is slow).
 * A whole number below 1,000 has no separator to add, and most figures on a page are one.
 */
export const number = (n: number): string => (Number.isInteger(n) && n >= 0 && n < 1000 ? String(n) : numbers.format(n));

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${number(n)} ${n === 1 ? one : many}`;
}

/** "8 working days", or why the working days cannot be counted. */
export function workingDaysPhrase(s: Pick<Silence, 'workingDays' | 'holidayListEndsOn'>): string {
  if (s.workingDays !== null) return plural(s.workingDays, 'working day');
  return `working days not available: the bank holiday list ends on ${longDate(s.holidayListEndsOn ?? '')}`;
}

/** What an uploaded spreadsheet would do: how many of its rows update, add, or match what is recorded. */
export interface ImportCounts {
  toUpdate: number;
  toAdd: number;
  unchanged: number;
}

/** "12 to update, 3 to add, 0 unchanged" */
export function importCounts(c: ImportCounts): string {
  const n = number;
  return `${n(c.toUpdate)} to update, ${n(c.toAdd)} to add, ${n(c.unchanged)} unchanged`;
}

/** The confirming button's words: "Import 2 events", "Update 1 event", "Update 12 events and add 3". */
export function importAction(c: ImportCounts, noun: string): string {
  if (c.toUpdate === 0) return `Import ${plural(c.toAdd, noun)}`;
  if (c.toAdd === 0) return `Update ${plural(c.toUpdate, noun)}`;
  return `Update ${plural(c.toUpdate, noun)} and add ${number(c.toAdd)}`;
}

/** What a confirmed import did: "Imported 2 events.", "Updated 1 event and added 2 events. 3 rows were unchanged." */
export function importDone(c: ImportCounts, noun: string): string {
  if (c.toUpdate + c.toAdd === 0) return 'Nothing was imported: every row matches the tracker already.';
  const done =
    c.toUpdate === 0 ? `Imported ${plural(c.toAdd, noun)}.` : c.toAdd === 0 ? `Updated ${plural(c.toUpdate, noun)}.` : `Updated ${plural(c.toUpdate, noun)} and added ${plural(c.toAdd, noun)}.`;
  return c.unchanged === 0 ? done : `${done} ${plural(c.unchanged, 'row')} ${c.unchanged === 1 ? 'was' : 'were'} unchanged.`;
}

/** "13 days without comment (8 working days)" */
export function silencePhrase(s: Silence): string {
  return `${plural(s.calendarDays, 'day')} without comment (${workingDaysPhrase(s)})`;
}

export const stanceLabel = (s: Stance): string => STANCE_LABELS[s];
export const kindLabel = (k: InstitutionKind | null): string => (k ? KIND_LABELS[k].one : '');
export const kindsLabel = (k: InstitutionKind): string => KIND_LABELS[k].many;

/** "NHS England, 54 mental health trusts, 43 police forces and 10 other bodies": what a directory holds, in words. */
export function kindCounts(kinds: readonly { kind: InstitutionKind; count: number }[]): string {
  const parts = kinds.map(({ kind, count }) => {
    const { one, many } = KIND_LABELS[kind];
    if (kind === 'nhs_england') return count === 1 ? one : plural(count, one, many); // a name, not a noun
    return plural(count, one.toLowerCase(), many.toLowerCase());
  });
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
export const channelLabel = (c: Channel | null): string => (c ? CHANNEL_LABELS[c] : '');
export const responseTypeLabel = (r: ResponseType | null): string => (r ? RESPONSE_TYPE_LABELS[r] : '');
export const eventTypeLabel = (t: EventType): string => EVENT_TYPE_LABELS[t];

/** What a stance means, in a sentence fragment: "has committed to" … */
export const STANCE_VERBS: Record<Stance, string> = {
  none: 'has stated no position on',
  refused: 'has refused',
  considering: 'is considering',
  committed: 'has committed to',
  done: 'has done',
};

/** "1 of 4 institutions involved has committed to independent review" – the highest rung anyone has reached. */
export function headline(count: AskCount & { title: string }): string {
  const order = ['done', 'committed', 'considering', 'refused'] as const;
  const top = order.find((s) => count.byStance[s] > 0);
  if (!top) return `None of the ${count.involved} institutions involved has stated a position on “${count.title}”.`;
  const n = count.byStance[top];
  const verb = STANCE_VERBS[top].replace(/^has /, n === 1 ? 'has ' : 'have ').replace(/^is /, n === 1 ? 'is ' : 'are ');
  return `${n} of ${count.involved} institutions involved ${verb} “${count.title}”.`;
}

/** The order charts and tables list stances in: the top of the ladder first. */
export { STANCE_STACK } from './stances.js';
