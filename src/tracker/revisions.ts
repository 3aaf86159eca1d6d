/**
 * Revisions of the public record, and what changed between them: corrections, deletions,
 * restorations and late entries of published events, and changes to institutions and asks,
 * each field before → after. Citations, the "revised since" notice, /corrections and /changes
 * all read them from here.
 */
import { explainDueDate, type DueDay } from '../domain/reply-due.js';
import { publicInstitutions, type PublicInstitution } from '../db/queries/directory.js';
import { versionDetails } from '../db/queries/events.js';
import { askChanges, eventChanges, institutionChanges, legacyNotes, revisionRow, revisionsById, type VersionState } from '../db/queries/revisions.js';
import { londonTimeOf } from '../domain/calendar.js';
import type { Stance } from '../domain/vocabulary.js';
import { campaignView, currentRevision, eventAsAt, reading, type At, type CampaignView, type EventLookup, type EventView, type Tracker } from './tracker.js';

/** An event recorded this long after its date is a late entry (it changes figures a citation may already quote). */
export const LATE_ENTRY_DAYS = 7;
const LATE_MS = LATE_ENTRY_DAYS * 86_400_000;

export interface RevisionInfo {
  number: number;
  /** When it was made (epoch ms). */
  at: number;
  actor: string;
}

/** A revision's number and time; null when there is no such revision. */
export function revisionInfo(t: Tracker, rev: number): RevisionInfo | null {
  const row = revisionRow(t.db, rev);
  return row ? { number: row.id, at: row.at, actor: row.actor } : null;
}

/** One field of a change, before and after, in words ready to show. */
export interface FieldChange {
  field: 'date' | 'time' | 'institution' | 'type' | 'channel' | 'from' | 'response type' | 'summary' | 'quote' | 'reply due date' | 'positions' | 'sources' | 'name' | 'kind' | 'code' | 'region' | 'country' | 'website' | 'status' | 'other names' | 'title' | 'description';
  before: string;
  after: string;
}

export interface EventSide {
  /** Epoch ms. */
  occurredAt: number;
  date: string;
  time: string | null;
  type: string;
  institutionName: string | null;
  institutionSlug: string | null;
  summary: string;
}

export type RecordChange = {
  revision: number;
  /** When the revision was made (epoch ms), who made it, and its public note. */
  at: number;
  actor: string;
  note: string | null;
} & (
  | {
      subject: 'event';
      kind: 'corrected' | 'deleted' | 'restored' | 'added';
      /** An addition recorded more than LATE_ENTRY_DAYS after the event's date. */
      late: boolean;
      eventId: number;
      before: EventSide | null;
      after: EventSide | null;
      fields: FieldChange[];
    }
  | { subject: 'institution'; kind: 'changed'; institutionSlug: string; institutionName: string; fields: FieldChange[] }
  | { subject: 'ask'; kind: 'changed' | 'added'; askSlug: string; askTitle: string; fields: FieldChange[] }
  | { subject: 'note'; kind: 'corrected'; eventId: number }
);

/** A change before its revision's time, author and note are added. */
type ChangeBody = RecordChange extends infer C ? (C extends unknown ? Omit<C, 'at' | 'actor' | 'note'> : never) : never;

export interface ChangeScope {
  /** Changes after this revision, up to and including `upTo`. */
  after: number;
  upTo: number;
  /** Only events at or before this moment (before or after the change). */
  asOf?: number | undefined;
  institutionId?: number | undefined;
  eventId?: number | undefined;
  /** Additions count only when late (for the list of corrections); otherwise every addition counts. */
  lateOnly: boolean;
  /** Whether changes to institutions and asks count (they do unless the scope is one event). */
  directory: boolean;
  limit: number;
}

/** The directory as the record stands now, by id: kept while the revision stays the same (every event page with a change reads it). */
function directoryNow(t: Tracker): Map<number, PublicInstitution> {
  const rev = currentRevision(t);
  const kept = directories.get(t.db);
  if (kept && kept.rev === rev) return kept.byId;
  const byId = new Map(publicInstitutions(t.db, reading(t, { asOf: Number.MAX_SAFE_INTEGER, rev })).map((i) => [i.id, i]));
  directories.set(t.db, { rev, byId });
  return byId;
}

const directories = new WeakMap<Tracker['db'], { rev: number; byId: Map<number, PublicInstitution> }>();

