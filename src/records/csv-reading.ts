/**
 * Reading an import's CSV: the header checked, each row's values by column name, and the part of
 * each row's check that needs no database (an event's fields and rules, against a copy of the
 * directory's names). What the rest of the check needs (the events recorded, for updates and
 * possible duplicates) and the writing are csv-import.ts's.
 *
 * Bytes in memory (an upload) are read in the thread that imports them, and so is a small file
 * on the disk (the command); a large one is read in a worker thread of its own
 * (csv-reading-worker.ts, see reading-thread.ts), which sends the rows
 * read in batches while the importing thread checks the rest and writes: both cores busy. Either
 * way the rows come in the order of the file, each as a `ReadRow`, and the reading stops when
 * the problems found reach MAX_PROBLEMS_COUNTED.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse as parseStream, type Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { WorkingCalendar, type BankHoliday } from '../domain/calendar.js';
import { EVENT_ID_COLUMN, INSTITUTION_NAME_COLUMN, restoreCell } from '../domain/spreadsheets.js';
import { readingThreadFor } from './reading-thread.js';
import { eventRulesOf, validateEvent, type EventRuleData, type EventRules, type ValidEvent } from './event-rules.js';
import { orNull } from './fields.js';

export interface RowError {
  /** The line of the file (the header is line 1). */
  line: number;
  column: string | null;
  reason: string;
}

/** How many problems a report keeps; the rest are counted. */
export const MAX_PROBLEMS_KEPT = 200;
/** After this many problems the check stops: the file needs correcting whatever the rest holds. */
export const MAX_PROBLEMS_COUNTED = 10_000;

/** The problems of one file: the first few kept, each one counted, until there are too many to go on. */
export class ProblemList {
  readonly kept: RowError[] = [];
  total = 0;

  add(problem: RowError): void {
    this.total++;
    if (this.kept.length < MAX_PROBLEMS_KEPT) this.kept.push(problem);
  }

  get stopped(): boolean {
    return this.total >= MAX_PROBLEMS_COUNTED;
  }
}

/** The file as the importer takes it: bytes (a string is encoded as UTF-8). */
export type CsvInput = Buffer | string;

export interface Columns {
  required: readonly string[];
  known: readonly string[];
}

export const problemsOf = (line: number, errors: Record<string, string>): RowError[] => Object.entries(errors).map(([column, reason]) => ({ line, column, reason }));

/**
 * A record of the file as read: the problems found in it (the header's, a row of the wrong
 * length, a row whose check failed without the database), a row checked as far as it can be
 * without the database (`read`, with its warnings), or a row's values for the importer to check.
 */
export type ReadRow<P> = { line: number; problems: RowError[] } | { line: number; read: P; warnings: RowError[] } | { line: number; values: Record<string, string> };

/** An event row checked without the database: the event, as validateEvent returns it. */
export type ReadEvent = ValidEvent;

/**
 * How the rows of a file are read, as plain data (a worker thread gets a copy): an events file's
 * rows are checked against the rules (`data`, the bank holidays and what `now` and `createdBy`
 * are); an institutions file's rows are handed on as they are.
 */
export type Reading =
  | { kind: 'events'; columns: Columns; rules: EventRuleData; holidays: readonly BankHoliday[]; asOf: { now: number; createdBy: string } }
  | { kind: 'institutions'; columns: Columns };

/** A warning when `institution_name` names another institution than `institution` matched. */
export function nameWarning(line: number, values: Record<string, string>, e: ValidEvent): RowError[] {
  const given = orNull(values[INSTITUTION_NAME_COLUMN]);
  if (given === null || given.toLowerCase() === (e.institutionName ?? '').toLowerCase()) return [];
  const matched = e.institutionName ? `“${e.institutionName}”` : 'no institution (campaign-wide)';
  return [{ line, column: INSTITUTION_NAME_COLUMN, reason: `says “${given}” but “institution” names ${matched}; the “institution” column counts (the name is only there to read)` }];
}

/**
 * An added event's row (no id) as the rules find it: its problems, or the event with its warnings.
 * `rules` may lack `contact` when the row answers no approach.
 */
