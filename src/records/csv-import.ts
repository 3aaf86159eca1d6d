/**
 * CSV import of events and institutions (columns in DOMAIN.md). All or nothing: every row is
 * checked first, every bad row is reported with its line, column and reason, and only a file
 * with no bad row is written, in one transaction.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { restoreCell } from '../domain/spreadsheet-cells.js';
import { institutions } from '../db/schema.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { eventRules, readEventFields } from './event-fields.js';
import { recordAudit, type Actor } from './audit.js';
import { insertEvent, type EventInput } from './events.js';
import { insertInstitutions, validateInstitution, type DirectoryLookup, type InstitutionInput } from './institutions.js';
import { directoryLookup } from '../db/queries/institutions.js';

export interface RowError {
  /** The line of the file (the header is line 1). */
  line: number;
  column: string | null;
  reason: string;
}

export interface ImportResult<T> {
  errors: RowError[];
  /** The rows as they would be written (also on a dry run). */
  rows: T[];
  /** How many rows were written: 0 on a dry run or when any row is bad. */
  written: number;
}

export const EVENT_COLUMNS = [
  'institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote',
  'source_title', 'source_url', 'source_publisher', 'source_date', 'status',
] as const;

export const INSTITUTION_COLUMNS = ['name', 'kind', 'code', 'region', 'country', 'aliases', 'website'] as const;

interface Table {
  header: string[];
  rows: { line: number; values: Record<string, string> }[];
  errors: RowError[];
}

function readTable(text: string, required: readonly string[], known: readonly string[]): Table {
  const errors: RowError[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    return { header: [], rows: [], errors: [{ line: e.lines ?? 1, column: null, reason: `the file is not valid CSV: ${e.message}` }] };
  }
  if (records.length === 0) return { header: [], rows: [], errors: [{ line: 1, column: null, reason: 'the file is empty' }] };
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  for (const column of required) {
    if (!header.includes(column)) errors.push({ line: 1, column, reason: `the header has no “${column}” column` });
  }
  header.forEach((column, i) => {
    if (!known.includes(column)) errors.push({ line: 1, column, reason: `“${column}” is not a column the tracker knows` });
    if (header.indexOf(column) !== i) errors.push({ line: 1, column, reason: `“${column}” appears twice` });
  });
  const rows: Table['rows'] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.length !== header.length) {
      errors.push({ line: info.lines, column: null, reason: `the row has ${record.length} values but the header has ${header.length}` });
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((column, i) => (values[column] = restoreCell(record[i]!.trim())));
    rows.push({ line: info.lines, values });
  }
  if (records.length === 1) errors.push({ line: 1, column: null, reason: 'the file has a header but no rows' });
  return { header, rows, errors };
}



export interface EventImportContext {
  calendar: WorkingCalendar;
  now: number;
  createdBy: string;
  dryRun?: boolean;
  /** Who imports: each event written gets an audit row naming them. */
  actor?: Actor;
}

export interface ImportedEvent extends EventInput {
  line: number;
  institutionName: string | null;
}

export function importEventsCsv(db: Db, text: string, context: EventImportContext): ImportResult<ImportedEvent> {
  const rules = eventRules(db, context.calendar);
  const table = readTable(text, ['institution', 'date', 'type', 'summary'], [...EVENT_COLUMNS, ...rules.asks.keys()]);
  const errors = [...table.errors];
  const rows: ImportedEvent[] = [];
  for (const { line, values } of table.rows) {
    const read = readEventFields(values, rules, { now: context.now, createdBy: context.createdBy });
    errors.push(...read.errors.map((e) => ({ line, column: e.field, reason: e.reason })));
    if (read.event) rows.push({ ...read.event, line });
  }
  errors.sort((a, b) => a.line - b.line);
  if (errors.length > 0 || context.dryRun) return { errors, rows, written: 0 };
  db.transaction((tx) => {
    for (const row of rows) {
      const id = insertEvent(tx, row, context.now);
      if (context.actor) {
        recordAudit(tx, context.actor, { action: 'event.import', entityType: 'event', entityId: id, institutionId: row.institutionId, after: { line: row.line, summary: row.summary, date: row.date, status: row.status } }, context.now);
      }
    }
  });
  return { errors, rows, written: rows.length };
}

export function importInstitutionsCsv(db: Db, text: string, context: { now: number; dryRun?: boolean; actor?: Actor }): ImportResult<InstitutionInput & { line: number }> {
  const table = readTable(text, ['name', 'kind'], INSTITUTION_COLUMNS);
  const errors = [...table.errors];
  const rows: (InstitutionInput & { line: number })[] = [];
  // Names and codes in the directory, and those of the rows above: a file may not repeat one.
  const lookup = directoryLookup(db);
  const names = new Set<string>();
  const codes = new Set<string>();
  const batch: DirectoryLookup = {
    nameTaken: (name) => names.has(name.toLowerCase()) || lookup.nameTaken(name, null),
    codeTaken: (code) => codes.has(code.toLowerCase()) || lookup.codeTaken(code, null),
    idOfSlug: () => null,
  };
  for (const { line, values } of table.rows) {
    const checked = validateInstitution({ ...values, active: undefined, successor: undefined }, batch, null);
    if (!checked.ok) {
      for (const [column, reason] of Object.entries(checked.errors)) errors.push({ line, column, reason });
      continue;
    }
    names.add(checked.value.name.toLowerCase());
    if (checked.value.code) codes.add(checked.value.code.toLowerCase());
    rows.push({ ...checked.value, line });
  }
  if (errors.length > 0 || context.dryRun) return { errors, rows, written: 0 };
  db.transaction((tx) => {
    const ids = insertInstitutions(tx, rows, context.now);
    if (context.actor) {
      ids.forEach((id, i) => recordAudit(tx, context.actor!, { action: 'institution.import', entityType: 'institution', entityId: id, institutionId: id, after: rows[i] }, context.now));
    }
  });
  return { errors, rows, written: rows.length };
}

export function describeError(e: RowError): string {
  return `line ${e.line}${e.column ? `, column “${e.column}”` : ''}: ${e.reason}`;
}

/** True when the database holds no institution yet. */
export function directoryIsEmpty(db: Db): boolean {
  return db.select({ id: institutions.id }).from(institutions).limit(1).all().length === 0;
}
