import type { FastifyInstance } from 'fastify';
import { headline } from '../render/format.js';
import { chartSet } from '../render/charts.js';
import { chartData } from '../tracker/charts.js';
import { citeCounts } from './citation.js';
import { embedSnippet } from '../render/embeds.js';
import { renderPage } from './page.js';
import { overview } from '../tracker/tracker.js';
import { asOfQuery } from './schemas.js';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    const data = overview(app.tracker, request.asOf);
    const citation = citeCounts(data.counts, request.asOf, data.campaign.title, app.tracker.baseUrl);
    return renderPage(request, reply, 'home/index', 'Overview', { overview: data, headline, citation, embedCode: embedSnippet(`${app.tracker.baseUrl}/embed/scorecard`, `Scorecard: ${data.campaign.title}`, 600), charts: chartSet(chartData(app.tracker, request.asOf, 26)), baseUrl: app.tracker.baseUrl }, citation.sentence);
  });
}
