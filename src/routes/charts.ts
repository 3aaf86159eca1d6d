/**
 * Charts as server-rendered SVG (no client script), each with a text summary and a data table
 * for screen readers, on /charts, on / and /about, and as SVG images usable in articles.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AS_IMAGE, chartSet, kindsChart, positionsChart, silenceRow, silencesChart, type ChartDrawing } from '../render/charts.js';
import { chartData, longestSilences, positionsOverTime, stanceByKind } from '../tracker/charts.js';
import { renderPage } from '../render/page.js';
import { askOr404 } from './lookups.js';
import { AskParams, AsOfQuery } from './schemas.js';

export default async function chartRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  const schema = { querystring: AsOfQuery };
  const sendSvg = (reply: FastifyReply, chart: ChartDrawing) =>
    reply.type('image/svg+xml; charset=utf-8').viewAsync('svg/chart', { chart });

  app.get('/charts', { schema }, async (request, reply) =>
    renderPage(request, reply, 'charts/index', 'Charts', { charts: chartSet(chartData(t, request.at)), baseUrl: t.baseUrl }),
  );
  app.get('/charts/positions/:ask.svg', { schema: { ...schema, params: AskParams } }, async (request, reply) =>
    sendSvg(reply, positionsChart(positionsOverTime(t, request.at), askOr404(t, request.params.ask, request.at), 'wide', AS_IMAGE)),
  );
  app.get('/charts/kinds/:ask.svg', { schema: { ...schema, params: AskParams } }, async (request, reply) => {
    const ask = askOr404(t, request.params.ask, request.at);
    return sendSvg(reply, kindsChart(stanceByKind(t, request.at, ask.slug), ask, 'wide', AS_IMAGE));
  });
  app.get('/charts/silences.svg', { schema }, async (request, reply) => sendSvg(reply, silencesChart(longestSilences(t, request.at, 10).map(silenceRow), 'wide')));
}
