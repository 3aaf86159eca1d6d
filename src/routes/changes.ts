/** What changed between two moments, or between two revisions of the record: as a page and as JSON. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isoInstant } from '../domain/calendar.js';
import { RequestProblem } from '../plugins/errors.js';
import { instantLabel, periodStartLabel } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { changeJson, changeViews } from '../render/revisions.js';
import { changes, changesPeriod } from '../tracker/changes.js';
import { campaignView } from '../tracker/tracker.js';
import { ChangesQuery, changesSchema } from './schemas.js';

export default async function changesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  // A period ending today ends now, whatever `as_of` says: such an answer is as at now.
  const config = { nowParameters: ['from', 'to'] };
  app.get('/changes', { schema: { querystring: ChangesQuery }, config }, async (request, reply) => {
    const period = changesPeriod(request.query, request.at, app.now(), request.latestRev);
    const asks = campaignView(t, request.at).asks;
    if ('errors' in period) {
      return renderPage(request, reply.code(400), 'changes/index', 'What changed', { changes: null, record: [], asks, query: request.query, errors: period.errors });
    }
    const data = changes(t, period.from, period.to);
    const title =
      data.mode === 'revisions'
        ? `What changed from revision ${data.from.rev} to revision ${data.to.rev}`
        : `What changed from ${periodStartLabel(data.from.asOf)} to ${instantLabel(data.to.asOf)}`;
    return renderPage(request, reply, 'changes/index', title, { changes: data, record: changeViews(data.record), asks, query: request.query, errors: {} });
  });

  app.get('/changes.json', { schema: changesSchema, config }, async (request) => {
    const period = changesPeriod(request.query, request.at, app.now(), request.latestRev);
    if ('errors' in period) {
      const [parameter, message] = Object.entries(period.errors)[0]!;
      throw new RequestProblem(400, message, parameter);
    }
    const c = changes(t, period.from, period.to);
    const who = (i: { slug: string; name: string }) => ({ slug: i.slug, name: i.name });
    return {
      mode: c.mode,
      from: { asOf: isoInstant(c.from.asOf), revision: c.from.rev },
      to: { asOf: isoInstant(c.to.asOf), revision: c.to.rev },
      events: [...c.contacts, ...c.responses, ...c.milestones].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.id - a.id),
      record: c.record.map((r) => changeJson(r, t.baseUrl)),
      moves: c.moves.map((m) => ({ ...m, institution: who(m.institution) })),
      silencesBegun: c.silencesBegun.map((s) => ({ institution: who(s.institution), since: s.silence!.since, calendarDays: s.silence!.calendarDays, workingDays: s.silence!.workingDays })),
      silencesEnded: c.silencesEnded.map((s) => ({ institution: who(s.institution), since: s.before!.since, calendarDays: s.before!.calendarDays, workingDays: s.before!.workingDays })),
      becameLate: c.becameLate.map((e) => ({ institution: { slug: e.institution!, name: e.institutionName! }, eventId: e.id, date: e.date, dueOn: e.dueOn!, on: e.lateOn! })),
      becameLongOverdue: c.becameLongOverdue.map((e) => ({ institution: { slug: e.institution!, name: e.institutionName! }, eventId: e.id, date: e.date, dueOn: e.dueOn!, on: e.longOverdueOn! })),
    };
  });
}
