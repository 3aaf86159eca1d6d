/**
 * Mail: the worker that delivers the outbox and reads the mailbox, run in this process unless
 * MAIL_WORKER=off (then `npm run mail:work` runs it in a second process).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { startMailWorker, type MailWorker } from '../mail/worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The mail worker: `runOnce()` delivers and reads now. Polls by itself only when MAIL_WORKER is on. */
    mailWorker: MailWorker;
  }
}

export interface MailPluginOptions {
  /** Whether to poll (the server) or only run when asked (tests, the static copy, the import). */
  poll: boolean;
}

export default fp(
  async function mail(app: FastifyInstance, options: MailPluginOptions) {
    let worker: MailWorker | null = null;
    const context = { db: app.tracker.db, config: app.config, now: app.now, log: app.log, tracker: app.tracker };
    app.decorate('mailWorker', {
      runOnce: () => (worker ??= startMailWorker(context, { poll: false })).runOnce(),
      stop: async () => worker?.stop(),
    });
    app.addHook('onReady', async () => {
      if (options.poll && app.config.mail.worker) worker = startMailWorker(context, { poll: true });
    });
    // Before the database closes (onClose): the round under way finishes first.
    app.addHook('preClose', async () => {
      await worker?.stop();
    });
  },
  { name: 'mail' },
);
