/**
 * CSV import of events and institutions (columns in DOMAIN.md). All or nothing: each row is
 * checked and written as it is read, in one transaction; at the first bad row writing stops, the
 * rest is only checked (so that every problem is reported), and the transaction is rolled back.
 * Rows are checked against the tracker as it stood before the import. A dry run only checks.
 *
 * A row that names something already recorded (an event's `id`, an institution's `slug`: the
 * workspace's downloads carry them) updates it instead of adding it: compared field by field, it
 * is either unchanged (and not written) or an update, which goes through the same rules and
 * writes the same revisions and audit rows as the edit forms. A row without one adds.
 *
 * Memory stays bounded whatever the file: rows are read one at a time and never kept (a file on
 * the disk is read as it is imported, a chunk at a time); the first MAX_PROBLEMS_KEPT problems
 * and warnings are kept (every one is counted), the first PREVIEW_ROWS rows to add or update
 * are kept for the preview, and of each event added only its line (a number), for its audit row.
 */
import { inWriteTransaction, type Db } from '../db/client.js';
import { insertEventPosition, insertEventRow, insertEventSource, insertImportAuditRows, lastEventVersionId, restoreEventVersionIndexes, setAsideEventVersionIndexes, type SetAsideIndex } from '../db/queries/event-writes.js';
import { eventDateSpans, eventRecord, eventsOnDate, eventSourceRows, lastEventId, type EventRecord } from '../db/queries/events.js';
import { contactRow } from '../db/queries/rules.js';
import { directoryLookup, institutionRowBySlug, lastInstitutionId, type InstitutionRow } from '../db/queries/institutions.js';
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
  summaryKey,
} from '../domain/spreadsheets.js';
import { recordAudit, type Actor } from './audit.js';
import { writeInstitutionEdit } from './directory.js';
import { readInThread } from './reading-thread.js';
import { MAX_PROBLEMS_KEPT, nameWarning, readCsv, readCsvFile, readCsvFileInWorker, readAddedEvent, problemsOf, ProblemList, type CsvInput, type ReadEnd, type ReadEvent, type Reading, type ReadRow, type RowError } from './csv-reading.js';
import { eventRuleData, eventRulesOf, validateEvent, type EventRules, type ValidEvent } from './event-rules.js';
import { eventColumns, type EventInput } from './events.js';
import { orNull } from './fields.js';
import { insertInstitutions, validateInstitution, type DirectoryLookup, type InstitutionInput, type ValidInstitution } from './institutions.js';
import { writeEventEdit } from './log-events.js';
import { Revision, syncInstitution, syncNewEvents } from './revisions.js';

export { MAX_PROBLEMS_COUNTED, MAX_PROBLEMS_KEPT, type CsvInput, type RowError } from './csv-reading.js';

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

/** Thrown inside the writing transaction when the file has a bad row, so that nothing is written. */
class NothingWritten extends Error {}

/** What a good row does: adds a record, updates one, or matches one already (and is not written). */
export type RowAction = 'add' | 'update' | 'unchanged';

type CheckedRow<T> = { row: T; warnings?: RowError[] } | { problems: RowError[] };

/** A row as the reading hands it to the importer: checked as far as it could be without the database, or its values alone. */
type RowToCheck<P> = Exclude<ReadRow<P>, { problems: RowError[] }>;

/**
 * How one kind of file is imported, set up inside the import's transaction (so that what it
 * reads of the tracker is what it writes to): how its rows are read (its columns, and the part of
 * a row's check that needs no database: csv-reading.ts), the rest of the check of a row (a row
 * ready to write, with its action and any warnings, or its problems) and the writing of a good one.
 */
interface Importer<T, P = never> {
  reading: Reading;
  check: (row: RowToCheck<P>) => CheckedRow<T>;
  write: (row: T) => void;
  /** Completes what the rows wrote, once every row is written. */
  finish?: () => void;
}

