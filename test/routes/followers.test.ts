/** Following by email, as pages: with mail off, the public pages' links, the workspace's counts (never an address), links that expire. */
import { afterEach, describe, expect, it } from 'vitest';
import { auditLog, subscriptions } from '../../src/db/schema.js';
import { institution } from '../factories.js';
import { dom, makeApp, signedIn, TEST_NOW, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const MAIL = { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Test Campaign <campaign@example.org>' };

async function ask(client: Client, email: string, query = '') {
  const _csrf = await client.csrf(`/follow${query}`);
  const fields: Record<string, string> = { _csrf, email, frequency: 'daily' };
  const params = new URLSearchParams(query.slice(1));
  for (const [k, v] of params) fields[k] = v;
  return client.post('/follow', fields);
}

describe('following by email with mail off', () => {
  it('says it is not available, on the public pages and on the form', async () => {
    t = await makeApp();
    const trust = institution(t.app.tracker.db, { name: 'Quiet Trust' });
    const home = dom((await t.app.inject({ method: 'GET', url: '/' })).body);
    expect(home.querySelector('a[href="/follow"]')).toBeNull();
    expect(words(home.querySelector('p.follow-link'))).toBe('Follow the whole campaign by email: not available on this tracker');
    const page = dom((await t.app.inject({ method: 'GET', url: `/institutions/${trust.slug}` })).body);
    expect(page.body.textContent).toContain('Follow Quiet Trust by email: not available on this tracker');
    const form = await t.app.inject({ method: 'GET', url: `/follow?institution=${trust.slug}` });
    expect(form.statusCode).toBe(200);
    expect(words(dom(form.body).querySelector('main'))).toContain('Following by email is not available on this tracker.');
    expect(dom(form.body).querySelector('form[action="/follow"]')).toBeNull();
    const client = new Client(t.app);
    const _csrf = await client.csrf('/login');
    const posted = await client.post('/follow', { _csrf, email: 'reader@example.net', frequency: 'daily' });
    expect(posted.statusCode).toBe(404);
    expect(t.app.tracker.db.select().from(subscriptions).all()).toHaveLength(0);
  });
});

describe('following by email with mail on', () => {
  it('links every public page to the form without giving readers a session, and refuses unknown targets', async () => {
    t = await makeApp({ env: MAIL });
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect(home.headers['set-cookie']).toBeUndefined();
    const doc = dom(home.body);
    expect(doc.querySelector('a[href="/follow"]')?.textContent).toBe('Follow the whole campaign by email');
    expect(doc.querySelector('a[href="/follow?ask=halt"]')).not.toBeNull();
    expect(doc.querySelector('a[href="/follow?ask=review"]')).not.toBeNull();
    const askForm = dom((await t.app.inject({ method: 'GET', url: '/follow?ask=review' })).body);
    expect(words(askForm.querySelector('h1'))).toMatch(/^Follow the ask “.+” by email$/);
    expect((await t.app.inject({ method: 'GET', url: '/follow?institution=no-such-body' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/follow?ask=no-such-ask' })).statusCode).toBe(404);
  });

  it('keeps the values and says what is wrong beside each field', async () => {
    t = await makeApp({ env: MAIL });
    const client = new Client(t.app);
    const _csrf = await client.csrf('/follow');
    const res = await client.post('/follow', { _csrf, email: 'not an address', frequency: 'hourly' });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.title).toMatch(/^Error: /);
    expect(doc.querySelector('#email')?.getAttribute('value')).toBe('not an address');
    expect(words(doc.querySelector('#frequency-error'))).toBe('Error: Choose how often you want to hear from us');
    expect(doc.querySelector('.error-summary a[href="#frequency"]')).not.toBeNull();
    expect(doc.querySelector('#frequency')?.getAttribute('type')).toBe('radio');
    // Without the CSRF token nothing is recorded.
    expect((await t.app.inject({ method: 'POST', url: '/follow', payload: { email: 'a@example.net', frequency: 'daily' } })).statusCode).toBe(403);
    expect(t.app.tracker.db.select().from(subscriptions).all()).toHaveLength(0);
  });

  it('deletes a request not confirmed within 7 days, and its link stops working', async () => {
    let clock = TEST_NOW;
    t = await makeApp({ env: MAIL, clock: () => clock });
    await ask(new Client(t.app), 'slow@example.net');
    const message = t.app.tracker.db.$client.prepare("SELECT text FROM outbox WHERE kind = 'confirm'").get() as { text: string };
    const path = /\/follow\/confirm\/[A-Za-z0-9_-]+/.exec(message.text)![0];
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    clock += 7 * 86_400_000 + 1;
    const gone = await t.app.inject({ method: 'GET', url: path });
    expect(gone.statusCode).toBe(404);
    expect(words(dom(gone.body).querySelector('h1'))).toBe('This link does not work');
    await t.app.mailWorker.runOnce();
    expect(t.app.tracker.db.select().from(subscriptions).all()).toHaveLength(0);
    expect((await t.app.inject({ method: 'GET', url: '/follow/manage/not-a-token' })).statusCode).toBe(404);
  });

  it('shows admins how many follow what, never an address, and deletes an address on request', async () => {
    t = await makeApp({ env: MAIL });
    const trust = institution(t.app.tracker.db, { name: 'Counted Trust' });
    await ask(new Client(t.app, { remoteAddress: '192.0.2.1' }), 'first@example.net', `?institution=${trust.slug}`);
    await ask(new Client(t.app, { remoteAddress: '192.0.2.2' }), 'second@example.net', `?institution=${trust.slug}`);
    await ask(new Client(t.app, { remoteAddress: '192.0.2.3' }), 'third@example.net');
    const { client: editor } = await signedIn(t, 'editor');
    expect((await editor.get('/admin/followers')).statusCode).toBe(403);
    const { client: admin } = await signedIn(t, 'admin');
    const page = await admin.get('/admin/followers');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('@example.net');
    const rows = [...dom(page.body).querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => words(c)));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Counted Trust', 'A daily summary (about 7am UK time)', '0', '2'],
        ['the whole campaign', 'A daily summary (about 7am UK time)', '0', '1'],
      ]),
    );
    const _csrf = await admin.csrf('/admin/followers');
    const forgotten = await admin.post('/admin/followers/forget', { _csrf, email: 'FIRST@example.net' });
    expect(forgotten.statusCode).toBe(303);
    const after = await admin.get('/admin/followers');
    expect(words(dom(after.body).querySelector('[role="status"]'))).toContain('that address follows nothing on the tracker now');
    expect(after.body).not.toContain('first@example.net');
    expect(t.app.tracker.db.select().from(subscriptions).all().map((r) => r.email).sort()).toEqual(['second@example.net', 'third@example.net']);
    const audit = t.app.tracker.db.select().from(auditLog).all().filter((r) => r.action === 'followers.forget');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain('@');
  });
});
