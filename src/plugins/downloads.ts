/**
 * How many large downloads (the whole record as CSV or JSON) run at once: a few more wait their
 * turn, for at most MAX_WAIT_MS; the rest are asked to come back (503 with Retry-After). Each
 * running download holds a slot until its response is finished or abandoned.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestProblem } from './errors.js';
import { Slots } from './slots.js';

declare module 'fastify' {
  interface FastifyInstance {
    downloadSlots: Slots;
  }
}

export const RETRY_AFTER_SECONDS = 10;
/** How long a download waits for its turn before it is asked to come back. */
export const MAX_WAIT_MS = 15_000;

/** Waits for a download slot, held until the response ends; a 503 with Retry-After when none can be had. */
export async function holdDownloadSlot(app: FastifyInstance, reply: FastifyReply): Promise<void> {
  const release = await app.downloadSlots.acquire();
  if (!release) {
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    throw new RequestProblem(503, `Many people are downloading the whole record just now. Please try again in ${RETRY_AFTER_SECONDS} seconds.`);
  }
  reply.raw.once('close', release);
  // Streamed as it is read: a proxy in front (nginx) should pass it on as it comes, not buffer it whole.
  reply.header('x-accel-buffering', 'no');
}

export default fp(async function downloads(app: FastifyInstance, options: { max: number }) {
  app.decorate('downloadSlots', new Slots(options.max, options.max * 4, MAX_WAIT_MS));
});
