/**
 * CSV import of events and institutions (columns in DOMAIN.md). All or nothing: every row is
 * checked first and only a file with no bad row is written, in one transaction.
 *
 * Memory stays bounded whatever the file: rows are read one at a time and never kept; the
 * first MAX_PROBLEMS_KEPT problems are kept (every one is counted) and the first PREVIEW_ROWS
 * good rows are kept for the preview. Writing reads the file a second time.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { directoryLookup } from '../db/queries/institutions.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { EVENT_COLUMNS, INSTITUTION_COLUMNS, restoreCell } from '../domain/spreadsheets.js';
import { recordAudit, type Actor } from './audit.js';
import { eventRules, validateEvent } from './event-rules.js';
import { insertEvent, type EventInput } from './events.js';
import { insertInstitutions, validateInstitution, type DirectoryLookup, type InstitutionInput } from './institutions.js';
import { Revision, syncEvent, syncInstitution } from './revisions.js';

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
/** How many good rows a report keeps, for the preview. */
export const PREVIEW_ROWS = 100;

export interface ImportReport<T> {
  /** The first MAX_PROBLEMS_KEPT problems, in the order of the file. */
  problems: RowError[];
  /** How many problems the file has in all (or, when `checkStopped`, how many were found before the check stopped). */
  problemCount: number;
  /** True when the check stopped after MAX_PROBLEMS_COUNTED problems without reading the rest of the file. */
  checkStopped: boolean;
  /** The first PREVIEW_ROWS rows as they would be written. */
  preview: T[];
  /** How many rows are good. */
  valid: number;
  /** How many rows were written: 0 on a dry run or when any row is bad. */
  written: number;
}


/** Thrown from inside the CSV reader to stop reading. */
class StopReading extends Error {}

/** The problems of one file: the first few kept, each one counted, until there are too many to go on. */
class ProblemList {
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

interface Columns {
  required: readonly string[];
  known: readonly string[];
}

/**
 * Reads a CSV file one row at a time, keeping nothing: checks the header, then hands each row
 * to `onRow` with its line and its values by column name (trimmed, spreadsheet-safe quotes
 * taken off). Problems with the file itself go to `problems`.
 */
function scanCsv(input: CsvInput, columns: Columns, problems: ProblemList, onRow: (line: number, values: Record<string, string>) => void): void {
  let header: string[] | null = null;
  let rows = 0;
  // csv-parse builds an error object for every row of the wrong length, even when told to
  // accept them; without stack traces that costs microseconds rather than tens of them. The
  // parse is synchronous, so nothing else runs meanwhile.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    parse(typeof input === 'string' ? Buffer.from(input) : input, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { lines: number }) => {
        if (problems.stopped) throw new StopReading();
        if (header === null) {
          header = checkHeader(record, columns, problems);
          return null;
        }
        rows++;
        if (record.length !== header.length) {
          problems.add({ line: context.lines, column: null, reason: `the row has ${record.length} values but the header has ${header.length}` });
          return null;
        }
        const values: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) values[header[i]!] = restoreCell(record[i]!.trim());
        onRow(context.lines, values);
        return null;
      },
    });
  } catch (error) {
    if (error instanceof StopReading || problems.stopped) return;
    const e = error as Error & { lines?: number };
    problems.add({ line: e.lines ?? 1, column: null, reason: `the file is not valid CSV: ${e.message}` });
    return;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (header === null) problems.add({ line: 1, column: null, reason: 'the file is empty' });
  else if (rows === 0) problems.add({ line: 1, column: null, reason: 'the file has a header but no rows' });
}

function checkHeader(record: string[], columns: Columns, problems: ProblemList): string[] {
  const header = record.map((h) => h.trim().toLowerCase());
  for (const column of columns.required) {
    if (!header.includes(column)) problems.add({ line: 1, column, reason: `the header has no “${column}” column` });
  }
  header.forEach((column, i) => {
    if (!columns.known.includes(column)) problems.add({ line: 1, column: column.slice(0, 100), reason: `“${column.slice(0, 100)}” is not a column the tracker knows` });
    if (header.indexOf(column) !== i) problems.add({ line: 1, column: column.slice(0, 100), reason: `“${column.slice(0, 100)}” appears twice` });
  });
  return header;
}

/** Thrown inside the writing transaction when a row checked good no longer is, so nothing is written. */
class ChangedSinceChecked extends Error {}

/**
 * Checks every row, then (unless it is a dry run or any row is bad) reads the file again and
 * writes every row in one transaction. `check` returns a row ready to write, or its problems.
 */