type Shown = string | number | null | undefined;
const text = (v: Shown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/** Every change in the scope, newest first: at most `limit` of each kind. */
export function recordChanges(t: Tracker, scope: ChangeScope): RecordChange[] {
  const events = eventChanges(t.db, { ...scope, lateAfterMs: scope.lateOnly ? LATE_MS : null });
  const institutionsNow = events.length === 0 ? new Map<number, PublicInstitution>() : directoryNow(t);
  const versionIds = events.flatMap((c) => [c.before?.versionId, c.after?.versionId]).filter((id): id is number => id !== undefined);
  const { positions, sources } = versionDetails(t.db, versionIds);
  const side = (v: VersionState | null): EventSide | null => {
    if (!v) return null;
    const i = v.institutionId === null ? null : institutionsNow.get(v.institutionId);
    return { occurredAt: v.occurredAt, date: v.date, time: v.hasTime ? londonTimeOf(v.occurredAt) : null, type: v.type, institutionName: i?.name ?? null, institutionSlug: i?.slug ?? null, summary: v.summary };
  };
  const stances = (v: VersionState | null) => Object.entries(positions.get(v?.versionId ?? -1) ?? {}).map(([ask, stance]: [string, Stance]) => `${ask}: ${stance}`).join('; ');
  const sourceList = (v: VersionState | null) => (sources.get(v?.versionId ?? -1) ?? []).map((s) => [s.title, s.url, s.publisher, s.publishedOn].filter(Boolean).join(', ')).join('; ');
  const changes: ChangeBody[] = events.map((c): ChangeBody => {
    const b = side(c.before);
    const a = side(c.after);
    const fields: FieldChange[] = [];
    if (c.before && c.after) {
      const pairs: [FieldChange['field'], Shown, Shown][] = [
        ['date', c.before.date, c.after.date],
        ['time', b!.time, a!.time],
        ['institution', b!.institutionName, a!.institutionName],
        ['type', c.before.type, c.after.type],
        ['channel', c.before.channel, c.after.channel],
        ['from', c.before.fromName, c.after.fromName],
        ['response type', c.before.responseType, c.after.responseType],
        ['summary', c.before.summary, c.after.summary],
        ['quote', c.before.quote, c.after.quote],
        ['reply due date', c.before.dueOn, c.after.dueOn],
        ['positions', stances(c.before), stances(c.after)],
        ['sources', sourceList(c.before), sourceList(c.after)],
      ];
      for (const [field, before, after] of pairs) if (text(before) !== text(after)) fields.push({ field, before: text(before), after: text(after) });
    }
    const kind = c.before && c.after ? 'corrected' : c.before ? 'deleted' : c.restored ? 'restored' : 'added';
    return { revision: c.revision, subject: 'event' as const, kind, late: false, eventId: c.eventId, before: b, after: a, fields };
  });
  if (scope.directory) {
    for (const c of institutionChanges(t.db, scope)) {
      const fields: FieldChange[] = [];
      const pairs: [FieldChange['field'], Shown, Shown][] = [
        ['name', c.before.name, c.after.name],
        ['kind', c.before.kind, c.after.kind],
        ['code', c.before.code, c.after.code],
        ['region', c.before.region, c.after.region],
        ['country', c.before.country, c.after.country],
        ['website', c.before.website, c.after.website],
        ['status', c.before.active ? 'open' : 'closed', c.after.active ? 'open' : 'closed'],
        ['other names', (JSON.parse(c.before.aliases) as string[]).join('; '), (JSON.parse(c.after.aliases) as string[]).join('; ')],
      ];
      for (const [field, before, after] of pairs) if (text(before) !== text(after)) fields.push({ field, before: text(before), after: text(after) });
      changes.push({ revision: c.revision, subject: 'institution', kind: 'changed', institutionSlug: c.slug, institutionName: c.after.name, fields });
    }
    if (scope.institutionId === undefined) {
      for (const c of askChanges(t.db, scope)) {
        const fields: FieldChange[] = [];
        if (text(c.before?.title) !== text(c.after.title)) fields.push({ field: 'title', before: text(c.before?.title), after: c.after.title });
        if (text(c.before?.description) !== text(c.after.description)) fields.push({ field: 'description', before: text(c.before?.description), after: c.after.description });
        changes.push({ revision: c.revision, subject: 'ask', kind: c.before ? 'changed' : 'added', askSlug: c.slug, askTitle: c.after.title, fields });
      }
    }
  }
  for (const n of legacyNotes(t.db, scope)) changes.push({ revision: n.id, subject: 'note', kind: 'corrected', eventId: n.eventId! });
  const revisions = revisionsById(t.db, changes.map((c) => c.revision));
  return changes
    .map((c) => {
      const r = revisions.get(c.revision)!;
      const late = c.subject === 'event' && c.kind === 'added' && c.after !== null && r.at - c.after.occurredAt > LATE_MS;
      return { ...c, ...(c.subject === 'event' ? { late } : {}), at: r.at, actor: r.actor, note: r.note } as RecordChange;
    })
    .sort((x, y) => y.revision - x.revision)
    .slice(0, scope.limit);
}

export interface RevisedSince {
  /** The latest revision, which the changes lead to. */
  latest: RevisionInfo;
  changes: RecordChange[];
  /** Whether there are more changes than are listed. */
  more: boolean;
}

const NOTICE_LIMIT = 20;

/**
 * What has changed since the reading's revision in what a page shows: changes to events at or
 * before its moment (of one institution, or one event, or all), and to the directory and asks.
 * Null when the reading is at the latest revision or nothing it shows has changed.
 */
export function revisedSince(t: Tracker, at: At, scope: { institutionId?: number; eventId?: number } = {}, limit = NOTICE_LIMIT): RevisedSince | null {
  const latest = currentRevision(t);
  if (at.rev >= latest) return null;
  const all = recordChanges(t, { after: at.rev, upTo: latest, asOf: at.asOf, ...scope, lateOnly: false, directory: scope.eventId === undefined, limit: limit + 1 });
  if (all.length === 0) return null;
  const last = revisionInfo(t, latest)!;
  return { latest: last, changes: all.slice(0, limit), more: all.length > limit };
}

/** Where a page of corrections starts: within revision `rev`, after its first `skip` changes. */
export interface CorrectionsCursor {
  rev: number;
  skip: number;
}

/**
 * The corrections list: every change to published material up to the reading's revision, newest
 * first, a page at a time. A page may end inside a revision (an import is one revision with many
 * changes); the cursor then says how many of that revision's changes were shown.
 */
export function corrections(t: Tracker, at: At, before: CorrectionsCursor | null = null, limit = 50): { changes: RecordChange[]; next: CorrectionsCursor | null; skip: number } {
  const upTo = before ? Math.min(at.rev, before.rev) : at.rev;
  const skip = before && before.rev === upTo ? before.skip : 0;
  const list = recordChanges(t, { after: 0, upTo, asOf: at.asOf, lateOnly: true, directory: true, limit: skip + limit + 1 }).slice(skip);
  const page = list.slice(0, limit);
  if (list.length <= limit) return { changes: page, next: null, skip };
  const last = page[page.length - 1]!;
  if (list[limit]!.revision !== last.revision) return { changes: page, next: { rev: last.revision - 1, skip: 0 }, skip };
  const shown = page.filter((c) => c.revision === last.revision).length;
  return { changes: page, next: { rev: last.revision, skip: (last.revision === upTo ? skip : 0) + shown }, skip };
}

/** One event's corrections, deletions and restorations up to the reading's revision. */
export function eventCorrections(t: Tracker, at: At, eventId: number): RecordChange[] {
  return recordChanges(t, { after: 0, upTo: at.rev, eventId, lateOnly: true, directory: false, limit: 200 }).filter((c) => c.subject === 'note' || c.kind !== 'added' || c.note);
}

/** What an event's page shows: the event in the reading, its corrections, the campaign's asks. */
/** How a contact's reply due date was worked out: each day counted or skipped (null when the list does not cover them). */
export interface DueExplanation {
  days: DueDay[] | null;
  /** The working days counted. */
  window: number | null;
}

export type EventPage =
  | (EventLookup & { found: false })
  | { found: true; event: EventView; corrections: RecordChange[]; campaign: CampaignView; due: DueExplanation | null };

export function eventPage(t: Tracker, id: number, at: At): EventPage {
  const found = eventAsAt(t, id, at);
  if (!found.found) return found;
  const e = found.event;
  let due: DueExplanation | null = null;
  if (e.type === 'contact' && e.dueOn) {
    const days = explainDueDate(e.date, e.dueOn, t.calendar);
    due = { days, window: days ? days.filter((d) => d.counted !== null).length : null };
  }
  return { found: true, event: e, corrections: eventCorrections(t, at, id), campaign: campaignView(t, at), due };
}
