import type { FastifyInstance } from 'fastify';
import { RequestProblem } from '../plugins/errors.js';
import { campaignView, eventAsAt } from '../tracker/tracker.js';
import { citeEvent } from './citation.js';
import { renderPage } from './page.js';
import { correctionRows } from '../db/queries/corrections.js';
import { londonDateOf } from '../domain/calendar.js';
import { asOfQuery } from './schemas.js';

export default async function eventRoutes(app: FastifyInstance) {
  const t = app.tracker;

  app.get('/corrections', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    const corrections = correctionRows(t.db, request.asOf, null).map((c) => ({ ...c, on: londonDateOf(c.at) }));
    return renderPage(request, reply, 'events/corrections', 'Corrections', { corrections });
  });

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
      const corrections = correctionRows(t.db, request.asOf, e.id).map((c) => ({ on: londonDateOf(c.at), note: c.note }));
      const campaign = campaignView(t);
      const citation = citeEvent(e, campaign.title, t.baseUrl, request.asOf);
      return renderPage(request, reply, 'events/show', title, { event: e, asks: campaign.asks, corrections, canEdit: request.user !== null, citation }, e.summary);
    },
  );
}
