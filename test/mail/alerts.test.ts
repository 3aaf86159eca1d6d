/**
 * Following by email, end to end against a real SMTP server on loopback: subscribe, confirm (by
 * POST only), an alert when a followed institution's reply is published, one-click unsubscribe;
 * the same answer for every address; rate limits; digests at 07:00 London time across the clock
 * change; drafts never mentioned; hostile input.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox, subscriptions } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { publishEvent } from '../../src/records/log-events.js';
import { forgetFollower } from '../../src/records/following.js';
import { institution, response, type MadeInstitution } from '../factories.js';
import { dom, makeApp, TEST_NOW, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';
import { linkIn, startSmtpSink, type SmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
let t: TestApp;
let clock = TEST_NOW;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});
beforeEach(async () => {
  sink.received.length = 0;
  clock = TEST_NOW;
  t = await makeApp({ clock: () => clock, env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Campaign <campaign@example.org>' } });
});
afterEach(async () => {
  await t.close();
});

const db = () => t.app.tracker.db;
const subscriptionRows = () => db().select().from(subscriptions).all();
const outboxRows = () => db().select().from(outbox).all();
const round = () => t.app.mailWorker.runOnce();

/** Asks to follow through the form, as a browser does; returns the answer. */
async function follow(client: Client, fields: { email: string; frequency?: string; institution?: string; ask?: string }) {
  const query = fields.institution ? `?institution=${fields.institution}` : fields.ask ? `?ask=${fields.ask}` : '';
  const _csrf = await client.csrf(`/follow${query}`);
  return client.post('/follow', { _csrf, frequency: 'immediate', ...fields });
}

const pathOf = (url: string) => new URL(url).pathname;

/** Follows `what`, confirms by the link in the email, and returns the follower's token and the client. */
async function followAndConfirm(what: { institution?: string; ask?: string }, email: string, frequency = 'immediate') {
  const client = new Client(t.app);
  expect((await follow(client, { email, frequency, ...what })).statusCode).toBe(303);
  const before = sink.received.length;
  await round();
  await sink.waitFor(before + 1);
  const confirmLink = linkIn(sink.received.at(-1)!, 'https://tracker.example.org/follow/confirm/');
  const _csrf = await client.csrf(pathOf(confirmLink));
  const confirmed = await client.post(pathOf(confirmLink), { _csrf });
  expect(confirmed.statusCode).toBe(303);
  return { client, token: pathOf(confirmLink).split('/').pop()! };
}

