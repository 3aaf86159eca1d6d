/** The outbox and its sender, against a real SMTP server on loopback. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../../src/db/schema.js';
import { claimMessage, queueMessage, SENDING_LEASE_MS, MAX_ATTEMPTS } from '../../src/mail/outbox.js';
import { deliverDue, smtpTransport } from '../../src/mail/sender.js';
import { newReplyToken, replyAddress, tokenFromAddress, messageIdsIn } from '../../src/mail/addresses.js';
import { makeApp, type TestApp } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
let t: TestApp;
let clock = Date.UTC(2026, 10, 22, 12);

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});
beforeEach(async () => {
  sink.received.length = 0;
  t = await makeApp({ clock: () => clock, env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Campaign <campaign@example.org>' } });
});
afterEach(async () => {
  await t.close();
});

const db = () => t.app.tracker.db;
const rows = () => db().select().from(outbox).all();

function queue(n: number) {
  for (let i = 1; i <= n; i++) {
    queueMessage(db(), { kind: 'approach', to: `trust${i}@example.net`, from: 'Test Campaign <campaign@example.org>', subject: `Letter ${i}`, text: `Dear trust ${i}`, replyTo: `campaign+tok${i}@example.org`, createdBy: 'test' }, clock);
  }
}

describe('the sender', () => {
  it('delivers each queued message once, as queued, and records it sent', async () => {
    queue(3);
    const result = await deliverDue(db(), smtpTransport(sink.url), () => clock);
    expect(result).toEqual({ sent: 3, failed: 0, retrying: 0 });
    expect(sink.received.map((m) => m.envelope.to)).toEqual([['trust1@example.net'], ['trust2@example.net'], ['trust3@example.net']]);
    const first = sink.received[0]!.parsed;
    expect(first.subject).toBe('Letter 1');
    expect(first.text?.trim()).toBe('Dear trust 1');
    expect(first.replyTo?.text).toBe('campaign+tok1@example.org');
    expect(first.messageId).toBe(`<${rows()[0]!.messageId}>`);
    expect(rows().every((r) => r.status === 'sent' && r.sentAt === clock && r.attempts === 1)).toBe(true);
    // A second round sends nothing again.
    expect(await deliverDue(db(), smtpTransport(sink.url), () => clock)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(sink.received).toHaveLength(3);
  });

  it('tries again after a temporary refusal, with back-off, and gives up at once on a permanent one', async () => {
    queue(2);
    sink.refuseNext(1, 451);
    const first = await deliverDue(db(), smtpTransport(sink.url), () => clock);
    expect(first).toEqual({ sent: 1, failed: 0, retrying: 1 });
    const waiting = rows().find((r) => r.status === 'queued')!;
    expect(waiting.lastError).toMatch(/451/);
    expect(waiting.nextAttemptAt).toBe(clock + 60_000);
    // Not due yet: nothing happens.
    expect(await deliverDue(db(), smtpTransport(sink.url), () => clock + 30_000)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    sink.refuseNext(1, 550, 'No such mailbox');
    clock += 60_000;
    expect(await deliverDue(db(), smtpTransport(sink.url), () => clock)).toEqual({ sent: 0, failed: 1, retrying: 0 });
    const failed = rows().find((r) => r.id === waiting.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(/550 .*No such mailbox/);
    expect(sink.received).toHaveLength(1);
  });

  it('gives up after the last attempt', async () => {
    queue(1);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      sink.refuseNext(1, 421);
      await deliverDue(db(), smtpTransport(sink.url), () => clock);
      clock += 4 * 60 * 60_000;
    }
    expect(rows()[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('never sends twice a message a stopped sender was handing over, and sends once a message queued before a crash', async () => {
    queue(2);
    const [a] = rows();
    // A sender claims the first message, then the process dies before the server answers.
    expect(claimMessage(db(), a!.id, clock)).toBe(true);
    // Another sender cannot claim it.
    expect(claimMessage(db(), a!.id, clock)).toBe(false);
    // After a restart: the message queued but never claimed is sent once; the interrupted one is not.
    expect(await deliverDue(db(), smtpTransport(sink.url), () => clock)).toEqual({ sent: 1, failed: 0, retrying: 0 });
    clock += SENDING_LEASE_MS + 1;
    await deliverDue(db(), smtpTransport(sink.url), () => clock);
    const interrupted = db().select().from(outbox).where(eq(outbox.id, a!.id)).get()!;
    expect(interrupted.status).toBe('failed');
    expect(interrupted.lastError).toMatch(/may or may not have been sent/);
    expect(sink.received.map((m) => m.envelope.to[0])).toEqual(['trust2@example.net']);
  });
});

describe('reply addresses', () => {
  it.each([
    ['campaign+{token}@example.org', 'campaign+abc123xyz@example.org', 'abc123xyz'],
    ['campaign+{token}@example.org', 'Someone <CAMPAIGN+ABC123XYZ@Example.org>', 'abc123xyz'],
    ['campaign+{token}@example.org', 'campaign@example.org', null],
    ['campaign+{token}@example.org', 'campaign+@example.org', null],
    ['campaign+{token}@example.org', 'other+abc123xyz@example.org', null],
    ['campaign+{token}@example.org', 'campaign+abc123xyz@example.org.evil', null],
    ['campaign+{token}@example.org', 'campaign+a b@example.org', null],
    ['replies-{token}@mail.example.org', 'replies-k2m9q4@mail.example.org', 'k2m9q4'],
  ])('in %s, %s carries the code %s', (pattern, address, token) => {
    expect(tokenFromAddress(pattern, address)).toBe(token);
  });

  it('makes codes that survive the round trip and differ', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newReplyToken));
    expect(tokens.size).toBe(1000);
    for (const token of [...tokens].slice(0, 50)) expect(tokenFromAddress('c+{token}@x.org', replyAddress('c+{token}@x.org', token))).toBe(token);
  });

  it('reads Message-IDs from threading headers', () => {
    expect(messageIdsIn('<a@x> <b@y>')).toEqual(['a@x', 'b@y']);
    expect(messageIdsIn(['<a@x>', '<b@y>'])).toEqual(['a@x', 'b@y']);
    expect(messageIdsIn('bare@id')).toEqual(['bare@id']);
    expect(messageIdsIn(undefined)).toEqual([]);
  });
});
