/**
 * The tracker as at an instant: the campaign, institutions with their positions and silence,
 * headline counts, timeline pages and events. Pages, the JSON API, feeds, CSV and badges render
 * what these functions return; none of them computes a figure itself.
 */
import type { EventJson, InstitutionJson } from '../contract.js';
import type { Db } from '../db/client.js';
import { campaignRow } from '../db/queries/campaign.js';
import { publicEmails } from '../db/queries/institutions.js';
import { publicAsks, publicCampaign, publicInstitutionBySlug, publicInstitutions, publicRegions, type PublicInstitution } from '../db/queries/directory.js';
import {
  activity,
  allPositionStatements,
  answeredOn,
  changeToken,
  changeTokenWith,
  othersMark,
  contactsCrossingRows,
  countTimelineRows,
  eventVersionRow,
  latestEventAsAt,
  latestPublishedAt,
  outstandingContacts,
  positionInputs,
  timelineRows,
  versionDetails,
  type Activity,
  type EventVersionRow,
  type TimelineFilter,
} from '../db/queries/events.js';
import { latestRevision, type Reading } from '../db/queries/reading.js';
import { touchedBetween } from '../db/queries/revisions.js';
import { isoInstant, londonDateOf, londonTimeOf, type LondonDate, type WorkingCalendar } from '../domain/calendar.js';
import type { Cursor } from '../domain/cursor.js';
import { currentPositions, headlineCounts, type AskCount, type CurrentPosition, type PositionStatement } from '../domain/positions.js';
import { DEFAULT_REPLY_WINDOWS, overdueAsAt, overdueThresholds, type OverdueThresholds, type ReplyWindows } from '../domain/reply-due.js';
import { DEFAULT_STALE_AFTER_DAYS, staleSince } from '../domain/campaign-end.js';
import { silenceFrom, type Outstanding, type Silence } from '../domain/silence.js';
import type { InstitutionKind, Stance } from '../domain/vocabulary.js';

export type { TimelineFilter };

/**
 * Which state of the public record to show: as at the moment `asOf` (epoch ms), as the record
 * stood at revision `rev`. Every read of the tracker takes one.
 */
export interface At {
  asOf: number;
  rev: number;
}

export interface Tracker {
  db: Db;
  /** The database file (or `:memory:`), for the snapshots long downloads read. */
  databasePath: string;
  calendar: WorkingCalendar;
  baseUrl: string;
}

export interface Ask {
  slug: string;
  title: string;
  description: string;
}

export interface CampaignView {
  title: string;
  summary: string;
  website: string | null;
  asks: Ask[];
  replyWindows: ReplyWindows;
  /** The London date the campaign ended, or null while it runs. */
  endedOn: LondonDate | null;
  /** What came of it, with its sources; null when none is recorded. */
  outcome: { text: string; sources: { title: string; url: string }[] } | null;
  /** Days without a new event after which silence figures say when the record was last updated. */
  staleAfterDays: number;
}

/** An institution as the API gives it, and what pages show besides. */
export interface InstitutionView extends InstitutionJson {
  id: number;
  website: string | null;
  positions: Record<string, CurrentPosition>;
  silence: Silence | null;
  /** At least one published event as at T. */
  involved: boolean;
  /** At least one published contact as at T. */
  approached: boolean;
  /** The London date of its latest published event as at T. */
  lastActivity: LondonDate | null;
}

/** An event as the API gives it, and what pages show besides. */
export interface EventView extends EventJson {
  institutionName: string | null;
  institutionKind: InstitutionKind | null;
  /** London wall-clock time, or null for a date-only event. */
  time: string | null;
  /** The revision that recorded this version of the event, and when (ISO 8601 UTC). */
  revision: number;
  recordedAt: string;
}

/**
 * A token that changes whenever anything a public answer shows may have changed: a write through
 * this process's connection, a commit by another process (an import from the command line), or
 * the bank holiday list read again. What was computed under one token is stale under the next.
 */
