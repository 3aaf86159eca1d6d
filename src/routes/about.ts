/** What each figure means, where the directory comes from. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { chartSet } from '../render/charts.js';
import { renderPage } from '../render/page.js';
import { aboutPage } from '../tracker/charts.js';
import { AsOfQuery } from './schemas.js';

export default async function aboutRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/about', { schema: { querystring: AsOfQuery } }, async (request, reply) => {
    const { charts, ...about } = aboutPage(app.tracker, request.at);
    return renderPage(request, reply, 'about/index', 'About the figures', { ...about, charts: chartSet(charts), baseUrl: app.tracker.baseUrl });
  });
}
