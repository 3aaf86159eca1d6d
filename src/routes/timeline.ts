/** Every published event, newest first, a page at a time, searched and filtered. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { searchText } from '../domain/search.js';
import { withQuery } from '../render/links.js';
import { renderPage } from '../render/page.js';
import { searchMarks } from '../render/search.js';
import { readTimelineFilter } from '../tracker/timeline-filter.js';
import { campaignView, institutionsOnRecord, regions, timeline, timelineCount } from '../tracker/tracker.js';
import { TimelinePageQuery } from './schemas.js';

export const TIMELINE_PAGE_SIZE = 50;

/** How far the timeline counts the events a search or filter matches before it says "more than". */
export const TIMELINE_COUNT_CAP = 1000;

export default async function timelineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  app.get('/timeline', { schema: { querystring: TimelinePageQuery } }, async (request, reply) => {
    const q = request.query;
    const choices = { asks: campaignView(t, request.at).asks, regions: regions(t, request.at), institutions: institutionsOnRecord(t, request.at) };
    const selection = readTimelineFilter(t, q, request.at);
    if (!selection.ok) {
      // What was typed is shown again to correct, without the control characters a page cannot show.
      const query = { ...q, q: q.q === undefined ? undefined : searchText(q.q) };
      return renderPage(request, reply.code(400), 'timeline/index', 'Timeline', { ...choices, query, errors: selection.errors, events: [], isFirstPage: true, nextHref: null });
    }
    const { filter, search, narrowed, params } = selection.value;
    const before = decodeCursor(q.before);
    const page = timeline(t, request.at, filter, before, q.limit ?? TIMELINE_PAGE_SIZE);
    const kept = { as_of: q.as_of, rev: q.rev, ...params, limit: q.limit };
    return renderPage(request, reply, 'timeline/index', search ? `Timeline: “${search.text}”` : 'Timeline', {
      ...choices,
      events: page.events,
      query: { ...q, q: search?.text ?? '' },
      errors: {},
      search,
      marks: searchMarks(search, choices.institutions),
      matching: narrowed ? timelineCount(t, request.at, filter, TIMELINE_COUNT_CAP) : null,
      feeds: narrowed ? { atom: withQuery('/feed.atom', params), api: withQuery('/api/timeline', params) } : null,
      isFirstPage: before === null,
      firstHref: withQuery('/timeline', kept),
      nextHref: page.next ? withQuery('/timeline', { ...kept, before: encodeCursor(page.next) }) : null,
    });
  });
}
