/**
 * Calendar rules: London dates from UTC instants (mind BST), parsing of dates and times as
 * people type them, and working days in England and Wales.
 *
 * Instants are epoch milliseconds (UTC) everywhere in the tracker; a London date is a
 * `YYYY-MM-DD` string. This is the only module that turns one into the other.
 */
import { DateTime } from 'luxon';

export const LONDON = 'Europe/London';
export type LondonDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (no 31 April, no 29 Feb 2021). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date as people write it: "31 December 2027" (for messages; pages use render/format). */
export function writtenDate(date: LondonDate): string {
  const m = ISO_DATE.exec(date);
  return m ? `${Number(m[3])} ${MONTH_NAMES[Number(m[2]) - 1]} ${Number(m[1])}` : date;
}

/** Dates and their day numbers, as worked out: pages and figures convert the same few thousand days again and again. */
const dayNumbers = new Map<LondonDate, number>();
const datesOfDays = new Map<number, LondonDate>();
const KEEP_DAYS = 50_000;

/** Days since 1970-01-01 for a `YYYY-MM-DD` date. */
export function dayNumber(date: LondonDate): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    const m = ISO_DATE.exec(date);
    if (!m) throw new Error(`Not a date: ${date}`);
    n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
    if (dayNumbers.size >= KEEP_DAYS) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}

export function dateOfDayNumber(n: number): LondonDate {
  let date = datesOfDays.get(n);
  if (date === undefined) {
    date = new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
    if (datesOfDays.size >= KEEP_DAYS) datesOfDays.clear();
    datesOfDays.set(n, date);
  }
  return date;
}

export function addDays(date: LondonDate, days: number): LondonDate {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LondonDate, to: LondonDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LondonDate): number {
  return weekdayOf(dayNumber(date));
}

/** ISO weekday of a day number (days since 1970-01-01, a Thursday). */
function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * The offset of London's clocks from UTC (ms) at an instant, read from the time zone database
 * (Intl) once per UTC hour and kept: every change of London's clocks since 1847 has fallen on a
 * whole UTC hour, so one reading serves the whole hour. Pages turn thousands of instants into
 * London dates; this makes each a lookup.
 */
const offsets = new Map<number, number>();
const MS_PER_HOUR = 3_600_000;
let londonClock: Intl.DateTimeFormat | null = null;

function offsetAt(instant: number): number {
  const hour = Math.floor(instant / MS_PER_HOUR);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, (offset = readOffset(hour * MS_PER_HOUR)));
  }
  return offset;
}

