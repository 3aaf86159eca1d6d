/**
 * CSV import of events and institutions (columns in DOMAIN.md). All or nothing: every row is
 * checked first, every bad row is reported with its line, column and reason, and only a file
 * with no bad row is written, in one transaction.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/client.js';
import { asks as askTable, campaign as campaignTable, institutions } from '../db/schema.js';
import { instantOf, parseDate, parseTime, type LondonDate, type WorkingCalendar } from '../domain/calendar.js';
import { replyDueOn, type ReplyWindows } from '../domain/reply-due.js';
import {
  CHANNELS,
  EVENT_STATUSES,
  EVENT_TYPES,
  INSTITUTION_KINDS,
  isOneOf,
  RESPONSE_TYPES,
  STANCES,
  type Stance,
} from '../domain/vocabulary.js';
import { insertEvent, type EventInput, type SourceInput } from './events.js';
import { InstitutionMatcher, insertInstitutions, type InstitutionInput } from './institutions.js';

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
    header.forEach((column, i) => (values[column] = record[i]!.trim()));
    rows.push({ line: info.lines, values });
  }
  if (records.length === 1) errors.push({ line: 1, column: null, reason: 'the file has a header but no rows' });
  return { header, rows, errors };
}

const orNull = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export interface EventImportContext {
  calendar: WorkingCalendar;
  now: number;
  createdBy: string;
  dryRun?: boolean;
}

export interface ImportedEvent extends EventInput {
  line: number;
  institutionName: string | null;
}

/** Loads the campaign's asks and reply windows needed to read an events file. */
function campaignRules(db: Db): { asks: Map<string, number>; windows: ReplyWindows } {
  const asks = new Map(db.select().from(askTable).orderBy(askTable.sortOrder).all().map((a) => [a.slug, a.id] as const));
  const campaign = db.select().from(campaignTable).get();
  return { asks, windows: { foi: campaign?.replyWindowFoi ?? 20, default: campaign?.replyWindowDefault ?? 10 } };
}

