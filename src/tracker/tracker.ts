/**
 * The tracker as at an instant: the campaign, institutions with their positions and silence,
 * headline counts, timeline pages and events. Pages, the JSON API, feeds, CSV and badges render
 * what these functions return; none of them computes a figure itself.
 */
import type { EventJson, InstitutionJson } from '../contract.js';
import type { Db } from '../db/client.js';
import { askRows, campaignRow } from '../db/queries/campaign.js';
import { correctionRows } from '../db/queries/corrections.js';
import {
  activity,
  changeToken,
  eventDetails,
  eventRow,
  latestPublishedAt,
  outstandingContacts,
  positionInputs,
  timelineRows,
  type EventRow,
  type TimelineFilter,
} from '../db/queries/events.js';
import { institutionRowBySlug, institutionRows, regions as regionRows, type InstitutionRow } from '../db/queries/institutions.js';
import { isoInstant, londonDateOf, londonTimeOf, type LondonDate, type WorkingCalendar } from '../domain/calendar.js';
import type { Cursor } from '../domain/cursor.js';
import { currentPositions, headlineCounts, type AskCount, type CurrentPosition } from '../domain/positions.js';
import { DEFAULT_REPLY_WINDOWS, type ReplyWindows } from '../domain/reply-due.js';
import { silenceFrom, type Silence } from '../domain/silence.js';
import type { InstitutionKind, Stance } from '../domain/vocabulary.js';

export type { TimelineFilter };

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
}

export type EventSourceView = EventJson['sources'][number];

export function campaignView(t: Tracker): CampaignView {
  const row = campaignRow(t.db);
  const asks = askRows(t.db).map(({ slug, title, description }) => ({ slug, title, description }));
  return {
    title: row?.title ?? 'Campaign tracker',
    summary: row?.summary ?? '',
    website: row?.website ?? null,
    asks,
    replyWindows: { foi: row?.replyWindowFoi ?? DEFAULT_REPLY_WINDOWS.foi, default: row?.replyWindowDefault ?? DEFAULT_REPLY_WINDOWS.default },
  };
}

/** One of the campaign's asks by its slug, or null. */
export function askBySlug(t: Tracker, slug: string): Ask | null {
  return campaignView(t).asks.find((a) => a.slug === slug) ?? null;
}

/** The NHS England regions of the directory, for filters. */
export function regions(t: Tracker): string[] {
  return regionRows(t.db);
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

/** Institutions (all, or the one given) with their figures as at T. A fixed number of queries. */
function withFigures(t: Tracker, rows: InstitutionRow[], asks: Ask[], asOf: number, only: number | null): InstitutionView[] {
  const outstanding = new Map(outstandingContacts(t.db, asOf, only).map((o) => [o.institutionId, o]));
  const statements = groupBy(positionInputs(t.db, asOf, only));
  const activities = new Map(activity(t.db, asOf).map((a) => [a.institutionId, a]));
  const askSlugs = asks.map((a) => a.slug);
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
      positions: currentPositions(statements.get(r.id) ?? [], askSlugs, asOf),
      silence: silenceFrom(outstanding.get(r.id) ?? null, asOf, t.calendar),
      involved: a !== undefined,
      approached: (a?.contacts ?? 0) > 0,
      lastActivity: a ? londonDateOf(a.lastActivityAt) : null,
    };
  });
}

/**
 * Keeps what was computed as at T while it cannot change. When T is at or after the latest
 * published event (as it is for "now"), figures depend only on the data and on T's London
 * date, so the answer is kept until either changes. Earlier moments are computed afresh.
 */
export function keptAsAt<T>(t: Tracker, name: string, asOf: number, compute: () => T): T {
  const latest = latestPublishedAt(t.db);
  if (latest !== null && asOf < latest) return compute();
  const key = `${changeToken(t.db)}|${londonDateOf(asOf)}`;
  let kept = keptValues.get(t);
  if (!kept || kept.key !== key) keptValues.set(t, (kept = { key, values: new Map() }));
  if (!kept.values.has(name)) kept.values.set(name, compute());
  return kept.values.get(name) as T;
}

const keptValues = new WeakMap<Tracker, { key: string; values: Map<string, unknown> }>();

/** Every institution with its figures as at T. */
export function institutionsAsAt(t: Tracker, asOf: number): InstitutionView[] {
  return keptAsAt(t, 'institutions', asOf, () => withFigures(t, institutionRows(t.db), campaignView(t).asks, asOf, null));
}

export function institutionAsAt(t: Tracker, slug: string, asOf: number): InstitutionView | null {
  const row = institutionRowBySlug(t.db, slug);
  if (!row) return null;
  return withFigures(t, [row], campaignView(t).asks, asOf, row.id)[0]!;
}

