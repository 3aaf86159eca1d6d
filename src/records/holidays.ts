/**
 * The bank holiday list: the one shipped in the data directory, plus the holidays added since
 * (`npm run import -- holidays FILE`, or an admin's upload). Either form of the official list is
 * accepted: gov.uk's `bank-holidays.json` (its `england-and-wales` division) or a CSV with
 * `date` and `title` columns.
 *
 * Holidays are only ever added. A holiday the list did not have, on a date the list already
 * covered and which has passed, would change working-day figures already published, so it is
 * refused; a holiday in a year the list did not reach, or still to come, changes none.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { addedHolidays } from '../db/queries/holidays.js';
import { bankHolidays } from '../db/schema.js';

export { holidaysToken } from '../db/queries/holidays.js';
import { isIsoDate, londonDateOf, writtenDate, WorkingCalendar, type BankHoliday, type LondonDate } from '../domain/calendar.js';
import { recordAudit, type Actor } from './audit.js';
import { loadCalendar } from './reference-data.js';

/** The largest holiday file read (the official JSON for all three divisions is about 20 KB). */
export const MAX_HOLIDAY_FILE_BYTES = 1024 * 1024;

export type HolidayFileResult = { ok: true; holidays: BankHoliday[] } | { ok: false; problems: string[] };

const MAX_PROBLEMS = 20;

/** Reads either form of the list; every problem is reported, with where it is. */
export function parseHolidayFile(content: Buffer | string): HolidayFileResult {
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  if (Buffer.byteLength(text) > MAX_HOLIDAY_FILE_BYTES) return { ok: false, problems: [`The file is larger than ${MAX_HOLIDAY_FILE_BYTES / 1024} KB; a bank holiday list is far smaller.`] };
  const trimmed = text.trimStart();
  if (trimmed === '') return { ok: false, problems: ['The file is empty.'] };
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? fromJson(trimmed) : fromCsv(text);
}

function fromJson(text: string): HolidayFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['The file looks like JSON but cannot be read as JSON. Use gov.uk’s bank-holidays.json as it is downloaded.'] };
  }
  // gov.uk's file: { "england-and-wales": { division, events: [...] }, "scotland": …, "northern-ireland": … }.
  const record = data as Record<string, unknown> | null;
  const division = record && typeof record === 'object' && !Array.isArray(record) ? (record['england-and-wales'] ?? record) : null;
  const events = division && typeof division === 'object' ? (division as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) {
    return { ok: false, problems: ['The JSON has no “england-and-wales” list of events. Use gov.uk’s bank-holidays.json (https://www.gov.uk/bank-holidays.json) as it is downloaded.'] };
  }
  const problems: string[] = [];
  const holidays: BankHoliday[] = [];
  events.forEach((event: unknown, index) => {
    const e = event as { date?: unknown; title?: unknown } | null;
    const where = `event ${index + 1}`;
    check(e?.date, e?.title, where, holidays, problems);
  });
  return finish(holidays, problems);
}

