/** The public JSON API (DOMAIN.md): the same tracker functions as the pages, rendered as JSON. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isoInstant, londonDateOf } from '../domain/calendar.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { RequestProblem } from '../plugins/errors.js';
import type { FastifyRequest } from 'fastify';
import { withQuery } from '../render/links.js';
import { renderPage } from '../render/page.js';
import { changeJson } from '../render/revisions.js';
import { revisedSince } from '../tracker/revisions.js';
import { campaignView, eventAsAt, freshness, institutionPage, institutionsAsAt, timeline } from '../tracker/tracker.js';
import { health } from '../tracker/health.js';
import { readTimelineFilter } from '../tracker/timeline-filter.js';
import { institutionOr404, selectionOr400 } from './lookups.js';
import { apiSchemas } from './schemas.js';
import { TIMELINE_PAGE_SIZE } from './timeline.js';

export default async function apiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  /** What every answer says about itself: its moment, its revision, and what was revised since (about one institution or event, or all). */
  const stamp = (request: FastifyRequest, scope: { institutionId?: number; eventId?: number } = {}) => ({
    asOf: isoInstant(request.asOf),
    revision: request.rev,
    revisedSince: (revisedSince(t, request.at, scope, 100)?.changes ?? []).map((c) => changeJson(c, t.baseUrl)),
    campaign: { endedOn: request.campaignEndedOn, recordKept: request.endState !== 'after-end', ...recordFreshness(request) },
    calendar: { holidaysUntil: t.calendar.lastDate, workingDaysAvailable: londonDateOf(request.asOf) <= t.calendar.lastDate },
  });

  const recordFreshness = (request: FastifyRequest) => {
    const { lastEventOn, staleSince } = freshness(t, request.at);
    return { lastUpdatedOn: lastEventOn, stale: staleSince !== null };
  };

  app.get('/api/campaign', { schema: apiSchemas.campaign }, async (request) => {
    const { title, summary, asks, endedOn, outcome } = campaignView(t, request.at);
    return { ...stamp(request), title, summary, asks, endedOn, outcome };
  });

  app.get('/api/institutions', { schema: apiSchemas.institutions }, async (request) => {
    const { kind, region } = request.query;
    const institutions = institutionsAsAt(t, request.at).filter((i) => (!kind || i.kind === kind) && (!region || i.region === region));
    return { ...stamp(request), institutions };
  });

  app.get('/api/institutions/:slug', { schema: apiSchemas.institution }, async (request) => {
    const { institution, events } = institutionOr404(institutionPage(t, request.params.slug, request.at), request.params.slug);
    return { ...stamp(request, { institutionId: institution.id }), institution, events };
  });

  app.get('/api/timeline', { schema: apiSchemas.timeline }, async (request) => {
    const q = request.query;
    const { filter, params } = selectionOr400(readTimelineFilter(t, q, request.at));
    const page = timeline(t, request.at, filter, decodeCursor(q.before), q.limit ?? TIMELINE_PAGE_SIZE);
    const kept = { as_of: q.as_of, rev: q.rev, ...params, limit: q.limit };
    const next = page.next ? `${t.baseUrl}${withQuery('/api/timeline', { ...kept, before: encodeCursor(page.next) })}` : null;
    return { ...stamp(request), events: page.events, next };
  });

  app.get('/api/events/:id', { schema: apiSchemas.event }, async (request) => {
    const found = eventAsAt(t, request.params.id, request.at);
    if (!found.found) {
      throw new RequestProblem(404, found.reason === 'later' ? `Event ${request.params.id} had not happened as at ${isoInstant(request.asOf)}` : `There is no published event ${request.params.id}`, 'id');
    }
    return { ...stamp(request, { eventId: found.event.id }), event: found.event };
  });

  app.get('/api/openapi.json', async () => app.swagger());

  app.get('/api', async (request, reply) => {
    const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { summary?: string; description?: string; parameters?: { name: string; in: string; description?: string; schema?: { type?: string; enum?: unknown[] } }[] }>> };
    const routes = Object.entries(doc.paths).map(([path, methods]) => ({ path, ...methods.get! }));
    return renderPage(request, reply, 'api/index', 'The JSON API', { routes, baseUrl: t.baseUrl });
  });

  // Always asked afresh: a cached "ok" would hide a failing server.
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return health(t, app.now(), app.config.mail);
  });
}
