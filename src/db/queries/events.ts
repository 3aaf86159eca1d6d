/**
 * Reading events. The figure queries return only the rows a figure can depend on (an
 * institution's latest comment and the contacts after it; its latest statement per ask);
 * the rules themselves live in src/domain.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../client.js';
import type { events } from '../schema.js';
import type { PositionStatement } from '../../domain/positions.js';
import { COMMENT_RESPONSE_TYPES, type Outstanding } from '../../domain/silence.js';
import type { Cursor } from '../../domain/cursor.js';
import type { EventStatus, EventType, InstitutionKind, ResponseType, Stance } from '../../domain/vocabulary.js';

export const VISIBLE = `e.status = 'published' AND e.deleted_at IS NULL AND e.occurred_at <= @asOf`;
const COMMENT_TYPES = COMMENT_RESPONSE_TYPES.map((t) => `'${t}'`).join(', ');

const cache = new WeakMap<Db, Map<string, Statement>>();
export function prepared(db: Db, sql: string): Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.$client.prepare(sql)));
  return statement;
}

interface RawHistory {
  id: number;
  institutionId: number;
  type: EventType;
  responseType: ResponseType | null;
  status: EventStatus;
  occurredAt: number;
  date: string;
}

const HISTORY_COLUMNS = `e.id, e.institution_id AS institutionId, e.type, e.response_type AS responseType, e.status,
  e.occurred_at AS occurredAt, e.occurred_on AS date`;

/**
 * `latest_comment`: each institution's latest comment as at @asOf (by occurred_at, then id).
 * Join it as `c` and keep the contacts that pass AFTER_LATEST_COMMENT to get the outstanding ones.
 */
export function latestCommentCte(extra = ''): string {
  return `latest_comment AS MATERIALIZED (
      SELECT institutionId, occurredAt, id FROM (
        SELECT e.institution_id AS institutionId, e.occurred_at AS occurredAt, e.id,
          ROW_NUMBER() OVER (PARTITION BY e.institution_id ORDER BY e.occurred_at DESC, e.id DESC) AS rn
        FROM events e
        WHERE ${VISIBLE} AND e.type = 'response' AND e.response_type IN (${COMMENT_TYPES}) AND e.institution_id IS NOT NULL ${extra}
      ) WHERE rn = 1
    )`;
}

export const AFTER_LATEST_COMMENT = '(c.id IS NULL OR e.occurred_at > c.occurredAt OR (e.occurred_at = c.occurredAt AND e.id > c.id))';

/**
 * For each institution with outstanding contacts as at T (contacts after its latest comment,
 * as src/domain/silence.ts defines them): the earliest and latest dates and how many. The test
 * "silence in SQL agrees with the domain rule" holds this query to `summariseOutstanding`.
 */
export function outstandingContacts(db: Db, asOf: number, institutionId: number | null): (Outstanding & { institutionId: number })[] {
  const one = institutionId === null ? '' : 'AND e.institution_id = @institutionId';
  const sql = `
    WITH ${latestCommentCte(one)}
    SELECT e.institution_id AS institutionId, MIN(e.occurred_on) AS since, MAX(e.occurred_on) AS lastContact, COUNT(*) AS count
    FROM events e LEFT JOIN latest_comment c ON c.institutionId = e.institution_id
    WHERE ${VISIBLE} AND e.type = 'contact' AND e.institution_id IS NOT NULL ${one} AND ${AFTER_LATEST_COMMENT}
    GROUP BY e.institution_id`;
  return prepared(db, sql).all({ asOf, institutionId }) as (Outstanding & { institutionId: number })[];
}

/** For each institution and ask: the latest event as at T that states a stance on it. */
export function positionInputs(db: Db, asOf: number, institutionId: number | null): (PositionStatement & { institutionId: number })[] {
  const one = institutionId === null ? '' : 'AND e.institution_id = @institutionId';
  const sql = `
    SELECT id, institutionId, type, responseType, status, occurredAt, date, ask, stance FROM (
      SELECT ${HISTORY_COLUMNS}, a.slug AS ask, p.stance,
        ROW_NUMBER() OVER (PARTITION BY e.institution_id, p.ask_id ORDER BY e.occurred_at DESC, e.id DESC) AS rn
      FROM event_positions p JOIN events e ON e.id = p.event_id JOIN asks a ON a.id = p.ask_id
      WHERE ${VISIBLE} AND e.institution_id IS NOT NULL ${one}
    ) WHERE rn = 1`;
  return prepared(db, sql).all({ asOf, institutionId }) as (RawHistory & { ask: string; stance: Stance })[];
}

export interface Activity {
  institutionId: number;
  firstActivityAt: number;
  lastActivityAt: number;
  events: number;
  contacts: number;
}

/**
 * Per institution with any published event as at T: its latest event and how many. The covering
 * partial index answers it without reading the table (the planner prefers a narrower index).
 */
