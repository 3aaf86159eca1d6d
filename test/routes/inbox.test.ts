/** The inbox: unmatched messages read from a real IMAP server, read as text, filed by a campaigner or discarded; new replies first in the follow-up queue. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attachments, auditLog, events, inboundMessages } from '../../src/db/schema.js';
import { queueMessage } from '../../src/mail/outbox.js';
import { contact, institution, response } from '../factories.js';
import { dom, makeApp, signedIn, TEST_NOW, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';
import { startDovecot, type Dovecot } from '../mail/dovecot.js';

let imap: Dovecot;
let t: TestApp;
let editor: Client;
const FROM = 'Test Campaign <campaign@example.org>';

beforeAll(async () => {
  imap = await startDovecot();
});
afterAll(async () => {
  await imap.stop();
});
beforeEach(async () => {
  await imap.recreate('INBOX.test');
  t = await makeApp({ env: { IMAP_URL: imap.url, IMAP_FOLDER: 'INBOX.test', MAIL_FROM: FROM } });
  editor = (await signedIn(t)).client;
});
afterEach(async () => {
  await t.close();
});

const db = () => t.app.tracker.db;
const message = (subject: string) => db().select().from(inboundMessages).where(eq(inboundMessages.subject, subject)).get()!;

function mail(subject: string, body: string, extra: string[] = [], contentType = 'text/plain; charset=utf-8'): string {
  return [`From: Sam Reporter <sam@press.example>`, 'To: campaign@example.org', `Subject: ${subject}`, 'Date: Thu, 19 Nov 2026 09:00:00 +0000', `Message-ID: <${subject.replace(/\W/g, '')}@press.example>`, 'MIME-Version: 1.0', `Content-Type: ${contentType}`, ...extra, '', body, ''].join('\r\n');
}

describe('the inbox', () => {
  it('lists unmatched messages, shows one as text with links inert, files one onto an approach and discards another', async () => {
    const trust = institution(db(), { name: 'Riverside NHS Foundation Trust', kind: 'mental_health_trust' });
    const approach = contact(db(), trust, { date: '2026-11-02', summary: 'Asked Riverside to halt SIM' });
    await imap.append(mail('Riverside statement', '<p>Riverside will <b>pause</b> SIM. <a href="https://evil.example/">details</a></p><script>alert(1)</script>', [], 'text/html; charset=utf-8'), 'INBOX.test');
    await imap.append(mail('Newsletter', 'Not about the campaign'), 'INBOX.test');
    await t.app.mailWorker.runOnce();

    const list = dom((await editor.get('/admin/inbox')).body);
    expect(words(list.querySelector('h2#waiting'))).toBe('Waiting to be filed (2)');
    expect([...list.querySelectorAll('tbody th a')].map((a) => words(a)).sort()).toEqual(['Newsletter', 'Riverside statement']);

    const statement = message('Riverside statement');
    const page = await editor.get(`/admin/inbox/${statement.id}`);
    expect(page.statusCode).toBe(200);
    const doc = dom(page.body);
    const text = doc.querySelector('pre.message-text')!;
    expect(words(text)).toContain('Riverside will pause SIM.');
    expect(text.querySelector('a, script, b')).toBeNull();
    expect(page.body).not.toContain('<script>alert');
    expect(doc.querySelector('a[href="https://evil.example/"]')).toBeNull();
    expect(words(doc.querySelector('select#approach'))).toContain('Riverside NHS Foundation Trust');

    // The raw message as a download.
    const raw = await editor.get(`/admin/inbox/${statement.id}/message.eml`);
    expect(raw.headers['content-disposition']).toContain('attachment');
    expect(raw.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(raw.body).toContain('Subject: Riverside statement');

    // No approach chosen: the message beside the field.
    const csrf = await editor.csrf(`/admin/inbox/${statement.id}`);
    const missing = await editor.post(`/admin/inbox/${statement.id}/file`, { _csrf: csrf, approach: '' });
    expect(missing.statusCode).toBe(400);
    expect(words(dom(missing.body).querySelector('#approach-error'))).toContain('Choose the approach this message answers');

    const filed = await editor.post(`/admin/inbox/${statement.id}/file`, { _csrf: csrf, approach: String(approach) });
    expect(filed.statusCode).toBe(303);
    const after = message('Riverside statement');
    expect(after).toMatchObject({ status: 'filed', matchedBy: 'person', approachEventId: approach });
    const draft = db().select().from(events).where(eq(events.id, after.eventId!)).get()!;
    expect(draft).toMatchObject({ type: 'response', status: 'draft', institutionId: trust.id, answersEventId: approach, fromName: 'Sam Reporter' });
    expect(filed.headers.location).toBe(`/admin/events/${draft.id}/edit`);
    // Filed once only.
    expect((await editor.post(`/admin/inbox/${statement.id}/file`, { _csrf: csrf, approach: String(approach) })).statusCode).toBe(400);

    const newsletter = message('Newsletter');
    const discarded = await editor.post(`/admin/inbox/${newsletter.id}/discard`, { _csrf: await editor.csrf(`/admin/inbox/${newsletter.id}`) });
    expect(discarded.statusCode).toBe(303);
    expect(message('Newsletter').status).toBe('discarded');
    expect(db().select().from(auditLog).where(eq(auditLog.entityType, 'message')).all().map((a) => a.action).sort()).toEqual(['message.discard', 'message.file']);
    expect(words(dom((await editor.get('/admin/inbox')).body).querySelector('h2#waiting'))).toBe('Waiting to be filed (0)');

    // Without CSRF, or signed out: refused.
    expect((await editor.post(`/admin/inbox/${newsletter.id}/discard`, { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/admin/inbox/${newsletter.id}` })).statusCode).toBe(303);
    expect((await editor.get('/admin/inbox/999999')).statusCode).toBe(404);
  });

  it('offers first the approaches to the institution the sender writes from, by its email or web address', async () => {
    const other = institution(db(), { name: 'Aardvark NHS Trust', kind: 'mental_health_trust', email: 'foi@aardvark.nhs.example' });
    const press = institution(db(), { name: 'Zeta Press Trust', kind: 'mental_health_trust', website: 'https://www.press.example/' });
    const otherApproach = contact(db(), other, { date: '2026-11-02', summary: 'Asked Aardvark' });
    const pressApproach = contact(db(), press, { date: '2026-11-03', summary: 'Asked Zeta' });
    await imap.append(mail('From the press office', 'A statement'), 'INBOX.test');
    await t.app.mailWorker.runOnce();
    const options = [...dom((await editor.get(`/admin/inbox/${message('From the press office').id}`)).body).querySelectorAll('select#approach option')];
    expect(options.map((o) => o.getAttribute('value'))).toEqual(['', String(pressApproach), String(otherApproach)]);
    expect(words(options[1]!)).toBe('From the sender’s organisation: Zeta Press Trust, 3 November 2026: Asked Zeta');
    expect(words(options[2]!)).toBe('Aardvark NHS Trust, 2 November 2026: Asked Aardvark');
  });

  it('pages through many messages, newest first', async () => {
    for (let i = 0; i < 53; i++) {
      db().insert(inboundMessages).values({ sha256: i.toString(16).padStart(64, '0'), size: 10, folder: 'INBOX.test', receivedAt: TEST_NOW - i * 60_000, subject: `Message ${i}`, status: 'unmatched', createdAt: TEST_NOW }).run();
    }
    const first = dom((await editor.get('/admin/inbox')).body);
    expect(first.querySelectorAll('tbody tr')).toHaveLength(50);
    expect(words(first.querySelector('tbody th'))).toBe('Message 0');
    const next = first.querySelector('a[rel="next"]')!.getAttribute('href')!;
    const second = dom((await editor.get(next)).body);
    expect([...second.querySelectorAll('tbody th')].map((th) => words(th))).toEqual(['Message 50', 'Message 51', 'Message 52']);
    expect(second.querySelector('a[rel="next"]')).toBeNull();
    expect((await editor.get('/admin/inbox?before=nonsense')).statusCode).toBe(400);
  });

  it('shows replies that arrived by email first in the follow-up queue, marked as new', async () => {
    const trust = institution(db(), { name: 'Hillside Partnership Trust' });
    const approach = contact(db(), trust, { date: '2026-11-02', summary: 'Asked Hillside' });
    response(db(), trust, { status: 'draft', summary: 'A draft typed by hand', date: '2026-11-21' });
    queueMessage(db(), { kind: 'approach', to: 'ceo@hillside.example', from: FROM, subject: 'SIM', text: 'Dear CEO', replyTo: 'campaign+hillsidetok1@example.org', replyToken: 'hillsidetok1', eventId: approach, messageId: 'hillside-1@example.org', createdBy: 'test' }, TEST_NOW);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
    await imap.append(
      [
        'From: Hillside Chief Executive <ceo@hillside.example>', 'To: campaign+hillsidetok1@example.org', 'Subject: Re: SIM', 'Date: Mon, 09 Nov 2026 09:00:00 +0000', 'Message-ID: <hillside-reply@hillside.example>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="x"', '',
        '--x', 'Content-Type: text/plain', '', 'We have paused SIM.', '--x', 'Content-Type: application/pdf; name="letter.pdf"', 'Content-Disposition: attachment; filename="letter.pdf"', 'Content-Transfer-Encoding: base64', '', pdf, '--x--', '',
      ].join('\r\n'),
      'INBOX.test',
    );
    await t.app.mailWorker.runOnce();
    const queue = dom((await editor.get('/admin')).body);
    const drafts = [...queue.querySelectorAll('ul.drafts > li')].map((li) => words(li.querySelector('p')));
    expect(drafts).toHaveLength(2);
    expect(drafts[0]).toMatch(/^New reply by email Response: Hillside Partnership Trust, 9 November 2026, logged by Mailbox reader\. Reply by email from Hillside Chief Executive: Re: SIM/);
    expect(drafts[1]).toContain('A draft typed by hand');
    // The draft needs a person: no source yet, so it cannot be published as it is.
    const draftId = message('Re: SIM').eventId!;
    const publish = await editor.post(`/admin/events/${draftId}/publish`, { _csrf: await editor.csrf('/admin') });
    expect(publish.statusCode).toBe(303);
    expect(db().select().from(events).where(eq(events.id, draftId)).get()!.status).toBe('draft');
    // Its attachment is on the draft, not public; the edit form opens.
    expect(db().select().from(attachments).where(eq(attachments.eventId, draftId)).all()).toEqual([expect.objectContaining({ name: 'letter.pdf', public: false, source: 'email' })]);
    expect((await editor.get(`/admin/events/${draftId}/edit`)).statusCode).toBe(200);
  });
});
