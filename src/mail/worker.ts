/**
 * The mail worker: delivers the outbox and reads the campaign's mailbox every MAIL_POLL_SECONDS.
 * Runs inside `npm start` (unless MAIL_WORKER=off) or alone (`npm run mail:work`).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { followingAvailable } from '../records/following.js';
import { currentCalendar } from '../records/holidays.js';
import type { Tracker } from '../tracker/tracker.js';
import { followerJob } from './alerts.js';
import { queueEditorsEmail } from './editors-email.js';
import { attachmentsOf } from './letter-files.js';
import type { Transporter } from 'nodemailer';

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
  /** The tracker's read side (the server's own); built from the database when absent (a second process). */
  tracker?: Tracker;
}

/** What each job of a round is given: the worker's context with the tracker always there. */
export type RoundContext = WorkerContext & { tracker: Tracker };

/** The jobs of one round, each run in turn; a job that throws is logged and the others still run. */
export type MailJob = (context: RoundContext) => Promise<void>;

/** The tracker a round reads with: the server's own, or (a process of its own) one built from the database, its calendar read afresh each round. */
function roundContext(context: WorkerContext): RoundContext {
  const { db, config } = context;
  return { ...context, tracker: context.tracker ?? { db, databasePath: config.databasePath, calendar: currentCalendar(db, config.dataDir), baseUrl: config.baseUrl } };
}

export function mailJobs(config: Config): MailJob[] {
  const jobs: MailJob[] = [];
  // In this order: replies read first (the editors' email lists them), then what is to be sent
  // queued, then the outbox delivered, all in one round.
  if (config.mail.imapUrl) {
    const imapUrl = config.mail.imapUrl;
    jobs.push(async ({ db, now, log }) => {
      // The IMAP and MIME libraries are loaded when the mailbox is first read, not by a server without mail.
      const { readMailbox } = await import('./reader.js');
      const result = await readMailbox(db, { imapUrl, folder: config.mail.imapFolder, filesDir: config.filesDir, replyAddressPattern: config.mail.replyAddressPattern, maxAttachmentBytes: config.maxAttachmentBytes }, now, log);
      if (result.read > 0) log.info({ mailbox: result }, 'mailbox read');
    });
  }
  if (config.mail.smtpUrl && config.mail.from) {
    const from = config.mail.from;
    jobs.push(async (context) => {
      const queued = queueEditorsEmail(context.tracker, from, context.now());
      if (queued > 0) context.log.info({ editors: queued }, 'editors’ daily email queued');
    });
  }
  // Followers' alerts and digests, queued before the outbox is delivered, so the same round sends them.
  if (followingAvailable(config)) jobs.push(followerJob());
  if (config.mail.smtpUrl) {
    const smtpUrl = config.mail.smtpUrl;
    let transport: Transporter | null = null;
    jobs.push(async ({ db, now, log }) => {
      // nodemailer is loaded when the outbox is first delivered.
      const { deliverDue, smtpTransport } = await import('./sender.js');
      transport ??= smtpTransport(smtpUrl);
      const result = await deliverDue(db, transport, now, { attachmentsFor: attachmentsOf(db, config.filesDir) });
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
    const each = jobs.length > 0 ? roundContext(context) : null;
    for (const job of jobs) {
      if (stopped || !each) return;
      try {
        await job(each);
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
