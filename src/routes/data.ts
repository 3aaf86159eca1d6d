/** Open data: the figures and the record as CSV and JSON, as at any moment. Licensed CC BY 4.0. */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EventSchema } from '../contract.js';
import { isoInstant } from '../domain/calendar.js';
import { holdDownloadSlot } from '../plugins/downloads.js';
import { csvRows } from '../render/csv.js';
import { pagedBody } from '../render/download.js';
import { institutionFiguresCsv, LICENCE } from '../render/open-data.js';
import { eventColumns, eventRecordPages, timelinePages, withSnapshot } from '../tracker/export.js';
import { campaignView, freshness, institutionFigures } from '../tracker/tracker.js';
import { AsOfQuery } from './schemas.js';

export { LICENCE };

export default async function dataRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  const schema = { querystring: AsOfQuery };
  const csv = (reply: FastifyReply, name: string, body: string | Readable) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${name}"`).send(body);

  app.get('/data/institutions.csv', { schema }, async (request, reply) => {
    const { campaign, institutions } = institutionFigures(t, request.at);
    return csv(reply, 'institutions.csv', institutionFiguresCsv(institutions, campaign.asks, request.asOf, request.rev, request.campaignEndedOn, freshness(t, request.at).staleSince));
  });

  // The whole record: streamed a page at a time from a snapshot, a few downloads at once.
  app.get('/data/events.csv', { schema }, async (request, reply) => {
    await holdDownloadSlot(app, reply);
    const pages = withSnapshot(t, (snapshot) => eventRecordPages(snapshot, { at: request.at }));
    return csv(reply, 'events.csv', pagedBody(pages, (records) => csvRows(records), csvRows([eventColumns(t, { at: request.at })])));
  });

  app.get('/data/events.json', { schema }, async (request, reply) => {
    await holdDownloadSlot(app, reply);
    const { title } = campaignView(t, request.at);
    const opening = `{"asOf":${JSON.stringify(isoInstant(request.asOf))},"revision":${request.rev},"licence":${JSON.stringify(LICENCE)},"attribution":${JSON.stringify(title)},"events":[`;
    const pages = withSnapshot(t, (snapshot) => timelinePages(snapshot, request.at));
    // Each event exactly as the API gives it: serialised with the API's own schema.
    const serialise = reply.compileSerializationSchema(EventSchema as unknown as Record<string, unknown>);
    const body = pagedBody(pages, (events, index) => (index > 0 ? ',' : '') + events.map((e) => serialise({ ...e })).join(','), opening, ']}');
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
