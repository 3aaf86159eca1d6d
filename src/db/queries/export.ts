/** The events in the import columns, for spreadsheets and open data, a page at a time. */
import type { Cursor } from '../../domain/cursor.js';
import type { Db } from '../client.js';
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
}

/**
 * Events that are not deleted (published only, or drafts too) with occurred_at ≤ @asOf, oldest
 * first, after the cursor, each with its first source and its positions: one page, read in
 * index order (events_timeline for published events, events_in_time with drafts), so a page
 * costs the same wherever it is in the record.
 */
export function exportRows(db: Db, options: { includeDrafts: boolean; asOf: number }, after: Cursor | null, limit: number): ExportRow[] {
  const which = options.includeDrafts ? 'e.deleted_at IS NULL' : "e.status = 'published' AND e.deleted_at IS NULL";
  const from = after === null ? '' : 'AND (e.occurred_at, e.id) > (@afterAt, @afterId)';
  return prepared(
    db,
    `SELECT e.id, i.slug AS institution, i.name AS institutionName, e.occurred_on AS date, e.occurred_at AS occurredAt, e.has_time AS hasTime, e.type,
       e.channel, e.response_type AS responseType, e.from_name AS fromName, e.summary, e.quote, e.status,
       s.title AS sourceTitle, s.url AS sourceUrl, s.publisher AS sourcePublisher, s.published_on AS sourceDate,
       (SELECT json_group_object(a.slug, p.stance) FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = e.id) AS positions
     FROM events e INDEXED BY ${options.includeDrafts ? 'events_in_time' : 'events_timeline'}
     LEFT JOIN institutions i ON i.id = e.institution_id
     LEFT JOIN event_sources s ON s.id = (SELECT min(id) FROM event_sources WHERE event_id = e.id)
     WHERE ${which} AND e.occurred_at <= @asOf ${from}
     ORDER BY e.occurred_at, e.id
     LIMIT @limit`,
  ).all({ asOf: options.asOf, afterAt: after?.at ?? null, afterId: after?.id ?? null, limit }) as ExportRow[];
}
