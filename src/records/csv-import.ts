/**
 * CSV import of events and institutions (columns in DOMAIN.md). All or nothing: every row is
 * checked first and only a file with no bad row is written, in one transaction.
 *
 * A row that names something already recorded (an event's `id`, an institution's `slug`: the
 * workspace's downloads carry them) updates it instead of adding it: compared field by field, it
 * is either unchanged (and not written) or an update, which goes through the same rules and
 * writes the same revisions and audit rows as the edit forms. A row without one adds.
 *
 * Memory stays bounded whatever the file: rows are read one at a time and never kept; the
 * first MAX_PROBLEMS_KEPT problems and warnings are kept (every one is counted) and the first
 * PREVIEW_ROWS rows to add or update are kept for the preview. Writing reads the file a second time.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { eventRecord, eventsOnDate, eventSourceRows, type EventRecord } from '../db/queries/events.js';
import { directoryLookup, institutionRowBySlug, type InstitutionRow } from '../db/queries/institutions.js';
import { instantOf, londonTimeOf, type WorkingCalendar } from '../domain/calendar.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import {
  CORRECTION_NOTE_COLUMN,
  EVENT_COLUMNS,
  EVENT_FIGURE_COLUMNS,
  EVENT_ID_COLUMN,
  INSTITUTION_COLUMNS,
  INSTITUTION_NAME_COLUMN,
  INSTITUTION_SLUG_COLUMN,
  restoreCell,
  summaryKey,
} from '../domain/spreadsheets.js';
import { recordAudit, type Actor } from './audit.js';
import { writeInstitutionEdit } from './directory.js';
import { eventRules, validateEvent, type EventRules, type ValidEvent } from './event-rules.js';
import { insertEvent, type EventInput } from './events.js';
import { orNull } from './fields.js';
import { insertInstitutions, validateInstitution, type DirectoryLookup, type InstitutionInput, type ValidInstitution } from './institutions.js';
import { writeEventEdit } from './log-events.js';
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
  /** The first PREVIEW_ROWS rows to add or update, as they would be written. */
  preview: T[];
  /** How many rows are good: those to add, to update, and unchanged. */
  valid: number;
  toAdd: number;
  toUpdate: number;
  /** How many rows match what is recorded already: they are not written. */
  unchanged: number;
  /** The first MAX_PROBLEMS_KEPT warnings (rows that will be written but deserve a look, such as possible duplicates). */
  warnings: RowError[];
  warningCount: number;
  /** How many rows were written (added or updated): 0 on a dry run or when any row is bad. */
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

/** What a good row does: adds a record, updates one, or matches one already (and is not written). */
export type RowAction = 'add' | 'update' | 'unchanged';

/** The first reading of a file checks it (and finds what to warn about); the second writes it. */
type Pass = 'check' | 'write';

type CheckedRow<T> = { row: T; warnings?: RowError[] } | { problems: RowError[] };

/**
 * Checks every row, then (unless it is a dry run or any row is bad) reads the file again and
 * writes every row that adds or updates, in one transaction. `check` returns a row ready to
 * write (with its action and any warnings), or its problems.
 */