function importRows<T extends { line: number }>(
  db: Db,
  input: CsvInput,
  columns: Columns,
  dryRun: boolean,
  makeChecker: () => (line: number, values: Record<string, string>) => { row: T } | { problems: RowError[] },
  write: (row: T, revision: Revision) => void,
  revision: () => Revision,
): ImportReport<T> {
  const problems = new ProblemList();
  const preview: T[] = [];
  let valid = 0;
  const check = makeChecker();
  scanCsv(input, columns, problems, (line, values) => {
    const result = check(line, values);
    if ('problems' in result) result.problems.forEach((p) => problems.add(p));
    else if (valid++ < PREVIEW_ROWS) preview.push(result.row);
  });
  const report = { problems: problems.kept, problemCount: problems.total, checkStopped: problems.stopped, preview, valid, written: 0 };
  if (problems.total > 0 || dryRun) return report;
  try {
    db.transaction(() => {
      // The whole file is one revision of the public record.
      const rev = revision();
      const again = makeChecker();
      const unexpected = new ProblemList();
      scanCsv(input, columns, unexpected, (line, values) => {
        if (unexpected.total > 0) return;
        const result = again(line, values);
        if ('problems' in result) result.problems.forEach((p) => unexpected.add(p));
        else write(result.row, rev);
      });
      if (unexpected.total > 0) throw new ChangedSinceChecked();
    });
  } catch (error) {
    if (!(error instanceof ChangedSinceChecked)) throw error;
    return { ...report, problems: [{ line: 1, column: null, reason: 'the tracker changed while the file was being imported; nothing was written. Try again.' }], problemCount: 1, checkStopped: false };
  }
  return { ...report, written: valid };
}

export interface EventImportContext {
  calendar: WorkingCalendar;
  now: number;
  createdBy: string;
  dryRun?: boolean;
  /** Who imports: each event written gets an audit row naming them. */
  actor?: Actor;
  /** The revision the events join (the first load's); a new one by default. */
  revision?: Revision;
}

export interface ImportedEvent extends EventInput {
  line: number;
  institutionName: string | null;
}

export function importEventsCsv(db: Db, input: CsvInput, context: EventImportContext): ImportReport<ImportedEvent> {
  const rules = eventRules(db, context.calendar);
  const columns = { required: ['institution', 'date', 'type', 'summary'], known: [...EVENT_COLUMNS, ...rules.asks.keys()] };
  return importRows<ImportedEvent>(
    db,
    input,
    columns,
    context.dryRun ?? false,
    () => (line, values) => {
      const checked = validateEvent(values, rules, { now: context.now, createdBy: context.createdBy });
      if (!checked.ok) return { problems: Object.entries(checked.errors).map(([column, reason]) => ({ line, column, reason })) };
      return { row: { ...checked.value, line } };
    },
    (row, revision) => {
      const id = insertEvent(db, row, context.now);
      syncEvent(db, id, revision);
      if (context.actor) {
        recordAudit(db, context.actor, { action: 'event.import', entityType: 'event', entityId: id, institutionId: row.institutionId, after: { line: row.line, summary: row.summary, date: row.date, status: row.status }, revisionId: revision.made }, context.now);
      }
    },
    () => context.revision ?? new Revision(db, context.actor ?? { userId: null, name: context.createdBy }, 'event.import', context.now),
  );
}

export function importInstitutionsCsv(db: Db, input: CsvInput, context: { now: number; dryRun?: boolean; actor?: Actor }): ImportReport<InstitutionInput & { line: number }> {
  const lookup = directoryLookup(db);
  return importRows<InstitutionInput & { line: number }>(
    db,
    input,
    { required: ['name', 'kind'], known: INSTITUTION_COLUMNS },
    context.dryRun ?? false,
    () => {
      // Names and codes in the directory, and those of the rows above: a file may not repeat one.
      const names = new Set<string>();
      const codes = new Set<string>();
      const batch: DirectoryLookup = {
        nameTaken: (name) => names.has(name.toLowerCase()) || lookup.nameTaken(name, null),
        codeTaken: (code) => codes.has(code.toLowerCase()) || lookup.codeTaken(code, null),
        idOfSlug: () => null,
      };
      return (line, values) => {
        const checked = validateInstitution({ ...values, active: undefined, successor: undefined }, batch, null);
        if (!checked.ok) return { problems: Object.entries(checked.errors).map(([column, reason]) => ({ line, column, reason })) };
        names.add(checked.value.name.toLowerCase());
        if (checked.value.code) codes.add(checked.value.code.toLowerCase());
        return { row: { ...checked.value, line } };
      };
    },
    (row, revision) => {
      const [id] = insertInstitutions(db, [row], context.now);
      syncInstitution(db, id!, revision);
      if (context.actor) {
        recordAudit(db, context.actor, { action: 'institution.import', entityType: 'institution', entityId: id!, institutionId: id!, after: row, revisionId: revision.made }, context.now);
      }
    },
    () => new Revision(db, context.actor ?? { userId: null, name: 'an import' }, 'institution.import', context.now),
  );
}

export function describeError(e: RowError): string {
  return `line ${e.line}${e.column ? `, column “${e.column}”` : ''}: ${e.reason}`;
}

/** "… and 9,800 more problems not listed", or null when every problem is listed. */
export function moreProblems(report: Pick<ImportReport<unknown>, 'problems' | 'problemCount' | 'checkStopped'>): string | null {
  const more = report.problemCount - report.problems.length;
  if (report.checkStopped) {
    return `… and at least ${more.toLocaleString('en-GB')} more problems not listed: the check stopped after ${report.problemCount.toLocaleString('en-GB')} without reading the rest of the file`;
  }
  return more > 0 ? `… and ${more.toLocaleString('en-GB')} more problem${more === 1 ? '' : 's'} not listed` : null;
}