export function activity(db: Db, asOf: number): Activity[] {
  const sql = `
    SELECT e.institution_id AS institutionId, MIN(e.occurred_at) AS firstActivityAt, MAX(e.occurred_at) AS lastActivityAt, COUNT(*) AS events,
      SUM(e.type = 'contact') AS contacts
    FROM events e INDEXED BY events_figures WHERE ${VISIBLE} AND e.institution_id IS NOT NULL
    GROUP BY e.institution_id`;
  return prepared(db, sql).all({ asOf }) as Activity[];
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

const EVENT_COLUMNS = `e.id, e.type, e.institution_id AS institutionId, i.slug AS institutionSlug, i.name AS institutionName,
  i.kind AS institutionKind, e.occurred_at AS occurredAt, e.occurred_on AS date, e.has_time AS hasTime, e.channel,
  e.from_name AS fromName, e.response_type AS responseType, e.answers_event_id AS answersEventId, e.summary, e.quote,
  e.due_on AS dueOn, e.status`;

export interface TimelineFilter {
  type?: EventType | undefined;
  kind?: InstitutionKind | undefined;
  region?: string | undefined;
  /** Only events that state a stance on this ask (by slug). */
  ask?: string | undefined;
  institutionId?: number | undefined;
}

/**
 * Published events as at T, newest first, after the cursor (keyset pagination: the cost of a
 * page does not grow with its depth). Returns up to `limit` rows.
 */
export function timelineRows(db: Db, asOf: number, filter: TimelineFilter, before: Cursor | null, limit: number): EventRow[] {
  const where = [VISIBLE];
  if (filter.type) where.push('e.type = @type');
  if (filter.kind) where.push('i.kind = @kind');
  if (filter.region) where.push('i.region = @region');
  if (filter.institutionId !== undefined) where.push('e.institution_id = @institutionId');
  if (filter.ask) where.push('EXISTS (SELECT 1 FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = e.id AND a.slug = @ask)');
  if (before) where.push('(e.occurred_at, e.id) < (@beforeAt, @beforeId)');
  const sql = `SELECT ${EVENT_COLUMNS} FROM events e LEFT JOIN institutions i ON i.id = e.institution_id
    WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.id DESC LIMIT @limit`;
  return prepared(db, sql).all({
    asOf,
    type: filter.type ?? null,
    kind: filter.kind ?? null,
    region: filter.region ?? null,
    institutionId: filter.institutionId ?? null,
    ask: filter.ask ?? null,
    beforeAt: before?.at ?? null,
    beforeId: before?.id ?? null,
    limit,
  }) as EventRow[];
}

/** One event, whatever its status (callers decide what may be shown). */
export function eventRow(db: Db, id: number): EventRow | null {
  const sql = `SELECT ${EVENT_COLUMNS}, e.deleted_at AS deletedAt FROM events e LEFT JOIN institutions i ON i.id = e.institution_id WHERE e.id = @id`;
  const row = prepared(db, sql).get({ id }) as (EventRow & { deletedAt: number | null }) | undefined;
  return row && row.deletedAt === null ? row : null;
}

export interface SourceRow {
  eventId: number;
  title: string;
  url: string | null;
  publisher: string | null;
  publishedOn: string | null;
}

/** The positions and sources of the given events, in two queries. */
export function eventDetails(db: Db, ids: number[]): { positions: Map<number, Record<string, Stance>>; sources: Map<number, SourceRow[]> } {
  const positions = new Map<number, Record<string, Stance>>();
  const sources = new Map<number, SourceRow[]>();
  if (ids.length === 0) return { positions, sources };
  const list = JSON.stringify(ids);
  const positionRows = prepared(
    db,
    `SELECT p.event_id AS eventId, a.slug AS ask, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id
     WHERE p.event_id IN (SELECT value FROM json_each(@list)) ORDER BY a.sort_order, a.id`,
  ).all({ list }) as { eventId: number; ask: string; stance: Stance }[];
  for (const p of positionRows) positions.set(p.eventId, { ...positions.get(p.eventId), [p.ask]: p.stance });
  const sourceRows = prepared(
    db,
    `SELECT event_id AS eventId, title, url, publisher, published_on AS publishedOn FROM event_sources
     WHERE event_id IN (SELECT value FROM json_each(@list)) ORDER BY id`,
  ).all({ list }) as SourceRow[];
  for (const s of sourceRows) sources.set(s.eventId, [...(sources.get(s.eventId) ?? []), s]);
  return { positions, sources };
}

/** An event as stored (deleted or not), with its first source and its stances by ask slug: what a campaigner edits. */
export interface EventRecord extends EventRow, Pick<EventColumns, 'dueOverrideReason' | 'deletedAt'> {
  source: SourceRow | null;
  stances: Record<string, Stance>;
}

export function eventRecord(db: Db, id: number): EventRecord | null {
  const row = prepared(
    db,
    `SELECT ${EVENT_COLUMNS}, e.due_override_reason AS dueOverrideReason, e.deleted_at AS deletedAt
     FROM events e LEFT JOIN institutions i ON i.id = e.institution_id WHERE e.id = @id`,
  ).get({ id }) as Omit<EventRecord, 'source' | 'stances'> | undefined;
  if (!row) return null;
  const { positions, sources } = eventDetails(db, [id]);
  return { ...row, source: sources.get(id)?.[0] ?? null, stances: positions.get(id) ?? {} };
}

/**
 * A token that changes whenever the database changes, through this connection or another
 * (an import run from the command line, say).
 */
export function changeToken(db: Db): string {
  const external = db.$client.pragma('data_version', { simple: true }) as number;
  const own = (prepared(db, 'SELECT total_changes() AS n').get() as { n: number }).n;
  return `${external}:${own}`;
}

/** The instant of the latest published event, or null. */
export function latestPublishedAt(db: Db): number | null {
  const row = prepared(db, `SELECT MAX(occurred_at) AS at FROM events WHERE status = 'published'`).get() as { at: number | null };
  return row.at;
}

/** Every published statement of a stance as at T (for positions over time). */
export function allPositionStatements(db: Db, asOf: number): (PositionStatement & { institutionId: number })[] {
  return prepared(
    db,
    `SELECT ${HISTORY_COLUMNS}, a.slug AS ask, p.stance
     FROM event_positions p JOIN events e ON e.id = p.event_id JOIN asks a ON a.id = p.ask_id
     WHERE ${VISIBLE} AND e.institution_id IS NOT NULL`,
  ).all({ asOf }) as (PositionStatement & { institutionId: number })[];
}
