/**
 * npm run mail:work: the mail worker alone (deliver the outbox, read the mailbox every
 * MAIL_POLL_SECONDS), for a second process beside a server started with MAIL_WORKER=off.
 * `--once` runs one round and exits.
 */
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { startMailWorker } from '../mail/worker.js';

const config = loadConfigOrExit();
if (!config.mail.smtpUrl && !config.mail.imapUrl) {
  console.error('Mail is off: set SMTP_URL (to send) and IMAP_URL (to read replies), with MAIL_FROM. See the README, "Mail".');
  process.exit(1);
}
const db = openDatabase(config.databasePath);
const log = {
  info: (object: unknown, message?: string) => console.log(message ?? '', typeof object === 'string' ? object : JSON.stringify(object)),
  warn: (object: unknown, message?: string) => console.warn(message ?? '', typeof object === 'string' ? object : JSON.stringify(object)),
  error: (object: unknown, message?: string) => console.error(message ?? '', typeof object === 'string' ? object : JSON.stringify(object)),
} as unknown as Parameters<typeof startMailWorker>[0]['log'];
const once = process.argv.includes('--once');
const worker = startMailWorker({ db, config, now: Date.now, log }, { poll: !once });
if (once) {
  await worker.runOnce();
  db.$client.close();
} else {
  console.log(`Mail worker running: ${config.mail.smtpUrl ? 'sending' : 'not sending (no SMTP_URL)'}, ${config.mail.imapUrl ? `reading ${config.mail.imapFolder}` : 'not reading (no IMAP_URL)'}, every ${config.mail.pollSeconds} s`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void worker.stop().then(() => {
        db.$client.close();
        process.exit(0);
      });
    });
  }
}