/**
 * One reading of a file: each row is checked and, unless it is a dry run, written at once, until
 * a bad row is met; from then on rows are only checked, so that every problem is reported, and
 * the transaction around the reading is rolled back.
 */
class ImportRun<T extends { line: number; action: RowAction }, P> {
  readonly problems = new ProblemList();
  private readonly warnings: RowError[] = [];
  private warningCount = 0;
  private readonly preview: T[] = [];
  private readonly counts: Record<RowAction, number> = { add: 0, update: 0, unchanged: 0 };
  private written = 0;

  constructor(
    readonly importer: Importer<T, P>,
    private readonly dryRun: boolean,
  ) {}

  /** Whether enough problems were found to stop reading. */
  readonly stopped = (): boolean => this.problems.stopped;

  /** Takes a record as read (the rows read by `importer.reading`). */
  readonly take = (read: ReadRow<unknown>): void => {
    const result = 'problems' in read ? read : this.importer.check(read as RowToCheck<P>);
    if ('problems' in result) {
      result.problems.forEach((p) => this.problems.add(p));
      return;
    }
    const { row } = result;
    this.counts[row.action]++;
    if (row.action !== 'unchanged' && this.preview.length < PREVIEW_ROWS) this.preview.push(row);
    for (const warning of result.warnings ?? []) if (this.warningCount++ < MAX_PROBLEMS_KEPT) this.warnings.push(warning);
    if (!this.dryRun && this.problems.total === 0 && row.action !== 'unchanged') {
      this.importer.write(row);
      this.written++;
    }
  };

  /** The end of the file: its own problem (empty, not CSV), unless the reading had stopped. */
  end(end: ReadEnd | null): void {
    if (end?.problem && (end.how === 'ended' || !this.problems.stopped)) this.problems.add(end.problem);
  }

  /** Throws NothingWritten (inside the transaction) when the file has a bad row. */
  finish(): void {
    if (this.problems.total > 0) throw new NothingWritten();
    this.importer.finish?.();
  }

  report(): ImportReport<T> {
    const { add, update, unchanged } = this.counts;
    return {
      problems: this.problems.kept, problemCount: this.problems.total, checkStopped: this.problems.stopped, preview: this.preview,
      valid: add + update + unchanged, toAdd: add, toUpdate: update, unchanged, warnings: this.warnings, warningCount: this.warningCount,
      written: this.problems.total > 0 || this.dryRun ? 0 : this.written,
    };
  }
}

/** Imports bytes in memory (an upload, the shipped events), read in this thread: all or nothing, in one transaction. */
function importRows<T extends { line: number; action: RowAction }, P>(db: Db, input: CsvInput, dryRun: boolean, importer: () => Importer<T, P>): ImportReport<T> {
  const read = (run: ImportRun<T, P>) => run.end(readCsv(input, run.importer.reading, run.stopped, run.take));
  if (dryRun) {
    const run = new ImportRun(importer(), true);
    read(run);
    return run.report();
  }
  let run: ImportRun<T, P> | undefined;
  try {
    db.transaction(() => {
      run = new ImportRun(importer(), false);
      read(run);
      run.finish();
    });
  } catch (error) {
    if (!(error instanceof NothingWritten)) throw error;
  }
  return run!.report();
}

/**
 * Imports a file (the command), read from the disk as it is imported (a large one in a worker
 * thread, while this one checks what needs the database and writes): all or nothing, in one
 * transaction.
 */
