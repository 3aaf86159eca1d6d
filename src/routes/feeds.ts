/** Atom, RSS 2.0 and JSON Feed of the published timeline, and an Atom feed per institution. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { buildFeed, FEED_TYPES, type FeedFormat } from '../render/feeds.js';
import { feedEvents } from '../tracker/feeds.js';
import { institutionOr404 } from './lookups.js';
import { AsOfQuery, SlugParams } from './schemas.js';

export default async function feedRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  const send = (reply: FastifyReply, format: FeedFormat, body: string) => reply.type(FEED_TYPES[format]).header('cache-control', 'public, max-age=300').send(body);

  for (const format of ['atom', 'rss', 'json'] as const) {
    app.get(`/feed.${format}`, { schema: { querystring: AsOfQuery } }, async (request, reply) => {
      const { campaign, events } = feedEvents(t, request.at)!;
      const feed = buildFeed(
        {
          campaign, baseUrl: t.baseUrl, events, asOf: request.asOf, path: '/', title: campaign.title,
          description: `The latest approaches, responses and milestones. ${campaign.summary}`,
          feedLinks: { atom: `${t.baseUrl}/feed.atom`, rss: `${t.baseUrl}/feed.rss`, json: `${t.baseUrl}/feed.json` },
        },
        format,
      );
      return send(reply, format, feed);
    });
  }

  app.get('/institutions/:slug/feed.atom', { schema: { params: SlugParams, querystring: AsOfQuery } }, async (request, reply) => {
    const { campaign, institution, events } = institutionOr404(feedEvents(t, request.at, request.params.slug), request.params.slug);
    const path = `/institutions/${institution!.slug}`;
    const feed = buildFeed(
      {
        campaign, baseUrl: t.baseUrl, events, asOf: request.asOf, path, title: `${institution!.name}: ${campaign.title}`,
        description: `Approaches to ${institution!.name}, its responses and milestones.`,
        feedLinks: { atom: `${t.baseUrl}${path}/feed.atom` },
      },
      'atom',
    );
    return send(reply, 'atom', feed);
  });
}
