/** Open data: the figures and the record as CSV and JSON, as at any moment. Licensed CC BY 4.0. */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { csvRows } from '../render/csv.js';
import { isoInstant } from '../domain/calendar.js';
import { pagedBody } from '../render/download.js';
import { holdDownloadSlot } from '../plugins/downloads.js';
import { campaignView, institutionsAsAt } from '../tracker/tracker.js';
import { eventColumns, eventRecordPages, timelinePages, withSnapshot } from '../tracker/export.js';
import { asOfQuery, eventSchema } from './schemas.js';

export const LICENCE = 'CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)';

export default async function dataRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: asOfQuery } };
  const csv = (reply: FastifyReply, name: string, body: string | Readable) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${name}"`).header('cache-control', 'public, max-age=300').send(body);

  app.get('/data/institutions.csv', { schema }, async (request, reply) => {
    const asks = campaignView(t).asks.map((a) => a.slug);
    const header = [
      'slug', 'name', 'kind', 'code', 'region', 'country', 'aliases', 'active', 'url',
      ...asks.flatMap((a) => [`${a}_stance`, `${a}_since`]),
      'silence_since', 'calendar_days', 'working_days', 'unanswered_contacts', 'last_contact', 'as_of',
    ];
    const asOf = isoInstant(request.asOf);
    const rows = institutionsAsAt(t, request.asOf).map((i) => [
      i.slug, i.name, i.kind, i.code ?? '', i.region ?? '', i.country ?? '', i.aliases.join('; '), i.active ? 'true' : 'false', i.url,
      ...asks.flatMap((a) => [i.positions[a]?.stance ?? 'none', i.positions[a]?.since ?? '']),
      i.silence?.since ?? '', i.silence?.calendarDays ?? '', i.silence?.workingDays ?? '', i.silence?.unansweredContacts ?? '', i.silence?.lastContact ?? '', asOf,
    ]);
    return csv(reply, 'institutions.csv', csvRows([header, ...rows]));
  });

  // The whole record: streamed a page at a time from a snapshot, a few downloads at once.
  app.get('/data/events.csv', { schema }, async (request, reply) => {
    await holdDownloadSlot(app, reply);
    const pages = withSnapshot(t, (snapshot) => eventRecordPages(snapshot, { includeDrafts: false, asOf: request.asOf }));
    return csv(reply, 'events.csv', pagedBody(pages, (records) => csvRows(records), csvRows([eventColumns(t)])));
  });

  app.get('/data/events.json', { schema }, async (request, reply) => {
    await holdDownloadSlot(app, reply);
    const { title } = campaignView(t);
    const opening = `{"asOf":${JSON.stringify(isoInstant(request.asOf))},"licence":${JSON.stringify(LICENCE)},"attribution":${JSON.stringify(title)},"events":[`;
    const pages = withSnapshot(t, (snapshot) => timelinePages(snapshot, request.asOf));
    // Each event exactly as the API gives it: serialised with the API's own schema.
    const serialise = reply.compileSerializationSchema(eventSchema);
    const body = pagedBody(pages, (events, index) => (index > 0 ? ',' : '') + events.map((e) => serialise({ ...e })).join(','), opening, ']}');
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });
}