/** What an institution's page (and its API answer) shows: its figures and its history. */
export interface InstitutionPage {
  campaign: CampaignView;
  institution: InstitutionView;
  events: EventView[];
}

export function institutionPage(t: Tracker, slug: string, asOf: number): InstitutionPage | null {
  const institution = institutionAsAt(t, slug, asOf);
  if (!institution) return null;
  return { campaign: campaignView(t), institution, events: institutionHistory(t, institution.id, asOf) };
}

export interface Overview {
  campaign: CampaignView;
  counts: (AskCount & { title: string })[];
  scorecard: InstitutionView[];
  longestSilences: InstitutionView[];
  latestEvents: EventView[];
}

export function overview(t: Tracker, asOf: number): Overview {
  const campaign = campaignView(t);
  const all = institutionsAsAt(t, asOf);
  const involved = all.filter((i) => i.involved);
  const counts = headlineCounts(involved, campaign.asks.map((a) => a.slug)).map((c, i) => ({ ...c, title: campaign.asks[i]!.title }));
  return {
    campaign,
    counts,
    scorecard: involved,
    longestSilences: bySilence(all.filter((i) => i.silence !== null)).slice(0, 5),
    latestEvents: timeline(t, asOf, {}, null, 5).events,
  };
}

export function bySilence(list: InstitutionView[]): InstitutionView[] {
  return [...list].sort(
    (a, b) => (b.silence?.calendarDays ?? -1) - (a.silence?.calendarDays ?? -1) || a.name.localeCompare(b.name),
  );
}

function toEventView(t: Tracker, row: EventRow, positions: Record<string, Stance> | undefined, sources: EventSourceView[] | undefined): EventView {
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
    url: `${t.baseUrl}/events/${row.id}`,
  };
}

function withDetails(t: Tracker, rows: EventRow[]): EventView[] {
  const { positions, sources } = eventDetails(t.db, rows.map((r) => r.id));
  return rows.map((r) => toEventView(t, r, positions.get(r.id), sources.get(r.id)));
}

export interface TimelinePage {
  events: EventView[];
  /** The cursor for the next (older) page, or null on the last page. */
  next: Cursor | null;
}

export function timeline(t: Tracker, asOf: number, filter: TimelineFilter, before: Cursor | null, limit: number): TimelinePage {
  const rows = timelineRows(t.db, asOf, filter, before, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { events: withDetails(t, page), next: rows.length > limit && last ? { at: last.occurredAt, id: last.id } : null };
}

export type EventLookup = { found: true; event: EventView } | { found: false; reason: 'missing' | 'later' };

/** A published event, as at T: one that had not happened by T is reported as such. */
export function eventAsAt(t: Tracker, id: number, asOf: number): EventLookup {
  const row = eventRow(t.db, id);
  if (!row || row.status !== 'published') return { found: false, reason: 'missing' };
  if (row.occurredAt > asOf) return { found: false, reason: 'later' };
  return { found: true, event: withDetails(t, [row])[0]! };
}

export interface Correction {
  eventId: number;
  /** The London date it was made. */
  on: LondonDate;
  note: string;
  eventSummary: string;
  institutionName: string | null;
}

/** Corrections to published events made up to T, newest first; for one event, or all. */
export function corrections(t: Tracker, asOf: number, eventId: number | null = null): Correction[] {
  return correctionRows(t.db, asOf, eventId).map(({ at, ...c }) => ({ ...c, on: londonDateOf(at) }));
}

/** What an event's page shows: the event as at T, its corrections, the campaign's asks. */
export type EventPage = (EventLookup & { found: false }) | { found: true; event: EventView; corrections: Correction[]; campaign: CampaignView };

export function eventPage(t: Tracker, id: number, asOf: number): EventPage {
  const found = eventAsAt(t, id, asOf);
  if (!found.found) return found;
  return { found: true, event: found.event, corrections: corrections(t, asOf, id), campaign: campaignView(t) };
}

export function institutionHistory(t: Tracker, institutionId: number, asOf: number, limit = 10_000): EventView[] {
  return withDetails(t, timelineRows(t.db, asOf, { institutionId }, null, limit));
}

/** The scorecard: every institution approached or on record, with its figures, as at T. */
export function scorecard(t: Tracker, asOf: number): { campaign: CampaignView; rows: InstitutionView[] } {
  return { campaign: campaignView(t), rows: institutionsAsAt(t, asOf).filter((i) => i.involved) };
}

/** Every institution with its figures, and the campaign's asks: the open data's figures. */
export function institutionFigures(t: Tracker, asOf: number): { campaign: CampaignView; institutions: InstitutionView[] } {
  return { campaign: campaignView(t), institutions: institutionsAsAt(t, asOf) };
}