export const recordToken = (t: Tracker): string => `${changeToken(t.db)}|${t.calendar.holidays.length}`;

/**
 * `recordToken`, from the mark of other connections' commits (`othersMark`) read earlier; this
 * process's own writes and the holiday list are read now. Equal to `recordToken` while no other
 * connection has committed since the mark was read.
 */
export const recordTokenWith = (t: Tracker, others: string): string => `${changeTokenWith(t.db, others)}|${t.calendar.holidays.length}`;

/** The mark of what other connections have committed (see `recordTokenWith`). */
export const othersCommitted = (t: Tracker): string => othersMark(t.db);

/** The latest revision of the public record. */
export const currentRevision = (t: Tracker): number => latestRevision(t.db);

/** The moment and revision as the queries read them. */
export function reading(t: Tracker, at: At): Reading {
  return { asOf: at.asOf, rev: at.rev, latest: at.rev >= latestRevision(t.db) };
}

/** Now, as the record stands now. */
export const now = (t: Tracker, instant: number): At => ({ asOf: instant, rev: latestRevision(t.db) });

export type EventSourceView = EventJson['sources'][number];

/** The campaign and its asks, as the record stood at the revision (read once while the record is unchanged). */
export function campaignView(t: Tracker, at: At): CampaignView {
  return keptAsAt(t, 'campaign', at, () => readCampaignView(t, at));
}

function readCampaignView(t: Tracker, at: At): CampaignView {
  const r = reading(t, at);
  const row = publicCampaign(t.db, r);
  const working = campaignRow(t.db);
  return {
    title: row?.title ?? 'Campaign tracker',
    summary: row?.summary ?? '',
    website: row?.website ?? null,
    asks: publicAsks(t.db, r).map(({ slug, title, description }) => ({ slug, title, description })),
    replyWindows: { foi: working?.replyWindowFoi ?? DEFAULT_REPLY_WINDOWS.foi, default: working?.replyWindowDefault ?? DEFAULT_REPLY_WINDOWS.default },
    endedOn: row?.endedOn ?? null,
    outcome: row?.outcome ? { text: row.outcome, sources: JSON.parse(row.outcomeSources) as { title: string; url: string }[] } : null,
    staleAfterDays: working?.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
  };
}

/** When the record was last updated as at the moment, and whether that is long enough ago to say so. */
export interface Freshness {
  /** The date of the latest published event at or before the moment (null for an empty record). */
  lastEventOn: LondonDate | null;
  /** That date, when it is more than the campaign's `staleAfterDays` before the moment's date; else null. */
  staleSince: LondonDate | null;
}

export function freshness(t: Tracker, at: At): Freshness {
  return keptAsAt(t, 'freshness', at, () => {
    const latest = latestEventAsAt(t.db, reading(t, at));
    const lastEventOn = latest === null ? null : londonDateOf(latest);
    return { lastEventOn, staleSince: staleSince(at.asOf, lastEventOn, campaignView(t, at).staleAfterDays) };
  });
}

/** The date the campaign ended as the record stood at a revision (a revision never changes, so this is kept). */
const endedOnAt = new Map<Db, Map<number, LondonDate | null>>();
export function campaignEndedOn(t: Tracker, rev: number): LondonDate | null {
  let byRev = endedOnAt.get(t.db);
  if (!byRev) endedOnAt.set(t.db, (byRev = new Map()));
  if (!byRev.has(rev)) {
    if (byRev.size > 1000) byRev.clear();
    byRev.set(rev, publicCampaign(t.db, { asOf: Number.MAX_SAFE_INTEGER, rev, latest: false })?.endedOn ?? null);
  }
  return byRev.get(rev)!;
}

/** One of the campaign's asks by its slug, or null. */
export function askBySlug(t: Tracker, slug: string, at: At): Ask | null {
  return campaignView(t, at).asks.find((a) => a.slug === slug) ?? null;
}

