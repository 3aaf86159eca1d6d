/**
 * Reading events. The public record is read from `event_versions` as it stood at a revision
 * and as at a moment (a `Reading`); the figure queries return only the rows a figure can depend
 * on (an institution's latest comment and the contacts after it; its latest statement per ask);
 * the rules themselves live in src/domain. `eventRecord` reads the campaigners' working copy.
 */
import type { Db } from '../client.js';
import type { events } from '../schema.js';
import type { PositionStatement } from '../../domain/positions.js';
import { COMMENT_RESPONSE_TYPES, type Outstanding } from '../../domain/silence.js';
import type { Cursor } from '../../domain/cursor.js';
import type { Search } from '../../domain/search.js';
import { EVENT_STATUSES, type EventType, type InstitutionKind, type Stance } from '../../domain/vocabulary.js';
import { prepared } from './prepared.js';
import { readingParams, validAt, visible, type Reading } from './reading.js';
import { hitBound, searchSql } from './search.js';

export { prepared };

const COMMENT_TYPES = COMMENT_RESPONSE_TYPES.map((t) => `'${t}'`).join(', ');

/** Columns of a version read as a history event (every version is of a published event). */
const HISTORY_COLUMNS = `e.event_id AS id, e.institution_id AS institutionId, e.type, e.response_type AS responseType, 'published' AS status,
  e.occurred_at AS occurredAt, e.occurred_on AS date`;

/**
 * `latest_comment`: each institution's latest comment in the reading (by occurred_at, then id).
 * Join it as `c` and keep the contacts that pass AFTER_LATEST_COMMENT to get the outstanding ones.
 */
export function latestCommentCte(r: Reading, extra = ''): string {
  return `latest_comment AS MATERIALIZED (
      SELECT institutionId, occurredAt, id FROM (
        SELECT e.institution_id AS institutionId, e.occurred_at AS occurredAt, e.event_id AS id,
          ROW_NUMBER() OVER (PARTITION BY e.institution_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS rn
        FROM event_versions e
        WHERE ${visible(r)} AND e.type = 'response' AND e.response_type IN (${COMMENT_TYPES}) AND e.institution_id IS NOT NULL ${extra}
      ) WHERE rn = 1
    )`;
}

export const AFTER_LATEST_COMMENT = '(c.id IS NULL OR e.occurred_at > c.occurredAt OR (e.occurred_at = c.occurredAt AND e.event_id > c.id))';

/**
 * For each institution with outstanding contacts in the reading (contacts after its latest
 * comment, as src/domain/silence.ts defines them): the earliest and latest dates and how many.
 * The test "silence in SQL agrees with the domain rule" holds this query to `summariseOutstanding`.
 */
export function outstandingContacts(db: Db, r: Reading, institutionId: number | null): (Outstanding & { institutionId: number })[] {
  const one = institutionId === null ? '' : 'AND e.institution_id = @institutionId';
  const sql = `
    WITH ${latestCommentCte(r, one)}
    SELECT e.institution_id AS institutionId, MIN(e.occurred_on) AS since, MAX(e.occurred_on) AS lastContact, COUNT(*) AS count
    FROM event_versions e LEFT JOIN latest_comment c ON c.institutionId = e.institution_id
    WHERE ${visible(r)} AND e.type = 'contact' AND e.institution_id IS NOT NULL ${one} AND ${AFTER_LATEST_COMMENT}
    GROUP BY e.institution_id`;
  return prepared(db, sql).all({ ...readingParams(r), institutionId }) as (Outstanding & { institutionId: number })[];
}

