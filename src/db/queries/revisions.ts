/** Revisions of the public record, and what changed from one to another. */
import type { Db } from '../client.js';
import type { EventType } from '../../domain/vocabulary.js';
import { prepared } from './prepared.js';

export interface RevisionRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  note: string | null;
  eventId: number | null;
}

/**
 * What the revisions after `after` up to `upTo` changed that the figures read: the institutions
 * whose published events were added, changed, moved, deleted or restored (on either side of a
 * move), and whether any of the campaign's asks changed.
 */
export function touchedBetween(db: Db, after: number, upTo: number): { institutionIds: number[]; asks: boolean } {
  const params = { after, upTo };
  const rows = prepared(
    db,
    `SELECT institution_id AS id FROM event_versions WHERE rev_from > @after AND rev_from <= @upTo AND institution_id IS NOT NULL
     UNION SELECT institution_id FROM event_versions WHERE rev_to > @after AND rev_to <= @upTo AND institution_id IS NOT NULL`,
  ).all(params) as { id: number }[];
  const asks = prepared(
    db,
    `SELECT EXISTS (SELECT 1 FROM ask_versions WHERE (rev_from > @after AND rev_from <= @upTo) OR (rev_to > @after AND rev_to <= @upTo)) AS changed`,
  ).get(params) as { changed: number };
  return { institutionIds: rows.map((r) => r.id), asks: asks.changed === 1 };
}

export function revisionRow(db: Db, id: number): RevisionRow | null {
  return (prepared(db, 'SELECT id, at, actor, action, note, event_id AS eventId FROM revisions WHERE id = @id').get({ id }) as RevisionRow | undefined) ?? null;
}

/** A version of an event, as a change shows it before or after. */
export interface VersionState {
  versionId: number;
  type: EventType;
  institutionId: number | null;
  occurredAt: number;
  date: string;
  hasTime: number;
  channel: string | null;
  fromName: string | null;
  responseType: string | null;
  summary: string;
  quote: string | null;
  dueOn: string | null;
}

/**
 * One change to one published event at one revision: `before` null for an event that became
 * public (published, logged, or restored), `after` null for one that stopped being public
 * (deleted). `restored` when an earlier version existed before a gap.
 */
export interface EventChangeRow {
  revision: number;
  eventId: number;
  before: VersionState | null;
  after: VersionState | null;
  restored: boolean;
}

const STATE = (alias: string) =>
  `json_object('versionId', ${alias}.version_id, 'type', ${alias}.type, 'institutionId', ${alias}.institution_id, 'occurredAt', ${alias}.occurred_at,
    'date', ${alias}.occurred_on, 'hasTime', ${alias}.has_time, 'channel', ${alias}.channel, 'fromName', ${alias}.from_name,
    'responseType', ${alias}.response_type, 'summary', ${alias}.summary, 'quote', ${alias}.quote, 'dueOn', ${alias}.due_on)`;

export interface ChangeFilter {
  /** Changes after this revision… */
  after: number;
  /** …up to and including this one. */
  upTo: number;
  /** Only events (before or after the change) at or before this moment. */
  asOf?: number | undefined;
  /** Only events (before or after) about this institution. */
  institutionId?: number | undefined;
  /** Only this event. */
  eventId?: number | undefined;
  /**
   * Additions count only when recorded this long after the event's date (late entries), and
   * never those of the first load of the record; null: every addition counts.
   */
  lateAfterMs: number | null;
  limit: number;
}

/**
 * The changes to published events in the span, newest revision first: corrections and deletions
 * (a version closed), restorations, and additions (late ones only, when asked).
 */
export function eventChanges(db: Db, f: ChangeFilter): EventChangeRow[] {
  const scope = (alias: string) =>
    [
      f.asOf === undefined ? null : `${alias}.occurred_at <= @asOf`,
      f.institutionId === undefined ? null : `${alias}.institution_id = @institutionId`,
      f.eventId === undefined ? null : `${alias}.event_id = @eventId`,
    ]
      .filter(Boolean)
      .join(' AND ') || '1';
  // The keys of the changes first, merged newest first from two index scans that stop at the
  // limit; only then each change's before and after (so an old revision costs its page, not the
  // whole history since).
  const sql = `
    SELECT k.revision, k.eventId,
      CASE WHEN k.beforeId IS NULL THEN NULL ELSE ${STATE('b')} END AS before,
      CASE WHEN k.afterId IS NULL THEN NULL ELSE ${STATE('a')} END AS after,
      CASE WHEN k.beforeId IS NULL THEN EXISTS (SELECT 1 FROM event_versions x WHERE x.event_id = k.eventId AND x.rev_to < k.revision) ELSE 0 END AS restored
    FROM (
      -- A version closed in the span: corrected (replaced at once) or deleted.
      SELECT old.rev_to AS revision, old.event_id AS eventId, old.version_id AS beforeId, new.version_id AS afterId
      FROM event_versions old INDEXED BY ev_closed
      LEFT JOIN event_versions new ON new.event_id = old.event_id AND new.rev_from = old.rev_to
      WHERE old.rev_to > @after AND old.rev_to <= @upTo AND (${scope('old')} OR (new.version_id IS NOT NULL AND ${scope('new')}))
      UNION ALL
      -- A version begun in the span with none just before it: an addition, or a restoration.
      SELECT new.rev_from, new.event_id, NULL, new.version_id
      FROM event_versions new INDEXED BY ev_opened CROSS JOIN revisions r ON r.id = new.rev_from
      WHERE new.rev_from > @after AND new.rev_from <= @upTo AND ${scope('new')}
        AND NOT EXISTS (SELECT 1 FROM event_versions prev WHERE prev.event_id = new.event_id AND prev.rev_to = new.rev_from)
        AND (@late IS NULL
          OR EXISTS (SELECT 1 FROM event_versions x WHERE x.event_id = new.event_id AND x.rev_to < new.rev_from)
          OR (r.action NOT IN ('record.load', 'record.revisions_begin') AND r.at - new.occurred_at > @late))
      ORDER BY revision DESC, eventId DESC
      LIMIT @limit
    ) k
    LEFT JOIN event_versions b ON b.version_id = k.beforeId
    LEFT JOIN event_versions a ON a.version_id = k.afterId
    ORDER BY k.revision DESC, k.eventId DESC`;
  const rows = prepared(db, sql).all({
    after: f.after,
    upTo: f.upTo,
    asOf: f.asOf ?? null,
    institutionId: f.institutionId ?? null,
    eventId: f.eventId ?? null,
    late: f.lateAfterMs,
    limit: f.limit,
  }) as { revision: number; eventId: number; before: string | null; after: string | null; restored: number }[];
  return rows.map((r) => ({
    revision: r.revision,
    eventId: r.eventId,
    before: r.before ? (JSON.parse(r.before) as VersionState) : null,
    after: r.after ? (JSON.parse(r.after) as VersionState) : null,
    restored: r.restored === 1,
  }));
}

