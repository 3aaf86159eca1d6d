/** Each event's permanent page, and every correction (as a page, JSON and a feed). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RequestProblem } from '../plugins/errors.js';
import { citeEvent, pinOf } from '../render/citation.js';
import { correctionsFeed, FEED_TYPES } from '../render/feeds.js';
import { eventTypeLabel } from '../render/format.js';
import { withQuery } from '../render/links.js';
import { renderPage } from '../render/page.js';
import { changeJson, changeViews, decodeCorrectionsCursor, encodeCorrectionsCursor } from '../render/revisions.js';
import { corrections, eventPage, LATE_ENTRY_DAYS } from '../tracker/revisions.js';
import { eventAttachments } from '../tracker/inbox.js';
import { campaignView, type Tracker } from '../tracker/tracker.js';
import { fileSize, typeLabel } from '../domain/files.js';
import { AsOfQuery, CorrectionsQuery, correctionsSchema, IdParams } from './schemas.js';

/** Corrections per page, in HTML and JSON. */
export const CORRECTIONS_PAGE = 50;

/** The files listed on an event's public page: those marked public, with their type and size in words. */
const publicAttachments = (t: Tracker, eventId: number) => eventAttachments(t, eventId, 'public').map((a) => ({ id: a.id, name: a.name, label: typeLabel(a.contentType), sizeText: fileSize(a.size) }));

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  app.get('/corrections', { schema: { querystring: CorrectionsQuery } }, async (request, reply) => {
    const before = decodeCorrectionsCursor(request.query.before);
    const list = corrections(t, request.at, before, CORRECTIONS_PAGE);
    const kept = { as_of: request.query.as_of, rev: request.query.rev };
    return renderPage(request, reply, 'events/corrections', 'Corrections', {
      changes: changeViews(list.changes, list.skip),
      lateDays: LATE_ENTRY_DAYS,
      isFirstPage: before === null,
      firstHref: withQuery('/corrections', kept),
      nextHref: list.next ? withQuery('/corrections', { ...kept, before: encodeCorrectionsCursor(list.next) }) : null,
    });
  });

  app.get('/corrections.json', { schema: correctionsSchema }, async (request) => {
    const list = corrections(t, request.at, decodeCorrectionsCursor(request.query.before), CORRECTIONS_PAGE);
    const kept = { as_of: request.query.as_of, rev: request.query.rev };
    return {
      revision: request.rev,
      corrections: list.changes.map((c) => changeJson(c, t.baseUrl)),
      next: list.next ? `${t.baseUrl}${withQuery('/corrections.json', { ...kept, before: encodeCorrectionsCursor(list.next) })}` : null,
    };
  });

  app.get('/corrections.atom', { schema: { querystring: AsOfQuery } }, async (request, reply) => {
    const list = corrections(t, request.at, null, CORRECTIONS_PAGE);
    const feed = correctionsFeed(campaignView(t, request.at), t.baseUrl, changeViews(list.changes), request.asOf);
    return reply.type(FEED_TYPES.atom).send(feed);
  });

  app.get('/events/:id', { schema: { params: IdParams, querystring: AsOfQuery } }, async (request, reply) => {
    const found = eventPage(t, request.params.id, request.at);
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
    const citation = citeEvent(e, campaign.title, t.baseUrl, pinOf(request));
    return renderPage(
      request,
      reply,
      'events/show',
      title,
      { event: e, asks: campaign.asks, corrections: changeViews(found.corrections), canEdit: request.user !== null, citation, due: found.due, attachments: publicAttachments(t, e.id) },
      e.summary,
      { revisionScope: { eventId: e.id } },
    );
  });
}
