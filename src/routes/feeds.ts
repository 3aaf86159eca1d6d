/** Atom, RSS 2.0 and JSON Feed of the published timeline, and an Atom feed per institution. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import { RequestProblem } from '../plugins/errors.js';
import { campaignView, institutionAsAt, timeline, type EventView, type Tracker } from '../tracker/tracker.js';
import { channelLabel, eventTypeLabel, longDate, responseTypeLabel, stanceLabel } from '../render/format.js';
import { escapeHtml } from '../render/escape.js';
import { asOfQuery } from './schemas.js';

export const FEED_SIZE = 50;

export function eventTitle(e: EventView): string {
  const detail = e.type === 'contact' && e.channel ? ` (${channelLabel(e.channel).toLowerCase()})` : e.type === 'response' && e.responseType ? ` (${responseTypeLabel(e.responseType).toLowerCase()})` : '';
  return `${eventTypeLabel(e.type)}${detail}: ${e.institutionName ?? 'campaign-wide'}, ${longDate(e.date)}`;
}


/**
 * A feed of the given events. An Atom title is HTML (type="html"), so its text is escaped there;
 * RSS and JSON Feed titles are plain text and are given as they are.
 */
function buildFeed(
  t: Tracker,
  events: EventView[],
  asOf: number,
  self: { path: string; title: string; description: string; feedLinks: Record<string, string> },
  format: 'atom' | 'rss' | 'json',
): Feed {
  const campaign = campaignView(t);
  const updated = events[0] ? new Date(events[0].occurredAt) : new Date(asOf);
  const feed = new Feed({
    title: self.title,
    description: self.description,
    id: `${t.baseUrl}${self.path}`,
    link: `${t.baseUrl}${self.path === '/' ? '/timeline' : self.path}`,
    language: 'en-GB',
    updated,
    generator: 'Campaign accountability tracker',
    copyright: `Data: CC BY 4.0, ${campaign.title}`,
    feedLinks: self.feedLinks,
    author: { name: campaign.title, link: campaign.website ?? t.baseUrl },
  });
  const askTitles = new Map(campaign.asks.map((a) => [a.slug, a.title]));
  for (const e of events) {
    const positions = Object.entries(e.positions).map(([ask, stance]) => `${askTitles.get(ask) ?? ask}: ${stanceLabel(stance)}`);
    const paragraphs = [e.summary, e.quote ? `“${e.quote}”` : '', positions.length > 0 ? `Position stated: ${positions.join('; ')}.` : ''];
    const text = paragraphs.filter(Boolean).map((p) => `<p>${escapeHtml(p)}</p>`).join('');
    feed.addItem({
      title: format === 'atom' ? escapeHtml(eventTitle(e)) : eventTitle(e),
      id: e.url,
      link: e.url,
      description: text,
      date: new Date(e.occurredAt),
      published: new Date(e.occurredAt),
    });
  }
  return feed;
}

export default async function feedRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: asOfQuery } };

  const siteFeed = (request: FastifyRequest, format: 'atom' | 'rss' | 'json') => {
    const campaign = campaignView(t);
    const events = timeline(t, request.asOf, {}, null, FEED_SIZE).events;
    return buildFeed(t, events, request.asOf, {
      path: '/',
      title: campaign.title,
      description: `The latest approaches, responses and milestones. ${campaign.summary}`,
      feedLinks: { atom: `${t.baseUrl}/feed.atom`, rss: `${t.baseUrl}/feed.rss`, json: `${t.baseUrl}/feed.json` },
    }, format);
  };
  const send = (reply: FastifyReply, type: string, body: string) => reply.type(type).header('cache-control', 'public, max-age=300').send(body);

  app.get('/feed.atom', { schema }, async (request, reply) => send(reply, 'application/atom+xml; charset=utf-8', siteFeed(request, 'atom').atom1()));
  app.get('/feed.rss', { schema }, async (request, reply) => send(reply, 'application/rss+xml; charset=utf-8', siteFeed(request, 'rss').rss2()));
  app.get('/feed.json', { schema }, async (request, reply) => send(reply, 'application/feed+json; charset=utf-8', siteFeed(request, 'json').json1()));

  app.get<{ Params: { slug: string } }>('/institutions/:slug/feed.atom', { schema }, async (request, reply) => {
    const institution = institutionAsAt(t, request.params.slug, request.asOf);
    if (!institution) throw new RequestProblem(404, `No institution has the address “${request.params.slug}”.`, 'slug');
    const events = timeline(t, request.asOf, { institutionId: institution.id }, null, FEED_SIZE).events;
    const feed = buildFeed(t, events, request.asOf, {
      path: `/institutions/${institution.slug}`,
      title: `${institution.name}: ${campaignView(t).title}`,
      description: `Approaches to ${institution.name}, its responses and milestones.`,
      feedLinks: { atom: `${t.baseUrl}/institutions/${institution.slug}/feed.atom` },
    }, 'atom');
    return send(reply, 'application/atom+xml; charset=utf-8', feed.atom1());
  });
}
