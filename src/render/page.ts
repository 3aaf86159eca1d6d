/** What every page template receives besides its own data: the as-at moment, links, wording helpers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { revisedSince, revisionInfo } from '../tracker/revisions.js';
import { campaignView, freshness } from '../tracker/tracker.js';
import { changeHref, describeChange } from './revisions.js';
import { isoInstant, londonDateOf, type WorkingCalendar } from '../domain/calendar.js';
import { STANCES, INSTITUTION_KINDS, EVENT_TYPES } from '../domain/vocabulary.js';
import { followingAvailable } from '../domain/following.js';
import * as format from './format.js';
import { drawnOnce } from './charts.js';
import { PageBytes } from './fragments.js';

/** How pages are rendered for the static copy (npm run export). */
export interface StaticCopy {
  /** The live tracker, where forms and links that need the server go; null when there is none to send readers to. */
  liveUrl: string | null;
}

export interface PageContext {
  title: string;
  path: string;
  asOf: { instant: number; iso: string; label: string; pinned: boolean; raw: string | null };
  /** Adds the pinned `as_of` (if any) to a local link. */
  link: (href: string) => string;
  format: typeof format;
  vocabulary: { stances: typeof STANCES; kinds: typeof INSTITUTION_KINDS; eventTypes: typeof EVENT_TYPES };
  siteTitle: string;
  description?: string;
  /** The signed-in user, if any. */
  user: { name: string; role: string } | null;
  /** A CSRF token for the sign-out button, when signed in. */
  csrf?: string;
  /** This page's address with `as_of` removed: the same view, as it is now. */
  nowHref: string;
  /** The query parameters to keep when moving to another moment (filters). */
  keep: [string, string][];
  /** The absolute address of this page, for sharing. */
  canonical: string;
  /** A one-off message for the signed-in person, from the action that brought them here. */
  flash?: string | null;
  /** An institution page's own feed. */
  institutionFeed?: { title: string; href: string };
  /** A campaigners' page (sign-in, /admin): always as it is now, with no time travel. */
  workspace: boolean;
  /** The revision of the record shown, when it was made, whether the address named it, and the latest. */
  rev: { number: number; label: string; pinned: boolean; latest: number };
  /** What has changed since the revision shown, in what the page shows (null when nothing, or at the latest). */
  revisedSince?: { latest: { number: number; label: string }; changes: { text: string; href: string | null; revision: number; note: string | null }[]; more: boolean; nowHref: string; changesHref: string } | null;
  /** The campaign's end, when it has ended: its date, and where the moment shown stands against it. */
  ended: { on: string; label: string; state: 'at-end' | 'before-end' | 'after-end' } | null;
  /** When the record's latest event is older than the campaign's `staleAfterDays`: the sentence silence figures carry. */
  stale: string | null;
  /** When the moment shown is after the bank holiday list ends: why working-day figures are missing. */
  calendarNote: string | null;
  /** The thing the page is about, for the notice: one institution or one event (else everything). */
  revisionScope?: { institutionId?: number; eventId?: number };
  /** Set when the page is rendered for the static copy: what needs the server goes to the live tracker, or is said to be unavailable. */
  staticCopy: StaticCopy | null;
  /** Whether readers can follow the campaign by email here (mail configured). */
  following: boolean;
  /**
   * Markup drawn once for what it shows (drawnOnce's terms): a page made by renderPage keeps it
   * as bytes and holds a mark in its place (render/fragments.ts); any other page, as a string.
   */
  once: (shown: object, draw: () => string, part?: string) => string;
}

/** The address asked for without tracking parameters (as-of.ts); an error raised before that hook ran has the URL alone. */
const addressOf = (request: FastifyRequest): string => request.address || request.url;

