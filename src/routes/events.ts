/** Each event's permanent page, and every correction. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RequestProblem } from '../plugins/errors.js';
import { citeEvent } from '../render/citation.js';
import { eventTypeLabel } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { corrections, eventPage } from '../tracker/tracker.js';
import { AsOfQuery, IdParams } from './schemas.js';

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  app.get('/corrections', { schema: { querystring: AsOfQuery } }, async (request, reply) =>
    renderPage(request, reply, 'events/corrections', 'Corrections', { corrections: corrections(t, request.asOf) }),
  );

  app.get('/events/:id', { schema: { params: IdParams, querystring: AsOfQuery } }, async (request, reply) => {
    const found = eventPage(t, request.params.id, request.asOf);
    if (!found.found) {
      throw new RequestProblem(
        404,
        found.reason === 'later'
          ? `This event had not happened as at ${request.asOfRaw}. Show the tracker as it is now to see it.`
          : 'There is no published event at this address.',
        'id',
      );
    }
    const { event: e, campaign } = found;
    const title = `${eventTypeLabel(e.type)}: ${e.institutionName ?? 'campaign-wide'}, ${e.date}`;
    const citation = citeEvent(e, campaign.title, t.baseUrl, request.asOf);
    return renderPage(request, reply, 'events/show', title, { event: e, asks: campaign.asks, corrections: found.corrections, canEdit: request.user !== null, citation }, e.summary);
  });
}