/** The NHS England regions of the directory, for filters. */
export function regions(t: Tracker, at: At): string[] {
  return publicRegions(t.db, reading(t, at));
}

function groupBy<T extends { institutionId: number }>(rows: T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const list = map.get(row.institutionId);
    if (list) list.push(row);
    else map.set(row.institutionId, [row]);
  }
  return map;
}

type Statement = PositionStatement & { institutionId: number };

/**
 * What the figures of every institution are computed from, in a reading: each one's outstanding
 * contacts (silence), the positions it stated (now and over time) and its activity (first and
 * latest events).
 */
interface FigureRows {
  outstanding: Map<number, Outstanding>;
  statements: Map<number, Statement[]>;
  activity: Map<number, Activity>;
}

/** The rows of all institutions (or one), read afresh. */
function readRows(t: Tracker, r: Reading, only: number | null): FigureRows {
  return {
    outstanding: new Map(outstandingContacts(t.db, r, only).map((o) => [o.institutionId, o])),
    statements: groupBy(allPositionStatements(t.db, r, only)),
    activity: new Map(activity(t.db, r, only).map((a) => [a.institutionId, a])),
  };
}

/** Beyond this many institutions touched by new revisions (a large import), all are read again. */
const MAX_TOUCHED = 40;

/** The rows at the latest revision, by moment (as momentOf gives it), at the revision they were read or brought up to date at. */
const rowsKept = new WeakMap<Tracker, Map<string, FigureRows & { rev: number }>>();
/** The rows of the last other reading asked for (a pinned moment), for the several figures of one page. */
const rowsLast = new WeakMap<Tracker, { key: string; rows: FigureRows }>();

/**
 * The rows of every institution in the reading. At the latest revision they depend on the
 * revision and the moment alone (as at now, on the revision alone): they are kept, and when
 * revisions are added (an event logged, corrected, moved, deleted) only the institutions those
 * touched are read again, so the first page after a change costs a few small queries instead of
 * reading every event. (A revision, once made, never changes: that is what makes this sound.)
 */
function figureRows(t: Tracker, at: At): FigureRows {
  const r = reading(t, at);
  if (!r.latest) {
    const key = `${changeToken(t.db)}|${r.rev}|${r.asOf}`;
    const last = rowsLast.get(t);
    if (last?.key === key) return last.rows;
    const rows = readRows(t, r, null);
    rowsLast.set(t, { key, rows });
    return rows;
  }
  const moment = momentOf(t, r).startsWith('on ') ? 'now' : `at ${r.asOf}`;
  let byMoment = rowsKept.get(t);
  if (!byMoment) rowsKept.set(t, (byMoment = new Map()));
  const kept = byMoment.get(moment);
  if (kept?.rev === r.rev) return kept;
  const touched = kept && kept.rev < r.rev ? touchedBetween(t.db, kept.rev, r.rev) : null;
  let rows: FigureRows;
  if (kept && touched && !touched.asks && touched.institutionIds.length <= MAX_TOUCHED) {
    rows = { outstanding: new Map(kept.outstanding), statements: new Map(kept.statements), activity: new Map(kept.activity) };
    for (const id of touched.institutionIds) {
      const fresh = readRows(t, r, id);
      for (const name of ['outstanding', 'statements', 'activity'] as const) {
        const value = fresh[name].get(id);
        if (value === undefined) rows[name].delete(id);
        else (rows[name] as Map<number, typeof value>).set(id, value);
      }
    }
  } else {
    rows = readRows(t, r, null);
  }
  byMoment.delete(moment);
  byMoment.set(moment, { ...rows, rev: r.rev });
  for (const oldest of byMoment.keys()) {
    if (byMoment.size <= KEPT_READINGS) break;
    byMoment.delete(oldest);
  }
  return rows;
}

/** Per institution with any event in the reading: its first and latest events and how many. */
export function activityAsAt(t: Tracker, at: At): Activity[] {
  return keptAsAt(t, 'activity', at, () => [...figureRows(t, at).activity.values()]);
}

