/**
 * The mail worker: delivers the outbox and reads the campaign's mailbox every MAIL_POLL_SECONDS.
 * Runs inside `npm start` (unless MAIL_WORKER=off) or alone (`npm run mail:work`).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Tracker } from '../tracker/tracker.js';
import { followingAvailable } from '../records/following.js';
import { followerJob } from './alerts.js';
import { deliverDue, smtpTransport } from './sender.js';

export interface MailWorker {
  /** One round now: deliver what is due, read the mailbox. Resolves when the round is over. */
  runOnce(): Promise<void>;
  /** Stops after the round under way, if any. */
  stop(): Promise<void>;
}

export interface WorkerContext {
  db: Db;
  config: Config;
  now: () => number;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** The tracker the app reads with (a process without one builds its own from db and config). */
  tracker?: Tracker;
}

/** The jobs of one round, each run in turn; a job that throws is logged and the others still run. */
export type MailJob = (context: WorkerContext) => Promise<void>;

export function mailJobs(config: Config): MailJob[] {
  const jobs: MailJob[] = [];
  // Followers' alerts and digests are queued first, so the same round delivers them.
  if (followingAvailable(config)) jobs.push(followerJob());
  if (config.mail.smtpUrl) {
    const transport = smtpTransport(config.mail.smtpUrl);
    jobs.push(async ({ db, now, log }) => {
      const result = await deliverDue(db, transport, now);
      if (result.sent + result.failed + result.retrying > 0) log.info({ mail: result }, 'outbox delivered');
    });
  }
  return jobs;
}

/**
 * The worker for these jobs. With `poll` it runs a round at once and then every MAIL_POLL_SECONDS;
 * without, only when asked (runOnce), as tests and the workspace's "check now" do.
 */
export function startMailWorker(context: WorkerContext, options: { poll: boolean; jobs?: MailJob[] }): MailWorker {
  const jobs = options.jobs ?? mailJobs(context.config);
  let running: Promise<void> | null = null;
  let stopped = false;
  const round = async () => {
    for (const job of jobs) {
      if (stopped) return;
      try {
        await job(context);
      } catch (error) {
        context.log.error({ err: error }, 'mail job failed');
      }
    }
  };
  const runOnce = () => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };
  const poll = options.poll && jobs.length > 0;
  const timer = poll ? setInterval(() => void runOnce(), context.config.mail.pollSeconds * 1000) : null;
  timer?.unref();
  if (poll) void runOnce();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
