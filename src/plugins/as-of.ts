/**
 * Every page and API answer is as at an instant: `?as_of=` when given (validated), otherwise now.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AS_OF_HELP, parseAsOf } from '../domain/calendar.js';
import { RequestProblem } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The instant this request is answered as at (epoch ms). */
    asOf: number;
    /** The `as_of` value as given, or null for now. */
    asOfRaw: string | null;
  }
}

/** How far ahead of the server's clock an `as_of` may be (clock differences). */
const FUTURE_TOLERANCE_MS = 60_000;

export default fp(async function asOf(app: FastifyInstance) {
  app.decorateRequest('asOf', 0);
  app.decorateRequest('asOfRaw', null);
  app.addHook('onRequest', async (request) => {
    const now = app.now();
    request.asOf = now;
    const raw = (request.query as Record<string, unknown> | undefined)?.as_of;
    if (raw === undefined || raw === '') return;
    if (typeof raw !== 'string') throw new RequestProblem(400, `Give as_of once. ${AS_OF_HELP}`, 'as_of');
    const parsed = parseAsOf(raw);
    if (!parsed.ok) throw new RequestProblem(400, parsed.message, 'as_of');
    if (parsed.value > now + FUTURE_TOLERANCE_MS) {
      throw new RequestProblem(400, `“${raw}” is in the future; the tracker shows what was known up to now.`, 'as_of');
    }
    request.asOf = parsed.value;
    request.asOfRaw = raw;
  });
});
