/** Badges (small accessible SVGs) and embeds (minimal pages other sites may frame). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { institutionBadge } from '../render/badges.js';
import { renderPage } from '../render/page.js';
import { campaignView, freshness, institutionAsAt, scorecard } from '../tracker/tracker.js';
import { askOr400, institutionOr404 } from './lookups.js';
import { AsOfQuery, BadgeQuery, SlugParams } from './schemas.js';

/** Lets any site frame this response (embeds only; every other page refuses framing). */
function allowFraming(reply: FastifyReply): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  reply.header('content-security-policy', csp.replace(/frame-ancestors [^;]+/, 'frame-ancestors *'));
  reply.removeHeader('x-frame-options');
}

export default async function badgeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  app.get('/badges/:slug.svg', { schema: { params: SlugParams, querystring: BadgeQuery } }, async (request, reply) => {
    const institution = institutionOr404(institutionAsAt(t, request.params.slug, request.at), request.params.slug);
    const ask = request.query.ask ? askOr400(t, request.query.ask, request.at) : null;
    return reply
      .type('image/svg+xml; charset=utf-8')
      .viewAsync('svg/badge', { badge: institutionBadge(institution, ask, request.endState === 'at-end' ? request.campaignEndedOn : null, freshness(t, request.at).staleSince) });
  });

  app.get('/embed/scorecard', { schema: { querystring: AsOfQuery } }, async (request, reply) => {
    allowFraming(reply);
    const { campaign, rows } = scorecard(t, request.at);
    return renderPage(request, reply, 'embed/scorecard', 'Scorecard', { rows, asks: campaign.asks, campaign });
  });

  app.get('/embed/institutions/:slug', { schema: { params: SlugParams, querystring: AsOfQuery } }, async (request, reply) => {
    allowFraming(reply);
    // The embed shows the institution's figures, not its history: the history is not read.
    const institution = institutionOr404(institutionAsAt(t, request.params.slug, request.at), request.params.slug);
    return renderPage(request, reply, 'embed/institution', institution.name, { institution, asks: campaignView(t, request.at).asks });
  });
}
