/** The mailbox reader, against a real IMAP server (Dovecot) on loopback: each kind of message filed as it should be. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attachments, auditLog, events, inboundMessages, mailboxCursors } from '../../src/db/schema.js';
import { queueMessage } from '../../src/mail/outbox.js';
import { storedPath } from '../../src/records/files.js';
import { contact, institution, type MadeInstitution } from '../factories.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';
import { startDovecot, type Dovecot } from './dovecot.js';

let imap: Dovecot;
let t: TestApp;
const FROM = 'Test Campaign <campaign@example.org>';

beforeAll(async () => {
  imap = await startDovecot();
});
afterAll(async () => {
  await imap.stop();
});
beforeEach(async () => {
  await imap.recreate('Replies');
  t = await makeApp({ env: { IMAP_URL: imap.url, IMAP_FOLDER: 'Replies', MAIL_FROM: FROM } });
});
afterEach(async () => {
  await t.close();
});

const db = () => t.app.tracker.db;
const filesDir = () => t.app.config.filesDir;
const messages = () => db().select().from(inboundMessages).orderBy(inboundMessages.id).all();
const eventById = (id: number) => db().select().from(events).where(eq(events.id, id)).get()!;

/** An approach to a new institution, sent through the outbox with its reply code and Message-ID. */
function sentApproach(name = 'Northshire Partnership NHS Foundation Trust'): { body: MadeInstitution; contactId: number; token: string; messageId: string } {
  const body = institution(db(), { name, kind: 'mental_health_trust' });
  const contactId = contact(db(), body, { date: '2026-11-02', summary: `Asked ${name} to halt SIM`, dueOn: '2026-11-16' });
  const token = `tok${contactId}abcdef`.toLowerCase();
  const messageId = `approach-${contactId}@example.org`;
  queueMessage(db(), { kind: 'approach', to: 'chief.executive@nhs.example', from: FROM, subject: 'Serenity Integrated Mentoring', text: 'Dear Chief Executive', replyTo: `campaign+${token}@example.org`, replyToken: token, eventId: contactId, messageId, createdBy: 'test' }, TEST_NOW);
  return { body, contactId, token, messageId };
}

interface Mail {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  date?: string;
  headers?: string[];
  body?: string;
  contentType?: string;
}