/**
 * Every position stated in the reading, by institution. At the latest revision, an institution's
 * list is the same object from one change of the record to the next unless the change touched it.
 */
export function positionStatementsByInstitution(t: Tracker, at: At): ReadonlyMap<number, readonly Statement[]> {
  return figureRows(t, at).statements;
}


/**
 * Institutions (all, or the one given) with their figures in the reading, from a fixed number of
 * queries (for all institutions, the rows the charts read too).
 */
function withFigures(t: Tracker, rows: PublicInstitution[], asks: Ask[], at: At, only: number | null): InstitutionView[] {
  const r = reading(t, at);
  const asOf = r.asOf;
  const all = only === null ? figureRows(t, at) : null;
  const outstanding = all?.outstanding ?? new Map(outstandingContacts(t.db, r, only).map((o) => [o.institutionId, o]));
  const statements = all?.statements ?? groupBy(positionInputs(t.db, r, only));
  const activities = all?.activity ?? new Map(activity(t.db, r, only).map((a) => [a.institutionId, a]));
  const askSlugs = asks.map((a) => a.slug);
  // Addresses are not part of the record's history: the ones marked public now, whatever the reading.
  const emails = publicEmails(t.db, only);
  return rows.map((r) => {
    const a = activities.get(r.id);
    return {
      id: r.id,
      slug: r.slug,
      name: r.name,
      kind: r.kind,
      code: r.code,
      region: r.region,
      country: r.country,
      aliases: r.aliases,
      website: r.website,
      active: r.active,
      url: `${t.baseUrl}/institutions/${r.slug}`,
      email: emails.get(r.id) ?? null,
      positions: currentPositions(statements.get(r.id) ?? [], askSlugs, asOf),
      silence: silenceFrom(outstanding.get(r.id) ?? null, asOf, t.calendar),
      involved: a !== undefined,
      approached: (a?.contacts ?? 0) > 0,
      lastActivity: a ? londonDateOf(a.lastActivityAt) : null,
    };
  });
}

/**
 * What figures as at a moment depend on besides the record: once the moment is at or after the
 * latest published event (as "now" is), nothing later can count, and only its London date
 * matters (silences count days); before it (the end of a campaign that ended, a pinned moment),
 * the moment itself.
 */
function momentOf(t: Tracker, r: Reading): string {
  const latest = latestPublishedAt(t.db, r);
  return latest === null || r.asOf >= latest ? `on ${londonDateOf(r.asOf)}` : `at ${r.asOf}`;
}

/**
 * Keeps what was computed for a reading at the latest revision while it cannot change: until the
 * data, the moment (its date, as at now), or the bank holiday list changes. A few readings are
 * kept at once (now, the end of a campaign, a moment a link pins), the least recently used
 * dropped. Readings of older revisions are computed afresh.
 */
export function keptAsAt<T>(t: Tracker, name: string, at: At, compute: () => T): T {
  const r = reading(t, at);
  if (!r.latest) return compute();
  const key = `${changeToken(t.db)}|${at.rev}|${momentOf(t, r)}|${t.calendar.holidays.length}`;
  let readings = keptValues.get(t);
  if (!readings) keptValues.set(t, (readings = new Map()));
  let values = readings.get(key);
  if (values) readings.delete(key);
  else values = new Map();
  readings.set(key, values);
  for (const oldest of readings.keys()) {
    if (readings.size <= KEPT_READINGS) break;
    readings.delete(oldest);
  }
  if (!values.has(name)) values.set(name, compute());
  return values.get(name) as T;
}

/** How many readings are kept at once, each with its figures. */
const KEPT_READINGS = 4;
/** The readings kept, the most recently used last. */
const keptValues = new WeakMap<Tracker, Map<string, Map<string, unknown>>>();

/** Every institution with its figures in the reading. */
export function institutionsAsAt(t: Tracker, at: At): InstitutionView[] {
  return keptAsAt(t, 'institutions', at, () => {
    return withFigures(t, publicInstitutions(t.db, reading(t, at)), campaignView(t, at).asks, at, null);
  });
}