function importRows<T extends { line: number; action: RowAction }>(
  db: Db,
  input: CsvInput,
  columns: Columns,
  dryRun: boolean,
  makeChecker: (pass: Pass) => (line: number, values: Record<string, string>) => CheckedRow<T>,
  write: (row: T, revision: Revision) => void,
  revision: () => Revision,
): ImportReport<T> {
  const problems = new ProblemList();
  const warnings: RowError[] = [];
  let warningCount = 0;
  const preview: T[] = [];
  const counts: Record<RowAction, number> = { add: 0, update: 0, unchanged: 0 };
  const check = makeChecker('check');
  scanCsv(input, columns, problems, (line, values) => {
    const result = check(line, values);
    if ('problems' in result) {
      result.problems.forEach((p) => problems.add(p));
      return;
    }
    counts[result.row.action]++;
    if (result.row.action !== 'unchanged' && preview.length < PREVIEW_ROWS) preview.push(result.row);
    for (const warning of result.warnings ?? []) if (warningCount++ < MAX_PROBLEMS_KEPT) warnings.push(warning);
  });
  const valid = counts.add + counts.update + counts.unchanged;
  const report: ImportReport<T> = {
    problems: problems.kept, problemCount: problems.total, checkStopped: problems.stopped, preview, valid,
    toAdd: counts.add, toUpdate: counts.update, unchanged: counts.unchanged, warnings, warningCount, written: 0,
  };
  if (problems.total > 0 || dryRun) return report;
  let written = 0;
  try {
    db.transaction(() => {
      // The whole file is one revision of the public record, but for corrections of published
      // events: each is a revision of its own, with its public note, as from the edit form.
      const rev = revision();
      const again = makeChecker('write');
      const unexpected = new ProblemList();
      scanCsv(input, columns, unexpected, (line, values) => {
        if (unexpected.total > 0) return;
        const result = again(line, values);
        if ('problems' in result) result.problems.forEach((p) => unexpected.add(p));
        else if (result.row.action !== 'unchanged') {
          write(result.row, rev);
          written++;
        }
      });
      if (unexpected.total > 0) throw new ChangedSinceChecked();
    });
  } catch (error) {
    if (!(error instanceof ChangedSinceChecked)) throw error;
    return { ...report, problems: [{ line: 1, column: null, reason: 'the tracker changed while the file was being imported; nothing was written. Try again.' }], problemCount: 1, checkStopped: false };
  }
  return { ...report, written };
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
  action: RowAction;
  /** The event a row updates; null for a row that adds one. */
  eventId: number | null;
  /** The event as it stands, for a row that updates one. */
  before: EventRecord | null;
  /** The columns whose values an update changes. */
  changed: string[];
  /** The public note of a correction (an update of a published event), else null. */
  correctionNote: string | null;
  /** For a row that adds: the event already recorded that it looks like, if any. */
  looksLike: number | null;
}

const problemsOf = (line: number, errors: Record<string, string>): RowError[] => Object.entries(errors).map(([column, reason]) => ({ line, column, reason }));

/** An event as its edit form's fields (and an import row's columns) give it. */
function eventFields(e: EventRecord): Record<string, string> {
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    type: e.type,
    institution: text(e.institutionSlug),
    date: e.date,
    time: e.hasTime ? londonTimeOf(e.occurredAt) : '',
    channel: text(e.channel),
    from: text(e.fromName),
    response_type: text(e.responseType),
    answers: text(e.answersEventId),
    summary: e.summary,
    quote: text(e.quote),
    source_title: text(e.source?.title),
    source_url: text(e.source?.url),
    source_publisher: text(e.source?.publisher),
    source_date: text(e.source?.publishedOn),
    status: e.status,
    due_on: e.dueOverrideReason ? text(e.dueOn) : '',
    due_override_reason: text(e.dueOverrideReason),
    ...e.stances,
  };
}

/** The columns in which the checked row differs from the event as it stands. */
function changedColumns(before: EventRecord, after: ValidEvent, asks: Map<string, number>): string[] {
  const source = after.sources[0] ?? null;
  const stanceOf = (askId: number) => after.positions.find((p) => p.askId === askId)?.stance ?? null;
  const pairs: [string, unknown, unknown][] = [
    ['institution', before.institutionId, after.institutionId],
    ['date', before.date, after.date],
    ['time', before.hasTime ? londonTimeOf(before.occurredAt) : null, after.time],
    ['channel', before.channel, after.channel],
    ['from', before.fromName, after.fromName],
    ['response_type', before.responseType, after.responseType],
    ['summary', before.summary, after.summary],
    ['quote', before.quote, after.quote],
    ['source_title', before.source?.title ?? null, source?.title ?? null],
    ['source_url', before.source?.url ?? null, source?.url ?? null],
    ['source_publisher', before.source?.publisher ?? null, source?.publisher ?? null],
    ['source_date', before.source?.publishedOn ?? null, source?.publishedOn ?? null],
    ['status', before.status, after.status],
    ...[...asks].map(([slug, askId]): [string, unknown, unknown] => [slug, before.stances[slug] ?? null, stanceOf(askId)]),
  ];
  return pairs.filter(([, was, is]) => (was ?? null) !== (is ?? null)).map(([column]) => column);
}

/**
 * Finds the event already recorded that an added row repeats (the same institution, date, type
 * and summary key). Rows of one institution, type and date usually come together: the events of
 * the last such day are kept, so a long run of them costs one query.
 */