/** For each institution and ask: the latest event in the reading that states a stance on it. */
export function positionInputs(db: Db, r: Reading, institutionId: number | null): (PositionStatement & { institutionId: number })[] {
  const one = institutionId === null ? '' : 'AND e.institution_id = @institutionId';
  const sql = `
    SELECT id, institutionId, type, responseType, status, occurredAt, date, ask, stance FROM (
      SELECT ${HISTORY_COLUMNS}, a.slug AS ask, p.stance,
        ROW_NUMBER() OVER (PARTITION BY e.institution_id, p.ask_id ORDER BY e.occurred_at DESC, e.event_id DESC) AS rn
      FROM event_version_positions p JOIN event_versions e ON e.version_id = p.version_id JOIN asks a ON a.id = p.ask_id
      WHERE ${visible(r)} AND e.institution_id IS NOT NULL ${one}
    ) WHERE rn = 1`;
  return prepared(db, sql).all({ ...readingParams(r), institutionId }) as (PositionStatement & { institutionId: number })[];
}

export interface Activity {
  institutionId: number;
  firstActivityAt: number;
  lastActivityAt: number;
  events: number;
  contacts: number;
}

/**
 * Per institution (all, or the one given) with any event in the reading: its first and latest
 * events and how many. The covering indexes answer it without reading the table.
 */
export function activity(db: Db, r: Reading, institutionId: number | null): Activity[] {
  const one = institutionId === null ? 'IS NOT NULL' : '= @institutionId';
  const sql = `
    SELECT e.institution_id AS institutionId, MIN(e.occurred_at) AS firstActivityAt, MAX(e.occurred_at) AS lastActivityAt, COUNT(*) AS events,
      SUM(e.type = 'contact') AS contacts
    FROM event_versions e INDEXED BY ${r.latest ? 'ev_now_figures' : 'ev_figures'} WHERE ${visible(r)} AND e.institution_id ${one}
    GROUP BY e.institution_id`;
  return prepared(db, sql).all({ ...readingParams(r), institutionId }) as Activity[];
}

/** An event's columns as stored (the drizzle schema's row). */
type EventColumns = typeof events.$inferSelect;

/** An event as the timeline reads it: its own columns, its date and its institution's. */
export type EventRow = Pick<EventColumns, 'id' | 'type' | 'institutionId' | 'occurredAt' | 'channel' | 'fromName' | 'responseType' | 'answersEventId' | 'summary' | 'quote' | 'dueOn' | 'status'> & {
  /** The London date (occurred_on). */
  date: string;
  /** 1 when a time of day was given. */
  hasTime: number;
  institutionSlug: string | null;
  institutionName: string | null;
  institutionKind: InstitutionKind | null;
};

/** A version of a published event, in the reading: the event's row, and the revision that recorded this version. */
export type EventVersionRow = EventRow & {
  versionId: number;
  /** The revision that made this version, and when. */
  revision: number;
  recordedAt: number;
};

/** The columns of an event version with its institution (joined as `i`) and its revision (as `r`). */
const VERSION_COLUMNS = `e.event_id AS id, e.version_id AS versionId, e.type, e.institution_id AS institutionId, i.slug AS institutionSlug,
  i.name AS institutionName, i.kind AS institutionKind, e.occurred_at AS occurredAt, e.occurred_on AS date, e.has_time AS hasTime, e.channel,
  e.from_name AS fromName, e.response_type AS responseType, e.answers_event_id AS answersEventId, e.summary, e.quote, e.due_on AS dueOn,
  'published' AS status, e.rev_from AS revision, r.at AS recordedAt`;

/** The institution of an event version, as the directory stood at the reading's revision. */
const institutionAt = (r: Reading) => `LEFT JOIN institution_versions i ON i.institution_id = e.institution_id AND ${validAt(r, 'i')}`;

export interface TimelineFilter {
  type?: EventType | undefined;
  kind?: InstitutionKind | undefined;
  region?: string | undefined;
  /** Only events that state a stance on this ask (by slug). */
  ask?: string | undefined;
  institutionId?: number | undefined;
  /** Only events that match this search (src/db/queries/search.ts). */
  search?: Search | null | undefined;
  /** Only events at or after this instant (epoch ms). */
  from?: number | undefined;
  /** Only events before this instant (epoch ms). */
  until?: number | undefined;
}

