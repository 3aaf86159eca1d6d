/** The events in the import columns, for spreadsheets and open data, a page at a time. */
import type { Cursor } from '../../domain/cursor.js';
import type { Db } from '../client.js';
import { readingParams, validAt, visible, type Reading } from './reading.js';
import { prepared } from './events.js';

export interface ExportRow {
  id: number;
  institution: string | null;
  institutionName: string | null;
  date: string;
  occurredAt: number;
  hasTime: number;
  type: string;
  channel: string | null;
  responseType: string | null;
  fromName: string | null;
  summary: string;
  quote: string | null;
  status: string;
  sourceTitle: string | null;
  sourceUrl: string | null;
  sourcePublisher: string | null;
  sourceDate: string | null;
  /** JSON: ask slug → stance. */
  positions: string | null;
  /** The public record's rows only: the version, and a contact's reply due date. */
  versionId?: number;
  dueOn?: string | null;
}

const EXPORT_COLUMNS = (e: string, positions: string) => `${e}.occurred_on AS date, ${e}.occurred_at AS occurredAt, ${e}.has_time AS hasTime, ${e}.type,
  ${e}.channel, ${e}.response_type AS responseType, ${e}.from_name AS fromName, ${e}.summary, ${e}.quote,
  s.title AS sourceTitle, s.url AS sourceUrl, s.publisher AS sourcePublisher, s.published_on AS sourceDate, ${positions} AS positions`;

/**
 * The public record's events in the reading (published, as the record stood at its revision),
 * oldest first, after the cursor, each with its first source and its positions: one page, read
 * in index order, so a page costs the same wherever it is in the record.
 */
export function publicExportRows(db: Db, r: Reading, after: Cursor | null, limit: number): ExportRow[] {
  const from = after === null ? '' : 'AND (e.occurred_at, e.event_id) > (@afterAt, @afterId)';
  return prepared(
    db,
    `SELECT e.event_id AS id, e.version_id AS versionId, e.due_on AS dueOn, i.slug AS institution, i.name AS institutionName, 'published' AS status,
       ${EXPORT_COLUMNS('e', '(SELECT json_group_object(a.slug, p.stance) FROM event_version_positions p JOIN asks a ON a.id = p.ask_id WHERE p.version_id = e.version_id)')}
     FROM event_versions e INDEXED BY ${r.latest ? 'ev_now_timeline' : 'ev_timeline'}
     LEFT JOIN institution_versions i ON i.institution_id = e.institution_id AND ${validAt(r, 'i')}
     LEFT JOIN event_version_sources s ON s.id = (SELECT min(id) FROM event_version_sources WHERE version_id = e.version_id)
     WHERE ${visible(r)} ${from}
     ORDER BY e.occurred_at, e.event_id
     LIMIT @limit`,
  ).all({ ...readingParams(r), afterAt: after?.at ?? null, afterId: after?.id ?? null, limit }) as ExportRow[];
}

/**
 * The campaigners' working copy: every event not deleted, drafts included, oldest first, after
 * the cursor, each with its first source and its positions; one page.
 */
export function workingExportRows(db: Db, after: Cursor | null, limit: number): ExportRow[] {
  const from = after === null ? '' : 'AND (e.occurred_at, e.id) > (@afterAt, @afterId)';
  return prepared(
    db,
    `SELECT e.id, i.slug AS institution, i.name AS institutionName, e.status,
       ${EXPORT_COLUMNS('e', '(SELECT json_group_object(a.slug, p.stance) FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = e.id)')}
     FROM events e INDEXED BY events_in_time
     LEFT JOIN institutions i ON i.id = e.institution_id
     LEFT JOIN event_sources s ON s.id = (SELECT min(id) FROM event_sources WHERE event_id = e.id)
     WHERE e.deleted_at IS NULL ${from}
     ORDER BY e.occurred_at, e.id
     LIMIT @limit`,
  ).all({ afterAt: after?.at ?? null, afterId: after?.id ?? null, limit }) as ExportRow[];
}
