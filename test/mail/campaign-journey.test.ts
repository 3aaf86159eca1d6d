/**
 * The whole loop, with a real SMTP server and a real IMAP server (Dovecot) on loopback: a
 * campaigner sends one letter to fifty trusts from the workspace; three trusts reply by email
 * (to the reply address, by In-Reply-To only, and with both, as a mail program's Reply does); the
 * three replies become drafts on the right approaches without typing; a follower of one of those
 * trusts is told once its reply is published, and unsubscribes in one click.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { events, inboundMessages, outbox, subscriptions } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { institution } from '../factories.js';
import { dom, formFields, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';
import { startDovecot, type Dovecot } from './dovecot.js';
import { linkIn, startSmtpSink, type SmtpSink } from './smtp-sink.js';

const FROM = 'StopSIM Test <campaign@example.org>';
const clock = { now: instantOf('2026-11-23', '10:00') };

let sink: SmtpSink;
let imap: Dovecot;
let t: TestApp;

beforeAll(async () => {
  sink = await startSmtpSink();
  imap = await startDovecot();
  t = await makeApp({ clock: () => clock.now, env: { SMTP_URL: sink.url, IMAP_URL: imap.url, MAIL_FROM: FROM } });
});
afterAll(async () => {
  await t?.close();
  await imap?.stop();
  await sink?.close();
});

const db = () => t.app.tracker.db;
const round = () => t.app.mailWorker.runOnce();


/** A reply as a trust's mail program sends it. */
function replyMail(m: { from: string; to: string; subject: string; inReplyTo?: string; body: string }): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    // Before the moment the mailbox receives it (the reader never dates a reply after its arrival).
    'Date: Mon, 23 Nov 2026 15:30:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@trust.nhs.example>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`, `References: <${m.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body,
    '',
  ].join('\r\n');
}