function lookalikes(db: Db): (e: ValidEvent) => number | null {
  let day: { key: string; summaries: Map<string, number> } | null = null;
  return (e) => {
    const key = `${e.institutionId ?? ''} ${e.type} ${e.date}`;
    if (day?.key !== key) {
      const from = instantOf(e.date);
      // A London day lasts at most 25 hours.
      const summaries = new Map<string, number>();
      for (const c of eventsOnDate(db, e.institutionId, e.type, e.date, from, from + 25 * 3_600_000)) if (!summaries.has(summaryKey(c.summary))) summaries.set(summaryKey(c.summary), c.id);
      day = { key, summaries };
    }
    return day.summaries.get(summaryKey(e.summary)) ?? null;
  };
}

/** A warning when `institution_name` names another institution than `institution` matched. */
function nameWarning(line: number, values: Record<string, string>, e: ValidEvent): RowError[] {
  const given = orNull(values[INSTITUTION_NAME_COLUMN]);
  if (given === null || given.toLowerCase() === (e.institutionName ?? '').toLowerCase()) return [];
  const matched = e.institutionName ? `“${e.institutionName}”` : 'no institution (campaign-wide)';
  return [{ line, column: INSTITUTION_NAME_COLUMN, reason: `says “${given}” but “institution” names ${matched}; the “institution” column counts (the name is only there to read)` }];
}

/**
 * Checks one row of an events file: a row without an id adds an event (with a warning when it
 * looks like one already recorded); a row with one updates that event, or leaves it unchanged.
 */
function eventRowChecker(db: Db, rules: EventRules, context: EventImportContext, pass: Pass): (line: number, values: Record<string, string>) => CheckedRow<ImportedEvent> {
  const asOf = { now: context.now, createdBy: context.createdBy };
  // Warnings are for the preview: writing looks for no duplicates (it would find the rows it has just added).
  const lookalike = pass === 'check' ? lookalikes(db) : () => null;
  // The line of each event id met so far: a file may change an event only once.
  const seen = new Map<number, number>();
  return (line, values) => {
    const idText = values[EVENT_ID_COLUMN] ?? '';
    if (idText === '') {
      const checked = validateEvent(values, rules, asOf);
      if (!checked.ok) return { problems: problemsOf(line, checked.errors) };
      const twin = lookalike(checked.value);
      const warnings = nameWarning(line, values, checked.value);
      if (twin !== null) {
        warnings.push({ line, column: null, reason: `looks like event ${twin}, already recorded (the same institution, date, type and summary); it will be added all the same: take the row out if it is the same event` });
      }
      return { row: { ...checked.value, line, action: 'add', eventId: null, before: null, changed: [], correctionNote: null, looksLike: twin }, warnings };
    }
    const fail = (column: string, reason: string) => ({ problems: [{ line, column, reason }] });
    if (!/^\d{1,15}$/.test(idText)) return fail(EVENT_ID_COLUMN, `“${idText.slice(0, 100)}” is not an event’s id (a whole number); leave it empty to add the row as a new event`);
    const id = Number(idText);
    const before = eventRecord(db, id);
    if (!before) return fail(EVENT_ID_COLUMN, `no event has the id ${id}; leave it empty to add the row as a new event`);
    if (before.deletedAt !== null) return fail(EVENT_ID_COLUMN, `event ${id} was deleted; restore it first, or leave the id empty to add the row as a new event`);
    const earlier = seen.get(id);
    if (earlier !== undefined) return fail(EVENT_ID_COLUMN, `event ${id} is on line ${earlier} too; a file can change an event only once`);
    seen.set(id, line);
    const type = orNull(values.type);
    // The rest of such a row is read as the other type: its problems would only confuse.
    if (type !== null && type !== before.type) return fail('type', `event ${id} is a ${before.type}; an event’s type cannot change (delete it and add a new event instead)`);
    const problems: RowError[] = [];
    // Columns the file leaves out keep their values, as the edit form keeps the fields it does not show.
    const checked = validateEvent({ ...eventFields(before), ...values, type: before.type }, rules, asOf);
    if (!checked.ok) {
      // The approach a response answers is not a column: its problems are told by the institution.
      const { answers, ...errors } = checked.errors;
      if (answers) problems.push({ line, column: 'institution', reason: `event ${id} is the reply to approach ${before.answersEventId ?? ''} (${answers}); change it in the workspace instead` });
      return { problems: [...problems, ...problemsOf(line, errors)] };
    }
    let input = checked.value;
    // An approach's reply due date was fixed when it was logged: it moves only with its date or channel.
    if (input.type === 'contact' && input.date === before.date && input.channel === before.channel) {
      input = { ...input, dueOn: before.dueOn, dueOverrideReason: before.dueOverrideReason };
    }
    const wasPublished = before.status === 'published';
    if (wasPublished && input.status === 'draft') problems.push({ line, column: 'status', reason: `event ${id} is published: it cannot go back to being a draft; delete it instead` });
    const note = orNull(values[CORRECTION_NOTE_COLUMN]);
    const noteTooLong = tooLong(note, TEXT_LIMITS.note, 'the correction note');
    if (noteTooLong) problems.push({ line, column: CORRECTION_NOTE_COLUMN, reason: noteTooLong.charAt(0).toLowerCase() + noteTooLong.slice(1) });
    const changed = changedColumns(before, input, rules.asks);
    if (changed.length > 0 && wasPublished && note === null) {
      problems.push({ line, column: CORRECTION_NOTE_COLUMN, reason: `event ${id} is published, so changing it (${changed.join(', ')}) needs a public correction note saying what was corrected` });
    }
    if (problems.length > 0) return { problems };
    // Sources after the first are not in the file: they stay.
    const sources = [...input.sources, ...eventSourceRows(db, id).slice(1)];
    const action: RowAction = changed.length > 0 ? 'update' : 'unchanged';
    return {
      row: { ...input, sources, line, action, eventId: id, before, changed, correctionNote: wasPublished ? note : null, looksLike: null },
      warnings: action === 'update' ? nameWarning(line, values, input) : [],
    };
  };
}

