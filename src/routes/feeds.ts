/** Atom, RSS 2.0 and JSON Feed of the published timeline, and an Atom feed per institution; each takes the timeline's search and filters. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { buildFeed, FEED_TYPES, searchedFeedTitle, type FeedFormat } from '../render/feeds.js';
import { withQuery } from '../render/links.js';
import { feedEvents } from '../tracker/feeds.js';
import { readTimelineFilter } from '../tracker/timeline-filter.js';
import { institutionOr404, selectionOr400 } from './lookups.js';
import { FeedQuery, SlugParams } from './schemas.js';

export default async function feedRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  const send = (reply: FastifyReply, format: FeedFormat, body: string) => reply.type(FEED_TYPES[format]).send(body);

  for (const format of ['atom', 'rss', 'json'] as const) {
    app.get(`/feed.${format}`, { schema: { querystring: FeedQuery } }, async (request, reply) => {
      const selection = selectionOr400(readTimelineFilter(t, request.query, request.at));
      const { campaign, events } = feedEvents(t, request.at, null, selection.filter)!;
      const address = (path: string) => `${t.baseUrl}${withQuery(path, selection.params)}`;
      const feed = buildFeed(
        {
          campaign, baseUrl: t.baseUrl, events, asOf: request.asOf, path: '/', title: searchedFeedTitle(campaign.title, selection),
          description: `The latest approaches, responses and milestones. ${campaign.summary}`,
          feedLinks: { atom: address('/feed.atom'), rss: address('/feed.rss'), json: address('/feed.json') },
          page: selection.narrowed ? withQuery('/timeline', selection.params) : null,
        },
        format,
      );
      return send(reply, format, feed);
    });
  }

  app.get('/institutions/:slug/feed.atom', { schema: { params: SlugParams, querystring: FeedQuery } }, async (request, reply) => {
    // The institution is the address's; an `institution` parameter beside it is not another filter.
    const selection = selectionOr400(readTimelineFilter(t, { ...request.query, institution: undefined }, request.at));
    const { campaign, institution, events } = institutionOr404(feedEvents(t, request.at, request.params.slug, selection.filter), request.params.slug);
    const path = `/institutions/${institution!.slug}`;
    const feed = buildFeed(
      {
        campaign, baseUrl: t.baseUrl, events, asOf: request.asOf, path, title: searchedFeedTitle(`${institution!.name}: ${campaign.title}`, selection),
        description: `Approaches to ${institution!.name}, its responses and milestones.`,
        feedLinks: { atom: `${t.baseUrl}${withQuery(`${path}/feed.atom`, selection.params)}` },
        page: selection.narrowed ? withQuery('/timeline', { ...selection.params, institution: institution!.slug }) : null,
      },
      'atom',
    );
    return send(reply, 'atom', feed);
  });
}