export function readAddedEvent(line: number, values: Record<string, string>, rules: EventRules, asOf: { now: number; createdBy: string }): ReadRow<ReadEvent> {
  const checked = validateEvent(values, rules, asOf);
  if (!checked.ok) return { line, problems: problemsOf(line, checked.errors) };
  return { line, read: checked.value, warnings: nameWarning(line, values, checked.value) };
}

/** Whether a row of an events file needs the database for its check: one that updates an event, or answers an approach. */
const needsRecord = (values: Record<string, string>) => (values[EVENT_ID_COLUMN] ?? '') !== '' || orNull(values.answers) !== null;

/** The check of each row that `reading` makes, without the database. */
export function rowReading(reading: Reading): (line: number, values: Record<string, string>) => ReadRow<unknown> {
  if (reading.kind === 'institutions') return (line, values) => ({ line, values });
  const rules = eventRulesOf(reading.rules, new WorkingCalendar(reading.holidays), () => {
    throw new Error('the approach a response answers is found by the importing thread');
  });
  return (line, values) => (needsRecord(values) ? { line, values } : readAddedEvent(line, values, rules, reading.asOf));
}

/** Thrown from inside the CSV reader to stop reading. */
class StopReading extends Error {}

const CSV_OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true } as const;

function checkHeader(record: string[], columns: Columns): { header: string[]; problems: RowError[] } {
  const problems: RowError[] = [];
  const header = record.map((h) => h.trim().toLowerCase());
  for (const column of columns.required) {
    if (!header.includes(column)) problems.push({ line: 1, column, reason: `the header has no “${column}” column` });
  }
  header.forEach((column, i) => {
    if (!columns.known.includes(column)) problems.push({ line: 1, column: column.slice(0, 100), reason: `“${column.slice(0, 100)}” is not a column the tracker knows` });
    if (header.indexOf(column) !== i) problems.push({ line: 1, column: column.slice(0, 100), reason: `“${column.slice(0, 100)}” appears twice` });
  });
  return { header, problems };
}

/**
 * The records of a CSV file, one at a time, keeping nothing: checks the header, then reads each
 * row (its values by column name, trimmed, spreadsheet-safe quotes taken off) with `read`. The
 * parser calls `record` for each record it reads, which returns what was read, and `failed` or
 * `ended` once at the end, which return the file's own problem if it has one. `stopped` says
 * whether enough problems were found to stop reading.
 */
export class RowReader {
  private header: string[] | null = null;
  private rows = 0;

  constructor(
    private readonly columns: Columns,
    private readonly stopped: () => boolean,
    private readonly read: (line: number, values: Record<string, string>) => ReadRow<unknown>,
  ) {}

  readonly record = (record: string[], context: { lines: number }): ReadRow<unknown> => {
    if (this.stopped()) throw new StopReading();
    if (this.header === null) {
      const { header, problems } = checkHeader(record, this.columns);
      this.header = header;
      return { line: 1, problems };
    }
    this.rows++;
    if (record.length !== this.header.length) {
      return { line: context.lines, problems: [{ line: context.lines, column: null, reason: `the row has ${record.length} values but the header has ${this.header.length}` }] };
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < this.header.length; i++) values[this.header[i]!] = restoreCell(record[i]!.trim());
    return this.read(context.lines, values);
  };

  /** The file's problem when the reading failed, or null (it was stopped). Rethrows anything but the parser's own complaint. */
  failed(error: unknown): RowError | null {
    if (error instanceof StopReading || this.stopped()) return null;
    // Anything but the parser's own complaint (a failed write, an unreadable file) is not the file's problem.
    if (!(error instanceof CsvError)) throw error;
    const e = error as CsvError & { lines?: number };
    return { line: e.lines ?? 1, column: null, reason: `the file is not valid CSV: ${e.message}` };
  }

  /** The file's problem when it has no rows, or null. */
  ended(): RowError | null {
    if (this.header === null) return { line: 1, column: null, reason: 'the file is empty' };
    if (this.rows === 0) return { line: 1, column: null, reason: 'the file has a header but no rows' };
    return null;
  }
}

