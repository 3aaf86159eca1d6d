/**
 * Charts as server-rendered SVG (no client script), each with a text summary and a data table
 * for screen readers, on /charts, on / and /about, and as SVG images usable in articles.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestProblem } from '../plugins/errors.js';
import { AS_IMAGE, chartSet, kindsChart, positionsChart, silenceRow, silencesChart, type ChartDrawing } from '../render/charts.js';
import { chartData, longestSilences, positionsOverTime, stanceByKind } from '../tracker/charts.js';
import { campaignView } from '../tracker/tracker.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

export default async function chartRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: asOfQuery } };
  const sendSvg = (reply: FastifyReply, chart: ChartDrawing) =>
    reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=300').viewAsync('svg/chart', { chart });
  const askOf = (slug: string) => {
    const ask = campaignView(t).asks.find((a) => a.slug === slug);
    if (!ask) throw new RequestProblem(404, `“${slug}” is not one of the campaign’s asks`, 'ask');
    return ask;
  };

  app.get('/charts', { schema }, async (request, reply) =>
    renderPage(request, reply, 'charts/index', 'Charts', { charts: chartSet(chartData(t, request.asOf)), baseUrl: t.baseUrl }),
  );
  app.get<{ Params: { ask: string } }>('/charts/positions/:ask.svg', { schema }, async (request, reply) =>
    sendSvg(reply, positionsChart(positionsOverTime(t, request.asOf), askOf(request.params.ask), 'wide', AS_IMAGE)),
  );
  app.get<{ Params: { ask: string } }>('/charts/kinds/:ask.svg', { schema }, async (request, reply) => {
    const ask = askOf(request.params.ask);
    return sendSvg(reply, kindsChart(stanceByKind(t, request.asOf, ask.slug), ask, 'wide', AS_IMAGE));
  });
  app.get('/charts/silences.svg', { schema }, async (request, reply) => sendSvg(reply, silencesChart(longestSilences(t, request.asOf, 10).map(silenceRow), 'wide')));
}
