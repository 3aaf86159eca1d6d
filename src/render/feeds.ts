/**
 * Atom, RSS 2.0 and JSON Feed of published events, built with the `feed` library. An Atom title
 * is HTML (type="html"), so its text is escaped there; RSS and JSON Feed titles are plain text.
 */
import { Feed } from 'feed';
import type { TimelineSelection } from '../tracker/timeline-filter.js';
import type { CampaignView, EventView } from '../tracker/tracker.js';
import type { ChangeView } from './revisions.js';
import { escapeHtml } from './escape.js';
import { channelLabel, eventTypeLabel, longDate, responseTypeLabel, stanceLabel } from './format.js';

export type FeedFormat = 'atom' | 'rss' | 'json';

export function eventTitle(e: EventView): string {
  const detail = e.type === 'contact' && e.channel ? ` (${channelLabel(e.channel).toLowerCase()})` : e.type === 'response' && e.responseType ? ` (${responseTypeLabel(e.responseType).toLowerCase()})` : '';
  return `${eventTypeLabel(e.type)}${detail}: ${e.institutionName ?? 'campaign-wide'}, ${longDate(e.date)}`;
}

export interface FeedInput {
  campaign: CampaignView;
  baseUrl: string;
  events: EventView[];
  asOf: number;
  /** Where the feed's page is (`/` for the whole timeline), its title and what it holds. */
  path: string;
  title: string;
  description: string;
  /** The addresses of this feed in each format offered. */
  feedLinks: Partial<Record<FeedFormat, string>>;
  /** For a searched or filtered feed: the timeline page (path and query) showing the same events, which is also what identifies the feed. */
  page?: string | null;
}

/** A feed's title, saying what it was searched for, or that it is filtered. */
export function searchedFeedTitle(title: string, selection: Pick<TimelineSelection, 'search' | 'narrowed'>): string {
  if (selection.search) return `${title} (search: “${selection.search.text}”)`;
  return selection.narrowed ? `${title} (filtered)` : title;
}

export function buildFeed(input: FeedInput, format: FeedFormat): string {
  const { campaign, baseUrl, events } = input;
  // A feed changes when an entry is added or revised: its time is the latest revision among them.
  const latest = events.reduce((max, e) => (e.recordedAt > max ? e.recordedAt : max), '');
  const updated = latest ? new Date(latest) : new Date(input.asOf);
  const feed = new Feed({
    title: input.title,
    description: campaign.endedOn ? `${input.description} The campaign ended on ${longDate(campaign.endedOn)}; the record was not kept after that day.` : input.description,
    id: `${baseUrl}${input.page ?? input.path}`,
    link: `${baseUrl}${input.page ?? (input.path === '/' ? '/timeline' : input.path)}`,
    language: 'en-GB',
    updated,
    generator: 'Campaign accountability tracker',
    copyright: `Data: CC BY 4.0, ${campaign.title}`,
    feedLinks: input.feedLinks,
    author: { name: campaign.title, link: campaign.website ?? baseUrl },
  });
  const askTitles = new Map(campaign.asks.map((a) => [a.slug, a.title]));
  for (const e of events) {
    const positions = Object.entries(e.positions).map(([ask, stance]) => `${askTitles.get(ask) ?? ask}: ${stanceLabel(stance)}`);
    const paragraphs = [e.summary, e.quote ? `“${e.quote}”` : '', positions.length > 0 ? `Position stated: ${positions.join('; ')}.` : ''];
    feed.addItem({
      title: format === 'atom' ? escapeHtml(eventTitle(e)) : eventTitle(e),
      id: e.url,
      link: e.url,
      description: paragraphs.filter(Boolean).map((p) => `<p>${escapeHtml(p)}</p>`).join(''),
      // Updated when its last revision was made, so a corrected event reappears in feed readers.
      date: new Date(e.recordedAt),
      published: new Date(e.occurredAt),
    });
  }
  return format === 'atom' ? feed.atom1() : format === 'rss' ? feed.rss2() : feed.json1();
}

export const FEED_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** The corrections as an Atom feed: each change an entry, updated when its revision was made. */
export function correctionsFeed(campaign: CampaignView, baseUrl: string, changes: ChangeView[], asOf: number): string {
  const feed = new Feed({
    title: escapeHtml(`Corrections: ${campaign.title}`),
    description: 'Every correction, deletion and restoration of published material, and every late entry.',
    id: `${baseUrl}/corrections`,
    link: `${baseUrl}/corrections`,
    language: 'en-GB',
    updated: new Date(changes[0]?.iso ?? asOf),
    generator: 'Campaign accountability tracker',
    copyright: `Data: CC BY 4.0, ${campaign.title}`,
    feedLinks: { atom: `${baseUrl}/corrections.atom` },
    author: { name: campaign.title, link: campaign.website ?? baseUrl },
  });
  for (const c of changes) {
    const rows = c.fields.map((f) => `<li>${escapeHtml(f.field)}: ${escapeHtml(f.before)} → ${escapeHtml(f.after)}</li>`).join('');
    const link = `${baseUrl}/corrections?rev=${c.revision}#${c.anchor}`;
    feed.addItem({
      title: escapeHtml(`${c.kind} (revision ${c.revision}): ${c.text}`),
      id: link,
      link,
      description: [`<p>${escapeHtml(c.text)}</p>`, c.note ? `<p>Reason given: ${escapeHtml(c.note)}</p>` : '', rows ? `<ul>${rows}</ul>` : ''].join(''),
      date: new Date(c.iso),
    });
  }
  return feed.atom1();
}