describe('a letter to fifty trusts, three replies by email, and a follower told', () => {
  it('sends fifty letters, files three replies as drafts on the right approaches, alerts the follower once published, and unsubscribes in one click', async () => {
    const trusts = Array.from({ length: 50 }, (_, i) =>
      institution(db(), { name: `Trust ${String(i + 1).padStart(2, '0')} NHS Foundation Trust`, kind: 'mental_health_trust', region: 'North West', email: `ceo@trust${i + 1}.nhs.example` }),
    );
    const { client } = await signedIn(t, 'editor');

    // A reader follows Trust 07 (before anything happens), confirming by the emailed link.
    const reader = new Client(t.app);
    const followed = trusts[6]!;
    const asked = await reader.post('/follow', { _csrf: await reader.csrf(`/follow?institution=${followed.slug}`), email: 'reader@example.net', frequency: 'immediate', institution: followed.slug });
    expect(asked.statusCode).toBe(303);
    await round();
    const confirmation = (await sink.waitFor(1))[0]!;
    expect(confirmation.envelope.to).toEqual(['reader@example.net']);
    const confirmPath = new URL(linkIn(confirmation, 'https://tracker.example.org/follow/confirm/')).pathname;
    expect((await reader.post(confirmPath, { _csrf: await reader.csrf(confirmPath) })).statusCode).toBe(303);
    sink.received.length = 0;

    // One letter, written once, previewed, sent to all fifty.
    const preview = await client.post('/admin/letters/preview', {
      _csrf: await client.csrf('/admin/letters/new'),
      subject: 'Serenity Integrated Mentoring at {{institution}}',
      body: 'Dear Chief Executive,\n\nWill {{institution}} halt SIM and commit to an independent review? Please reply by {{due_date}}.\n\n{{campaign}}',
      select_kind: 'mental_health_trust',
      select_region: 'North West',
    });
    expect(preview.statusCode).toBe(200);
    expect(dom(preview.body).querySelectorAll('.letter-preview')).toHaveLength(50);
    expect((await client.post('/admin/letters', formFields(preview.body, 'form[action="/admin/letters"]'))).statusCode).toBe(303);
    await round();
    // Fifty letters, and one alert: the follower hears of the approach to the trust they follow (a
    // published approach is a change to it) and of none of the other forty-nine.
    const sent = await sink.waitFor(51);
    const letters = sent.filter((m) => m.envelope.to[0] !== 'reader@example.net');
    expect(letters).toHaveLength(50);
    expect(new Set(letters.map((m) => m.envelope.to.join()))).toEqual(new Set(trusts.map((_, i) => `ceo@trust${i + 1}.nhs.example`)));
    const toldOfApproach = sent.filter((m) => m.envelope.to[0] === 'reader@example.net');
    expect(toldOfApproach).toHaveLength(1);
    expect(toldOfApproach[0]!.parsed.text).toContain(followed.name);
    expect(toldOfApproach[0]!.parsed.text).not.toContain('Trust 08');
    const approaches = db().select().from(outbox).where(eq(outbox.kind, 'approach')).all();
    expect(approaches).toHaveLength(50);
    const approachTo = (n: number) => approaches.find((r) => r.toAddress === `ceo@trust${n}.nhs.example`)!;

    // Three trusts answer by email, each differently; a campaign newsletter lands in the mailbox too.
    const byAddress = approachTo(3);
    const byThread = approachTo(7);
    const byReply = approachTo(42);
    await imap.append(replyMail({ from: 'Chief Executive <ceo@trust3.nhs.example>', to: byAddress.replyTo!, subject: 'SIM', body: 'We stopped using SIM in June.' }));
    await imap.append(replyMail({ from: 'Press Office <press@trust7.nhs.example>', to: 'campaign@example.org', subject: 'Re: Serenity Integrated Mentoring', inReplyTo: byThread.messageId, body: 'Trust 07 will commission an independent review of SIM.' }));
    await imap.append(replyMail({ from: 'FOI Team <foi@trust42.nhs.example>', to: byReply.replyTo!, subject: `Re: ${byReply.subject}`, inReplyTo: byReply.messageId, body: 'Your request is being considered.' }));
    await imap.append(replyMail({ from: 'news@elsewhere.example', to: 'campaign@example.org', subject: 'Our newsletter', body: 'Nothing to do with SIM.' }));
    clock.now = instantOf('2026-11-25', '10:00');
    const sentBefore = sink.received.length;
    await round();

    // The three replies are drafts on the right approaches, typed by nobody.
    const drafts = db().select().from(events).where(and(eq(events.type, 'response'), eq(events.status, 'draft'))).all();
    expect(drafts).toHaveLength(3);
    for (const [approach, n, text] of [
      [byAddress, 3, 'We stopped using SIM in June.'],
      [byThread, 7, 'Trust 07 will commission an independent review of SIM.'],
      [byReply, 42, 'Your request is being considered.'],
    ] as const) {
      const draft = drafts.find((d) => d.answersEventId === approach.eventId);
      expect(draft, `a draft answering the approach to trust ${n}`).toBeDefined();
      expect(draft!.institutionId).toBe(trusts[n - 1]!.id);
      expect(draft!.quote).toBe(text);
    }
    const read = db().select().from(inboundMessages).orderBy(inboundMessages.id).all();
    expect(read.map((m) => [m.status, m.matchedBy])).toEqual([
      ['filed', 'address'],
      ['filed', 'thread'],
      ['filed', 'address'],
      ['unmatched', null],
    ]);
    // Drafts reach no one: the round sent nothing to the follower.
    expect(sink.received.slice(sentBefore).filter((m) => m.envelope.to.includes('reader@example.net'))).toEqual([]);

    // A campaigner completes the reply from Trust 07 (type, positions, quote, source) and publishes it.
    const draft = drafts.find((d) => d.answersEventId === byThread.eventId)!;
    const edit = await client.get(`/admin/events/${draft.id}/edit`);
    expect(edit.statusCode).toBe(200);
    const fields = formFields(edit.body, 'form.form');
    const saved = await client.post(`/admin/events/${draft.id}`, {
      ...fields,
      response_type: ['statement'],
      position_review: ['committed'],
      source_title: ['Email from the press office of Trust 07'],
      status: ['published'],
    });
    expect(saved.statusCode, saved.body.slice(0, 2000)).toBe(303);
    expect(db().select().from(events).where(eq(events.id, draft.id)).get()!.status).toBe('published');

    // The follower is told, once.
    const beforeAlert = sink.received.length;
    await round();
    const alerts = sink.received.slice(beforeAlert).filter((m) => m.envelope.to.includes('reader@example.net'));
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.parsed.text).toContain(`A response from ${followed.name} of 23 November 2026 was added.`);
    expect(alert.parsed.text).not.toContain('Trust 03');
    const raw = alert.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
    const unsubscribe = /List-Unsubscribe: <(https:\/\/tracker\.example\.org\/follow\/unsubscribe\/[A-Za-z0-9_-]+)>/.exec(raw)?.[1];
    expect(unsubscribe).toBeDefined();
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    await round();
    expect(sink.received.slice(beforeAlert).filter((m) => m.envelope.to.includes('reader@example.net'))).toHaveLength(1);

    // One click in the mail program: no cookie, no form, just RFC 8058's body.
    const oneClick = await t.app.inject({ method: 'POST', url: new URL(unsubscribe!).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(oneClick.statusCode).toBeLessThan(300);
    expect(db().select().from(subscriptions).all()).toEqual([]);

    // The next published reply from the same trust reaches no one.
    const other = drafts.find((d) => d.answersEventId === byAddress.eventId)!;
    const otherFields = formFields((await client.get(`/admin/events/${other.id}/edit`)).body, 'form.form');
    expect((await client.post(`/admin/events/${other.id}`, { ...otherFields, response_type: ['statement'], source_title: ['Email from Trust 03'], status: ['published'] })).statusCode).toBe(303);
    const afterUnsubscribe = sink.received.length;
    await round();
    expect(sink.received.slice(afterUnsubscribe).filter((m) => m.envelope.to.includes('reader@example.net'))).toEqual([]);
    expect(words(dom((await client.get('/admin/inbox')).body).querySelector('main'))).toContain('Our newsletter');
  });
});