export function importEventsCsv(db: Db, text: string, context: EventImportContext): ImportResult<ImportedEvent> {
  const { asks, windows } = campaignRules(db);
  const table = readTable(text, ['institution', 'date', 'type', 'summary'], [...EVENT_COLUMNS, ...asks.keys()]);
  const errors = [...table.errors];
  const matcher = InstitutionMatcher.load(db);
  const rows: ImportedEvent[] = [];

  for (const { line, values: v } of table.rows) {
    const rowErrors: RowError[] = [];
    const fail = (column: string, reason: string) => rowErrors.push({ line, column, reason });

    const type = v.type ?? '';
    if (!isOneOf(EVENT_TYPES, type)) fail('type', type === '' ? 'the type is missing (contact, response or milestone)' : `“${type}” is not an event type (contact, response or milestone)`);

    let institutionId: number | null = null;
    let institutionName: string | null = null;
    if (v.institution) {
      const match = matcher.find(v.institution);
      if (match.found) [institutionId, institutionName] = [match.id, match.name];
      else fail('institution', match.reason);
    } else if (type !== 'milestone') {
      fail('institution', 'only a milestone can be campaign-wide; name the institution');
    }

    let date: LondonDate | null = null;
    let time: string | null = null;
    if (!v.date) fail('date', 'the date is missing');
    else {
      const parsed = parseDate(v.date);
      if (!parsed.ok) fail('date', parsed.message);
      else if (!context.calendar.covers(parsed.value)) {
        fail('date', `${parsed.value} is outside the bank holiday list (${context.calendar.firstYear} to ${context.calendar.lastYear}), so no figure could count it`);
      } else date = parsed.value;
    }
    if (v.time) {
      const parsed = parseTime(v.time);
      if (!parsed.ok) fail('time', parsed.message);
      else time = parsed.value;
    }
    if (date && instantOf(date, time) > context.now) fail(time ? 'time' : 'date', `${date}${time ? ` ${time}` : ''} is in the future`);

    const channel = orNull(v.channel);
    if (type === 'contact') {
      if (channel === null) fail('channel', `a contact needs a channel (${CHANNELS.join(', ')})`);
      else if (!isOneOf(CHANNELS, channel)) fail('channel', `“${channel}” is not a channel (${CHANNELS.join(', ')})`);
    } else if (channel !== null) fail('channel', 'only a contact has a channel');

    const responseType = orNull(v.response_type);
    if (type === 'response') {
      if (responseType === null) fail('response_type', `a response needs a response type (${RESPONSE_TYPES.join(', ')})`);
      else if (!isOneOf(RESPONSE_TYPES, responseType)) fail('response_type', `“${responseType}” is not a response type (${RESPONSE_TYPES.join(', ')})`);
    } else if (responseType !== null) fail('response_type', 'only a response has a response type');

    if (!v.summary) fail('summary', 'the summary is missing');

    const status = v.status || 'published';
    if (!isOneOf(EVENT_STATUSES, status)) fail('status', `“${status}” is not a status (draft or published)`);

    const positions: { askId: number; stance: Stance }[] = [];
    for (const [slug, askId] of asks) {
      const stance = v[slug];
      if (!stance) continue;
      if (!isOneOf(STANCES, stance)) fail(slug, `“${stance}” is not a stance (${STANCES.join(', ')})`);
      else if (type === 'contact') fail(slug, 'a contact states no position; log the reply as a response');
      else positions.push({ askId, stance });
    }

    const sources: SourceInput[] = [];
    const sourceTitle = orNull(v.source_title);
    const sourceUrl = orNull(v.source_url);
    if (sourceUrl !== null && !isHttpUrl(sourceUrl)) fail('source_url', `“${sourceUrl}” is not a web address starting http:// or https://`);
    let sourceDate: LondonDate | null = null;
    if (v.source_date) {
      const parsed = parseDate(v.source_date);
      if (!parsed.ok) fail('source_date', parsed.message);
      else sourceDate = parsed.value;
    }
    if (sourceTitle === null && (sourceUrl || v.source_publisher || v.source_date)) fail('source_title', 'a source needs a title');
    if (sourceTitle !== null) sources.push({ title: sourceTitle, url: sourceUrl, publisher: orNull(v.source_publisher), publishedOn: sourceDate });
    if (status === 'published' && sources.length === 0) fail('source_title', 'a published event needs a source; give one, or import it as a draft');

    if (rowErrors.length > 0 || date === null || !isOneOf(EVENT_TYPES, type) || !isOneOf(EVENT_STATUSES, status)) {
      errors.push(...rowErrors);
      continue;
    }
    rows.push({
      line,
      institutionName,
      type,
      institutionId,
      date,
      time,
      channel: type === 'contact' && isOneOf(CHANNELS, channel) ? channel : null,
      fromName: orNull(v.from),
      responseType: isOneOf(RESPONSE_TYPES, responseType) ? responseType : null,
      answersEventId: null,
      summary: v.summary!,
      quote: orNull(v.quote),
      dueOn: type === 'contact' && isOneOf(CHANNELS, channel) ? replyDueOn(date, channel, windows, context.calendar) : null,
      status,
      positions,
      sources,
      createdBy: context.createdBy,
    });
  }

  errors.sort((a, b) => a.line - b.line);
  if (errors.length > 0 || context.dryRun) return { errors, rows, written: 0 };
  db.transaction((tx) => {
    for (const row of rows) insertEvent(tx, row, context.now);
  });
  return { errors, rows, written: rows.length };
}

export function importInstitutionsCsv(db: Db, text: string, context: { now: number; dryRun?: boolean }): ImportResult<InstitutionInput & { line: number }> {
  const table = readTable(text, ['name', 'kind'], INSTITUTION_COLUMNS);
  const errors = [...table.errors];
  const matcher = InstitutionMatcher.load(db);
  const seen = new Set<string>();
  const rows: (InstitutionInput & { line: number })[] = [];
  for (const { line, values: v } of table.rows) {
    const rowErrors: RowError[] = [];
    const fail = (column: string, reason: string) => rowErrors.push({ line, column, reason });
    const name = v.name ?? '';
    if (!name) fail('name', 'the name is missing');
    else if (matcher.has(name) || seen.has(name.toLowerCase())) fail('name', `“${name}” is already in the directory`);
    const kind = v.kind ?? '';
    if (!isOneOf(INSTITUTION_KINDS, kind)) fail('kind', `“${kind}” is not a kind (${INSTITUTION_KINDS.join(', ')})`);
    const website = orNull(v.website);
    if (website !== null && !isHttpUrl(website)) fail('website', `“${website}” is not a web address starting http:// or https://`);
    const code = orNull(v.code);
    if (code !== null && matcher.has(code)) fail('code', `the code “${code}” is already used`);
    if (rowErrors.length > 0 || !isOneOf(INSTITUTION_KINDS, kind)) {
      errors.push(...rowErrors);
      continue;
    }
    seen.add(name.toLowerCase());
    rows.push({
      line,
      name,
      kind,
      code,
      region: orNull(v.region),
      country: orNull(v.country),
      website,
      active: true,
      aliases: (v.aliases ?? '').split(';').map((a) => a.trim()).filter(Boolean),
    });
  }
  if (errors.length > 0 || context.dryRun) return { errors, rows, written: 0 };
  db.transaction((tx) => {
    insertInstitutions(tx, rows, context.now);
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
