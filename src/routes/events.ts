import type { FastifyInstance } from 'fastify';
import { RequestProblem } from '../plugins/errors.js';
import { campaignView, eventAsAt } from '../tracker/tracker.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

export default async function eventRoutes(app: FastifyInstance) {
  const t = app.tracker;
  app.get<{ Params: { id: number } }>(
    '/events/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } }, querystring: { type: 'object', properties: asOfQuery } } },
    async (request, reply) => {
      const found = eventAsAt(t, request.params.id, request.asOf);
      if (!found.found) {
        throw new RequestProblem(
          404,
          found.reason === 'later'
            ? `This event had not happened as at ${request.asOfRaw}. Show the tracker as it is now to see it.`
            : 'There is no published event at this address.',
          'id',
        );
      }
      const e = found.event;
      const title = `${e.type === 'contact' ? 'Approach' : e.type === 'response' ? 'Response' : 'Milestone'}: ${e.institutionName ?? 'campaign-wide'}, ${e.date}`;
      return renderPage(request, reply, 'events/show', title, { event: e, asks: campaignView(t).asks }, e.summary);
    },
  );
}
