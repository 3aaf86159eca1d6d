/** Reminders of late approaches (proposed once, threaded, sent) and the editors' daily email, against an SMTP server on loopback. */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { events, inboundMessages, mailRuns, outbox, users } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { EDITORS_EMAIL } from '../../src/mail/editors-email.js';
import { contact, institution, response, user } from '../factories.js';
import { dom, FIXTURE_DATA, formFields, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const FROM = 'Test Campaign <campaign@example.org>';
const MONDAY = instantOf('2026-11-23', '10:00');

let sink: SmtpSink;
let t: TestApp;
let client: Client;
const clock = { now: MONDAY };

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});
beforeEach(async () => {
  sink.received.length = 0;
  clock.now = MONDAY;
  t = await makeApp({ clock: () => clock.now, env: { SMTP_URL: sink.url, MAIL_FROM: FROM } });
  ({ client } = await signedIn(t, 'editor'));
});
afterEach(async () => {
  await t.close();
});

const db = () => t.app.tracker.db;
const outboxRows = () => db().select().from(outbox).orderBy(outbox.id).all();
/** Letters and reminders: the outbox without the editors' daily email. */
const letters = () => outboxRows().filter((r) => r.kind !== 'editors');

/** Sends a letter from the workspace to these institutions, as a campaigner does, and delivers it. */
async function sendLetter(slugs: string[]) {
  const shown = await client.post('/admin/letters/preview', { _csrf: await client.csrf('/admin/letters/new'), subject: 'Will {{institution}} halt SIM?', body: 'Dear {{institution}}, please reply by {{due_date}}.', institutions: slugs });
  expect((await client.post('/admin/letters', formFields(shown.body, 'form[action="/admin/letters"]'))).statusCode).toBe(303);
  await t.app.mailWorker.runOnce();
  await sink.waitFor(slugs.length);
}

describe('reminders of late approaches', () => {
  it('are proposed once an approach sent by email is late, sent threaded with the same reply address, and never proposed twice', async () => {
    const trust = institution(db(), { name: 'Slow Trust', email: 'foi@slow.nhs.uk' });
    const byHand = institution(db(), { name: 'Written To By Hand' });
    contact(db(), byHand, { date: '2026-11-02', dueOn: '2026-11-16' });
    await sendLetter([trust.slug]);
    const [original] = letters();
    expect(original!.status).toBe('sent');

    // Not late yet (due Monday 7 December): nothing proposed.
    clock.now = instantOf('2026-12-07', '17:00');
    expect(dom((await client.get('/admin')).body).querySelector('#chasers')).toBeNull();

    clock.now = instantOf('2026-12-08', '09:00');
    const queue = dom((await client.get('/admin')).body);
    const proposals = queue.querySelectorAll('.chasers > li');
    expect(proposals).toHaveLength(1);
    const proposal = proposals[0]!;
    expect(words(proposal)).toContain('Slow Trust: letter of 23 November 2026, “Will Slow Trust halt SIM?”, reply due 7 December 2026.');
    expect(proposal.querySelector('pre')!.textContent).toContain('On Monday 23 November 2026 we wrote to you about “Will Slow Trust halt SIM?” and asked for a reply by Monday 7 December 2026.');
    expect(proposal.querySelector('pre')!.textContent).toContain(original!.replyTo!);

    const form = proposal.querySelector('form')!;
    expect(form.getAttribute('action')).toBe(`/admin/chasers/${original!.eventId}`);
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    expect((await client.post(form.getAttribute('action')!, {})).statusCode).toBe(403);
    const sent = await client.post(form.getAttribute('action')!, { _csrf });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/admin#chasers');

    const rows = letters();
    expect(rows).toHaveLength(2);
    const chaser = rows[1]!;
    expect(chaser).toMatchObject({ kind: 'chaser', toAddress: 'foi@slow.nhs.uk', replyTo: original!.replyTo, replyToken: null, subject: 'Re: Will Slow Trust halt SIM?', status: 'queued' });
    // One reminder per approach and due date: its Message-ID says which, and the outbox holds each Message-ID once.
    expect(chaser.messageId).toBe(`chase.2026-12-07.${original!.messageId}`);
    expect(JSON.parse(chaser.headers)).toEqual({ 'In-Reply-To': `<${original!.messageId}>`, References: `<${original!.messageId}>` });
    const logged = db().select().from(events).where(eq(events.id, chaser.eventId!)).get()!;
    expect(logged).toMatchObject({ type: 'contact', channel: 'email', status: 'published', institutionId: trust.id, occurredOn: '2026-12-08' });
    expect(logged.quote).not.toContain(original!.replyTo!);

    sink.received.length = 0;
    await t.app.mailWorker.runOnce();
    await sink.waitFor(1);
    const mail = sink.received.find((m) => m.parsed.subject === 'Re: Will Slow Trust halt SIM?');
    expect(mail!.envelope.to).toEqual(['foi@slow.nhs.uk']);
    expect(mail!.parsed.inReplyTo).toBe(`<${original!.messageId}>`);
    expect(mail!.parsed.references).toBe(`<${original!.messageId}>`);
    expect(mail!.parsed.replyTo?.value[0]?.address).toBe(original!.replyTo);

    // Proposed once: not again, even a day later, and a second click sends nothing.
    const after = dom((await client.get('/admin')).body);
    expect(after.querySelector('#chasers')).toBeNull();
    expect(words(after.querySelector('.notice'))).toContain('The reminder was logged as a published approach and queued for sending.');
    clock.now = instantOf('2026-12-09', '09:00');
    expect(dom((await client.get('/admin')).body).querySelector('#chasers')).toBeNull();
    const twice = await client.post(`/admin/chasers/${original!.eventId}`, { _csrf: await client.csrf('/admin') });
    expect(twice.statusCode).toBe(303);
    expect(words(dom((await client.get('/admin')).body).querySelector('.notice'))).toContain('A reminder of that approach to Slow Trust has already been sent');
    expect(letters()).toHaveLength(2);
  });

  it('are refused for an approach not yet late or not sent from the tracker', async () => {
    const trust = institution(db(), { name: 'Prompt Trust', email: 'foi@prompt.nhs.uk' });
    await sendLetter([trust.slug]);
    const [original] = letters();
    await client.post(`/admin/chasers/${original!.eventId}`, { _csrf: await client.csrf('/admin') });
    expect(words(dom((await client.get('/admin')).body).querySelector('.notice'))).toContain('is not late yet');
    const byHand = contact(db(), institution(db(), { name: 'Paper Trust' }), { date: '2026-10-01', dueOn: '2026-10-15' });
    await client.post(`/admin/chasers/${byHand}`, { _csrf: await client.csrf('/admin') });
    expect(words(dom((await client.get('/admin')).body).querySelector('.notice'))).toContain('was not sent by email from the tracker');
    // A letter that failed is sent again from its approach, not chased.
    const bounced = institution(db(), { name: 'Bounced Trust', email: 'nobody@bounced.nhs.uk' });
    sink.refuseNext(1, 550, 'No such mailbox');
    await sendLetter([bounced.slug]);
    const failed = letters().find((r) => r.toAddress === 'nobody@bounced.nhs.uk')!;
    expect(failed.status).toBe('failed');
    // Late, but answered by a statement since: no reminder proposed, and none sent.
    response(db(), trust, { date: '2026-12-01', responseType: 'statement' });
    clock.now = instantOf('2026-12-08', '09:00');
    expect(dom((await client.get('/admin')).body).querySelector('#chasers')).toBeNull();
    await client.post(`/admin/chasers/${original!.eventId}`, { _csrf: await client.csrf('/admin') });
    expect(words(dom((await client.get('/admin')).body).querySelector('.notice'))).toContain('Prompt Trust has commented since that approach');
    await client.post(`/admin/chasers/${failed.eventId}`, { _csrf: await client.csrf('/admin') });
    expect(words(dom((await client.get('/admin')).body).querySelector('.notice'))).toContain('The letter to Bounced Trust has not been delivered (failed)');
    expect(letters()).toHaveLength(2);
  });
});

