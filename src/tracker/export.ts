/**
 * Spreadsheets out: events and institutions in the import columns (DOMAIN.md), so that an
 * export imports again unchanged.
 */
import { csvRows } from '../render/csv.js';
import type { Db } from '../db/client.js';
import { askRows } from '../db/queries/campaign.js';
import { prepared } from '../db/queries/events.js';
import { institutionRows } from '../db/queries/institutions.js';
import { londonTimeOf } from '../domain/calendar.js';
import { EVENT_COLUMNS, INSTITUTION_COLUMNS } from '../records/csv-import.js';

interface ExportRow {
  id: number;
  institution: string | null;
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
  positions: string | null;
}

/**
 * Every event that is not deleted (published only, or drafts too), oldest first, with its first
 * source and its positions. One query.
 */
export function eventsCsv(db: Db, options: { includeDrafts: boolean; asOf?: number }): string {
  const asks = askRows(db).map((a) => a.slug);
  const rows = prepared(
    db,
    `SELECT e.id, i.slug AS institution, e.occurred_on AS date, e.occurred_at AS occurredAt, e.has_time AS hasTime, e.type,
       e.channel, e.response_type AS responseType, e.from_name AS fromName, e.summary, e.quote, e.status,
       s.title AS sourceTitle, s.url AS sourceUrl, s.publisher AS sourcePublisher, s.published_on AS sourceDate,
       (SELECT json_group_object(a.slug, p.stance) FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = e.id) AS positions
     FROM events e
     LEFT JOIN institutions i ON i.id = e.institution_id
     LEFT JOIN event_sources s ON s.id = (SELECT min(id) FROM event_sources WHERE event_id = e.id)
     WHERE e.deleted_at IS NULL AND (@drafts = 1 OR e.status = 'published') AND e.occurred_at <= @asOf
     ORDER BY e.occurred_at, e.id`,
  ).all({ drafts: options.includeDrafts ? 1 : 0, asOf: options.asOf ?? Number.MAX_SAFE_INTEGER }) as ExportRow[];
  const records = rows.map((r) => {
    const positions = r.positions ? (JSON.parse(r.positions) as Record<string, string>) : {};
    return [
      r.institution ?? '', r.date, r.hasTime ? londonTimeOf(r.occurredAt) : '', r.type, r.channel ?? '', r.responseType ?? '',
      r.fromName ?? '', r.summary, r.quote ?? '', r.sourceTitle ?? '', r.sourceUrl ?? '', r.sourcePublisher ?? '', r.sourceDate ?? '',
      r.status, ...asks.map((a) => positions[a] ?? ''),
    ];
  });
  return csvRows([[...EVENT_COLUMNS, ...asks], ...records]);
}

export function institutionsCsv(db: Db): string {
  const records = institutionRows(db).map((i) => [i.name, i.kind, i.code ?? '', i.region ?? '', i.country ?? '', i.aliases.join('; '), i.website ?? '']);
  return csvRows([[...INSTITUTION_COLUMNS], ...records]);
}
