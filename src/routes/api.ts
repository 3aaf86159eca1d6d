/** The public JSON API (DOMAIN.md): the same tracker functions as the pages, rendered as JSON. */
import type { FastifyInstance } from 'fastify';
import { isoInstant } from '../domain/calendar.js';
import type { EventType, InstitutionKind } from '../domain/vocabulary.js';
import { RequestProblem } from '../plugins/errors.js';
import {
  campaignView,
  decodeCursor,
  encodeCursor,
  eventAsAt,
  institutionAsAt,
  institutionHistory,
  institutionsAsAt,
  timeline,
} from '../tracker/tracker.js';
import { apiSchemas } from './schemas.js';
import { renderPage } from './page.js';

export interface TimelineQuery {
  as_of?: string;
  type?: EventType;
  kind?: InstitutionKind;
  region?: string;
  ask?: string;
  before?: string;
  limit?: number;
}

export const TIMELINE_PAGE_SIZE = 50;

/** The query string of a timeline page with the given cursor, keeping every filter. */
export function timelineQueryString(query: TimelineQuery, before: string | null, keep: (keyof TimelineQuery)[]): string {
  const params = new URLSearchParams();
  for (const key of keep) {
    const value = query[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  if (before) params.set('before', before);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function checkAsk(app: FastifyInstance, ask: string | undefined): void {
  if (ask && !campaignView(app.tracker).asks.some((a) => a.slug === ask)) {
    throw new RequestProblem(400, `“${ask}” is not one of the campaign’s asks`, 'ask');
  }
}

export default async function apiRoutes(app: FastifyInstance) {
  const t = app.tracker;

  app.get('/api/campaign', { schema: apiSchemas.campaign }, async (request) => {
    const { title, summary, asks } = campaignView(t);
    return { asOf: isoInstant(request.asOf), title, summary, asks };
  });

  app.get<{ Querystring: { kind?: InstitutionKind; region?: string } }>(
    '/api/institutions',
    { schema: apiSchemas.institutions },
    async (request) => {
      const { kind, region } = request.query;
      const institutions = institutionsAsAt(t, request.asOf).filter((i) => (!kind || i.kind === kind) && (!region || i.region === region));
      return { asOf: isoInstant(request.asOf), institutions };
    },
  );

  app.get<{ Params: { slug: string } }>('/api/institutions/:slug', { schema: apiSchemas.institution }, async (request) => {
    const institution = institutionAsAt(t, request.params.slug, request.asOf);
    if (!institution) throw new RequestProblem(404, `No institution has the slug “${request.params.slug}”`, 'slug');
    return { asOf: isoInstant(request.asOf), institution, events: institutionHistory(t, institution.id, request.asOf) };
  });

  app.get<{ Querystring: TimelineQuery }>('/api/timeline', { schema: apiSchemas.timeline }, async (request) => {
    const q = request.query;
    checkAsk(app, q.ask);
    const before = q.before ? decodeCursor(q.before) : null;
    const limit = q.limit ?? TIMELINE_PAGE_SIZE;
    const page = timeline(t, request.asOf, { type: q.type, kind: q.kind, region: q.region, ask: q.ask }, before, limit);
    const next = page.next
      ? `${t.baseUrl}/api/timeline${timelineQueryString(q, encodeCursor(page.next), ['as_of', 'type', 'kind', 'region', 'ask', 'limit'])}`
      : null;
    return { asOf: isoInstant(request.asOf), events: page.events, next };
  });

  app.get<{ Params: { id: number } }>('/api/events/:id', { schema: apiSchemas.event }, async (request) => {
    const found = eventAsAt(t, request.params.id, request.asOf);
    if (!found.found) {
      throw new RequestProblem(404, found.reason === 'later' ? `Event ${request.params.id} had not happened as at ${isoInstant(request.asOf)}` : `There is no published event ${request.params.id}`, 'id');
    }
    return { asOf: isoInstant(request.asOf), event: found.event };
  });

  app.get('/api/openapi.json', async () => app.swagger());

  app.get('/api', async (request, reply) => {
    const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { summary?: string; description?: string; parameters?: { name: string; in: string; description?: string; schema?: { type?: string; enum?: unknown[] } }[] }>> };
    const routes = Object.entries(doc.paths).map(([path, methods]) => ({ path, ...methods.get! }));
    return renderPage(request, reply, 'api/index', 'The JSON API', { routes, baseUrl: t.baseUrl });
  });

  app.get('/healthz', async () => {
    t.db.$client.prepare('SELECT count(*) FROM __drizzle_migrations').get();
    return { status: 'ok' };
  });
}
