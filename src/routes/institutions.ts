/** The directory of institutions, and each institution's page. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { isOneOf, STANCES } from '../domain/vocabulary.js';
import { RequestProblem } from '../plugins/errors.js';
import { citeInstitution, pinOf } from '../render/citation.js';
import { badgeSnippet, embedSnippet } from '../render/embeds.js';
import { longDate, silencePhrase } from '../render/format.js';
import { withQuery } from '../render/links.js';
import { renderPage } from '../render/page.js';
import { directoryPage } from '../tracker/directory.js';
import { campaignView, eventAsAt, institutionAsAt, timeline, timelineCount, type EventView } from '../tracker/tracker.js';
import { TIMELINE_COUNT_CAP } from './timeline.js';
import { institutionOr404 } from './lookups.js';
import { DirectoryQuery, InstitutionPageQuery, SlugParams } from './schemas.js';

/** How many events of an institution's history its page lists at a time, newest first. */
export const HISTORY_PAGE_SIZE = 50;

export default async function institutionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  app.get('/institutions', { schema: { querystring: DirectoryQuery } }, async (request, reply) => {
    const query = request.query as DirectoryQuery;
    // `stance_<ask>=<stance>`: only institutions at that position on that ask.
    const stances: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      if (!name.startsWith('stance_') || !value) continue;
      if (!isOneOf(STANCES, value)) throw new RequestProblem(400, `“${value}” is not a position (${STANCES.join(', ')})`, name);
      stances[name.slice('stance_'.length)] = value;
    }
    const page = directoryPage(t, { ...query, stances }, request.at);
    return renderPage(request, reply, 'institutions/index', 'Institutions', { ...page, query });
  });

  app.get('/institutions/:slug', { schema: { params: SlugParams, querystring: InstitutionPageQuery } }, async (request, reply) => {
    const { slug } = request.params;
    const q = request.query;
    const institution = institutionOr404(institutionAsAt(t, slug, request.at), slug);
    const campaign = campaignView(t, request.at);
    // The history a page at a time (as the timeline pages it), so that the page stays small
    // whatever the length of the record; the count says how long it is.
    const before = decodeCursor(q.before);
    const limit = q.limit ?? HISTORY_PAGE_SIZE;
    const isFirstPage = before === null;
    const history = timeline(t, request.at, { institutionId: institution.id }, before, limit);
    const total = isFirstPage && history.next === null ? { count: history.events.length, more: false } : timelineCount(t, request.at, { institutionId: institution.id }, TIMELINE_COUNT_CAP);
    // The event that set each position, whether or not it is on this page of the history.
    const setBy: Record<string, EventView | null> = {};
    for (const ask of campaign.asks) {
      const id = institution.positions[ask.slug]?.eventId;
      if (!id) continue;
      const onPage = history.events.find((e) => e.id === id);
      if (onPage) setBy[ask.slug] = onPage;
      else {
        const lookup = eventAsAt(t, id, request.at);
        setBy[ask.slug] = lookup.found ? lookup.event : null;
      }
    }
    const kept = { as_of: q.as_of, rev: q.rev, limit: q.limit };
    const base = `/institutions/${institution.slug}`;
    const citation = citeInstitution(institution, campaign.asks, pinOf(request), campaign.title, t.baseUrl);
    const description = institution.silence
      ? `${institution.name}: ${silencePhrase(institution.silence)}, first approached ${longDate(institution.silence.since)}`
      : `${institution.name}: positions and history`;
    const pageUrl = `${t.baseUrl}/institutions/${institution.slug}`;
    const embedCode = embedSnippet(`${t.baseUrl}/embed/institutions/${institution.slug}`, `${institution.name} on ${campaign.title}`, 360);
    const badgeCode = badgeSnippet(pageUrl, `${t.baseUrl}/badges/${institution.slug}.svg`, `${institution.name} on ${campaign.title}`);
    const title = isFirstPage ? institution.name : `${institution.name}: older events`;
    return renderPage(
      request,
      reply,
      'institutions/show',
      title,
      {
        institution,
        events: history.events,
        setBy,
        total,
        pageSize: limit,
        isFirstPage,
        firstHref: `${withQuery(base, kept)}#history-heading`,
        nextHref: history.next ? `${withQuery(base, { ...kept, before: encodeCursor(history.next) })}#history-heading` : null,
        asks: campaign.asks,
        citation,
        embedCode,
        badgeCode,
      },
      description,
      {
        institutionFeed: { title: `${institution.name} (Atom)`, href: `/institutions/${institution.slug}/feed.atom` },
        revisionScope: { institutionId: institution.id },
      },
    );
  });
}
