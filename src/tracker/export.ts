/**
 * Whole-record downloads, a page at a time: events in the import columns (DOMAIN.md, so an
 * export imports again unchanged), the published timeline as the API gives it, and the
 * institutions. The workspace's downloads add the columns of the round trip (each event's id and
 * its institution's name, an empty correction note; each institution's slug), so that an edited
 * download uploaded again updates what it holds instead of adding it twice. Long downloads read a snapshot (`withSnapshot`) so that every page comes from
 * the same state of the record, however long the reader takes.
 */
import { openSnapshot } from '../db/client.js';
import { askRows } from '../db/queries/campaign.js';
import { publicExportRows, workingExportRows, type ExportRow } from '../db/queries/export.js';
import { publicAsks } from '../db/queries/directory.js';
import type { Cursor } from '../domain/cursor.js';
import { institutionRows } from '../db/queries/institutions.js';
import { answeredOn } from '../db/queries/events.js';
import { londonDateOf, londonTimeOf } from '../domain/calendar.js';
import { overdueAsAt, overdueThresholds } from '../domain/reply-due.js';
import { EVENT_COLUMNS, EVENT_FIGURE_COLUMNS, workspaceEventColumns, workspaceInstitutionColumns } from '../domain/spreadsheets.js';
import { reading, timeline, type At, type EventView, type Tracker } from './tracker.js';

/** Rows per page of a download: small enough that a page never holds up other requests for long. */
export const EXPORT_PAGE = 250;

export type Cell = string | number | null;

/**
 * Which events a download holds: the public record as at a moment and a revision, or (for the
 * campaigners' own export) the working copy, drafts included.
 */
export type ExportSource = { at: At } | { working: true };

/**
 * The header of the events spreadsheet: the import columns, then one per ask; the workspace's
 * adds the id and the institution's name before, and the correction note after.
 */
export function eventColumns(t: Tracker, source: ExportSource): string[] {
  if (!('at' in source)) return workspaceEventColumns(askRows(t.db).map((a) => a.slug));
  return [...EVENT_COLUMNS, ...publicAsks(t.db, reading(t, source.at)).map((a) => a.slug), ...EVENT_FIGURE_COLUMNS];
}

/** The events of the source, oldest first, in the columns `eventColumns` names, a page at a time. */
export function* eventRecordPages(t: Tracker, source: ExportSource): Generator<Cell[][]> {
  const r = 'at' in source ? reading(t, source.at) : null;
  const asks = (r ? publicAsks(t.db, r) : askRows(t.db)).map((a) => a.slug);
  let after: Cursor | null = null;
  for (;;) {
    const rows: ExportRow[] = r ? publicExportRows(t.db, r, after, EXPORT_PAGE) : workingExportRows(t.db, after, EXPORT_PAGE);
    if (rows.length === 0) return;
    // The public record's contacts carry the days they became late and long overdue, as at its moment.
    const answered = r ? answeredOn(t.db, r, rows.map((row) => row.versionId!)) : null;
    const today = r ? londonDateOf(r.asOf) : '';
    const tiers = (row: ExportRow): Cell[] => {
      if (row.type !== 'contact') return [null, null];
      const crossed = overdueAsAt(overdueThresholds(row.date, row.dueOn ?? null, t.calendar), answered?.get(row.versionId!) ?? null, today);
      return [crossed.lateOn, crossed.longOverdueOn];
    };
    yield rows.map((row) => {
      const positions = row.positions ? (JSON.parse(row.positions) as Record<string, string>) : {};
      const rest = [
        row.date, row.hasTime ? londonTimeOf(row.occurredAt) : null, row.type, row.channel, row.responseType,
        row.fromName, row.summary, row.quote, row.sourceTitle, row.sourceUrl, row.sourcePublisher, row.sourceDate,
        row.status, ...asks.map((a) => positions[a] ?? null),
      ];
      return r ? [row.institution, ...rest, ...tiers(row)] : [row.id, row.institution, row.institutionName, ...rest, null];
    });
    const last = rows[rows.length - 1]!;
    after = { at: last.occurredAt, id: last.id };
  }
}

/** Every published event in the reading, newest first, as the API gives them, a page at a time. */
export function* timelinePages(t: Tracker, at: At): Generator<EventView[]> {
  let before = null;
  for (;;) {
    const page = timeline(t, at, {}, before, EXPORT_PAGE);
    if (page.events.length > 0) yield page.events;
    if (!page.next) return;
    before = page.next;
  }
}

export const institutionColumns = workspaceInstitutionColumns;

/** Every institution in the import columns, after its slug. */
export function institutionRecords(t: Tracker): Cell[][] {
  return institutionRows(t.db).map((i) => [i.slug, i.name, i.kind, i.code, i.region, i.country, i.aliases.join('; '), i.website, i.email, i.email ? String(i.emailPublic) : null]);
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