export interface InstitutionChangeRow {
  revision: number;
  institutionId: number;
  slug: string;
  before: { name: string; kind: string; code: string | null; region: string | null; country: string | null; website: string | null; active: number; aliases: string };
  after: InstitutionChangeRow['before'];
}

/** Institutions whose public details changed in the span (not those first added), newest first. */
export function institutionChanges(db: Db, f: { after: number; upTo: number; institutionId?: number | undefined; limit: number }): InstitutionChangeRow[] {
  const rows = prepared(
    db,
    `SELECT new.rev_from AS revision, new.institution_id AS institutionId, new.slug,
       json_object('name', old.name, 'kind', old.kind, 'code', old.code, 'region', old.region, 'country', old.country, 'website', old.website, 'active', old.active, 'aliases', old.aliases) AS before,
       json_object('name', new.name, 'kind', new.kind, 'code', new.code, 'region', new.region, 'country', new.country, 'website', new.website, 'active', new.active, 'aliases', new.aliases) AS after
     FROM institution_versions new JOIN institution_versions old ON old.institution_id = new.institution_id AND old.rev_to = new.rev_from
     WHERE new.rev_from > @after AND new.rev_from <= @upTo AND (@institutionId IS NULL OR new.institution_id = @institutionId)
     ORDER BY new.rev_from DESC, new.institution_id LIMIT @limit`,
  ).all({ after: f.after, upTo: f.upTo, institutionId: f.institutionId ?? null, limit: f.limit }) as (Omit<InstitutionChangeRow, 'before' | 'after'> & { before: string; after: string })[];
  return rows.map((r) => ({ ...r, before: JSON.parse(r.before), after: JSON.parse(r.after) }));
}

export interface AskChangeRow {
  revision: number;
  slug: string;
  before: { title: string; description: string } | null;
  after: { title: string; description: string };
}

/** Asks added or reworded in the span (not those of the first load), newest first. */
export function askChanges(db: Db, f: { after: number; upTo: number; limit: number }): AskChangeRow[] {
  const rows = prepared(
    db,
    `SELECT new.rev_from AS revision, new.slug,
       CASE WHEN old.version_id IS NULL THEN NULL ELSE json_object('title', old.title, 'description', old.description) END AS before,
       json_object('title', new.title, 'description', new.description) AS after
     FROM ask_versions new JOIN revisions r ON r.id = new.rev_from
     LEFT JOIN ask_versions old ON old.ask_id = new.ask_id AND old.rev_to = new.rev_from
     WHERE new.rev_from > @after AND new.rev_from <= @upTo AND r.action NOT IN ('record.load', 'record.revisions_begin')
     ORDER BY new.rev_from DESC, new.ask_id LIMIT @limit`,
  ).all(f) as (Omit<AskChangeRow, 'before' | 'after'> & { before: string | null; after: string })[];
  return rows.map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: JSON.parse(r.after) }));
}

/** Notes made before revisions were kept (a correction's note, with no earlier state kept), newest first. */
export function legacyNotes(db: Db, f: { after: number; upTo: number; eventId?: number | undefined; limit: number }): RevisionRow[] {
  return prepared(
    db,
    `SELECT r.id, r.at, r.actor, r.action, r.note, r.event_id AS eventId FROM revisions r
     WHERE r.id > @after AND r.id <= @upTo AND r.note IS NOT NULL AND r.event_id IS NOT NULL AND (@eventId IS NULL OR r.event_id = @eventId)
       AND NOT EXISTS (SELECT 1 FROM event_versions v WHERE v.rev_from = r.id OR v.rev_to = r.id)
     ORDER BY r.id DESC LIMIT @limit`,
  ).all({ ...f, eventId: f.eventId ?? null }) as RevisionRow[];
}

/** The revisions with these ids (their time, author, action and note), by id. */
export function revisionsById(db: Db, ids: number[]): Map<number, RevisionRow> {
  if (ids.length === 0) return new Map();
  const rows = prepared(db, 'SELECT id, at, actor, action, note, event_id AS eventId FROM revisions WHERE id IN (SELECT value FROM json_each(@list))').all({
    list: JSON.stringify([...new Set(ids)]),
  }) as RevisionRow[];
  return new Map(rows.map((r) => [r.id, r]));
}
