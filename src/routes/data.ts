/** Open data: the figures and the record as CSV and JSON, as at any moment. Licensed CC BY 4.0. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { csvRows } from '../render/csv.js';
import { isoInstant } from '../domain/calendar.js';
import { campaignView, institutionsAsAt, timeline } from '../tracker/tracker.js';
import { eventsCsv } from '../tracker/export.js';
import { asOfQuery } from './schemas.js';

/** More than any campaign will log; a guard against an unbounded answer. */
const EXPORT_LIMIT = 1_000_000;

export const LICENCE = 'CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)';

export default async function dataRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const schema = { querystring: { type: 'object', properties: asOfQuery } };
  const csv = (reply: FastifyReply, name: string, body: string) =>
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

  app.get('/data/events.csv', { schema }, async (request, reply) => csv(reply, 'events.csv', eventsCsv(t.db, { includeDrafts: false, asOf: request.asOf })));

  app.get('/data/events.json', { schema }, async (request, reply) => {
    const { title } = campaignView(t);
    const { events } = timeline(t, request.asOf, {}, null, EXPORT_LIMIT);
    return reply.header('cache-control', 'public, max-age=300').send({ asOf: isoInstant(request.asOf), licence: LICENCE, attribution: title, events });
  });
}
