import type { FastifyInstance } from 'fastify';
import { AS_OF_HELP, instantOf, isIsoDate, parseAsOf } from '../domain/calendar.js';
import { RequestProblem } from '../plugins/errors.js';
import { changes } from '../tracker/changes.js';
import { campaignView } from '../tracker/tracker.js';
import { instantLabel, periodStartLabel } from './format.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

const WEEK = 7 * 86_400_000;

export default async function changesRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/changes',
    { schema: { querystring: { type: 'object', properties: { ...asOfQuery, from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const bound = (name: 'from' | 'to', fallback: number) => {
        const text = request.query[name]?.trim();
        if (!text) return fallback;
        // A date alone starts the period at the beginning of that day, and ends it at its end.
        if (name === 'from' && isIsoDate(text)) return instantOf(text) - 1;
        const parsed = parseAsOf(text);
        if (!parsed.ok) throw new RequestProblem(400, `“${text}” is not a moment the tracker understands. ${AS_OF_HELP}`, name);
        return parsed.value;
      };
      const to = bound('to', request.asOf);
      const from = bound('from', to - WEEK);
      if (from >= to) throw new RequestProblem(400, 'The start of the period must come before its end.', 'from');
      const data = changes(app.tracker, from, to);
      return renderPage(request, reply, 'changes/index', `What changed from ${periodStartLabel(from)} to ${instantLabel(to)}`, {
        changes: data,
        asks: campaignView(app.tracker).asks,
        query: request.query,
      });
    },
  );
}