/**
 * How many event versions a search may find for the timeline to start from them (by id) rather
 * than from its index in time order: a few are cheaper to look up and sort; many are found soon
 * enough walking newest first.
 */
export const FEW_HITS = 2000;

/** A timeline query's tables and conditions (event versions `e`, institution versions `i`, revisions `r`) and their parameters. */
function timelineQuery(db: Db, r: Reading, filter: TimelineFilter, fewHits: number): { from: string; where: string[]; params: Record<string, unknown> } {
  const where = [visible(r)];
  const params: Record<string, unknown> = {
    ...readingParams(r),
    type: filter.type ?? null,
    kind: filter.kind ?? null,
    region: filter.region ?? null,
    institutionId: filter.institutionId ?? null,
    ask: filter.ask ?? null,
    from: filter.from ?? null,
    until: filter.until ?? null,
  };
  if (filter.type) where.push('e.type = @type');
  if (filter.kind) where.push('i.kind = @kind');
  if (filter.region) where.push('i.region = @region');
  if (filter.institutionId !== undefined) where.push('e.institution_id = @institutionId');
  if (filter.ask) where.push('EXISTS (SELECT 1 FROM event_version_positions p JOIN asks a ON a.id = p.ask_id WHERE p.version_id = e.version_id AND a.slug = @ask)');
  if (filter.from !== undefined) where.push('e.occurred_at >= @from');
  if (filter.until !== undefined) where.push('e.occurred_at < @until');
  // CROSS JOIN keeps the events the outer loop, read newest first from an index, so the query
  // stops at the limit at any revision (the planner would otherwise start from the revisions).
  let from = `event_versions e ${institutionAt(r)} CROSS JOIN revisions r ON r.id = e.rev_from`;
  if (filter.search) {
    const search = searchSql(r, filter.search, params);
    where.push(...search.without);
    const bound = hitBound(db, r, filter.search, fewHits + 1);
    if (search.hits !== null && bound !== null && bound <= fewHits) {
      from = `(${search.hits}) h CROSS JOIN event_versions e ON e.version_id = h.version_id ${institutionAt(r)} CROSS JOIN revisions r ON r.id = e.rev_from`;
    } else if (search.matches !== null) {
      where.push(search.matches);
    }
  }
  return { from, where, params };
}

/**
 * A statement for a timeline query. A search's phrases shape its SQL, so those statements are
 * prepared each time rather than kept (what readers type must not fill the statement cache).
 */
const statementFor = (db: Db, filter: TimelineFilter, sql: string) => (filter.search ? db.$client.prepare(sql) : prepared(db, sql));

/**
 * Published events in the reading, newest first, after the cursor (keyset pagination: the cost
 * of a page does not grow with its depth). Returns up to `limit` rows. (`fewHits` is for the
 * tests that hold both ways of answering a search to the same answer.)
 */
export function timelineRows(db: Db, r: Reading, filter: TimelineFilter, before: Cursor | null, limit: number, fewHits = FEW_HITS): EventVersionRow[] {
  const { from, where, params } = timelineQuery(db, r, filter, fewHits);
  if (before) where.push('(e.occurred_at, e.event_id) < (@beforeAt, @beforeId)');
  const sql = `SELECT ${VERSION_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.event_id DESC LIMIT @limit`;
  return statementFor(db, filter, sql).all({ ...params, beforeAt: before?.at ?? null, beforeId: before?.id ?? null, limit }) as EventVersionRow[];
}

