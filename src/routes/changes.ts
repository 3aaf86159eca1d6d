/** What changed between two moments. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { changes, changesPeriod } from '../tracker/changes.js';
import { campaignView } from '../tracker/tracker.js';
import { instantLabel, periodStartLabel } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { ChangesQuery } from './schemas.js';

export default async function changesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/changes',
    { schema: { querystring: ChangesQuery } },
    async (request, reply) => {
      const period = changesPeriod(request.query, request.asOf, app.now());
      const asks = campaignView(app.tracker).asks;
      if ('errors' in period) {
        return renderPage(request, reply.code(400), 'changes/index', 'What changed', { changes: null, asks, query: request.query, errors: period.errors });
      }
      const data = changes(app.tracker, period.from, period.to);
      return renderPage(request, reply, 'changes/index', `What changed from ${periodStartLabel(period.from)} to ${instantLabel(period.to)}`, {
        changes: data,
        asks,
        query: request.query,
        errors: {},
      });
    },
  );
}