export function institutionAsAt(t: Tracker, slug: string, at: At): InstitutionView | null {
  const r = reading(t, at);
  const row = publicInstitutionBySlug(t.db, r, slug);
  if (!row) return null;
  return withFigures(t, [row], campaignView(t, at).asks, at, row.id)[0]!;
}

/** What an institution's page (and its API answer) shows: its figures and its history. */
export interface InstitutionPage {
  campaign: CampaignView;
  institution: InstitutionView;
  events: EventView[];
}

export function institutionPage(t: Tracker, slug: string, at: At): InstitutionPage | null {
  const institution = institutionAsAt(t, slug, at);
  if (!institution) return null;
  return { campaign: campaignView(t, at), institution, events: institutionHistory(t, institution.id, at) };
}

export interface Overview {
  campaign: CampaignView;
  counts: (AskCount & { title: string })[];
  scorecard: InstitutionView[];
  longestSilences: InstitutionView[];
  latestEvents: EventView[];
}

/** The overview's figures and latest events, kept while the reading cannot change (keptAsAt). */
export function overview(t: Tracker, at: At): Overview {
  return keptAsAt(t, 'overview', at, () => makeOverview(t, at));
}

function makeOverview(t: Tracker, at: At): Overview {
  const campaign = campaignView(t, at);
  const all = institutionsAsAt(t, at);
  const involved = all.filter((i) => i.involved);
  const counts = headlineCounts(involved, campaign.asks.map((a) => a.slug)).map((c, i) => ({ ...c, title: campaign.asks[i]!.title }));
  return {
    campaign,
    counts,
    scorecard: involved,
    longestSilences: bySilence(all.filter((i) => i.silence !== null)).slice(0, 5),
    latestEvents: timeline(t, at, {}, null, 5).events,
  };
}

export function bySilence(list: InstitutionView[]): InstitutionView[] {
  return [...list].sort(
    (a, b) => (b.silence?.calendarDays ?? -1) - (a.silence?.calendarDays ?? -1) || a.name.localeCompare(b.name),
  );
}

function toEventView(t: Tracker, row: EventVersionRow, positions: Record<string, Stance> | undefined, sources: EventSourceView[] | undefined, overdue: OverdueThresholds): EventView {
  return {
    id: row.id,
    type: row.type,
    institution: row.institutionSlug,
    institutionName: row.institutionName,
    institutionKind: row.institutionKind,
    occurredAt: isoInstant(row.occurredAt),
    date: row.date,
    time: row.hasTime ? londonTimeOf(row.occurredAt) : null,
    channel: row.channel,
    from: row.fromName,
    responseType: row.responseType,
    summary: row.summary,
    quote: row.quote,
    positions: positions ?? {},
    sources: (sources ?? []).map(({ title, url, publisher, publishedOn }) => ({ title, url, publisher, publishedOn })),
    dueOn: row.dueOn,
    lateOn: overdue.lateOn,
    longOverdueOn: overdue.longOverdueOn,
    url: `${t.baseUrl}/events/${row.id}`,
    revision: row.revision,
    recordedAt: isoInstant(row.recordedAt),
  };
}

function withDetails(t: Tracker, rows: EventVersionRow[], at: At): EventView[] {
  const ids = rows.map((r) => r.versionId);
  const { positions, sources } = versionDetails(t.db, ids);
  const answered = answeredOn(t.db, reading(t, at), ids);
  const today = londonDateOf(at.asOf);
  const never: OverdueThresholds = { lateOn: null, longOverdueOn: null };
  return rows.map((r) => {
    // A contact's tiers as at the moment: the thresholds it had crossed before it was answered.
    const overdue = r.type === 'contact' ? overdueAsAt(overdueThresholds(r.date, r.dueOn, t.calendar), answered.get(r.versionId) ?? null, today) : never;
    return toEventView(t, r, positions.get(r.versionId), sources.get(r.versionId), overdue);
  });
}