async function importFileRows<T extends { line: number; action: RowAction }, P>(db: Db, file: string, dryRun: boolean, importer: () => Importer<T, P>): Promise<ImportReport<T>> {
  const read = async (run: ImportRun<T, P>) => {
    // Rows come a little after they are read: those read after the problems that stop the reading are passed over.
    const take = (row: ReadRow<unknown>) => {
      if (run.stopped()) return false;
      run.take(row);
      return true;
    };
    run.end(readInThread(file) ? await readCsvFileInWorker(file, run.importer.reading, take) : await readCsvFile(file, run.importer.reading, run.stopped, take));
  };
  if (dryRun) {
    const run = new ImportRun(importer(), true);
    await read(run);
    return run.report();
  }
  let run: ImportRun<T, P> | undefined;
  try {
    await inWriteTransaction(db, async () => {
      run = new ImportRun(importer(), false);
      await read(run);
      run.finish();
    });
  } catch (error) {
    if (!(error instanceof NothingWritten)) throw error;
  }
  return run!.report();
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
 * Finds the event recorded before the import that an added row repeats (the same institution,
 * date, type and summary key); the rows the import has written already are not looked at. Rows
 * of one institution, type and date usually come together: the events of the last such day are
 * kept, so a long run of them costs one query. A date outside the dates the institution has events
 * of that type on needs none (a first import of a campaign's history, or of the latest events).
 */
function lookalikes(db: Db, recordedBefore: number): (e: ValidEvent) => number | null {
  const spanKey = (institutionId: number | null, type: string) => `${institutionId ?? ''} ${type}`;
  const spans = new Map(eventDateSpans(db, recordedBefore).map((s) => [spanKey(s.institutionId, s.type), s]));
  let day: { key: string; summaries: Map<string, number> } | null = null;
  return (e) => {
    const span = spans.get(spanKey(e.institutionId, e.type));
    if (!span || e.date < span.first || e.date > span.last) return null;
    const key = `${e.institutionId ?? ''} ${e.type} ${e.date}`;
    if (day?.key !== key) {
      const from = instantOf(e.date);
      // A London day lasts at most 25 hours.
      const summaries = new Map<string, number>();
      for (const c of eventsOnDate(db, e.institutionId, e.type, e.date, from, from + 25 * 3_600_000, recordedBefore)) if (!summaries.has(summaryKey(c.summary))) summaries.set(summaryKey(c.summary), c.id);
      day = { key, summaries };
    }
    return day.summaries.size === 0 ? null : (day.summaries.get(summaryKey(e.summary)) ?? null);
  };
}

/**
 * Checks one row of an events file: a row without an id adds an event (with a warning when it
 * looks like one already recorded); a row with one updates that event, or leaves it unchanged.
 * A row without an id that answers no approach comes checked by the rules already (`read`: they
 * need no database), and only the search for a possible duplicate is left.
 */
function eventRowChecker(db: Db, rules: EventRules, context: EventImportContext, recordedBefore: number): (row: RowToCheck<ReadEvent>) => CheckedRow<ImportedEvent> {
  const asOf = { now: context.now, createdBy: context.createdBy };
  const lookalike = lookalikes(db, recordedBefore);
  // The line of each event id met so far: a file may change an event only once.
  const seen = new Map<number, number>();
  const added = (line: number, event: ValidEvent, warnings: RowError[]): CheckedRow<ImportedEvent> => {
    const twin = lookalike(event);
    if (twin !== null) {
      warnings.push({ line, column: null, reason: `looks like event ${twin}, already recorded (the same institution, date, type and summary); it will be added all the same: take the row out if it is the same event` });
    }
    // The checked event is this row's own: it becomes the row (an object spread would cost more than checking it).
    return { row: Object.assign(event, { line, action: 'add' as const, eventId: null, before: null, changed: [], correctionNote: null, looksLike: twin }), warnings };
  };
  return (read) => {
    if ('read' in read) return added(read.line, read.read, read.warnings);
    const { line, values } = read;
    const idText = values[EVENT_ID_COLUMN] ?? '';
    if (idText === '') {
      const checked = readAddedEvent(line, values, rules, asOf);
      return 'read' in checked ? added(line, checked.read, checked.warnings) : (checked as { problems: RowError[] });
    }
    const fail = (column: string, reason: string) => ({ problems: [{ line, column, reason }] });
    if (!/^\d{1,15}$/.test(idText)) return fail(EVENT_ID_COLUMN, `“${idText.slice(0, 100)}” is not an event’s id (a whole number); leave it empty to add the row as a new event`);
    const id = Number(idText);
    const found = eventRecord(db, id);
    const before = found && found.id <= recordedBefore ? found : null;
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
    const checked = validateEvent(Object.assign(eventFields(before), values, { type: before.type }), rules, asOf);
    if (!checked.ok) {
      // The approach a response answers is not a column: its problems are told by the institution.
      const { answers, ...errors } = checked.errors;
      if (answers) problems.push({ line, column: 'institution', reason: `event ${id} is the reply to approach ${before.answersEventId ?? ''} (${answers}); change it in the workspace instead` });
      return { problems: [...problems, ...problemsOf(line, errors)] };
    }
    let input = checked.value;
    // An approach's reply due date was fixed when it was logged: it moves only with its date or channel.
    if (input.type === 'contact' && input.date === before.date && input.channel === before.channel) {
      input = Object.assign(input, { dueOn: before.dueOn, dueOverrideReason: before.dueOverrideReason });
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
      row: Object.assign(input, { sources, line, action, eventId: id, before, changed, correctionNote: wasPublished ? note : null, looksLike: null }),
      warnings: action === 'update' ? nameWarning(line, values, input) : [],
    };
  };
}

/**
 * How many events an import adds before writing their public versions: each time, the search
 * index writes out what it holds (a segment of its own), so not too few.
 */
const VERSIONS_AT_ONCE = 5_000;

/** How an events file is imported: its columns (one per ask), the check of a row, and the writing of a good one. */
function eventImporter(db: Db, context: EventImportContext): Importer<ImportedEvent, ReadEvent> {
  const ruleData = eventRuleData(db);
  const rules = eventRulesOf(ruleData, context.calendar, (id) => contactRow(db, id));
  const actor = context.actor ?? { userId: null, name: context.createdBy };
  // The whole file is one revision of the public record, but for corrections of published
  // events: each is a revision of its own, with its public note, as from the edit form.
  const revision = context.revision ?? new Revision(db, actor, 'event.import', context.now);
  // Rows are checked against the record as it stood before the import: not against the events it
  // has added already, which are those after the last event recorded before it.
  const recordedBefore = lastEventId(db);
  // The events added since the last audit rows were written: the first one's id and the line of
  // each (a number a row: 300,000 rows keep a few megabytes), and how many were written before
  // the file's revision was made. Their audit rows are written together, in one statement, when
  // a row that updates an event comes (whose own audit row follows theirs, as its line follows
  // theirs) and at the end: the audit log lists the rows in the order of the file.
  let added = { firstId: 0, lines: [] as number[], revisedFrom: -1 };
  // The last event added (its version is written by the end).
  let lastAdded = recordedBefore;
  const writeAudit = () => {
    if (context.actor && added.lines.length > 0) {
      insertImportAuditRows(db, {
        at: context.now, userId: context.actor.userId, actor: context.actor.name, firstId: added.firstId, lines: added.lines,
        revisedFrom: added.revisedFrom < 0 ? added.lines.length : added.revisedFrom, revisionId: revision.made,
      });
    }
    added = { firstId: 0, lines: [], revisedFrom: -1 };
  };
  // The public versions of the events added are written a few thousand at a time, as the rows
  // come (while the reading thread reads on), each batch in three statements: see
  // insertFirstEventVersions. `versioned` is the last event whose version is written.
  let versioned = recordedBefore;
  // A large import into a record that held few versions (a campaign's first import): the indexes
  // of the versions are dropped at its first batch and made again once, by sorting, when no more
  // are added or a row updates an event, in the same transaction (setAsideEventVersionIndexes).
  let setAside: SetAsideIndex[] | null = null;
  const writeVersions = (lastId: number) => {
    const batch = lastId - versioned;
    if (versioned === recordedBefore && batch >= VERSIONS_AT_ONCE && lastEventVersionId(db) <= batch) setAside = setAsideEventVersionIndexes(db);
    syncNewEvents(db, versioned, lastId, revision);
    versioned = lastId;
  };
  const restoreIndexes = () => {
    if (setAside) restoreEventVersionIndexes(db, setAside);
    setAside = null;
  };
  return {
    reading: {
      kind: 'events',
      columns: {
        required: ['institution', 'date', 'type', 'summary'],
        known: [EVENT_ID_COLUMN, INSTITUTION_NAME_COLUMN, CORRECTION_NOTE_COLUMN, ...EVENT_COLUMNS, ...EVENT_FIGURE_COLUMNS, ...rules.asks.keys()],
      },
      rules: ruleData,
      holidays: context.calendar.holidays,
      asOf: { now: context.now, createdBy: context.createdBy },
    },
    check: eventRowChecker(db, rules, context, recordedBefore),
    write: (row) => {
      if (row.before) {
        restoreIndexes();
        writeAudit();
        // A draft's update joins the file's revision (it changes the public record only if it publishes).
        const own = row.correctionNote !== null ? new Revision(db, actor, 'event.update', context.now, row.correctionNote, row.before.id) : revision;
        writeEventEdit(db, row.before, row, own, row.correctionNote, actor, context.now, { line: row.line });
        return;
      }
      // What insertEvent writes, through prepared statements: a file may add 100,000 events. Their
      // versions are written VERSIONS_AT_ONCE at a time, under the file's revision.
      const id = insertEventRow(db, Object.assign(eventColumns(row), { type: row.type, createdBy: row.createdBy, createdAt: context.now, updatedAt: context.now }));
      for (const p of row.positions) insertEventPosition(db, id, p.askId, p.stance);
      for (const s of row.sources) insertEventSource(db, id, s);
      if (row.status === 'published') revision.number();
      if (added.lines.length === 0) added.firstId = id;
      if (added.revisedFrom < 0 && revision.made !== null) added.revisedFrom = added.lines.length;
      added.lines.push(row.line);
      lastAdded = id;
      if (id - versioned >= VERSIONS_AT_ONCE) writeVersions(id);
    },
    finish: () => {
      if (lastAdded > versioned) writeVersions(lastAdded);
      restoreIndexes();
      writeAudit();
    },
  };
}

export function importEventsCsv(db: Db, input: CsvInput, context: EventImportContext): ImportReport<ImportedEvent> {
  return importRows(db, input, context.dryRun ?? false, () => eventImporter(db, context));
}

/** `importEventsCsv` of a file, read from the disk as it is imported. */
export function importEventsFile(db: Db, file: string, context: EventImportContext): Promise<ImportReport<ImportedEvent>> {
  return importFileRows(db, file, context.dryRun ?? false, () => eventImporter(db, context));
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
    ['email', before.email, after.email ?? null],
    ['email_public', before.emailPublic, after.emailPublic ?? false],
  ];
  return pairs.filter(([, was, is]) => (was ?? null) !== (is ?? null)).map(([column]) => column);
}

/** How an institutions file is imported: its columns, the check of a row, and the writing of a good one. */
function institutionImporter(db: Db, context: InstitutionImportContext): Importer<ImportedInstitution> {
  const lookup = directoryLookup(db);
  const actor = context.actor ?? { userId: null, name: 'an import' };
  const revision = new Revision(db, actor, 'institution.import', context.now);
  // Rows are checked against the directory as it stood before the import: not against the rows it has written already.
  const recordedBefore = lastInstitutionId(db);
  // Names and codes in the directory, and those of the rows above: a file may not repeat one. A
  // name or code that a row above changes stays taken, as it was before the import, but by its institution.
  const names = new Set<string>();
  const codes = new Set<string>();
  const formerNames = new Map<string, number>();
  const formerCodes = new Map<string, number>();
  const slugs = new Map<string, number>();
  const heldBefore = (former: Map<string, number>, value: string, exceptId: number | null) => {
    const id = former.get(value.toLowerCase());
    return id !== undefined && id !== exceptId;
  };
  const batch: DirectoryLookup = {
    nameTaken: (name, exceptId) => names.has(name.toLowerCase()) || heldBefore(formerNames, name, exceptId) || lookup.nameTaken(name, exceptId),
    codeTaken: (code, exceptId) => codes.has(code.toLowerCase()) || heldBefore(formerCodes, code, exceptId) || lookup.codeTaken(code, exceptId),
    idOfSlug: () => null,
  };
  const keep = (value: InstitutionInput) => {
    names.add(value.name.toLowerCase());
    if (value.code) codes.add(value.code.toLowerCase());
  };
  const check = (read: RowToCheck<never>): CheckedRow<ImportedInstitution> => {
    const { line, values } = read as { line: number; values: Record<string, string> };
    const slug = (values[INSTITUTION_SLUG_COLUMN] ?? '').toLowerCase();
    if (slug === '') {
      const checked = validateInstitution({ ...values, active: undefined, successor: undefined }, batch, null);
      if (!checked.ok) return { problems: problemsOf(line, checked.errors) };
      keep(checked.value);
      return { row: { ...checked.value, line, action: 'add', before: null, changed: [] } };
    }
    const fail = (reason: string) => ({ problems: [{ line, column: INSTITUTION_SLUG_COLUMN, reason }] });
    const found = institutionRowBySlug(db, slug);
    const before = found && found.id <= recordedBefore ? found : null;
    if (!before) return fail(`no institution has the slug “${slug.slice(0, 100)}”; leave it empty to add the row as a new institution`);
    const earlier = slugs.get(slug);
    if (earlier !== undefined) return fail(`“${slug}” is on line ${earlier} too; a file can change an institution only once`);
    slugs.set(slug, line);
    formerNames.set(before.name.toLowerCase(), before.id);
    if (before.code) formerCodes.set(before.code.toLowerCase(), before.id);
    // Whether it is open, and its successor, are not columns: they stay as they are.
    // A file without the email columns leaves the addresses as they are.
    const email = { email: values.email ?? before.email ?? '', email_public: values.email_public ?? String(before.emailPublic) };
    const checked = validateInstitution({ ...values, ...email, active: String(before.active), successor: undefined }, batch, before.id);
    if (!checked.ok) return { problems: problemsOf(line, checked.errors) };
    keep(checked.value);
    const changed = changedInstitutionColumns(before, checked.value);
    if (changed.length > 0 && context.mayUpdate === false) {
      return fail(`only an admin can change an institution already in the directory (this row changes ${changed.join(', ')} of “${before.name}”)`);
    }
    return { row: { ...checked.value, active: before.active, line, action: changed.length > 0 ? 'update' : 'unchanged', before, changed } };
  };
  return {
    reading: { kind: 'institutions', columns: { required: ['name', 'kind'], known: [INSTITUTION_SLUG_COLUMN, ...INSTITUTION_COLUMNS] } },
    check,
    write: (row) => {
      if (row.before) {
        const after: ValidInstitution = { name: row.name, kind: row.kind, code: row.code, region: row.region, country: row.country, website: row.website, active: row.before.active, aliases: row.aliases, successorId: row.before.successorId, email: row.email ?? null, emailPublic: row.emailPublic ?? false };
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
  };
}

export function importInstitutionsCsv(db: Db, input: CsvInput, context: InstitutionImportContext): ImportReport<ImportedInstitution> {
  return importRows(db, input, context.dryRun ?? false, () => institutionImporter(db, context));
}

/** `importInstitutionsCsv` of a file, read from the disk as it is imported. */
export function importInstitutionsFile(db: Db, file: string, context: InstitutionImportContext): Promise<ImportReport<ImportedInstitution>> {
  return importFileRows(db, file, context.dryRun ?? false, () => institutionImporter(db, context));
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
