/** Badges (small accessible SVGs) and embeds (minimal pages other sites may frame). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestProblem } from '../plugins/errors.js';
import { campaignView, institutionAsAt, institutionsAsAt, type InstitutionView } from '../tracker/tracker.js';
import { badgeLayout } from '../render/badges.js';
import { plural, stanceLabel } from '../render/format.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

/** The badge's words: the same figure as the page and the API. */
export function badgeText(i: InstitutionView, ask: { slug: string; title: string } | null): [string, string] {
  if (ask) return [i.name, `${ask.title}: ${stanceLabel(i.positions[ask.slug]!.stance)}`];
  if (i.silence) return [i.name, `${plural(i.silence.calendarDays, 'day')} without comment`];
  return [i.name, i.approached ? 'not waiting for a comment' : 'not approached'];
}

const COLOURS: Record<string, string> = { none: '#505a5f', refused: '#a8231a', considering: '#7a4d00', committed: '#1f5f2f', done: '#1f5f2f' };

/** Lets any site frame this response (embeds only; every other page refuses framing). */
function allowFraming(reply: FastifyReply): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  reply.header('content-security-policy', csp.replace(/frame-ancestors [^;]+/, 'frame-ancestors *'));
  reply.removeHeader('x-frame-options');
}

export default async function badgeRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: { ...asOfQuery, ask: { type: 'string', maxLength: 100 } } } };

  app.get<{ Params: { slug: string }; Querystring: { ask?: string } }>('/badges/:slug.svg', { schema }, async (request, reply) => {
    const institution = institutionAsAt(t, request.params.slug, request.asOf);
    if (!institution) throw new RequestProblem(404, `No institution has the address “${request.params.slug}”.`, 'slug');
    const ask = request.query.ask ? campaignView(t).asks.find((a) => a.slug === request.query.ask) ?? null : null;
    if (request.query.ask && !ask) throw new RequestProblem(400, `“${request.query.ask}” is not one of the campaign’s asks`, 'ask');
    const [label, value] = badgeText(institution, ask);
    const colour = ask ? COLOURS[institution.positions[ask.slug]!.stance]! : institution.silence ? '#a8231a' : '#505a5f';
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', request.asOfRaw ? 'public, max-age=86400' : 'public, max-age=300')
      .viewAsync('svg/badge', { badge: badgeLayout(label, value, colour) });
  });

  app.get('/embed/scorecard', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    allowFraming(reply);
    const campaign = campaignView(t);
    const rows = institutionsAsAt(t, request.asOf).filter((i) => i.involved);
    return renderPage(request, reply, 'embed/scorecard', 'Scorecard', { rows, asks: campaign.asks, campaign });
  });

  app.get<{ Params: { slug: string } }>('/embed/institutions/:slug', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    allowFraming(reply);
    const institution = institutionAsAt(t, request.params.slug, request.asOf);
    if (!institution) throw new RequestProblem(404, `No institution has the address “${request.params.slug}”.`, 'slug');
    return renderPage(request, reply, 'embed/institution', institution.name, { institution, asks: campaignView(t).asks });
  });
}