function readOffset(instant: number): number {
  londonClock ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const part: Record<string, number> = {};
  for (const p of londonClock.formatToParts(instant)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const wall = new Date(0);
  wall.setUTCFullYear(part.year!, part.month! - 1, part.day!);
  wall.setUTCHours(part.hour!, part.minute!, part.second!, 0);
  return wall.getTime() - (instant - (((instant % 1000) + 1000) % 1000));
}

/** London's wall clock at an instant, as if it were UTC (ms). */
const londonWall = (instant: number): number => instant + offsetAt(instant);

/** The Europe/London calendar date of an instant. */
export function londonDateOf(instant: number): LondonDate {
  return dateOfDayNumber(Math.floor(londonWall(instant) / MS_PER_DAY));
}

/** The Europe/London wall-clock time (`HH:MM`) of an instant. */
export function londonTimeOf(instant: number): string {
  const ms = ((londonWall(instant) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const minutes = Math.floor(ms / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The instant of a London wall-clock time on a London date (midnight when no time is given).
 * A time skipped by the spring change moves forward an hour; a time that happens twice in
 * the autumn is taken at its first (BST) occurrence.
 */
export function instantOf(date: LondonDate, time?: string | null): number {
  const clock = /^(\d{2}):(\d{2})$/.exec(time ?? '00:00');
  if (!isIsoDate(date) || !clock || Number(clock[1]) > 23 || Number(clock[2]) > 59) throw new Error(`Not a London date and time: ${date} ${time ?? ''}`);
  const wall = dayNumber(date) * MS_PER_DAY + Number(clock[1]) * MS_PER_HOUR + Number(clock[2]) * 60_000;
  // The offsets in force a few hours either side: the same one, or the two around a change.
  const before = offsetAt(wall - 3 * MS_PER_HOUR);
  const after = offsetAt(wall + 3 * MS_PER_HOUR);
  const meanings = [wall - before, wall - after].filter((instant) => londonWall(instant) === wall);
  // None: the clocks skipped this time, which moves forward by the change.
  return meanings.length > 0 ? Math.min(...meanings) : wall - Math.min(before, after);
}


/** Of the two instants an autumn wall-clock time can mean, the earlier (BST) one. */
function firstOccurrence(dt: DateTime): number {
  const wall = dt.toFormat('yyyy-MM-dd HH:mm:ss.SSS');
  const hourEarlier = DateTime.fromMillis(dt.toMillis() - 3_600_000, { zone: LONDON });
  return hourEarlier.toFormat('yyyy-MM-dd HH:mm:ss.SSS') === wall ? hourEarlier.toMillis() : dt.toMillis();
}

/** The last millisecond of a London date. */
export function endOfLondonDay(date: LondonDate): number {
  return instantOf(addDays(date, 1)) - 1;
}

/** The instant as ISO 8601 UTC, e.g. `2021-05-06T10:30:00.000Z`. */
export function isoInstant(instant: number): string {
  return new Date(instant).toISOString();
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const AS_OF_FORMATS =
  'Use a date (6 May 2021, 6/5/2021 or 2021-05-06), or a date and time (6 May 2021 11:30, or 2021-05-06T11:30), ' +
  'optionally with an offset (2021-05-06T10:30Z or 2021-05-06T11:30+01:00). Times without an offset are UK time.';

export interface Moment {
  /** The instant (epoch ms): for a date alone, the start of that London day. */
  instant: number;
  /** The London date written. */
  date: LondonDate;
  /** True when only a date was given: callers choose its start or its end. */
  dateOnly: boolean;
}

/**
 * Parses a moment as people write it: an ISO 8601 date or date-time (no offset means London
 * time; `Z` or an offset is that exact instant), or a date as the workspace forms take it
 * (`6 May 2021`, `6/5/2021`) optionally followed by a time (`11:30`, `11.30am`).
 */
export function parseMoment(text: string): Parsed<Moment> {
  let value = text.trim();
  // A `+` in a query string arrives as a space: "2021-05-06T11:30 01:00".
  value = value.replace(/^(.*T[\d:.]+) (\d{2}(:?\d{2})?)$/, '$1+$2');
  const refuse = (why: string): Parsed<Moment> => ({ ok: false, message: `“${text}” ${why}. ${AS_OF_FORMATS}` });
  if (value === '' || value.length > 60) return refuse('is not a date or time the tracker understands');
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (iso) {
    if (!isIsoDate(iso[1]!) || Number(iso[2]) > 23 || Number(iso[3]) > 59 || Number(iso[4] ?? 0) > 59) return refuse('is not a real moment');
    const dt = DateTime.fromISO(value, { zone: LONDON, setZone: false });
    if (!dt.isValid) return refuse('is not a real moment');
    const instant = iso[5] ? dt.toMillis() : firstOccurrence(dt);
    return { ok: true, value: { instant, date: londonDateOf(instant), dateOnly: false } };
  }
  const whole = parseDate(value);
  if (whole.ok) return { ok: true, value: { instant: instantOf(whole.value), date: whole.value, dateOnly: true } };
  const withTime = /^(.*?\S)(?:\s*,\s*|\s+(?:at\s+)?)(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)$/i.exec(value);
  if (withTime) {
    const date = parseDate(withTime[1]!);
    const time = parseTime(withTime[2]!);
    if (date.ok && time.ok) return { ok: true, value: { instant: instantOf(date.value, time.value), date: date.value, dateOnly: false } };
    if (date.ok && !time.ok) return { ok: false, message: `${time.message}. ${AS_OF_FORMATS}` };
    if (!date.ok && /is not (a real date|a month)/.test(date.message)) return { ok: false, message: `${date.message}. ${AS_OF_FORMATS}` };
  }
  if (/is not (a real date|a month)/.test(whole.message)) return { ok: false, message: `${whole.message}. ${AS_OF_FORMATS}` };
  return refuse('is not a date or time the tracker understands');
}

/** Parses an `as_of` value: a date alone means the end of that London day. */
export function parseAsOf(text: string): Parsed<number> {
  const parsed = parseMoment(text);
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value.dateOnly ? endOfLondonDay(parsed.value.date) : parsed.value.instant };
}

export const AS_OF_HELP = AS_OF_FORMATS;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * Parses a date as campaigners write it: `2021-05-06`, `6/5/2021` (day first, UK style),
 * `06/05/2021` or `6 May 2021`.
 */
export function parseDate(text: string): Parsed<LondonDate> {
  const value = text.trim();
  let y: number, mo: number, d: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value))) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})$/.exec(value))) {
    const name = m[2]!.toLowerCase();
    const index = MONTHS.findIndex((month) => month === name || (name.length >= 3 && month.startsWith(name)));
    if (index < 0) return { ok: false, message: `“${m[2]}” is not a month` };
    [d, mo, y] = [Number(m[1]), index + 1, Number(m[3])];
  } else {
    return { ok: false, message: 'Enter a date like 2021-05-06, 6/5/2021 or 6 May 2021' };
  }
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isIsoDate(iso)) return { ok: false, message: `${value} is not a real date` };
  return { ok: true, value: iso };
}

/** Parses a time as `11:30`, `11.30`, `11:30am` or `2pm`; returns `HH:MM` (24-hour). */
export function parseTime(text: string): Parsed<string> {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  const m = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(value);
  if (!m || (!m[2] && !m[3])) return { ok: false, message: 'Enter a time like 11:30 or 11.30am' };
  let h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (m[3]) {
    if (h < 1 || h > 12) return { ok: false, message: `${text.trim()} is not a real time` };
    h = (h % 12) + (m[3] === 'pm' ? 12 : 0);
  }
  if (h > 23 || min > 59) return { ok: false, message: `${text.trim()} is not a real time` };
  return { ok: true, value: `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` };
}