/** What reading a file ends with: how (read to its end, or failed), and the file's own problem if any. */
export interface ReadEnd {
  how: 'ended' | 'failed';
  problem: RowError | null;
}

/**
 * Reads bytes already in memory (an upload), handing each record to `take` as it is read;
 * `stopped` is asked before each record.
 */
export function readCsv(input: CsvInput, reading: Reading, stopped: () => boolean, take: (row: ReadRow<unknown>) => void): ReadEnd {
  const reader = new RowReader(reading.columns, stopped, rowReading(reading));
  // csv-parse builds an error object for every row of the wrong length, even when told to
  // accept them; without stack traces that costs microseconds rather than tens of them. The
  // parse is synchronous, so nothing else runs meanwhile.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    parse(typeof input === 'string' ? Buffer.from(input) : input, {
      ...CSV_OPTIONS,
      on_record: (record: string[], context: { lines: number }) => {
        take(reader.record(record, context));
        return null;
      },
    });
  } catch (error) {
    return { how: 'failed', problem: reader.failed(error) };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { how: 'ended', problem: reader.ended() };
}

/**
 * Reads a file as it comes from the disk (however large the file, only a chunk of it is in
 * memory), handing the records to `take` as they are read; `take` may wait, and the reading
 * waits with it. `stopped` is asked before each record (by default: once the records handed on
 * have MAX_PROBLEMS_COUNTED problems).
 */
export async function readCsvFile(file: string, reading: Reading, stopped: (() => boolean) | null, take: (row: ReadRow<unknown>) => Promise<void> | boolean | void): Promise<ReadEnd> {
  let problems = 0;
  const reader = new RowReader(reading.columns, stopped ?? (() => problems >= MAX_PROBLEMS_COUNTED), rowReading(reading));
  const record = (values: string[], context: { lines: number }) => {
    const row = reader.record(values, context);
    if ('problems' in row) problems += row.problems.length;
    return row;
  };
  try {
    const options: Options<ReadRow<unknown>, string[]> = { ...CSV_OPTIONS, on_record: record };
    // The stream gives what on_record returns; csv-parse's untyped overload expects records.
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), parseStream(options as unknown as Options), async (rows: AsyncIterable<ReadRow<unknown>>) => {
      for await (const row of rows) await take(row);
    });
  } catch (error) {
    return { how: 'failed', problem: reader.failed(error) };
  }
  return { how: 'ended', problem: reader.ended() };
}

/** What the reading thread sends: a batch of records read, the end of the file, or why it could not go on. */
export type ReaderMessage = { rows: ReadRow<unknown>[] } | { end: ReadEnd } | { failure: string };

/**
 * Reads a file in a worker thread (csv-reading-worker.ts), as `readCsvFile` does, handing each
 * record to `take` in the order of the file; `take` returns false to stop reading (and the worker
 * is stopped), and the end is then null. The worker reads at most a few batches ahead of `take`,
 * so that a file read faster than it is written is not held in memory. A worker that fails (an
 * unreadable file, say) rejects with its error.
 */
export async function readCsvFileInWorker(file: string, reading: Reading, take: (row: ReadRow<unknown>) => boolean): Promise<ReadEnd | null> {
  const worker = readingThreadFor(file);
  worker.postMessage({ file, reading });
  const messages: ReaderMessage[] = [];
  // Set by the worker's events (hence an object: TypeScript does not see assignments in callbacks).
  const thread = { failure: null as Error | null, exited: false };
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: ReaderMessage) => {
    messages.push(message);
    notify();
  });
  worker.on('error', (error) => {
    thread.failure = error;
    notify();
  });
  worker.on('exit', () => {
    thread.exited = true;
    notify();
  });
  try {
    for (;;) {
      const message = messages.shift();
      if (message === undefined) {
        if (thread.failure) throw thread.failure;
        if (thread.exited) throw new Error(`the reading of ${file} stopped before its end`);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('failure' in message) throw new Error(message.failure);
      if ('end' in message) return message.end;
      for (const row of message.rows) if (!take(row)) return null;
      worker.postMessage('more');
    }
  } finally {
    await worker.terminate();
  }
}
