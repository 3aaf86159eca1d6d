/** Every published event, newest first, a page at a time, with filters. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { withQuery } from '../render/links.js';
import { renderPage } from '../render/page.js';
import { campaignView, regions, timeline } from '../tracker/tracker.js';
import { askOr400 } from './lookups.js';
import { TimelinePageQuery } from './schemas.js';

export const TIMELINE_PAGE_SIZE = 50;

export default async function timelineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  app.get('/timeline', { schema: { querystring: TimelinePageQuery } }, async (request, reply) => {
    const q = request.query;
    if (q.ask) askOr400(t, q.ask, request.at);
    const before = decodeCursor(q.before);
    const filter = { type: q.type || undefined, kind: q.kind || undefined, region: q.region || undefined, ask: q.ask || undefined };
    const page = timeline(t, request.at, filter, before, q.limit ?? TIMELINE_PAGE_SIZE);
    const kept = { as_of: q.as_of, rev: q.rev, type: q.type, kind: q.kind, region: q.region, ask: q.ask, limit: q.limit };
    return renderPage(request, reply, 'timeline/index', 'Timeline', {
      events: page.events,
      query: q,
      asks: campaignView(t, request.at).asks,
      regions: regions(t, request.at),
      isFirstPage: before === null,
      firstHref: withQuery('/timeline', kept),
      nextHref: page.next ? withQuery('/timeline', { ...kept, before: encodeCursor(page.next) }) : null,
    });
  });
}