/** How many published events in the reading pass the filter, counting no further than `cap`. */
export function countTimelineRows(db: Db, r: Reading, filter: TimelineFilter, cap: number, fewHits = FEW_HITS): number {
  const { from, where, params } = timelineQuery(db, r, filter, fewHits);
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where.join(' AND ')} LIMIT @cap)`;
  return (statementFor(db, filter, sql).get({ ...params, cap }) as { n: number }).n;
}

/**
 * Contacts in the reading that may have become late or long overdue on a day from `fromDate`
 * to `toDate`: due before `toDate`, and not so long ago that even twice their window (with a
 * month's slack for holidays) ended before `fromDate`. The caller works out the exact days.
 */
export function contactsCrossingRows(db: Db, r: Reading, fromDate: string, toDate: string, limit: number): EventVersionRow[] {
  const sql = `SELECT ${VERSION_COLUMNS} FROM event_versions e ${institutionAt(r)} JOIN revisions r ON r.id = e.rev_from
    WHERE ${visible(r)} AND e.type = 'contact' AND e.due_on IS NOT NULL AND e.due_on < @toDate
      AND julianday(e.due_on) * 2 - julianday(e.occurred_on) >= julianday(@fromDate) - 31
    ORDER BY e.due_on, e.event_id LIMIT @limit`;
  return prepared(db, sql).all({ ...readingParams(r), fromDate, toDate, limit }) as EventVersionRow[];
}

/** One published event as the record stood at the reading's revision (whatever its moment), or null. */
export function eventVersionRow(db: Db, r: Reading, id: number): EventVersionRow | null {
  const sql = `SELECT ${VERSION_COLUMNS} FROM event_versions e ${institutionAt(r)} JOIN revisions r ON r.id = e.rev_from
    WHERE e.event_id = @id AND ${validAt(r, 'e')}`;
  return (prepared(db, sql).get({ ...readingParams(r), id }) as EventVersionRow | undefined) ?? null;
}

export interface SourceRow {
  versionId: number;
  title: string;
  url: string | null;
  publisher: string | null;
  publishedOn: string | null;
}

/**
 * For the contacts among the given event versions: the date of the first comment from their
 * institution after each (in the reading), or null while none has come. One query.
 */
export function answeredOn(db: Db, r: Reading, versionIds: number[]): Map<number, string | null> {
  const answered = new Map<number, string | null>();
  if (versionIds.length === 0) return answered;
  const rows = prepared(
    db,
    `SELECT e.version_id AS versionId,
       (SELECT a.occurred_on FROM event_versions a
        WHERE ${visible(r, 'a')} AND a.institution_id = e.institution_id AND a.type = 'response' AND a.response_type IN (${COMMENT_TYPES})
          AND (a.occurred_at, a.event_id) > (e.occurred_at, e.event_id)
        ORDER BY a.occurred_at, a.event_id LIMIT 1) AS answeredOn
     FROM event_versions e WHERE e.version_id IN (SELECT value FROM json_each(@list)) AND e.type = 'contact'`,
  ).all({ ...readingParams(r), list: JSON.stringify(versionIds) }) as { versionId: number; answeredOn: string | null }[];
  for (const row of rows) answered.set(row.versionId, row.answeredOn);
  return answered;
}

/** The positions and sources of the given event versions, in two queries. */
export function versionDetails(db: Db, versionIds: number[]): { positions: Map<number, Record<string, Stance>>; sources: Map<number, SourceRow[]> } {
  const positions = new Map<number, Record<string, Stance>>();
  const sources = new Map<number, SourceRow[]>();
  if (versionIds.length === 0) return { positions, sources };
  const list = JSON.stringify(versionIds);
  const positionRows = prepared(
    db,
    `SELECT p.version_id AS versionId, a.slug AS ask, p.stance FROM event_version_positions p JOIN asks a ON a.id = p.ask_id
     WHERE p.version_id IN (SELECT value FROM json_each(@list)) ORDER BY a.sort_order, a.id`,
  ).all({ list }) as { versionId: number; ask: string; stance: Stance }[];
  for (const p of positionRows) positions.set(p.versionId, { ...positions.get(p.versionId), [p.ask]: p.stance });
  const sourceRows = prepared(
    db,
    `SELECT version_id AS versionId, title, url, publisher, published_on AS publishedOn FROM event_version_sources
     WHERE version_id IN (SELECT value FROM json_each(@list)) ORDER BY id`,
  ).all({ list }) as SourceRow[];
  for (const s of sourceRows) sources.set(s.versionId, [...(sources.get(s.versionId) ?? []), s]);
  return { positions, sources };
}

/** An event in the working copy (deleted or not), with its first source and its stances by ask slug: what a campaigner edits. */
export interface EventRecord extends EventRow, Pick<EventColumns, 'dueOverrideReason' | 'deletedAt'> {
  source: { title: string; url: string | null; publisher: string | null; publishedOn: string | null } | null;
  stances: Record<string, Stance>;
}

export function eventRecord(db: Db, id: number): EventRecord | null {
  const row = prepared(
    db,
    `SELECT e.id, e.type, e.institution_id AS institutionId, i.slug AS institutionSlug, i.name AS institutionName, i.kind AS institutionKind,
       e.occurred_at AS occurredAt, e.occurred_on AS date, e.has_time AS hasTime, e.channel, e.from_name AS fromName,
       e.response_type AS responseType, e.answers_event_id AS answersEventId, e.summary, e.quote, e.due_on AS dueOn, e.status,
       e.due_override_reason AS dueOverrideReason, e.deleted_at AS deletedAt,
       (SELECT json_object('title', s.title, 'url', s.url, 'publisher', s.publisher, 'publishedOn', s.published_on)
          FROM event_sources s WHERE s.event_id = e.id ORDER BY s.id LIMIT 1) AS source,
       (SELECT json_group_object(a.slug, p.stance) FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = e.id) AS stances
     FROM events e LEFT JOIN institutions i ON i.id = e.institution_id WHERE e.id = @id`,
  ).get({ id }) as (Omit<EventRecord, 'source' | 'stances'> & { source: string | null; stances: string | null }) | undefined;
  if (!row) return null;
  return { ...row, source: row.source ? JSON.parse(row.source) : null, stances: row.stances ? JSON.parse(row.stances) : {} };
}

/** SQLite's data_version: it changes when another connection (another process) commits a change. */
export function dataVersion(db: Db): number {
  return (prepared(db, 'PRAGMA data_version').get() as { data_version: number }).data_version;
}

/** Rows written through each connection that no figure or public answer reads (sessions), which its change token leaves out. */
const unreadWrites = new WeakMap<Db, number>();

/** Counts rows written that no figure reads (a signed-in campaigner's session kept alive, say). */
export function countUnreadWrites(db: Db, rows: number): void {
  unreadWrites.set(db, (unreadWrites.get(db) ?? 0) + rows);
}

/**
 * A token that changes whenever the database changes, through this connection or another
 * (an import run from the command line, say): its rows (but for those counted as read by no
 * figure) or its tables. Another connection's commits (`othersMark`), then this connection's
 * own writes (`changeTokenWith`).
 */
export function changeToken(db: Db): string {
  return changeTokenWith(db, othersMark(db));
}

/**
 * The part of `changeToken` that another connection's commit, or a change of tables, moves. It
 * is read in a read transaction of its own, which costs a few system calls (SQLite's locks on the
 * `-shm` file): the costly part of the token.
 */
export function othersMark(db: Db): string {
  const { external, schema } = prepared(db, 'SELECT (SELECT data_version FROM pragma_data_version) AS external, (SELECT schema_version FROM pragma_schema_version) AS schema').get() as {
    external: number;
    schema: number;
  };
  return `${external}:${schema}`;
}

/**
 * `changeToken`, from an `othersMark` read earlier and this connection's own writes counted now
 * (read without a transaction: no system call).
 */
export function changeTokenWith(db: Db, others: string): string {
  const { own } = prepared(db, 'SELECT total_changes() AS own').get() as { own: number };
  return `${others}:${own - (unreadWrites.get(db) ?? 0)}`;
}

/** The instant of the latest published event at the reading's revision, or null. */
export function latestPublishedAt(db: Db, r: Reading): number | null {
  const row = prepared(db, `SELECT MAX(e.occurred_at) AS at FROM event_versions e WHERE ${validAt(r, 'e')}`).get(readingParams(r)) as { at: number | null };
  return row.at;
}

/** The instant of the latest published event at or before the reading's moment (null when none). */
export function latestEventAsAt(db: Db, r: Reading): number | null {
  const row = prepared(db, `SELECT MAX(e.occurred_at) AS at FROM event_versions e WHERE ${visible(r)}`).get(readingParams(r)) as { at: number | null };
  return row.at;
}

/** How many published events the reading holds, and the dates of the first and the latest. */
export function recordExtent(db: Db, r: Reading): { events: number; first: string | null; last: string | null } {
  return prepared(db, `SELECT count(*) AS events, MIN(e.occurred_on) AS first, MAX(e.occurred_on) AS last FROM event_versions e WHERE ${visible(r)}`).get(readingParams(r)) as {
    events: number;
    first: string | null;
    last: string | null;
  };
}

/** Every statement of a stance in the reading (for positions over time). */
export function allPositionStatements(db: Db, r: Reading, institutionId: number | null = null): (PositionStatement & { institutionId: number })[] {
  const one = institutionId === null ? 'IS NOT NULL' : '= @institutionId';
  return prepared(
    db,
    `SELECT ${HISTORY_COLUMNS}, a.slug AS ask, p.stance
     FROM event_version_positions p JOIN event_versions e ON e.version_id = p.version_id JOIN asks a ON a.id = p.ask_id
     WHERE ${visible(r)} AND e.institution_id ${one}`,
  ).all({ ...readingParams(r), institutionId }) as (PositionStatement & { institutionId: number })[];
}

/**
 * The events not deleted (drafts included) of one institution (null: campaign-wide), of one type,
 * on one London date, with ids up to `upToId` (those recorded before an import): those an imported
 * row could repeat. `from` and `to` bound the date's instants, so that the time index finds them.
 */
export function eventsOnDate(db: Db, institutionId: number | null, type: EventType, date: string, from: number, to: number, upToId: number): { id: number; summary: string }[] {
  return prepared(
    db,
    // Every status, named, so that the institution's index finds the date's events in time order
    // (an import asks this for each row it adds, while the events grow).
    `SELECT e.id, e.summary FROM events e INDEXED BY events_institution
     WHERE e.deleted_at IS NULL AND e.institution_id IS @institutionId AND e.status IN (${EVENT_STATUSES.map((s) => `'${s}'`).join(', ')})
       AND e.occurred_at >= @from AND e.occurred_at < @to AND e.occurred_on = @date AND e.type = @type AND e.id <= @upToId
     ORDER BY e.id`,
  ).all({ institutionId, type, date, from, to, upToId }) as { id: number; summary: string }[];
}

/**
 * For each institution (null: campaign-wide) and type of event: the first and last London dates
 * of its events not deleted (drafts included) with ids up to `upToId`.
 */
export function eventDateSpans(db: Db, upToId: number): { institutionId: number | null; type: EventType; first: string; last: string }[] {
  return prepared(
    db,
    `SELECT institution_id AS institutionId, type, min(occurred_on) AS first, max(occurred_on) AS last
     FROM events WHERE deleted_at IS NULL AND id <= @upToId GROUP BY institution_id, type`,
  ).all({ upToId }) as { institutionId: number | null; type: EventType; first: string; last: string }[];
}

/** The highest event id so far (0 when there is none). */
export function lastEventId(db: Db): number {
  return (prepared(db, 'SELECT coalesce(max(id), 0) AS id FROM events').get() as { id: number }).id;
}

/** An event's sources in the working copy, in their order. */
export function eventSourceRows(db: Db, eventId: number): { title: string; url: string | null; publisher: string | null; publishedOn: string | null }[] {
  return prepared(db, 'SELECT title, url, publisher, published_on AS publishedOn FROM event_sources WHERE event_id = @eventId ORDER BY id').all({ eventId }) as {
    title: string;
    url: string | null;
    publisher: string | null;
    publishedOn: string | null;
  }[];
}
