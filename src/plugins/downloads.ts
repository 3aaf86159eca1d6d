/**
 * How many large downloads (the whole record as CSV or JSON) run at once: a few more wait their
 * turn; the rest are asked to come back (503 with Retry-After). Each running download holds a
 * slot until its response is finished or abandoned.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { RequestProblem } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    downloadSlots: DownloadSlots;
  }
}

export const RETRY_AFTER_SECONDS = 10;

export class DownloadSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly queue: number,
  ) {}

  /** A slot, once one is free; null at once when too many are already waiting. */
  acquire(): Promise<() => void> | null {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queue) return null;
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }
}

/** Waits for a download slot, held until the response ends; a 503 with Retry-After when none can be had. */
export async function holdDownloadSlot(app: FastifyInstance, reply: FastifyReply): Promise<void> {
  const slot = app.downloadSlots.acquire();
  if (!slot) {
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    throw new RequestProblem(503, `Many people are downloading the whole record just now. Please try again in ${RETRY_AFTER_SECONDS} seconds.`);
  }
  const release = await slot;
  reply.raw.once('close', release);
}

export default fp(async function downloads(app: FastifyInstance, options: { max: number }) {
  app.decorate('downloadSlots', new DownloadSlots(options.max, options.max * 4));
});