function mail(m: Mail): string {
  const lines = [
    `From: ${m.from ?? 'Pat Jones <pat.jones@nhs.example>'}`,
    `To: ${m.to ?? 'campaign@example.org'}`,
    `Subject: ${m.subject ?? 'Re: Serenity Integrated Mentoring'}`,
    `Date: ${m.date ?? 'Fri, 20 Nov 2026 10:15:00 +0000'}`,
    ...(m.messageId === null ? [] : [`Message-ID: <${m.messageId ?? `${Math.random().toString(36).slice(2)}@nhs.example`}>`]),
    'MIME-Version: 1.0',
    `Content-Type: ${m.contentType ?? 'text/plain; charset=utf-8'}`,
    ...(m.headers ?? []),
    '',
    m.body ?? 'Thank you for your letter. The trust will review its use of SIM.',
    '',
  ];
  return lines.join('\r\n');
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

function withAttachment(m: Mail, name: string, bytes: Buffer, type = 'application/pdf'): string {
  const boundary = 'b0undary42';
  return mail({
    ...m,
    contentType: `multipart/mixed; boundary="${boundary}"`,
    body: [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.body ?? 'Please find our reply attached.',
      `--${boundary}`,
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
    ].join('\r\n'),
  });
}

/** Every file under a folder, relative. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('the mailbox reader', () => {
  it('files a reply to an approach’s reply address as a draft response on it, with its attachment, and keeps the raw message', async () => {
    const { body, contactId, token } = sentApproach();
    const raw = withAttachment({ to: `Campaign <campaign+${token}@example.org>` }, 'reply.pdf', PDF);
    await imap.append(raw, 'Replies');
    await t.app.mailWorker.runOnce();

    const [message] = messages();
    expect(message).toMatchObject({ status: 'filed', matchedBy: 'address', approachEventId: contactId, fromAddress: 'pat.jones@nhs.example', fromName: 'Pat Jones', automatic: false, folder: 'Replies', uid: 1 });
    expect(fs.readFileSync(storedPath(filesDir(), message!.sha256), 'utf8')).toBe(raw);
    const draft = eventById(message!.eventId!);
    expect(draft).toMatchObject({ type: 'response', status: 'draft', institutionId: body.id, answersEventId: contactId, fromName: 'Pat Jones', responseType: null, occurredOn: '2026-11-20', hasTime: true });
    expect(draft.summary).toBe('Reply by email from Pat Jones: Re: Serenity Integrated Mentoring');
    expect(draft.quote).toBe('Please find our reply attached.');
    const files = db().select().from(attachments).where(eq(attachments.eventId, draft.id)).all();
    expect(files).toEqual([expect.objectContaining({ name: 'reply.pdf', contentType: 'application/pdf', size: PDF.length, public: false, source: 'email', inboundMessageId: message!.id })]);
    expect(fs.readFileSync(storedPath(filesDir(), files[0]!.sha256))).toEqual(PDF);
    const audit = db().select().from(auditLog).where(eq(auditLog.entityId, draft.id)).all();
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['event.create', 'Mailbox reader']]);
    // The cursor moved on: a second round reads nothing again.
    expect(db().select().from(mailboxCursors).get()).toMatchObject({ folder: 'Replies', lastUid: 1 });
    await t.app.mailWorker.runOnce();
    expect(messages()).toHaveLength(1);
    // Nothing published, nothing removed from the mailbox.
    expect(db().select().from(events).where(eq(events.status, 'published')).all().map((e) => e.id)).toEqual([contactId]);
    expect(await imap.count('Replies')).toBe(1);
  });

  it('files a reply by In-Reply-To alone, and an automatic reply as a draft acknowledgement', async () => {
    const first = sentApproach('Eastmoor Mental Health Trust');
    const second = sentApproach('Westvale Constabulary');
    await imap.append(mail({ headers: [`In-Reply-To: <${first.messageId}>`, `References: <other@elsewhere.example> <${first.messageId}>`] }), 'Replies');
    await imap.append(mail({ to: `campaign+${second.token}@example.org`, subject: 'Out of Office: Serenity Integrated Mentoring', headers: ['Auto-Submitted: auto-replied'], body: 'I am away until Monday.' }), 'Replies');
    await t.app.mailWorker.runOnce();
    const [byThread, automatic] = messages();
    expect(byThread).toMatchObject({ status: 'filed', matchedBy: 'thread', approachEventId: first.contactId });
    expect(eventById(byThread!.eventId!)).toMatchObject({ type: 'response', status: 'draft', institutionId: first.body.id, answersEventId: first.contactId });
    expect(automatic).toMatchObject({ status: 'filed', matchedBy: 'address', automatic: true, approachEventId: second.contactId });
    expect(eventById(automatic!.eventId!)).toMatchObject({ responseType: 'acknowledgement', status: 'draft', institutionId: second.body.id, summary: 'Automatic reply by email from Pat Jones: Out of Office: Serenity Integrated Mentoring' });
  });

  it('leaves an unmatched message waiting, and files the same delivery only once', async () => {
    sentApproach();
    const stray = mail({ subject: 'A question about SIM', messageId: 'stray-1@press.example' });
    await imap.append(stray, 'Replies');
    await imap.append(stray, 'Replies'); // the same bytes delivered twice
    await imap.append(mail({ subject: 'A question about SIM (resent)', messageId: 'stray-1@press.example' }), 'Replies'); // same Message-ID, other bytes
    await t.app.mailWorker.runOnce();
    const rows = messages();
    expect(rows.map((r) => r.status)).toEqual(['unmatched', 'discarded']);
    expect(rows[0]).toMatchObject({ eventId: null, approachEventId: null, subject: 'A question about SIM' });
    expect(rows[1]!.problem).toContain(`Another copy of message ${rows[0]!.id}`);
    expect(db().select().from(events).where(eq(events.type, 'response')).all()).toHaveLength(0);
    expect(db().select().from(mailboxCursors).get()!.lastUid).toBe(3);
  });

  it('rereads a folder whose UIDVALIDITY changed, without filing anything twice', async () => {
    const { token } = sentApproach();
    const reply = mail({ to: `campaign+${token}@example.org` });
    await imap.append(reply, 'Replies');
    await t.app.mailWorker.runOnce();
    const before = db().select().from(mailboxCursors).get()!;
    await imap.recreate('Replies');
    await imap.append(reply, 'Replies');
    await imap.append(mail({ subject: 'New after the change', messageId: 'new-after@nhs.example' }), 'Replies');
    await t.app.mailWorker.runOnce();
    const after = db().select().from(mailboxCursors).get()!;
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after.lastUid).toBe(2);
    expect(messages().map((m) => [m.subject, m.status])).toEqual([['Re: Serenity Integrated Mentoring', 'filed'], ['New after the change', 'unmatched']]);
    expect(db().select().from(events).where(eq(events.type, 'response')).all()).toHaveLength(1);
  });
});

describe('hostile mail', () => {
  it('files each safely or refuses it, keeps every raw message, goes on to the next, and writes nothing outside the file store', async () => {
    await t.close();
    t = await makeApp({ env: { IMAP_URL: imap.url, IMAP_FOLDER: 'Replies', MAIL_FROM: FROM, MAX_ATTACHMENT_MB: '1' } });
    const { token, contactId } = sentApproach();
    const to = `campaign+${token}@example.org`;
    const huge = mail({ subject: 'Huge', body: 'A'.repeat(3 * 1024 * 1024) });
    const malformed = 'From: <<<@@@\r\nContent-Type: multipart/mixed; boundary=\r\nSubject: =?utf-8?B?####?=\r\n\r\n--\r\n--\r\nContent-Type: text/plain\r\n\r\nbroken\r\n';
    const script = mail({ to, subject: 'HTML', contentType: 'text/html; charset=utf-8', body: '<html><body><p>We will <b>review</b> SIM.</p><script>alert("x")</script><a href="javascript:alert(1)">click</a></body></html>' });
    const traversal = withAttachment({ to, subject: 'Traversal' }, '../../x.pdf', PDF);
    const latin1 = mail({ to, subject: 'Latin-1', contentType: 'text/plain; charset=iso-8859-1', body: Buffer.from('Caf\xe9 \xa3100', 'latin1').toString('latin1') });
    const noId = mail({ to, subject: 'No Message-ID', messageId: null });
    const before = filesUnder(path.dirname(t.databasePath)).filter((f) => !f.startsWith('files'));
    for (const raw of [huge, malformed, script, traversal, Buffer.from(latin1, 'latin1'), noId]) await imap.append(raw, 'Replies');
    await t.app.mailWorker.runOnce();

    const rows = messages();
    expect(rows).toHaveLength(6);
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    expect(bySubject.get('Huge')).toMatchObject({ status: 'refused' });
    expect(bySubject.get('Huge')!.problem).toMatch(/over the .* MB a message may be/);
    expect(fs.statSync(storedPath(filesDir(), bySubject.get('Huge')!.sha256)).size).toBe(Buffer.byteLength(huge));
    // The HTML became text: the script is not kept as something to run.
    const html = bySubject.get('HTML')!;
    expect(html.status).toBe('filed');
    const quote = eventById(html.eventId!).quote!;
    expect(quote).toContain('We will review SIM.');
    expect(quote).not.toContain('<script');
    // The attachment's name lost its folders.
    const traversed = bySubject.get('Traversal')!;
    expect(traversed.status).toBe('filed');
    expect(db().select().from(attachments).where(eq(attachments.eventId, traversed.eventId!)).all().map((a) => a.name)).toEqual(['x.pdf']);
    // A non-UTF-8 charset read correctly.
    expect(bySubject.get('Latin-1')!.status).toBe('filed');
    expect(eventById(bySubject.get('Latin-1')!.eventId!).quote).toBe('Café £100');
    // No Message-ID: filed all the same.
    expect(bySubject.get('No Message-ID')).toMatchObject({ status: 'filed', messageId: null, approachEventId: contactId });
    // Every raw message kept; the malformed one was read or refused, never lost.
    for (const row of rows) expect(fs.existsSync(storedPath(filesDir(), row.sha256))).toBe(true);
    expect(['unmatched', 'refused']).toContain(rows[1]!.status);
    // Nothing written outside the file store (beside the database's own files).
    const after = filesUnder(path.dirname(t.databasePath)).filter((f) => !f.startsWith('files'));
    expect(after.filter((f) => !f.startsWith('tracker.db'))).toEqual(before.filter((f) => !f.startsWith('tracker.db')));
    expect(filesUnder(filesDir()).every((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f))).toBe(true);
  });

  it('keeps only the headers of an absurdly large message, and refuses it', async () => {
    await t.close();
    t = await makeApp({ env: { IMAP_URL: imap.url, IMAP_FOLDER: 'Replies', MAIL_FROM: FROM, MAX_ATTACHMENT_MB: '1' } });
    const enormous = mail({ subject: 'Enormous', body: 'B'.repeat(6 * 1024 * 1024) });
    await imap.append(enormous, 'Replies');
    await imap.append(mail({ subject: 'After it' }), 'Replies');
    await t.app.mailWorker.runOnce();
    const [big, next] = messages();
    expect(big).toMatchObject({ status: 'refused', subject: 'Enormous' });
    expect(big!.problem).toContain('only its headers were kept');
    const kept = fs.readFileSync(storedPath(filesDir(), big!.sha256), 'utf8');
    expect(kept).toContain('Subject: Enormous');
    expect(kept.length).toBeLessThan(4096);
    expect(next).toMatchObject({ status: 'unmatched', subject: 'After it' });
  });
});
