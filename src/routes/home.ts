/** The overview: the campaign, its asks, who has committed, the scorecard, the latest events. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { chartSet } from '../render/charts.js';
import { citeCounts, pinOf } from '../render/citation.js';
import { embedSnippet } from '../render/embeds.js';
import { headline } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { overviewPage } from '../tracker/charts.js';
import { AsOfQuery } from './schemas.js';

export default async function homeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  app.get('/', { schema: { querystring: AsOfQuery } }, async (request, reply) => {
    const { overview, charts } = overviewPage(t, request.at);
    const citation = citeCounts(overview.counts, pinOf(request), overview.campaign.title, t.baseUrl);
    const embedCode = embedSnippet(`${t.baseUrl}/embed/scorecard`, `Scorecard: ${overview.campaign.title}`, 600);
    return renderPage(request, reply, 'home/index', 'Overview', { overview, headline, citation, embedCode, charts: chartSet(charts), baseUrl: t.baseUrl }, citation.sentence);
  });
}
