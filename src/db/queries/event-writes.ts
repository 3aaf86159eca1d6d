/**
 * Adding many events at once (an import): prepared statements, so that each event costs its rows
 * and nothing more. The forms write one event at a time through drizzle (records/events.ts); both
 * write the same columns (`eventColumns`), and a test holds the two to the same rows.
 */
import type { Db } from '../client.js';
import type { events } from '../schema.js';
import type { Stance } from '../../domain/vocabulary.js';
import { prepared } from './prepared.js';

/** An event's row as an import adds it: every column but the id and the deletion. */
export type NewEventRow = Required<Omit<typeof events.$inferInsert, 'id' | 'deletedAt'>>;

/** Inserts an event's row; returns its id. Positional parameters: an import binds 100,000 rows. */
export function insertEventRow(db: Db, row: NewEventRow): number {
  const result = prepared(
    db,
    `INSERT INTO events (type, institution_id, occurred_at, occurred_on, has_time, channel, from_name, response_type, answers_event_id,
       summary, quote, due_on, due_override_reason, status, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.type, row.institutionId, row.occurredAt, row.occurredOn, row.hasTime ? 1 : 0, row.channel, row.fromName, row.responseType, row.answersEventId,
    row.summary, row.quote, row.dueOn, row.dueOverrideReason, row.status, row.createdBy, row.createdAt, row.updatedAt,
  );
  return Number(result.lastInsertRowid);
}

export function insertEventPosition(db: Db, eventId: number, askId: number, stance: Stance): void {
  prepared(db, 'INSERT INTO event_positions (event_id, ask_id, stance) VALUES (?, ?, ?)').run(eventId, askId, stance);
}

export function insertEventSource(db: Db, eventId: number, s: { title: string; url: string | null; publisher: string | null; publishedOn: string | null }): void {
  prepared(db, 'INSERT INTO event_sources (event_id, title, url, publisher, published_on) VALUES (?, ?, ?, ?, ?)').run(eventId, s.title, s.url, s.publisher, s.publishedOn);
}

/**
 * The audit rows of events an import added, in one statement: one for each line in `lines`, the
 * event of the k-th line being `firstId + k` (SQLite gives a new row the id after the largest, so
 * the events one transaction adds have consecutive ids). The rows are those recordAudit writes
 * (`after` holds the line, summary, date and status); the first `revisedFrom` lines were written
 * before the import's revision was made, and name none. CROSS JOIN keeps the lines the outer loop
 * (each event found by its id); the other way round would read every line for every event.
 */
export function insertImportAuditRows(
  db: Db,
  audit: { at: number; userId: number | null; actor: string; firstId: number; lines: number[]; revisedFrom: number; revisionId: number | null },
): void {
  prepared(
    db,
    `INSERT INTO audit_log (at, user_id, actor, action, entity_type, entity_id, institution_id, before, after, revision_id)
     SELECT @at, @userId, @actor, 'event.import', 'event', e.id, e.institution_id, NULL,
       json_object('line', l.value, 'summary', e.summary, 'date', e.occurred_on, 'status', e.status),
       CASE WHEN l.key >= @revisedFrom THEN @revisionId END
     FROM json_each(@lines) l CROSS JOIN events e ON e.id = @firstId + l.key`,
  ).run({ ...audit, lines: JSON.stringify(audit.lines) });
}

/** Whether any event after `afterId`, up to `lastId`, is published (and not deleted). */
export function anyPublishedIn(db: Db, afterId: number, lastId: number): boolean {
  return prepared(db, "SELECT 1 AS found FROM events WHERE id > @afterId AND id <= @lastId AND status = 'published' AND deleted_at IS NULL LIMIT 1").get({ afterId, lastId }) !== undefined;
}

/**
 * The first public versions of the events after `afterId`, up to `lastId`, which have none yet
 * (an import has just added them), copied from the working copy under revision `rev`: their
 * columns, positions and sources; none for drafts.
 *
 * Each table is written by one statement, so that the search index's triggers run within three
 * statements rather than three per event (SQLite has FTS5 write out what it holds in memory at
 * each statement that fires them). The positions and sources are written first, naming the
 * versions by the ids they are about to get (after the last version's, in the order of the events,
 * leaving out the ids of drafts): each version is then indexed with its sources when it is
 * written, and the sources' trigger has nothing to do (0011_search_sources_first).
 */
export function insertFirstEventVersions(db: Db, afterId: number, lastId: number, rev: number): void {
  const params = { afterId, lastId, offset: lastEventVersionId(db) - afterId };
  // The new events by id (NOT INDEXED: the table itself, in order, rather than an index and a sort).
  const published = "e.id > @afterId AND e.id <= @lastId AND e.status = 'published' AND e.deleted_at IS NULL";
  prepared(
    db,
    `INSERT INTO event_version_positions (version_id, ask_id, stance)
     SELECT e.id + @offset, p.ask_id, p.stance FROM events e NOT INDEXED JOIN event_positions p ON p.event_id = e.id WHERE ${published} ORDER BY e.id, p.ask_id`,
  ).run(params);
  prepared(
    db,
    `INSERT INTO event_version_sources (version_id, title, url, publisher, published_on)
     SELECT e.id + @offset, s.title, s.url, s.publisher, s.published_on FROM events e NOT INDEXED JOIN event_sources s ON s.event_id = e.id WHERE ${published} ORDER BY e.id, s.id`,
  ).run(params);
  prepared(
    db,
    `INSERT INTO event_versions (version_id, event_id, rev_from, type, institution_id, occurred_at, occurred_on, has_time, channel, from_name,
       response_type, answers_event_id, summary, quote, due_on)
     SELECT e.id + @offset, e.id, @rev, e.type, e.institution_id, e.occurred_at, e.occurred_on, e.has_time, e.channel, e.from_name,
       e.response_type, e.answers_event_id, e.summary, e.quote, e.due_on
     FROM events e NOT INDEXED WHERE ${published} ORDER BY e.id`,
  ).run({ ...params, rev });
}

/** The last public version's id (the table's rowid): no fewer versions than that are on record. */
export function lastEventVersionId(db: Db): number {
  return (prepared(db, 'SELECT coalesce(max(version_id), 0) AS last FROM event_versions').get() as { last: number }).last;
}

/** An index of `event_versions` set aside during an import: its name, the statement that makes it, and the planner's statistics of it (if analysed). */
export interface SetAsideIndex {
  name: string;
  sql: string;
  stat: string | null;
}

/**
 * Drops every index of `event_versions`, inside the import's transaction, and returns what makes
 * each again (`restoreEventVersionIndexes`, before the transaction ends). A large import into a
 * table that held few versions writes them about twice as fast without their nine indexes, and
 * then makes each index once by sorting (100,000 versions: 1.4 s and 0.5 s, against 2.6 s).
 * Other connections see the indexes throughout (they read the last commit), and a rollback
 * brings them back with everything else.
 */
export function setAsideEventVersionIndexes(db: Db): SetAsideIndex[] {
  const client = db.$client;
  const analysed = client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").get() !== undefined;
  const stats = new Map(analysed ? (client.prepare("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'event_versions'").all() as { idx: string; stat: string }[]).map((s) => [s.idx, s.stat]) : []);
  const indexes = client.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_versions' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[];
  for (const index of indexes) client.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
  return indexes.map((index) => ({ ...index, stat: stats.get(index.name) ?? null }));
}

/** Makes again the indexes `setAsideEventVersionIndexes` dropped, with the planner's statistics they had. */
export function restoreEventVersionIndexes(db: Db, indexes: SetAsideIndex[]): void {
  const client = db.$client;
  for (const index of indexes) {
    client.exec(index.sql);
    if (index.stat !== null) client.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('event_versions', ?, ?)").run(index.name, index.stat);
  }
}