export function importEventsCsv(db: Db, input: CsvInput, context: EventImportContext): ImportReport<ImportedEvent> {
  const rules = eventRules(db, context.calendar);
  const columns = {
    required: ['institution', 'date', 'type', 'summary'],
    known: [EVENT_ID_COLUMN, INSTITUTION_NAME_COLUMN, CORRECTION_NOTE_COLUMN, ...EVENT_COLUMNS, ...EVENT_FIGURE_COLUMNS, ...rules.asks.keys()],
  };
  const actor = context.actor ?? { userId: null, name: context.createdBy };
  return importRows<ImportedEvent>(
    db,
    input,
    columns,
    context.dryRun ?? false,
    (pass) => eventRowChecker(db, rules, context, pass),
    (row, revision) => {
      if (row.before) {
        // A correction of a published event is a revision of its own with its note; a draft's
        // update joins the file's revision (it changes the public record only if it publishes).
        const own = row.correctionNote !== null ? new Revision(db, actor, 'event.update', context.now, row.correctionNote, row.before.id) : revision;
        writeEventEdit(db, row.before, row, own, row.correctionNote, actor, context.now, { line: row.line });
        return;
      }
      const id = insertEvent(db, row, context.now);
      syncEvent(db, id, revision);
      if (context.actor) {
        recordAudit(db, context.actor, { action: 'event.import', entityType: 'event', entityId: id, institutionId: row.institutionId, after: { line: row.line, summary: row.summary, date: row.date, status: row.status }, revisionId: revision.made }, context.now);
      }
    },
    () => context.revision ?? new Revision(db, actor, 'event.import', context.now),
  );
}

export interface InstitutionImportContext {
  now: number;
  dryRun?: boolean;
  actor?: Actor;
  /** Whether rows may change institutions already in the directory (admins only, as with the directory's form); yes by default. */
  mayUpdate?: boolean;
}

export interface ImportedInstitution extends InstitutionInput {
  line: number;
  action: RowAction;
  /** The institution a row updates, as it stands; null for a row that adds one. */
  before: InstitutionRow | null;
  /** The columns whose values an update changes. */
  changed: string[];
}

/** The columns in which a checked row differs from the institution as it stands. */
function changedInstitutionColumns(before: InstitutionRow, after: InstitutionInput): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['name', before.name, after.name],
    ['kind', before.kind, after.kind],
    ['code', before.code, after.code],
    ['region', before.region, after.region],
    ['country', before.country, after.country],
    ['aliases', before.aliases.join('; '), after.aliases.join('; ')],
    ['website', before.website, after.website],
  ];
  return pairs.filter(([, was, is]) => (was ?? null) !== (is ?? null)).map(([column]) => column);
}

