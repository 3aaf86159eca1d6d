import type { FastifyInstance } from 'fastify';
import { regions } from '../db/queries/events.js';
import { INSTITUTION_KINDS, isOneOf, STANCES, type InstitutionKind } from '../domain/vocabulary.js';
import { RequestProblem } from '../plugins/errors.js';
import { bySilence, campaignView, institutionAsAt, institutionHistory, institutionsAsAt, type InstitutionView } from '../tracker/tracker.js';
import { citeInstitution } from './citation.js';
import { longDate, silencePhrase } from '../render/format.js';
import { badgeSnippet, embedSnippet } from '../render/embeds.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

export interface DirectoryQuery {
  q?: string;
  kind?: InstitutionKind | '';
  region?: string;
  approached?: 'yes' | 'no' | '';
  sort?: 'name' | 'silence' | 'activity';
  [stanceFilter: `stance_${string}`]: string | undefined;
}

const directorySchema = {
  querystring: {
    type: 'object',
    properties: {
      ...asOfQuery,
      q: { type: 'string', maxLength: 200 },
      kind: { type: 'string', enum: [...INSTITUTION_KINDS, ''] },
      region: { type: 'string', maxLength: 100 },
      approached: { type: 'string', enum: ['yes', 'no', ''] },
      sort: { type: 'string', enum: ['name', 'silence', 'activity'] },
    },
  },
};

export function filterDirectory(all: InstitutionView[], query: DirectoryQuery, askSlugs: string[]): InstitutionView[] {
  const needle = query.q?.trim().toLowerCase();
  let rows = all.filter(
    (i) =>
      (!query.kind || i.kind === query.kind) &&
      (!query.region || i.region === query.region) &&
      (!query.approached || i.approached === (query.approached === 'yes')) &&
      (!needle || i.name.toLowerCase().includes(needle) || i.aliases.some((a) => a.toLowerCase().includes(needle)) || i.code?.toLowerCase() === needle) &&
      askSlugs.every((ask) => {
        const wanted = query[`stance_${ask}`];
        return !wanted || i.positions[ask]?.stance === wanted;
      }),
  );
  if (query.sort === 'silence') rows = bySilence(rows);
  if (query.sort === 'activity') rows = [...rows].sort((a, b) => (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') || a.name.localeCompare(b.name));
  return rows;
}

export default async function institutionRoutes(app: FastifyInstance) {
  const t = app.tracker;

  app.get<{ Querystring: DirectoryQuery }>('/institutions', { schema: directorySchema }, async (request, reply) => {
    const asks = campaignView(t).asks;
    const askSlugs = asks.map((a) => a.slug);
    for (const ask of askSlugs) {
      const wanted = request.query[`stance_${ask}`];
      if (wanted && !isOneOf(STANCES, wanted)) {
        throw new RequestProblem(400, `“${wanted}” is not a position (${STANCES.join(', ')})`, `stance_${ask}`);
      }
    }
    const all = institutionsAsAt(t, request.asOf);
    const rows = filterDirectory(all, request.query, askSlugs);
    return renderPage(request, reply, 'institutions/index', 'Institutions', {
      rows,
      total: all.length,
      asks,
      regions: regions(t.db),
      query: request.query,
    });
  });

  app.get<{ Params: { slug: string } }>(
    '/institutions/:slug',
    { schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 200 } } }, querystring: { type: 'object', properties: asOfQuery } } },
    async (request, reply) => {
      const institution = institutionAsAt(t, request.params.slug, request.asOf);
      if (!institution) throw new RequestProblem(404, `No institution has the address “${request.params.slug}”. Browse the directory to find it.`, 'slug');
      const events = institutionHistory(t, institution.id, request.asOf);
      const campaign = campaignView(t);
      const citation = citeInstitution(institution, campaign.asks, request.asOf, campaign.title, t.baseUrl);
      const description = institution.silence
        ? `${institution.name}: ${silencePhrase(institution.silence)}, first approached ${longDate(institution.silence.since)}`
        : `${institution.name}: positions and history`;
      const pageUrl = `${t.baseUrl}/institutions/${institution.slug}`;
      const embedCode = embedSnippet(`${t.baseUrl}/embed/institutions/${institution.slug}`, `${institution.name} on ${campaign.title}`, 360);
      const badgeCode = badgeSnippet(pageUrl, `${t.baseUrl}/badges/${institution.slug}.svg`, `${institution.name} on ${campaign.title}`);
      return renderPage(request, reply, 'institutions/show', institution.name, { institution, events, asks: campaign.asks, citation, embedCode, badgeCode }, description, {
        institutionFeed: { title: `${institution.name} (Atom)`, href: `/institutions/${institution.slug}/feed.atom` },
      });
    },
  );
}
