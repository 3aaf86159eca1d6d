/**
 * Whole-record downloads, a page at a time: events in the import columns (DOMAIN.md, so an
 * export imports again unchanged), the published timeline as the API gives it, and the
 * institutions. Long downloads read a snapshot (`withSnapshot`) so that every page comes from
 * the same state of the record, however long the reader takes.
 */
import { openSnapshot } from '../db/client.js';
import { askRows } from '../db/queries/campaign.js';
import { exportRows } from '../db/queries/export.js';
import type { Cursor } from '../domain/cursor.js';
import { institutionRows } from '../db/queries/institutions.js';
import { londonTimeOf } from '../domain/calendar.js';
import { EVENT_COLUMNS, INSTITUTION_COLUMNS } from '../domain/spreadsheets.js';
import { timeline, type EventView, type Tracker } from './tracker.js';

/** Rows per page of a download: small enough that a page never holds up other requests for long. */
export const EXPORT_PAGE = 250;

export type Cell = string | number | null;

/** The header of the events spreadsheet: the import columns, then one per ask. */
export function eventColumns(t: Tracker): string[] {
  return [...EVENT_COLUMNS, ...askRows(t.db).map((a) => a.slug)];
}

/**
 * Every event that is not deleted (published only, or drafts too) as at T, oldest first, in the
 * import columns, a page at a time.
 */
export function* eventRecordPages(t: Tracker, options: { includeDrafts: boolean; asOf?: number }): Generator<Cell[][]> {
  const asks = askRows(t.db).map((a) => a.slug);
  let after: Cursor | null = null;
  for (;;) {
    const rows = exportRows(t.db, { includeDrafts: options.includeDrafts, asOf: options.asOf ?? Number.MAX_SAFE_INTEGER }, after, EXPORT_PAGE);
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const positions = r.positions ? (JSON.parse(r.positions) as Record<string, string>) : {};
      return [
        r.institution, r.date, r.hasTime ? londonTimeOf(r.occurredAt) : null, r.type, r.channel, r.responseType,
        r.fromName, r.summary, r.quote, r.sourceTitle, r.sourceUrl, r.sourcePublisher, r.sourceDate,
        r.status, ...asks.map((a) => positions[a] ?? null),
      ];
    });
    const last = rows[rows.length - 1]!;
    after = { at: last.occurredAt, id: last.id };
  }
}

/** Every published event as at T, newest first, as the API gives them, a page at a time. */
export function* timelinePages(t: Tracker, asOf: number): Generator<EventView[]> {
  let before = null;
  for (;;) {
    const page = timeline(t, asOf, {}, before, EXPORT_PAGE);
    if (page.events.length > 0) yield page.events;
    if (!page.next) return;
    before = page.next;
  }
}

export const institutionColumns = (): string[] => [...INSTITUTION_COLUMNS];

/** Every institution in the import columns. */
export function institutionRecords(t: Tracker): Cell[][] {
  return institutionRows(t.db).map((i) => [i.name, i.kind, i.code, i.region, i.country, i.aliases.join('; '), i.website]);
}

/**
 * Runs a download's pages against a snapshot of the record: a second, read-only connection that
 * keeps seeing the record as it stood when the download began. The snapshot closes when the
 * pages are done or abandoned. A database in memory has no second connection; it is read directly.
 */
export function* withSnapshot<T>(t: Tracker, pages: (snapshot: Tracker) => Generator<T>): Generator<T> {
  if (t.databasePath === ':memory:') {
    yield* pages(t);
    return;
  }
  const db = openSnapshot(t.databasePath);
  try {
    yield* pages({ ...t, db });
  } finally {
    db.$client.close();
  }
}
