import type { FastifyInstance } from 'fastify';
import { regions } from '../db/queries/events.js';
import { campaignView, decodeCursor, encodeCursor, timeline } from '../tracker/tracker.js';
import { checkAsk, TIMELINE_PAGE_SIZE, timelineQueryString, type TimelineQuery } from './api.js';
import { renderPage } from './page.js';
import { timelineQuery } from './schemas.js';

const pageQuery = {
  ...timelineQuery,
  properties: {
    ...timelineQuery.properties,
    type: { type: 'string', enum: [...timelineQuery.properties.type.enum, ''] },
    kind: { type: 'string', enum: [...timelineQuery.properties.kind.enum, ''] },
  },
};

export default async function timelineRoutes(app: FastifyInstance) {
  const t = app.tracker;
  app.get<{ Querystring: TimelineQuery }>('/timeline', { schema: { querystring: pageQuery } }, async (request, reply) => {
    const q = request.query;
    checkAsk(app, q.ask || undefined);
    const before = q.before ? decodeCursor(q.before) : null;
    const page = timeline(t, request.asOf, { type: q.type || undefined, kind: q.kind || undefined, region: q.region || undefined, ask: q.ask || undefined }, before, q.limit ?? TIMELINE_PAGE_SIZE);
    const keep: (keyof TimelineQuery)[] = ['as_of', 'type', 'kind', 'region', 'ask', 'limit'];
    return renderPage(request, reply, 'timeline/index', 'Timeline', {
      events: page.events,
      query: q,
      asks: campaignView(t).asks,
      regions: regions(t.db),
      isFirstPage: before === null,
      firstHref: `/timeline${timelineQueryString(q, null, keep)}`,
      nextHref: page.next ? `/timeline${timelineQueryString(q, encodeCursor(page.next), keep)}` : null,
    });
  });
}
