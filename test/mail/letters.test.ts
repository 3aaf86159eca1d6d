/** Letters sent from the workspace, against a real SMTP server on loopback: preview, send, deliver, fail, send again, restart. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { attachments, events, institutions, outbox } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { tokenFromAddress } from '../../src/mail/addresses.js';
import { contact, institution } from '../factories.js';
import { dom, FIXTURE_DATA, formFields, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const FROM = 'Test Campaign <campaign@example.org>';
/** Monday 23 November 2026, 10:00 in London: the reply to a letter sent now is due ten working days later. */
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
const contacts = () => db().select().from(events).where(eq(events.type, 'contact')).orderBy(events.id).all();

const LETTER = {
  subject: 'SIM in {{institution}}: will you halt it?',
  body: 'Dear {{institution}},\n\nWill you halt SIM? Please reply to {{reply_address}} by {{due_date}}.\n\nYours faithfully,\n{{campaign}}',
};

async function preview(fields: Record<string, string | string[]>) {
  return client.post('/admin/letters/preview', { _csrf: await client.csrf('/admin/letters/new'), ...fields });
}

/** The value beside a term in a list of facts (To, Subject, Delivery…). */
const fact = (within: Element | null, term: string): string =>
  words([...(within?.querySelectorAll('dt') ?? [])].find((dt) => words(dt) === term)?.nextElementSibling);

/** The send form of a preview page, as the browser would post it. */
const sendForm = (html: string) => formFields(html, 'form[action="/admin/letters"]');