export function importInstitutionsCsv(db: Db, input: CsvInput, context: InstitutionImportContext): ImportReport<ImportedInstitution> {
  const lookup = directoryLookup(db);
  const actor = context.actor ?? { userId: null, name: 'an import' };
  return importRows<ImportedInstitution>(
    db,
    input,
    { required: ['name', 'kind'], known: [INSTITUTION_SLUG_COLUMN, ...INSTITUTION_COLUMNS] },
    context.dryRun ?? false,
    () => {
      // Names and codes in the directory, and those of the rows above: a file may not repeat one.
      const names = new Set<string>();
      const codes = new Set<string>();
      const slugs = new Map<string, number>();
      const batch: DirectoryLookup = {
        nameTaken: (name, exceptId) => names.has(name.toLowerCase()) || lookup.nameTaken(name, exceptId),
        codeTaken: (code, exceptId) => codes.has(code.toLowerCase()) || lookup.codeTaken(code, exceptId),
        idOfSlug: () => null,
      };
      const keep = (value: InstitutionInput) => {
        names.add(value.name.toLowerCase());
        if (value.code) codes.add(value.code.toLowerCase());
      };
      return (line, values): CheckedRow<ImportedInstitution> => {
        const slug = (values[INSTITUTION_SLUG_COLUMN] ?? '').toLowerCase();
        if (slug === '') {
          const checked = validateInstitution({ ...values, active: undefined, successor: undefined }, batch, null);
          if (!checked.ok) return { problems: problemsOf(line, checked.errors) };
          keep(checked.value);
          return { row: { ...checked.value, line, action: 'add', before: null, changed: [] } };
        }
        const fail = (reason: string) => ({ problems: [{ line, column: INSTITUTION_SLUG_COLUMN, reason }] });
        const before = institutionRowBySlug(db, slug);
        if (!before) return fail(`no institution has the slug “${slug.slice(0, 100)}”; leave it empty to add the row as a new institution`);
        const earlier = slugs.get(slug);
        if (earlier !== undefined) return fail(`“${slug}” is on line ${earlier} too; a file can change an institution only once`);
        slugs.set(slug, line);
        // Whether it is open, and its successor, are not columns: they stay as they are.
        const checked = validateInstitution({ ...values, active: String(before.active), successor: undefined }, batch, before.id);
        if (!checked.ok) return { problems: problemsOf(line, checked.errors) };
        keep(checked.value);
        const changed = changedInstitutionColumns(before, checked.value);
        if (changed.length > 0 && context.mayUpdate === false) {
          return fail(`only an admin can change an institution already in the directory (this row changes ${changed.join(', ')} of “${before.name}”)`);
        }
        return { row: { ...checked.value, active: before.active, line, action: changed.length > 0 ? 'update' : 'unchanged', before, changed } };
      };
    },
    (row, revision) => {
      if (row.before) {
        const after: ValidInstitution = { name: row.name, kind: row.kind, code: row.code, region: row.region, country: row.country, website: row.website, active: row.before.active, aliases: row.aliases, successorId: row.before.successorId };
        writeInstitutionEdit(db, row.before, after, revision, actor, context.now, { line: row.line });
        return;
      }
      const [id] = insertInstitutions(db, [row], context.now);
      syncInstitution(db, id!, revision);
      if (context.actor) {
        const { before: _b, changed: _c, action: _a, ...added } = row;
        recordAudit(db, context.actor, { action: 'institution.import', entityType: 'institution', entityId: id!, institutionId: id!, after: added, revisionId: revision.made }, context.now);
      }
    },
    () => new Revision(db, actor, 'institution.import', context.now),
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

/** "… and 300 more warnings not listed", or null when every warning is listed. */
export function moreWarnings(report: Pick<ImportReport<unknown>, 'warnings' | 'warningCount'>): string | null {
  const more = report.warningCount - report.warnings.length;
  return more > 0 ? `… and ${more.toLocaleString('en-GB')} more warning${more === 1 ? '' : 's'} not listed` : null;
}
