import type { FastifyInstance } from 'fastify';
import { INSTITUTION_KINDS } from '../domain/vocabulary.js';
import { institutionRows } from '../db/queries/institutions.js';
import { campaignView } from '../tracker/tracker.js';
import { chartSet } from '../render/charts.js';
import { chartData } from '../tracker/charts.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

const DIRECTORY_SOURCES: Record<string, string> = {
  nhs_england: 'The campaign',
  mental_health_trust: 'NHS Organisation Data Service (ODS) trust lists, 2025 and 2026, cross-checked against published lists of mental health trusts',
  police_force: 'data.police.uk list of forces (England and Wales), plus British Transport Police',
  icb: 'NHS ODS codes of the 42 integrated care boards (2022 to 2025)',
  other: 'The campaign',
};

export default async function aboutRoutes(app: FastifyInstance) {
  app.get('/about', { schema: { querystring: { type: 'object', properties: asOfQuery } } }, async (request, reply) => {
    const rows = institutionRows(app.tracker.db);
    const directory = INSTITUTION_KINDS.map((kind) => ({
      kind,
      open: rows.filter((r) => r.kind === kind && r.active).length,
      closed: rows.filter((r) => r.kind === kind && !r.active).length,
      source: DIRECTORY_SOURCES[kind],
    })).filter((r) => r.open + r.closed > 0);
    return renderPage(request, reply, 'about/index', 'About the figures', { campaign: campaignView(app.tracker), directory, calendar: app.tracker.calendar, charts: chartSet(chartData(app.tracker, request.asOf, 52)), baseUrl: app.tracker.baseUrl });
  });
}