describe('a letter to fifty institutions', () => {
  it('previews every message, then logs fifty published approaches and sends fifty messages, each to its institution alone', async () => {
    const trusts = Array.from({ length: 50 }, (_, i) => institution(db(), { name: `Trust ${String(i + 1).padStart(2, '0')}`, kind: 'mental_health_trust', region: 'London', email: `foi${i + 1}@trust${i + 1}.nhs.uk` }));
    const silent = institution(db(), { name: 'Trust Without Address', kind: 'mental_health_trust', region: 'London' });

    const shown = await preview({ ...LETTER, select_kind: 'mental_health_trust', select_region: 'London' });
    expect(shown.statusCode).toBe(200);
    const page = dom(shown.body);
    expect(page.querySelectorAll('.letter-preview')).toHaveLength(50);
    expect(words(page.querySelector('#unreachable'))).toContain(`${silent.name}: no email address in the directory`);
    const first = page.querySelector('.letter-preview')!;
    expect(fact(first, 'To')).toBe('foi1@trust1.nhs.uk');
    expect(fact(first, 'From')).toBe(FROM);
    expect(fact(first, 'Reply address')).toMatch(/^campaign\+[a-z0-9]{10}@example\.org$/);
    expect(fact(first, 'Subject')).toBe('SIM in Trust 01: will you halt it?');
    expect(first.querySelector('pre')!.textContent).toContain('Please reply to campaign+');
    expect(first.querySelector('pre')!.textContent).toContain('by Monday 7 December 2026.');
    expect(contacts()).toHaveLength(0);
    expect(outboxRows()).toHaveLength(0);

    const sent = await client.post('/admin/letters', sendForm(shown.body));
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/admin/outbox');

    const logged = contacts();
    expect(logged).toHaveLength(50);
    expect(logged.every((c) => c.channel === 'email' && c.status === 'published' && c.occurredOn === '2026-11-23' && c.dueOn === '2026-12-07' && c.fromName === 'Test Campaign')).toBe(true);
    const rows = outboxRows();
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.eventId))).toEqual(new Set(logged.map((c) => c.id)));
    expect(new Set(rows.map((r) => r.replyToken)).size).toBe(50);
    // What was previewed is what is queued: the reply addresses shown are the ones used.
    const previewed = [...page.querySelectorAll('.letter-preview')].map((m) => fact(m, 'Reply address'));
    expect(rows.map((r) => r.replyTo).sort()).toEqual(previewed.sort());
    // The public record keeps the letter, with its reply address withheld.
    expect(logged[0]!.quote).toContain('Please reply to [reply address withheld] by Monday 7 December 2026.');
    expect(logged.some((c) => c.quote!.includes('campaign+'))).toBe(false);

    await t.app.mailWorker.runOnce();
    const mails = await sink.waitFor(50);
    expect(mails).toHaveLength(50);
    for (const [i, trust] of trusts.entries()) {
      const row = rows.find((r) => r.toAddress === `foi${i + 1}@trust${i + 1}.nhs.uk`)!;
      const mail = mails.find((m) => m.parsed.messageId === `<${row.messageId}>`)!;
      expect(mail.envelope.to).toEqual([row.toAddress]);
      expect(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.text : null).toBe(row.toAddress);
      expect(mail.parsed.from?.value).toEqual([{ name: 'Test Campaign', address: 'campaign@example.org' }]);
      expect(mail.parsed.replyTo?.text).toBe(row.replyTo);
      expect(tokenFromAddress('campaign+{token}@example.org', row.replyTo!)).toBe(row.replyToken);
      expect(mail.parsed.subject).toBe(`SIM in ${trust.name}: will you halt it?`);
      expect(mail.parsed.text).toContain(`Dear ${trust.name},`);
      expect(mail.parsed.text).toContain(`Please reply to ${row.replyTo} by Monday 7 December 2026.`);
      expect(mail.parsed.text).toContain('Yours faithfully,\nTest Campaign');
    }
    expect(outboxRows().every((r) => r.status === 'sent' && r.sentAt === MONDAY)).toBe(true);
    // The outbox page and each approach's page say so.
    const listed = dom((await client.get('/admin/outbox?status=sent')).body);
    expect(listed.querySelectorAll('tbody tr')).toHaveLength(50);
    const approach = dom((await client.get(`/admin/events/${logged[0]!.id}/edit`)).body);
    expect(fact(approach.querySelector('.delivery'), 'Delivery')).toBe('Sent 10:00 on 23 November 2026');
  });

  it('writes nothing when one choice is invalid, and says so beside the field with the letter kept', async () => {
    institution(db(), { name: 'Good Trust', email: 'foi@good.nhs.uk' });
    const res = await client.post('/admin/letters', { _csrf: await client.csrf('/admin/letters/new'), ...LETTER, institutions: ['good-trust', 'no-such-trust'] });
    expect(res.statusCode).toBe(400);
    const page = dom(res.body);
    expect(words(page.querySelector('#institutions-error'))).toContain('Choose institutions from the list (“no-such-trust” is not one of them)');
    expect(page.querySelector<HTMLInputElement>('#subject')!.getAttribute('value')).toBe(LETTER.subject);
    expect(contacts()).toHaveLength(0);
    expect(outboxRows()).toHaveLength(0);
  });

  it('goes back from the preview to the form with the letter and the choice kept', async () => {
    institution(db(), { name: 'Kept Trust', kind: 'police_force', email: 'foi@kept.police.uk' });
    const shown = await preview({ ...LETTER, select_kind: 'police_force' });
    const back = dom((await client.post('/admin/letters/edit', formFields(shown.body, 'form[action="/admin/letters/edit"]'))).body);
    expect(back.querySelector('#subject')!.getAttribute('value')).toBe(LETTER.subject);
    expect(back.querySelector('#body')!.textContent).toBe(LETTER.body);
    expect(back.querySelector('#institutions option[selected]')!.getAttribute('value')).toBe('police_force');
    expect(contacts()).toHaveLength(0);
  });

  it('refuses an unknown merge field, a subject on two lines and a letter to nobody reachable, beside each field', async () => {
    institution(db(), { name: 'No Address Trust' });
    const res = await preview({ subject: 'Hello\r\nBcc: victim@example.net', body: 'Dear {{instituton}}', institutions: 'no-address-trust' });
    expect(res.statusCode).toBe(400);
    const page = dom(res.body);
    expect(words(page.querySelector('#subject-error'))).toContain('Write the subject on one line');
    expect(words(page.querySelector('#body-error'))).toContain('{{instituton}} is not a merge field');
    expect(words(page.querySelector('#institutions-error'))).toContain('None of the institutions chosen has an email address');
    expect(page.querySelectorAll('.error-summary a')).toHaveLength(3);
    expect(contacts()).toHaveLength(0);
  });

  it('keeps hostile names and addresses as text: no header added, no HTML run', async () => {
    const hostile = institution(db(), { name: 'Evil <script>alert(1)</script> Trust', email: 'foi@evil.nhs.uk' });
    // An address written into the database by other means than the form, with a header in it.
    const injected = institution(db(), { name: 'Injected Trust' });
    db().update(institutions).set({ email: 'foi@injected.nhs.uk\r\nBcc: victim@example.net' }).where(eq(institutions.id, injected.id)).run();
    db().update(institutions).set({ name: 'Evil <script>alert(1)</script>\r\nBcc: victim@example.net Trust' }).where(eq(institutions.id, hostile.id)).run();

    const shown = await preview({ ...LETTER, institutions: [hostile.slug, injected.slug] });
    expect(shown.statusCode).toBe(200);
    const page = dom(shown.body);
    expect(page.querySelector('.letter-preview script')).toBeNull();
    expect(words(page.querySelector('#unreachable'))).toContain('Injected Trust: its email address is not valid');
    expect(fact(page.querySelector('.letter-preview'), 'Subject')).toBe('SIM in Evil <script>alert(1)</script> Bcc: victim@example.net Trust: will you halt it?');

    expect((await client.post('/admin/letters', sendForm(shown.body))).statusCode).toBe(303);
    await t.app.mailWorker.runOnce();
    const [mail] = await sink.waitFor(1);
    expect(sink.received).toHaveLength(1);
    expect(mail!.envelope.to).toEqual(['foi@evil.nhs.uk']);
    expect(mail!.parsed.bcc).toBeUndefined();
    expect(mail!.parsed.headers.has('bcc')).toBe(false);
    expect(mail!.parsed.subject).toBe('SIM in Evil <script>alert(1)</script> Bcc: victim@example.net Trust: will you halt it?');
    expect(mail!.parsed.html).toBe(false);
    expect(mail!.parsed.text).toContain('Dear Evil <script>alert(1)</script> Bcc: victim@example.net Trust,');
  });

  it('shows a failed delivery on the approach, and sends it again', async () => {
    const trust = institution(db(), { name: 'Refusing Trust', email: 'foi@refusing.nhs.uk' });
    const shown = await preview({ ...LETTER, institutions: trust.slug });
    await client.post('/admin/letters', sendForm(shown.body));
    sink.refuseNext(1, 550, 'No such mailbox here');
    await t.app.mailWorker.runOnce();
    const [row] = outboxRows();
    expect(row!.status).toBe('failed');

    const page = dom((await client.get(`/admin/events/${row!.eventId}/edit`)).body);
    const delivery = fact(page.querySelector('.delivery'), 'Delivery');
    expect(delivery).toContain('Not sent: failed');
    expect(delivery).toContain('550 No such mailbox here');
    const followUp = dom((await client.get('/admin')).body);
    expect(words(followUp.querySelector('.mail-state'))).toContain('1 message not sent (failed)');
    expect(words(followUp.querySelector('.awaiting'))).toContain('Email: Not sent: failed');
    const failedList = dom((await client.get('/admin/outbox?status=failed')).body);
    expect(failedList.querySelectorAll('tbody tr')).toHaveLength(1);

    const form = page.querySelector(`form[action="/admin/outbox/${row!.id}/send-again"]`)!;
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    // Without the CSRF token, nothing happens.
    expect((await client.post(`/admin/outbox/${row!.id}/send-again`, { back: '/admin' })).statusCode).toBe(403);
    expect(outboxRows()[0]!.status).toBe('failed');
    const again = await client.post(`/admin/outbox/${row!.id}/send-again`, { _csrf, back: `/admin/events/${row!.eventId}/edit` });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/admin/events/${row!.eventId}/edit`);
    expect(outboxRows()[0]!.status).toBe('queued');
    await t.app.mailWorker.runOnce();
    await sink.waitFor(1);
    expect(sink.received).toHaveLength(1);
    expect(outboxRows()[0]!.status).toBe('sent');
    expect(fact(dom((await client.get(`/admin/events/${row!.eventId}/edit`)).body).querySelector('.delivery'), 'Delivery')).toBe('Sent 10:00 on 23 November 2026');
  });

  it('carries the files attached to the approach', async () => {
    const trust = institution(db(), { name: 'Attached Trust', email: 'foi@attached.nhs.uk' });
    const shown = await preview({ ...LETTER, institutions: trust.slug });
    await client.post('/admin/letters', sendForm(shown.body));
    const [row] = outboxRows();
    const bytes = Buffer.from('%PDF-1.4\n% a letter\n');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    fs.mkdirSync(path.join(t.app.config.filesDir, sha256.slice(0, 2)), { recursive: true });
    fs.writeFileSync(path.join(t.app.config.filesDir, sha256.slice(0, 2), sha256), bytes);
    db().insert(attachments).values({ eventId: row!.eventId!, sha256, name: 'letter.pdf', contentType: 'application/pdf', size: bytes.length, source: 'upload', createdBy: 'test', createdAt: MONDAY }).run();
    await t.app.mailWorker.runOnce();
    const [mail] = await sink.waitFor(1);
    expect(mail!.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['letter.pdf', 'application/pdf', bytes.toString()]]);
  });

  it('pages the outbox by keyset, newest first', async () => {
    const trusts = Array.from({ length: 55 }, (_, i) => institution(db(), { name: `Paged Trust ${String(i).padStart(2, '0')}`, email: `foi${i}@paged.nhs.uk` }));
    const shown = await preview({ ...LETTER, institutions: trusts.map((x) => x.slug) });
    await client.post('/admin/letters', sendForm(shown.body));
    const first = dom((await client.get('/admin/outbox?status=queued')).body);
    expect(first.querySelectorAll('tbody tr')).toHaveLength(50);
    const next = first.querySelector<HTMLAnchorElement>('a[href*="before="]')!.getAttribute('href')!;
    const second = dom((await client.get(next)).body);
    expect(second.querySelectorAll('tbody tr')).toHaveLength(5);
    expect(second.querySelector('a[href*="before="]')).toBeNull();
    expect((await client.get('/admin/outbox?status=lost')).statusCode).toBe(400);
  });
});

describe('a restart between queueing and sending', () => {
  it('sends each message exactly once', async () => {
    const trusts = Array.from({ length: 5 }, (_, i) => institution(db(), { name: `Restart Trust ${i}`, email: `foi${i}@restart.nhs.uk` }));
    const shown = await preview({ ...LETTER, institutions: trusts.map((x) => x.slug) });
    await client.post('/admin/letters', sendForm(shown.body));
    expect(outboxRows().every((r) => r.status === 'queued')).toBe(true);
    // The tracker stops before any round runs; a new one opens the same database file.
    const databasePath = t.databasePath;
    await t.app.close();
    const config = loadConfig({ DATABASE_PATH: databasePath, BASE_URL: 'https://tracker.example.org', LOG_REQUESTS: 'false', DATA_DIR: FIXTURE_DATA, SMTP_URL: sink.url, MAIL_FROM: FROM, MAIL_WORKER: 'off' });
    const again = await buildApp(config, { now: () => clock.now });
    await again.ready();
    try {
      await again.mailWorker.runOnce();
      await sink.waitFor(5);
      await again.mailWorker.runOnce();
      clock.now += 60 * 60_000;
      await again.mailWorker.runOnce();
      expect(sink.received.map((m) => m.envelope.to[0]).sort()).toEqual(trusts.map((_, i) => `foi${i}@restart.nhs.uk`).sort());
      const rows = again.tracker.db.select().from(outbox).all();
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    } finally {
      await again.close();
      // The first app is closed already; its folder goes with the test's.
      t = { ...t, close: async () => fs.rmSync(t.dir, { recursive: true, force: true }) };
    }
  });
});

describe('with mail off', () => {
  it('says sending is off and how to turn it on, and nothing else breaks', async () => {
    const off = await makeApp({ now: MONDAY });
    try {
      const { client: editor } = await signedIn(off, 'editor');
      const letterPage = await editor.get('/admin/letters/new');
      expect(letterPage.statusCode).toBe(200);
      const page = dom(letterPage.body);
      expect(words(page.querySelector('#mail'))).toContain('Sending is off.');
      expect(words(page.querySelector('#mail'))).toContain('SMTP_URL');
      expect(page.querySelector('button[type="submit"][disabled]')).not.toBeNull();
      const trust = institution(off.app.tracker.db, { name: 'Quiet Trust', email: 'foi@quiet.nhs.uk' });
      const tried = await editor.post('/admin/letters/preview', { _csrf: await editor.csrf('/admin/letters/new'), ...LETTER, institutions: trust.slug });
      expect(tried.statusCode).toBe(409);
      expect(words(dom(tried.body).querySelector('.error-summary'))).toContain('Sending is off');
      expect((await editor.post('/admin/letters', { _csrf: await editor.csrf('/admin/letters/new'), ...LETTER, institutions: trust.slug })).statusCode).toBe(409);
      contact(off.app.tracker.db, trust, { date: '2026-11-02' });
      const followUp = dom((await editor.get('/admin')).body);
      expect(words(followUp.querySelector('.mail-state'))).toContain('Sending letters is off');
      expect((await editor.get('/admin/outbox')).statusCode).toBe(200);
      await off.app.mailWorker.runOnce();
    } finally {
      await off.close();
    }
  });
});
