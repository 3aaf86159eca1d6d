/** /healthz says when mail needs a person: messages that failed or wait too long, a mailbox not read. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessage } from '../../src/mail/outbox.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';
import { startDovecot, type Dovecot } from './dovecot.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
let imap: Dovecot;
beforeAll(async () => {
  sink = await startSmtpSink();
  imap = await startDovecot();
});
afterAll(async () => {
  await imap.stop();
  await sink.close();
});

const warningsOf = async (t: TestApp): Promise<string[]> => {
  const res = await t.app.inject({ method: 'GET', url: '/healthz' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { warnings: string[] }).warnings;
};

describe('mail in /healthz', () => {
  it('says nothing of mail when mail is off', async () => {
    const t = await makeApp();
    try {
      expect(await warningsOf(t)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('warns of a mailbox not yet read, or not read for three rounds, and of messages failed or waiting', async () => {
    const clock = { now: TEST_NOW };
    const t = await makeApp({ clock: () => clock.now, env: { SMTP_URL: sink.url, IMAP_URL: imap.url, MAIL_FROM: 'Campaign <campaign@example.org>', MAIL_POLL_SECONDS: '60' } });
    try {
      expect(await warningsOf(t)).toEqual(['The mailbox (INBOX) has not been read yet.']);
      await t.app.mailWorker.runOnce();
      expect(await warningsOf(t)).toEqual([]);

      // Sixteen minutes without a round: the mailbox lags, and a message queued then has waited.
      queueMessage(t.app.tracker.db, { kind: 'approach', to: 'foi@trust.example', from: 'Campaign <campaign@example.org>', subject: 'S', text: 'T', createdBy: 'test' }, clock.now);
      clock.now += 16 * 60_000;
      expect(await warningsOf(t)).toEqual([
        'A message has waited 16 minutes to be sent: check that the mail worker runs (in npm start, or npm run mail:work when MAIL_WORKER=off) and that the mail server answers.',
        'The mailbox (INBOX) was last read 16 minutes ago: check that the mail worker runs and that the mail server answers.',
      ]);

      // A round: the message is refused for good, the mailbox read again.
      sink.refuseNext(1, 550);
      await t.app.mailWorker.runOnce();
      expect(await warningsOf(t)).toEqual(['1 message could not be sent: see /admin/outbox?status=failed.']);
    } finally {
      await t.close();
    }
  });
});
