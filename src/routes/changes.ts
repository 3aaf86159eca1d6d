import type { FastifyInstance } from 'fastify';
import { endOfLondonDay, instantOf, parseMoment } from '../domain/calendar.js';
import { changes } from '../tracker/changes.js';
import { campaignView } from '../tracker/tracker.js';
import { instantLabel, periodStartLabel } from '../render/format.js';
import { renderPage } from './page.js';
import { asOfQuery } from './schemas.js';

const WEEK = 7 * 86_400_000;
/** How far ahead of the server's clock a moment may be (clock differences). */
const FUTURE_TOLERANCE_MS = 60_000;

interface ChangesQuery {
  from?: string;
  to?: string;
}

/**
 * The period of /changes: `from` is exclusive (a date alone starts the period at the beginning
 * of that day), `to` inclusive (a date alone ends it at the end of that day); neither may be in
 * the future. Each problem is reported against its field.
 */
export function changesPeriod(query: ChangesQuery, asOf: number, now: number): { from: number; to: number } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const bound = (name: 'from' | 'to'): number | null => {
    const text = query[name]?.trim();
    if (!text) return null;
    const parsed = parseMoment(text);
    if (!parsed.ok) {
      errors[name] = parsed.message;
      return null;
    }
    const { instant, date, dateOnly } = parsed.value;
    const value = dateOnly ? (name === 'from' ? instantOf(date) - 1 : endOfLondonDay(date)) : instant;
    if ((dateOnly ? instantOf(date) : value) > now + FUTURE_TOLERANCE_MS) {
      errors[name] = `“${text}” is in the future; the tracker shows what was known up to now.`;
      return null;
    }
    return Math.min(value, now);
  };
  const toValue = bound('to');
  const fromValue = bound('from');
  if (Object.keys(errors).length > 0) return { errors };
  const to = toValue ?? asOf;
  const from = fromValue ?? to - WEEK;
  if (from >= to) return { errors: { from: 'The start of the period must come before its end.' } };
  return { from, to };
}

export default async function changesRoutes(app: FastifyInstance) {
  app.get<{ Querystring: ChangesQuery }>(
    '/changes',
    { schema: { querystring: { type: 'object', properties: { ...asOfQuery, from: { type: 'string', maxLength: 60 }, to: { type: 'string', maxLength: 60 } } } } },
    async (request, reply) => {
      const period = changesPeriod(request.query, request.asOf, app.now());
      const asks = campaignView(app.tracker).asks;
      if ('errors' in period) {
        return renderPage(request, reply.code(400), 'changes/index', 'What changed', { changes: null, asks, query: request.query, errors: period.errors });
      }
      const data = changes(app.tracker, period.from, period.to);
      return renderPage(request, reply, 'changes/index', `What changed from ${periodStartLabel(period.from)} to ${instantLabel(period.to)}`, {
        changes: data,
        asks,
        query: request.query,
        errors: {},
      });
    },
  );
}