describe("the editors' daily email", () => {
  it('goes once a London day after 08:00 to each active editor and admin, only when there is something to say, even across a restart', async () => {
    const admin = await user(db(), { role: 'admin', email: 'admin@example.org' });
    const gone = await user(db(), { role: 'editor', email: 'gone@example.org' });
    db().update(users).set({ active: false }).where(eq(users.id, gone.id)).run();
    const trust = institution(db(), { name: 'Late Trust' });
    // Due on Monday 7 December: late from Tuesday 8 December.
    contact(db(), trust, { date: '2026-11-23', dueOn: '2026-12-07' });
    db().insert(inboundMessages).values({
      sha256: 'a'.repeat(64), size: 100, folder: 'INBOX', receivedAt: instantOf('2026-12-08', '07:00'), fromAddress: 'press@other.nhs.uk', fromName: 'Press Office',
      subject: 'Re: your letter', status: 'unmatched', createdAt: instantOf('2026-12-08', '07:00'),
    }).run();
    const editors = () => sink.received.filter((m) => m.parsed.subject?.startsWith('Follow-up for'));

    clock.now = instantOf('2026-12-08', '07:59');
    await t.app.mailWorker.runOnce();
    expect(outboxRows()).toHaveLength(0);

    clock.now = instantOf('2026-12-08', '08:05');
    await t.app.mailWorker.runOnce();
    await sink.waitFor(2);
    const mails = editors();
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual([admin.email, (db().select().from(users).where(eq(users.role, 'editor')).all().find((u) => u.active)!.email)].sort());
    const text = mails[0]!.parsed.text!;
    expect(mails[0]!.parsed.subject).toBe('Follow-up for Tuesday 8 December 2026: 1 became late, 1 reply read');
    expect(text).toContain('Became late today (1):\n- Late Trust: approached on 2026-11-23, reply due 2026-12-07.');
    expect(text).toContain('- Press Office <press@other.nhs.uk>: “Re: your letter”, waiting in the inbox to be filed.');
    expect(text).toContain('https://tracker.example.org/admin');

    // Later the same day, and after a restart: not again.
    clock.now = instantOf('2026-12-08', '18:00');
    await t.app.mailWorker.runOnce();
    const databasePath = t.databasePath;
    await t.app.close();
    const config = loadConfig({ DATABASE_PATH: databasePath, BASE_URL: 'https://tracker.example.org', LOG_REQUESTS: 'false', DATA_DIR: FIXTURE_DATA, SMTP_URL: sink.url, MAIL_FROM: FROM, MAIL_WORKER: 'off' });
    const again = await buildApp(config, { now: () => clock.now });
    await again.ready();
    try {
      await again.mailWorker.runOnce();
      expect(again.tracker.db.select().from(outbox).all()).toHaveLength(2);
      // The next day nothing became late and no reply came: no email, but the day is remembered.
      clock.now = instantOf('2026-12-09', '09:00');
      await again.mailWorker.runOnce();
      expect(again.tracker.db.select().from(outbox).all()).toHaveLength(2);
      expect(again.tracker.db.select().from(mailRuns).where(eq(mailRuns.name, EDITORS_EMAIL)).get()!.lastRunAt).toBe(clock.now);
      expect(editors()).toHaveLength(2);
    } finally {
      await again.close();
      t = { ...t, close: async () => fs.rmSync(t.dir, { recursive: true, force: true }) };
    }
  });
});