function fromCsv(text: string): HolidayFileResult {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    return { ok: false, problems: [`The CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (rows.length === 0) return { ok: false, problems: ['The CSV has no rows.'] };
  if (!('date' in rows[0]!) || !('title' in rows[0]!)) return { ok: false, problems: ['The CSV needs a header row with the columns “date” and “title”.'] };
  const problems: string[] = [];
  const holidays: BankHoliday[] = [];
  rows.forEach((r, index) => check(r.date, r.title, `line ${index + 2}`, holidays, problems));
  return finish(holidays, problems);
}

function check(date: unknown, title: unknown, where: string, holidays: BankHoliday[], problems: string[]): void {
  if (typeof date !== 'string' || !isIsoDate(date)) problems.push(`${where}: “${typeof date === 'string' ? date.slice(0, 40) : JSON.stringify(date ?? '').slice(0, 40)}” is not a date written YYYY-MM-DD`);
  else if (typeof title !== 'string' || title.trim() === '' || title.length > 200) problems.push(`${where}: give the holiday’s name (at most 200 characters)`);
  else holidays.push({ date, title: title.trim() });
}

function finish(holidays: BankHoliday[], problems: string[]): HolidayFileResult {
  if (problems.length > MAX_PROBLEMS) problems.splice(MAX_PROBLEMS, problems.length, `… and ${problems.length - MAX_PROBLEMS} more problems`);
  if (problems.length > 0) return { ok: false, problems };
  if (holidays.length === 0) return { ok: false, problems: ['The file lists no holidays.'] };
  return { ok: true, holidays };
}

/** The calendar the tracker counts with: the shipped list and the holidays added since. */
export function currentCalendar(db: Db, dataDir: string): WorkingCalendar {
  const shipped = loadCalendar(dataDir);
  const added = addedHolidays(db);
  if (added.length === 0) return shipped;
  const byDate = new Map(shipped.holidays.map((h) => [h.date, h]));
  for (const h of added) if (!byDate.has(h.date)) byDate.set(h.date, h);
  return new WorkingCalendar([...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)));
}

export interface HolidayImport {
  /** Holidays the list did not have, now added. */
  added: BankHoliday[];
  /** Holidays the list already had (the same date). */
  known: number;
  /** The list's new last date. */
  lastDate: LondonDate;
  /** The years the file could not add, with why (nothing is written when there are any). */
  problems: string[];
}

/** "added 8 bank holidays (24 already on the list); the list now ends on 31 December 2028." */
export function holidaySummary(result: HolidayImport, dryRun = false): string {
  const n = result.added.length;
  const added = `${dryRun ? 'would add' : 'added'} ${n} bank ${n === 1 ? 'holiday' : 'holidays'}`;
  return `${added} (${result.known} already on the list); the list ${dryRun ? 'would end' : 'now ends'} on ${writtenDate(result.lastDate)}.${dryRun ? ' Dry run: nothing was imported.' : ''}`;
}

/**
 * Adds the holidays the list lacks, all or nothing. Refuses a new holiday on a past date the list
 * already covered (it would change published working-day figures) and a file that would leave a
 * year without holidays between the list's years.
 */
export function importHolidays(db: Db, dataDir: string, holidays: readonly BankHoliday[], actor: Actor, now: number, dryRun = false): HolidayImport {
  const calendar = currentCalendar(db, dataDir);
  const have = new Set(calendar.holidays.map((h) => h.date));
  const today = londonDateOf(now);
  const seen = new Set<string>();
  const added: BankHoliday[] = [];
  const problems: string[] = [];
  let known = 0;
  for (const h of holidays) {
    if (seen.has(h.date)) continue;
    seen.add(h.date);
    if (have.has(h.date)) known++;
    else if (calendar.covers(h.date) && h.date <= today) {
      problems.push(`${h.date} (${h.title}) is not on the list, but the list already covered that date and it has passed: adding it would change working-day figures already published. Nothing was added.`);
    } else added.push(h);
  }
  let merged: WorkingCalendar | null = null;
  if (problems.length === 0 && added.length > 0) {
    try {
      merged = new WorkingCalendar([...calendar.holidays, ...added].sort((a, b) => a.date.localeCompare(b.date)));
    } catch (error) {
      problems.push(`${error instanceof Error ? error.message : String(error)}: the list must have every year’s holidays from its first year to its last. Nothing was added.`);
    }
  }
  const result = { added: problems.length ? [] : added, known, lastDate: (merged ?? calendar).lastDate, problems };
  if (dryRun || problems.length > 0 || added.length === 0) return result;
  db.transaction((tx) => {
    tx.insert(bankHolidays)
      .values(added.map((h) => ({ date: h.date, title: h.title, addedAt: now, addedBy: actor.name })))
      .run();
    recordAudit(tx, actor, { action: 'holidays.import', entityType: 'calendar', entityId: null, after: { added: added.map((h) => h.date), lastDate: result.lastDate } }, now);
  });
  return result;
}