export interface TimelinePage {
  events: EventView[];
  /** The cursor for the next (older) page, or null on the last page. */
  next: Cursor | null;
}

export function timeline(t: Tracker, at: At, filter: TimelineFilter, before: Cursor | null, limit: number): TimelinePage {
  const rows = timelineRows(t.db, reading(t, at), filter, before, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { events: withDetails(t, page, at), next: rows.length > limit && last ? { at: last.occurredAt, id: last.id } : null };
}

/** How many published events pass the filter: the number, or `cap` and `more` when there are more than that. */
export function timelineCount(t: Tracker, at: At, filter: TimelineFilter, cap: number): { count: number; more: boolean } {
  const n = countTimelineRows(t.db, reading(t, at), filter, cap + 1);
  return n > cap ? { count: cap, more: true } : { count: n, more: false };
}

/** An institution the record names in at least one published event as at T: what the timeline can be filtered by. */
export interface InstitutionOnRecord {
  id: number;
  slug: string;
  name: string;
  aliases: string[];
}

/** Every institution with at least one published event in the reading, by name. */
export function institutionsOnRecord(t: Tracker, at: At): InstitutionOnRecord[] {
  return keptAsAt(t, 'institutionsOnRecord', at, () => {
    const r = reading(t, at);
    const involved = new Set(activityAsAt(t, at).map((a) => a.institutionId));
    return publicInstitutions(t.db, r)
      .filter((i) => involved.has(i.id))
      .map(({ id, slug, name, aliases }) => ({ id, slug, name, aliases }));
  });
}

/** One institution of the directory as the record stood at R, by its slug, or null. */
export function institutionNamed(t: Tracker, slug: string, at: At): InstitutionOnRecord | null {
  const row = publicInstitutionBySlug(t.db, reading(t, at), slug);
  return row ? { id: row.id, slug: row.slug, name: row.name, aliases: row.aliases } : null;
}

/** Contacts that became late, and that became long overdue, on a day after `fromDate` up to `toDate` (as at `at`). */
export function contactsCrossing(t: Tracker, at: At, fromDate: LondonDate, toDate: LondonDate, limit: number): { late: EventView[]; longOverdue: EventView[] } {
  const events = withDetails(t, contactsCrossingRows(t.db, reading(t, at), fromDate, toDate, limit), at);
  const within = (d: string | null) => d !== null && d > fromDate && d <= toDate;
  return { late: events.filter((e) => within(e.lateOn)), longOverdue: events.filter((e) => within(e.longOverdueOn)) };
}

export type EventLookup = { found: true; event: EventView } | { found: false; reason: 'missing' | 'later' };

/** A published event as the record stood at R, as at T: one that had not happened by T is reported as such. */
export function eventAsAt(t: Tracker, id: number, at: At): EventLookup {
  const row = eventVersionRow(t.db, reading(t, at), id);
  if (!row) return { found: false, reason: 'missing' };
  if (row.occurredAt > at.asOf) return { found: false, reason: 'later' };
  return { found: true, event: withDetails(t, [row], at)[0]! };
}

export function institutionHistory(t: Tracker, institutionId: number, at: At, limit = 10_000): EventView[] {
  return withDetails(t, timelineRows(t.db, reading(t, at), { institutionId }, null, limit), at);
}

/** The scorecard: every institution approached or on record, with its figures, as at T. */
export function scorecard(t: Tracker, at: At): { campaign: CampaignView; rows: InstitutionView[] } {
  return { campaign: campaignView(t, at), rows: institutionsAsAt(t, at).filter((i) => i.involved) };
}

/** Every institution with its figures, and the campaign's asks: the open data's figures. */
export function institutionFigures(t: Tracker, at: At): { campaign: CampaignView; institutions: InstitutionView[] } {
  return { campaign: campaignView(t, at), institutions: institutionsAsAt(t, at) };
}