describe('following an institution by email', () => {
  it('subscribes, confirms by POST only, alerts once when a reply is published, and unsubscribes in one click', async () => {
    const trust = institution(db(), { name: 'Riverside Mental Health NHS Trust' });
    const client = new Client(t.app);

    // The public page links to the form; the form has a session and a CSRF token.
    const show = dom((await t.app.inject({ method: 'GET', url: `/institutions/${trust.slug}` })).body);
    expect(show.querySelector(`a[href="/follow?institution=${trust.slug}"]`)?.textContent).toBe('Follow Riverside Mental Health NHS Trust by email');
    const form = await client.get(`/follow?institution=${trust.slug}`);
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('private, no-store');
    expect(client.hasSession()).toBe(true);

    const asked = await follow(client, { email: 'Reader@Example.net', institution: trust.slug });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/follow/check-your-inbox?institution=${trust.slug}`);
    expect(words(dom((await client.get(asked.headers.location!)).body).querySelector('h1'))).toBe('Check your inbox');

    await round();
    const [confirmation] = await sink.waitFor(1);
    expect(sink.received).toHaveLength(1);
    expect(confirmation!.envelope.to).toEqual(['reader@example.net']);
    expect(confirmation!.parsed.subject).toContain('Confirm that you want to follow Riverside Mental Health NHS Trust');
    const confirmLink = linkIn(confirmation!, 'https://tracker.example.org/follow/confirm/');
    const token = pathOf(confirmLink).split('/').pop()!;
    // The token is kept only as its SHA-256.
    expect(subscriptionRows()[0]!.tokenHash).not.toContain(token);
    expect(subscriptionRows()[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    // A GET (a mail scanner following the link) shows a button and confirms nothing.
    const scanner = await t.app.inject({ method: 'GET', url: pathOf(confirmLink) });
    expect(scanner.statusCode).toBe(200);
    expect(dom(scanner.body).querySelector(`form[method="post"][action="${pathOf(confirmLink)}"] button`)?.textContent).toBe('Confirm');
    expect(subscriptionRows()[0]!.confirmedAt).toBeNull();
    // A POST without the session's CSRF token confirms nothing either.
    expect((await t.app.inject({ method: 'POST', url: pathOf(confirmLink), payload: {} })).statusCode).toBe(403);
    expect(subscriptionRows()[0]!.confirmedAt).toBeNull();

    const _csrf = await client.csrf(pathOf(confirmLink));
    const confirmed = await client.post(pathOf(confirmLink), { _csrf });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe(`/follow/manage/${token}?confirmed=1`);
    expect(subscriptionRows()[0]!.confirmedAt).toBe(clock);
    expect(words(dom((await client.get(confirmed.headers.location!)).body).querySelector('[role="status"]'))).toBe('Thank you: you now follow Riverside Mental Health NHS Trust.');

    // Nothing has changed since confirming: a round sends nothing.
    await round();
    expect(sink.received).toHaveLength(1);

    // A reply from the trust is published: exactly one alert.
    clock += 60_000;
    const reply = response(db(), trust, { date: '2026-11-20', summary: 'The trust says it will review SIM.', positions: { review: 'committed' } });
    await round();
    await sink.waitFor(2);
    await round();
    expect(sink.received).toHaveLength(2);
    const alert = sink.received[1]!;
    expect(alert.envelope.to).toEqual(['reader@example.net']);
    expect(alert.parsed.subject).toContain('Riverside Mental Health NHS Trust');
    const text = alert.parsed.text ?? '';
    expect(text).toContain('A response from Riverside Mental Health NHS Trust of 20 November 2026 was added.');
    expect(text).toContain(`https://tracker.example.org/events/${reply}?as_of=`);
    expect(text).toMatch(/&rev=\d+/);
    expect(text).toContain('You are receiving this because you asked to follow Riverside Mental Health NHS Trust');
    expect(text).toContain(`https://tracker.example.org/follow/manage/${token}`);
    const html = dom(String(alert.parsed.html));
    expect(html.documentElement.getAttribute('lang')).toBe('en-GB');
    expect(words(html.querySelector('h1'))).toBe('What changed: Riverside Mental Health NHS Trust');
    expect(html.querySelectorAll('h2').length).toBeGreaterThan(0);
    expect(html.querySelectorAll('ul li').length).toBeGreaterThan(0);
    expect(html.querySelector('img')).toBeNull();
    expect([...html.querySelectorAll('a')].map((a) => a.textContent)).not.toContain('here');
    const raw = alert.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
    expect(raw).toContain(`List-Unsubscribe: <https://tracker.example.org/follow/unsubscribe/${token}>`);
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // One click in the mail program: no cookie, no CSRF token, just the RFC 8058 body.
    const oneClick = await t.app.inject({
      method: 'POST',
      url: `/follow/unsubscribe/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(words(dom(oneClick.body).querySelector('h1'))).toBe('You have unsubscribed');
    expect(subscriptionRows()).toHaveLength(0);

    // The next change sends nothing.
    clock += 60_000;
    response(db(), trust, { date: '2026-11-21', summary: 'A second statement.' });
    await round();
    expect(sink.received).toHaveLength(2);
  });

  it('gives the same answer for a new address and one already following, and tells the follower nothing changed', async () => {
    const trust = institution(db());
    await followAndConfirm({ institution: trust.slug }, 'known@example.net');
    const sent = sink.received.length;

    const answers = [];
    for (const email of ['known@example.net', 'new@example.net']) {
      const client = new Client(t.app);
      const res = await follow(client, { email, institution: trust.slug, frequency: 'weekly' });
      const page = await client.get(res.headers.location!);
      answers.push({ status: res.statusCode, location: res.headers.location, page: words(dom(page.body).querySelector('main')) });
    }
    expect(answers[0]).toEqual(answers[1]);
    await round();
    await sink.waitFor(sent + 2);
    const known = sink.received.find((m, i) => i >= sent && m.envelope.to[0] === 'known@example.net')!;
    expect(known.parsed.subject).toContain('You already follow');
    expect(known.parsed.text).not.toContain('/follow/confirm/');
    // Asking again changed nothing for the follower: still as confirmed.
    expect(subscriptionRows().find((r) => r.email === 'known@example.net')!.frequency).toBe('immediate');
  });

  it('sends at most three confirmation emails to one address a day, and refuses a client that asks too often', async () => {
    const trust = institution(db());
    for (let i = 0; i < 5; i++) {
      const res = await follow(new Client(t.app, { remoteAddress: `192.0.2.${i + 1}` }), { email: 'target@example.net', institution: trust.slug });
      expect(res.statusCode).toBe(303);
    }
    expect(outboxRows().filter((r) => r.toAddress === 'target@example.net')).toHaveLength(3);
    // A day later, one more may go.
    clock += 86_400_000 + 1;
    await follow(new Client(t.app, { remoteAddress: '192.0.2.99' }), { email: 'target@example.net', institution: trust.slug });
    expect(outboxRows().filter((r) => r.toAddress === 'target@example.net')).toHaveLength(4);

    const busy = new Client(t.app, { remoteAddress: '198.51.100.7' });
    for (let i = 0; i < 10; i++) expect((await follow(busy, { email: `reader${i}@example.net`, institution: trust.slug })).statusCode).toBe(303);
    const refused = await follow(busy, { email: 'reader10@example.net', institution: trust.slug });
    expect(refused.statusCode).toBe(429);
    const page = dom(refused.body);
    expect(words(page.querySelector('#email-error'))).toContain('too many requests to follow from your connection');
    expect(page.querySelector('#email')?.getAttribute('value')).toBe('reader10@example.net');
  });

  it('tells nothing to a follower of another institution, and nothing of a draft until it is published', async () => {
    const followed = institution(db(), { name: 'Followed Trust' });
    const other = institution(db(), { name: 'Other Trust' });
    await followAndConfirm({ institution: followed.slug }, 'one@example.net');
    await followAndConfirm({ institution: other.slug }, 'two@example.net');
    const sent = sink.received.length;

    clock += 60_000;
    const draft = response(db(), followed, { status: 'draft', summary: 'A draft reply, not yet checked.' });
    await round();
    expect(sink.received).toHaveLength(sent);

    clock += 60_000;
    const published = publishEvent(db(), draft, { userId: null, name: 'test' }, clock);
    expect(published.ok).toBe(true);
    await round();
    await sink.waitFor(sent + 1);
    await round();
    expect(sink.received).toHaveLength(sent + 1);
    expect(sink.received[sent]!.envelope.to).toEqual(['one@example.net']);
  });

  it('keeps hostile text as text and refuses hostile addresses beside the field', async () => {
    const trust = institution(db(), { name: '<script>alert(1)</script> & Trust' });
    await followAndConfirm({ institution: trust.slug }, 'safe@example.net');
    clock += 60_000;
    response(db(), trust, { summary: '<img src=x onerror=alert(1)>' });
    await round();
    const alert = (await sink.waitFor(2))[1]!;
    const html = String(alert.parsed.html);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Trust');
    expect(alert.parsed.subject).toContain('<script>alert(1)</script> & Trust');

    const client = new Client(t.app);
    for (const [email, message] of [
      ['victim@example.net\r\nBcc: everyone@example.net', 'Enter an email address like name@example.org'],
      [`${'a'.repeat(10_000)}@example.net`, 'An email address has 254 characters at most: check the address'],
      ['a@example.net, b@example.net', 'Enter an email address like name@example.org'],
      ['', 'Enter your email address'],
    ] as const) {
      const res = await follow(client, { email, institution: trust.slug });
      expect(res.statusCode).toBe(400);
      const page = dom(res.body);
      expect(words(page.querySelector('#email-error'))).toBe(`Error: ${message}`);
      expect(words(page.querySelector('.error-summary a[href="#email"]'))).toBe(message);
    }
    expect(subscriptionRows()).toHaveLength(1);
  });
});

describe('digests', () => {
  /** A London wall-clock moment. */
  const at = (date: string, time: string) => instantOf(date, time);

  it('sends the daily digest after 07:00 London time, also on the day the clocks go forward, and weekly on Mondays', async () => {
    clock = at('2027-03-26', '12:00');
    const trust = institution(db(), { name: 'Daily Trust' });
    await followAndConfirm({ institution: trust.slug }, 'daily@example.net', 'daily');
    await followAndConfirm({}, 'weekly@example.net', 'weekly');
    const sent = sink.received.length;
    const digestsTo = (email: string) => sink.received.slice(sent).filter((m) => m.envelope.to[0] === email);

    response(db(), trust, { summary: 'Reply one.' });
    // Saturday 27 March 2027, 06:59 GMT: not yet.
    clock = at('2027-03-27', '06:59');
    await round();
    expect(digestsTo('daily@example.net')).toHaveLength(0);
    clock = at('2027-03-27', '07:01');
    await round();
    await sink.waitFor(sent + 1);
    expect(digestsTo('daily@example.net')).toHaveLength(1);
    expect(digestsTo('daily@example.net')[0]!.parsed.subject).toContain('Daily summary for Daily Trust, 27 March 2027');
    // Once a day.
    clock = at('2027-03-27', '18:00');
    await round();
    expect(digestsTo('daily@example.net')).toHaveLength(1);

    response(db(), trust, { summary: 'Reply two.' });
    // Sunday 28 March 2027: the clocks go forward at 01:00 GMT. 06:59 BST is 05:59 UTC: not yet.
    clock = Date.UTC(2027, 2, 28, 5, 59);
    await round();
    expect(digestsTo('daily@example.net')).toHaveLength(1);
    // 07:01 BST is 06:01 UTC: due.
    clock = Date.UTC(2027, 2, 28, 6, 1);
    await round();
    await sink.waitFor(sent + 2);
    expect(digestsTo('daily@example.net')).toHaveLength(2);
    expect(digestsTo('weekly@example.net')).toHaveLength(0);

    // Monday 29 March: nothing new for the daily follower, so no email; the weekly digest goes at 07:00 BST.
    clock = Date.UTC(2027, 2, 29, 5, 59);
    await round();
    expect(digestsTo('weekly@example.net')).toHaveLength(0);
    clock = Date.UTC(2027, 2, 29, 6, 1);
    await round();
    await sink.waitFor(sent + 3);
    expect(digestsTo('daily@example.net')).toHaveLength(2);
    const weekly = digestsTo('weekly@example.net');
    expect(weekly).toHaveLength(1);
    expect(weekly[0]!.parsed.subject).toContain('Weekly summary for the whole campaign');
    expect(weekly[0]!.parsed.text).toContain('A response from Daily Trust');
  });
});

describe('deleting a follower', () => {
  it('deletes every subscription of an address and the mail sent to it, from the manage page or by an admin', async () => {
    const a: MadeInstitution = institution(db());
    const b = institution(db());
    const { client, token } = await followAndConfirm({ institution: a.slug }, 'leaver@example.net');
    await followAndConfirm({ institution: b.slug }, 'leaver@example.net');
    await followAndConfirm({ institution: b.slug }, 'stayer@example.net');
    const _csrf = await client.csrf(`/follow/manage/${token}`);
    const res = await client.post(`/follow/manage/${token}`, { _csrf, action: 'forget' });
    expect(res.statusCode).toBe(303);
    expect(subscriptionRows().map((r) => r.email)).toEqual(['stayer@example.net']);
    expect(outboxRows().filter((r) => r.toAddress === 'leaver@example.net')).toHaveLength(0);
    expect(forgetFollower(db(), 'STAYER@example.net', { userId: null, name: 'admin' }, clock)).toBe(1);
    expect(subscriptionRows()).toHaveLength(0);
  });
});