export function pageContext(request: FastifyRequest, title: string, siteTitle: string): PageContext {
  const raw = request.asOfRaw;
  const pins = [raw === null ? null : `as_of=${encodeURIComponent(raw)}`, request.revPinned ? `rev=${request.rev}` : null].filter(Boolean).join('&');
  const link = (href: string) => {
    if (!pins) return href;
    const [base, hash] = href.split('#', 2);
    const sep = base!.includes('?') ? '&' : '?';
    return `${base}${sep}${pins}${hash ? `#${hash}` : ''}`;
  };
  const revision = request.rev > 0 ? revisionInfo(request.server.tracker, request.rev) : null;
  const address = addressOf(request);
  return {
    title,
    path: address.split('?')[0]!,
    asOf: { instant: request.asOf, iso: isoInstant(request.asOf), label: format.instantLabel(request.asOf), pinned: raw !== null, raw },
    link,
    format,
    vocabulary: { stances: STANCES, kinds: INSTITUTION_KINDS, eventTypes: EVENT_TYPES },
    siteTitle,
    user: request.user ? { name: request.user.name, role: request.user.role } : null,
    nowHref: withoutAsOf(address),
    keep: [...new URLSearchParams(address.split('?')[1] ?? '')].filter(([k]) => k !== 'as_of' && k !== 'before' && k !== 'rev'),
    canonical: `${request.server.tracker.baseUrl}${address}`,
    workspace: request.workspace,
    rev: { number: request.rev, label: revision ? format.instantLabel(revision.at) : '', pinned: request.revPinned, latest: request.latestRev },
    calendarNote: calendarNote(request.server.tracker.calendar, request.asOf),
    stale: request.workspace ? null : staleNote(freshness(request.server.tracker, request.at ?? { asOf: request.asOf, rev: request.latestRev ?? request.rev }).staleSince),
    ended: request.campaignEndedOn && request.endState !== 'live' ? { on: request.campaignEndedOn, label: format.longDate(request.campaignEndedOn), state: request.endState } : null,
    staticCopy: request.server.staticCopy,
    following: followingAvailable(request.server.config),
    once: drawnOnce,
  };
}

/** "The record was last updated on 3 January 2027; replies after that may not be recorded." */
export function staleNote(staleSince: string | null): string | null {
  return staleSince === null ? null : `The record was last updated on ${format.longDate(staleSince)}; replies after that may not be recorded.`;
}

/** "Working-day figures are not available: …", for a moment past the end of the bank holiday list. */
export function calendarNote(calendar: WorkingCalendar, asOf: number): string | null {
  if (londonDateOf(asOf) <= calendar.lastDate) return null;
  return `Working-day figures are not available: the bank holiday list ends on ${format.longDate(calendar.lastDate)}. Figures in calendar days are complete.`;
}

function withoutAsOf(url: string): string {
  const [path, query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  params.delete('as_of');
  params.delete('rev');
  params.delete('before');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path!;
}

/** Renders a page template with the page context every template expects. */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  title: string,
  data: Record<string, unknown>,
  description?: string,
  extra: Partial<PageContext> = {},
): Promise<string | Buffer> {
  const t = request.server.tracker;
  const campaign = campaignView(t, request.at);
  const errors = data.errors as Record<string, unknown> | undefined;
  const hasErrors = errors !== undefined && Object.values(errors).some(Boolean);
  const bytes = new PageBytes();
  const page = {
    ...pageContext(request, hasErrors ? `Error: ${title}` : title, campaign.title),
    once: bytes.keep,
    ...extra,
    description: description ?? campaign.summary,
    csrf: request.user ? reply.generateCsrf() : undefined,
    // A message saved before a redirect is shown once, on whichever page the person lands.
    flash: request.user ? takeFlash(request) : null,
  };
  if (request.revPinned && !page.workspace) page.revisedSince = revisedNotice(request, page);
  const html = await reply.type('text/html; charset=utf-8').viewAsync(template, { ...data, page });
  return bytes.join(html);
}

/** The "revised since" notice of a page shown at an older revision, or null when nothing it shows changed. */
function revisedNotice(request: FastifyRequest, page: PageContext): PageContext['revisedSince'] {
  const since = revisedSince(request.server.tracker, request.at, page.revisionScope ?? {});
  if (!since) return null;
  const keep = new URLSearchParams(addressOf(request).split('?')[1] ?? '');
  keep.delete('rev');
  const asOf = keep.get('as_of');
  return {
    latest: { number: since.latest.number, label: format.instantLabel(since.latest.at) },
    changes: since.changes.map((c) => ({ text: describeChange(c), href: changeHref(c), revision: c.revision, note: c.note })),
    more: since.more,
    nowHref: keep.toString() ? `${page.path}?${keep.toString()}` : page.path,
    changesHref: `/changes?from_rev=${request.rev}&to_rev=${since.latest.number}${asOf ? `&as_of=${encodeURIComponent(asOf)}` : ''}`,
  };
}

declare module 'fastify' {
  interface Session {
    /** A message to show once, on the page after a redirect. */
    flash?: string;
  }
}

/** The one-off message saved before a redirect, shown once on the next page. */
export function takeFlash(request: FastifyRequest): string | null {
  const flash = request.session.flash;
  if (flash) request.session.flash = undefined;
  return flash ?? null;
}
