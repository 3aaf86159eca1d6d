/** The directory of institutions, and each institution's page. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isOneOf, STANCES } from '../domain/vocabulary.js';
import { RequestProblem } from '../plugins/errors.js';
import { citeInstitution, pinOf } from '../render/citation.js';
import { badgeSnippet, embedSnippet } from '../render/embeds.js';
import { longDate, silencePhrase } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { directoryPage } from '../tracker/directory.js';
import { institutionPage } from '../tracker/tracker.js';
import { institutionOr404 } from './lookups.js';
import { AsOfQuery, DirectoryQuery, SlugParams } from './schemas.js';

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

  app.get('/institutions/:slug', { schema: { params: SlugParams, querystring: AsOfQuery } }, async (request, reply) => {
    const { slug } = request.params;
    const { institution, events, campaign } = institutionOr404(institutionPage(t, slug, request.at), slug);
    const citation = citeInstitution(institution, campaign.asks, pinOf(request), campaign.title, t.baseUrl);
    const description = institution.silence
      ? `${institution.name}: ${silencePhrase(institution.silence)}, first approached ${longDate(institution.silence.since)}`
      : `${institution.name}: positions and history`;
    const pageUrl = `${t.baseUrl}/institutions/${institution.slug}`;
    const embedCode = embedSnippet(`${t.baseUrl}/embed/institutions/${institution.slug}`, `${institution.name} on ${campaign.title}`, 360);
    const badgeCode = badgeSnippet(pageUrl, `${t.baseUrl}/badges/${institution.slug}.svg`, `${institution.name} on ${campaign.title}`);
    return renderPage(request, reply, 'institutions/show', institution.name, { institution, events, asks: campaign.asks, citation, embedCode, badgeCode }, description, {
      institutionFeed: { title: `${institution.name} (Atom)`, href: `/institutions/${institution.slug}/feed.atom` },
      revisionScope: { institutionId: institution.id },
    });
  });
}