export interface BankHoliday {
  date: LondonDate;
  title: string;
}

export class CalendarRangeError extends Error {
  constructor(date: LondonDate, first: number, last: number) {
    super(
      `${date} is outside the bank holiday list, which covers ${first} to ${last}. ` +
        'Add that year’s bank holidays to data/bank_holidays_england_wales.csv.',
    );
    this.name = 'CalendarRangeError';
  }
}

/**
 * Working days in England and Wales: Monday to Friday and not a bank holiday. Knows the years
 * its holiday list covers, and refuses to guess outside them.
 */
export class WorkingCalendar {
  readonly firstYear: number;
  readonly lastYear: number;
  private readonly holidayDays: number[];
  private readonly holidaySet: Set<number>;
  /** The holidays falling on a weekday (day numbers, ascending): the only ones that take a working day away. */
  private readonly weekdayHolidays: number[];

  constructor(readonly holidays: readonly BankHoliday[]) {
    if (holidays.length === 0) throw new Error('The bank holiday list is empty');
    for (const h of holidays) if (!isIsoDate(h.date)) throw new Error(`Bad bank holiday date: ${h.date}`);
    const years = holidays.map((h) => Number(h.date.slice(0, 4)));
    this.firstYear = Math.min(...years);
    this.lastYear = Math.max(...years);
    for (let y = this.firstYear; y <= this.lastYear; y++) {
      if (!years.includes(y)) throw new Error(`The bank holiday list has no holidays for ${y}`);
    }
    this.holidayDays = [...new Set(holidays.map((h) => dayNumber(h.date)))].sort((a, b) => a - b);
    this.holidaySet = new Set(this.holidayDays);
    this.weekdayHolidays = this.holidayDays.filter((day) => weekdayOf(day) <= 5);
  }

  covers(date: LondonDate): boolean {
    const y = Number(date.slice(0, 4));
    return y >= this.firstYear && y <= this.lastYear;
  }

  /** The first date the list covers (1 January of its first year). */
  get firstDate(): LondonDate {
    return `${String(this.firstYear).padStart(4, '0')}-01-01`;
  }

  /** The last date the list covers (31 December of its last year): after it, no working day can be counted. */
  get lastDate(): LondonDate {
    return `${String(this.lastYear).padStart(4, '0')}-12-31`;
  }

  /** `workingDaysAfter`, or null when the list does not cover the days it would count. */
  workingDaysAfterIfKnown(since: LondonDate, until: LondonDate): number | null {
    if (until <= since) return 0;
    return this.covers(addDays(since, 1)) && this.covers(until) ? this.workingDaysAfter(since, until) : null;
  }

  /** `addWorkingDays`, or null when the answer lies beyond the list (or `date` before it). */
  addWorkingDaysIfKnown(date: LondonDate, n: number): LondonDate | null {
    try {
      return this.addWorkingDays(date, n);
    } catch (error) {
      if (error instanceof CalendarRangeError) return null;
      throw error;
    }
  }

  private assertCovers(date: LondonDate): void {
    if (!this.covers(date)) throw new CalendarRangeError(date, this.firstYear, this.lastYear);
  }

  isWorkingDay(date: LondonDate): boolean {
    this.assertCovers(date);
    return isoWeekday(date) <= 5 && !this.holidaySet.has(dayNumber(date));
  }

  /** The number of working days d with `since` < d ≤ `until` (0 when `until` ≤ `since`). */
  workingDaysAfter(since: LondonDate, until: LondonDate): number {
    const a = dayNumber(since);
    const b = dayNumber(until);
    if (b <= a) return 0;
    this.assertCovers(dateOfDayNumber(a + 1));
    this.assertCovers(until);
    const holidays = this.countHolidayWeekdays(a, b);
    return weekdaysThrough(b) - weekdaysThrough(a) - holidays;
  }

  /** The `n`th working day after `date` (`date` itself is day 0). */
  addWorkingDays(date: LondonDate, n: number): LondonDate {
    // By day numbers: the same days as stepping through the dates with isWorkingDay, without writing each one out.
    const first = dayNumber(this.firstDate);
    const last = dayNumber(this.lastDate);
    let day = dayNumber(date);
    for (let counted = 0; counted < n; ) {
      day++;
      if (day < first || day > last) this.assertCovers(dateOfDayNumber(day));
      if (weekdayOf(day) <= 5 && !this.holidaySet.has(day)) counted++;
    }
    return dateOfDayNumber(day);
  }

  /** Bank holidays falling on a weekday with a < day ≤ b. */
  private countHolidayWeekdays(a: number, b: number): number {
    return upperBound(this.weekdayHolidays, b) - upperBound(this.weekdayHolidays, a);
  }
}

/** Weekdays among day numbers up to and including n, counted from Monday 1970-01-05 (day 4). */
function weekdaysThrough(n: number): number {
  const m = n - 4 + 1; // days from that Monday through n
  const weeks = Math.floor(m / 7);
  const rest = m - weeks * 7;
  return weeks * 5 + Math.min(rest, 5);
}

/** Index of the first element greater than x in a sorted array. */
function upperBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
