import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { createUser, setUserActive } from '../../src/records/users.js';
import { makeApp, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

let t: TestApp;
const PASSWORD = 'correct horse battery staple';
const system = { userId: null, name: 'test' };
let editorId: number;

beforeAll(async () => {
  t = await makeApp();
  const db = t.app.tracker.db;
  const admin = await createUser(db, { email: 'admin@example.org', name: 'Ada Admin', role: 'admin', password: PASSWORD }, system, Date.now());
  const editor = await createUser(db, { email: 'editor@example.org', name: 'Eddie Editor', role: 'editor', password: PASSWORD }, system, Date.now());
  const gone = await createUser(db, { email: 'gone@example.org', name: 'Gone User', role: 'editor', password: PASSWORD }, system, Date.now());
  if (!admin.ok || !editor.ok || !gone.ok) throw new Error('could not create users');
  editorId = editor.value.id;
  setUserActive(db, gone.value.id, false, system, Date.now());
});
afterAll(async () => t.close());
beforeEach(() => {
  t.app.tracker.db.$client.prepare('DELETE FROM sign_in_failures').run();
});

const sql = <T>(query: string, ...params: unknown[]) => t.app.tracker.db.$client.prepare(query).get(...params) as T;
const eventCount = () => sql<{ n: number }>('SELECT count(*) AS n FROM events').n;

async function signedIn(email: string): Promise<Client> {
  const client = new Client(t.app);
  const res = await client.signIn(email, PASSWORD);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return client;
}

const CONTACT = {
  type: 'contact', institution: 'surrey-police', date: '2021-06-01', channel: 'letter', from: 'StopSIM Coalition',
  summary: 'Letter asking Surrey Police to halt SHIPP', source_title: 'The letter', status: 'published',
};

describe('who may use the workspace', () => {
  const pages = ['/admin', '/admin/events/new?type=contact', '/admin/events/new?type=response', '/admin/events/new?type=milestone', '/admin/contacts/batch', '/admin/password'];
  const table: [string, string | null, number][] = [];
  for (const url of pages) {
    table.push([url, null, 303], [url, 'editor@example.org', 200], [url, 'admin@example.org', 200], [url, 'gone@example.org', 303]);
  }
  for (const url of ['/admin/users', '/admin/audit', '/admin/audit?user=1']) {
    table.push([url, null, 303], [url, 'editor@example.org', 403], [url, 'admin@example.org', 200], [url, 'gone@example.org', 303]);
  }
  it.each(table)('GET %s as %s answers %i', async (url, who, status) => {
    const client = new Client(t.app);
    if (who) await client.signIn(who, PASSWORD);
    const res = await client.get(url);
    expect(res.statusCode).toBe(status);
    if (status === 303) expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
  });

  it.each(['/admin/events', '/admin/contacts/batch', '/admin/events/1/publish', '/admin/password'])('POST %s without signing in writes nothing', async (url) => {
    const before = eventCount();
    const res = await new Client(t.app).post(url, CONTACT);
    expect([303, 403]).toContain(res.statusCode);
    expect(eventCount()).toBe(before);
  });

  it('shows no time travel on workspace pages, which are always as at now', async () => {
    const client = await signedIn('editor@example.org');
    const res = await client.get('/admin?as_of=2021-05-06T11:30');
    expect(res.body).not.toContain('You are viewing the tracker as it stood');
    expect(res.body).not.toContain('See the tracker as it stood at another moment');
  });

  it('answers JSON callers with 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401 });
  });

  it('ends the session at once when a user is deactivated', async () => {
    const db = t.app.tracker.db;
    const made = await createUser(db, { email: 'soon@example.org', name: 'Soon Gone', role: 'editor', password: PASSWORD }, system, Date.now());
    if (!made.ok) throw new Error('no user');
    const client = await signedIn('soon@example.org');
    expect((await client.get('/admin')).statusCode).toBe(200);
    setUserActive(db, made.value.id, false, system, Date.now());
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE user_id = ?', made.value.id).n).toBe(0);
    expect((await client.get('/admin')).statusCode).toBe(303);
  });
});

describe('signing in and out', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie, Secure whenever BASE_URL is https', async () => {
    const client = new Client(t.app);
    const _csrf = await client.csrf('/login');
    const res = await client.post('/login', { _csrf, email: 'editor@example.org', password: PASSWORD });
    const cookie = String([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('tracker_session=')));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Even over plain http without X-Forwarded-Proto, as behind a misconfigured proxy.
    expect(cookie).toMatch(/; Secure/);
  });

  it('never says which of email or password was wrong', async () => {
    const wrongPassword = await new Client(t.app).signIn('editor@example.org', 'not the password');
    const unknownEmail = await new Client(t.app).signIn('nobody@example.org', PASSWORD);
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    const message = (body: string) => /class="field-error"[^>]*>.*?<\/span>\s*([^<]+)</s.exec(body)?.[1]?.trim();
    expect(message(wrongPassword.body)).toBe('The email address or password is not right');
    expect(message(unknownEmail.body)).toBe(message(wrongPassword.body));
    expect(wrongPassword.body).toContain('value="editor@example.org"');
  });

  it('refuses a deactivated user with the same message', async () => {
    const res = await new Client(t.app).signIn('gone@example.org', PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('The email address or password is not right');
  });

  it('slows and then refuses repeated failures, even with the right password', async () => {
    const client = new Client(t.app);
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await client.signIn('admin@example.org', `wrong ${i}`)).statusCode).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 * (1 + 2 + 3 + 4 + 5) - 50);
    const locked = await client.signIn('admin@example.org', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many failed sign-ins');
    expect(client.hasSession() && (await client.get('/admin')).statusCode).not.toBe(200);
  });

  it('refuses an address that keeps failing, whichever account it tries', async () => {
    const client = new Client(t.app);
    for (let i = 0; i < 20; i++) expect((await client.signIn(`nobody${i}@example.org`, 'wrong password')).statusCode).toBe(401);
    const locked = await client.signIn('editor@example.org', PASSWORD);
    expect(locked.statusCode).toBe(429);
  });

  it('expires sessions', async () => {
    const client = await signedIn('editor@example.org');
    expect((await client.get('/admin')).statusCode).toBe(200);
    t.app.tracker.db.$client.prepare('UPDATE sessions SET expires_at = 1').run();
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('signs out, ending the session', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin');
    const res = await client.post('/logout', { _csrf });
    expect(res.statusCode).toBe(303);
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('goes back to the page asked for, and only to a local one', async () => {
    const client = new Client(t.app);
    const _csrf = await client.csrf('/login?next=/admin/contacts/batch');
    expect((await client.post('/login', { _csrf, email: 'editor@example.org', password: PASSWORD, next: '/admin/contacts/batch' })).headers.location).toBe('/admin/contacts/batch');
    const other = new Client(t.app);
    const token = await other.csrf('/login');
    expect((await other.post('/login', { _csrf: token, email: 'editor@example.org', password: PASSWORD, next: '//evil.example/' })).headers.location).toBe('/admin');
  });
});

describe('CSRF', () => {
  it.each([
    ['no token', undefined],
    ['a made-up token', 'not-a-token'],
  ])('refuses a POST with %s (403) and changes nothing', async (_name, token) => {
    const client = await signedIn('editor@example.org');
    const before = eventCount();
    const fields: Record<string, string> = { ...CONTACT };
    if (token) fields._csrf = token;
    for (const url of ['/admin/events', '/admin/contacts/batch', '/admin/events/1/publish', '/admin/password', '/logout']) {
      expect((await client.post(url, fields)).statusCode, url).toBe(403);
    }
    expect(eventCount()).toBe(before);
    expect((await client.get('/admin')).statusCode).toBe(200);
  });

  it('refuses a sign-in without a token', async () => {
    const res = await new Client(t.app).post('/login', { email: 'editor@example.org', password: PASSWORD });
    expect(res.statusCode).toBe(403);
  });
});

describe('logging an event', () => {
  it('logs an approach, computes its reply due date, and records who did it in the audit log', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/events/new?type=contact');
    const res = await client.post('/admin/events', { ...CONTACT, _csrf, date: '6 May 2021', time: '11.30am' });
    expect(res.statusCode).toBe(303);
    const id = Number(/\/events\/(\d+)/.exec(String(res.headers.location))?.[1]);
    const row = sql<Record<string, unknown>>('SELECT * FROM events WHERE id = ?', id);
    expect(row).toMatchObject({ type: 'contact', occurred_on: '2021-05-06', occurred_at: Date.parse('2021-05-06T10:30:00Z'), due_on: '2021-05-20', status: 'published', created_by: 'Eddie Editor' });
    const audit = sql<Record<string, unknown>>("SELECT * FROM audit_log WHERE entity_type = 'event' AND entity_id = ?", id);
    expect(audit).toMatchObject({ action: 'event.create', user_id: editorId, actor: 'Eddie Editor' });
    expect(JSON.parse(String(audit.after))).toMatchObject({ summary: CONTACT.summary, dueOn: '2021-05-20' });
  });

  it('accepts an overridden reply due date only with a reason', async () => {
    const client = await signedIn('editor@example.org');
    let _csrf = await client.csrf('/admin/events/new?type=contact');
    const refused = await client.post('/admin/events', { ...CONTACT, _csrf, due_on: '2021-07-01' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#due_override_reason"');
    _csrf = await client.csrf('/admin/events/new?type=contact');
    const ok = await client.post('/admin/events', { ...CONTACT, _csrf, due_on: '1/7/2021', due_override_reason: 'They asked for more time' });
    expect(ok.statusCode).toBe(303);
    const id = Number(/\/events\/(\d+)/.exec(String(ok.headers.location))?.[1]);
    expect(sql('SELECT due_on, due_override_reason FROM events WHERE id = ?', id)).toEqual({ due_on: '2021-07-01', due_override_reason: 'They asked for more time' });
  });

  const RESPONSE = {
    type: 'response', institution: 'nhs-england', date: '2021-05-20', response_type: 'statement', summary: 'NHS England replied',
    quote: 'We are reviewing SIM.', review: 'considering', source_title: 'Reply letter', status: 'published',
  };
  it.each([
    ['a missing date', { date: '' }, 'date', 'Enter the date'],
    ['an impossible date', { date: '31/04/2021' }, 'date', '31/04/2021 is not a real date'],
    ['a date in the future', { date: '2026-12-25' }, 'date', 'is in the future'],
    ['a response dated before the approach it answers', { date: '2021-04-22', answers: '1' }, 'date', 'dated before the approach it answers'],
    ['an unknown stance', { review: 'maybe' }, 'review', '“maybe” is not a stance'],
    ['a source address that is not http(s)', { source_url: 'javascript:alert(1)' }, 'source_url', 'is not a web address starting http'],
    ['publishing without a source', { source_title: '' }, 'source_title', 'A published event needs a source'],
    ['a missing summary', { summary: '' }, 'summary', 'Say what happened'],
    ['a bad time', { time: '25:00' }, 'time', 'not a real time'],
  ])('refuses %s: summary at the top, message beside the field, values kept, nothing saved', async (_name, change, field, message) => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/events/new?type=response');
    const before = eventCount();
    const res = await client.post('/admin/events', { ...RESPONSE, ...change, _csrf });
    expect(res.statusCode).toBe(400);
    expect(eventCount()).toBe(before);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain(`href="#${field}"`);
    expect(res.body).toMatch(new RegExp(`id="${field}-error"`));
    expect(res.body).toContain(message.replace(/"/g, '&quot;'));
    expect(res.body).toContain('We are reviewing SIM.');
  });

  it('keeps drafts out of public view until published, and will not publish one without a source', async () => {
    const client = await signedIn('editor@example.org');
    let _csrf = await client.csrf('/admin/events/new?type=milestone');
    const res = await client.post('/admin/events', { type: 'milestone', institution: '', date: '2021-06-02', summary: 'Draft milestone without source', status: 'draft', _csrf });
    expect(res.statusCode).toBe(303);
    const id = sql<{ id: number }>("SELECT id FROM events WHERE summary = 'Draft milestone without source'").id;
    expect((await t.app.inject({ method: 'GET', url: `/api/events/${id}` })).statusCode).toBe(404);
    expect((await client.get('/admin')).body).toContain('Needs a source before it can be published');
    _csrf = await client.csrf('/admin');
    await client.post(`/admin/events/${id}/publish`, { _csrf });
    expect(sql('SELECT status FROM events WHERE id = ?', id)).toEqual({ status: 'draft' });
    expect((await client.get('/admin')).body).toContain('cannot be published without at least one source');
  });
});

describe('logging the same approach to many institutions', () => {
  const BATCH = { date: '2021-06-01', channel: 'letter', from: 'StopSIM Coalition', summary: 'Letter to every mental health trust in the South East', source_title: 'The letter', status: 'published' };

  it('writes one contact per institution chosen by kind and region, with an audit row each', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/contacts/batch');
    const before = eventCount();
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf, select_kind: 'mental_health_trust', select_region: 'South East' });
    expect(res.statusCode).toBe(303);
    expect(eventCount()).toBe(before + 6);
    expect((await client.get('/admin')).body).toContain('Logged 6 approaches and published them.');
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'event.create' AND after LIKE '%every mental health trust in the South East%'").n).toBe(6);
  });

  it('writes nothing when one institution cannot be approached', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/contacts/batch');
    const before = eventCount();
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf, summary: 'Atomic batch', institutions: ['surrey-police', 'kent-police', 'ministry-of-magic'] });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('ministry-of-magic');
    expect(res.body).toMatch(/name="institutions" value="surrey-police" checked/);
    expect(eventCount()).toBe(before);
  });

  it('refuses a batch with nobody chosen', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose at least one institution');
  });

  it('shows every problem of an empty batch form at once, in plain words', async () => {
    const client = await signedIn('editor@example.org');
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { _csrf, status: 'published' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Log the same approach to many institutions');
    for (const message of ['Choose at least one institution', 'Enter the date', 'Choose how the approach was made', 'Say what was asked']) expect(res.body).toContain(message);
    expect(res.body).not.toContain('a contact needs a channel');
  });
});

describe('a campaigner’s day, end to end', () => {
  it('logs a reply that commits to the review, and the public figures change', async () => {
    const client = await signedIn('editor@example.org');
    const slug = 'black-country-healthcare-nhs-foundation-trust';
    let _csrf = await client.csrf('/admin/contacts/batch');
    await client.post('/admin/contacts/batch', { _csrf, institutions: slug, date: '2021-07-01', channel: 'email', summary: 'Email asking for a review', source_title: 'The email', status: 'published' });
    let api = (await t.app.inject({ method: 'GET', url: `/api/institutions/${slug}?as_of=2021-07-05` })).json();
    expect(api.institution.silence).toMatchObject({ since: '2021-07-01', unansweredContacts: 1 });
    const contactId = api.events[0].id;

    const form = await client.get(`/admin/events/new?type=response&institution=${slug}&answers=${contactId}`);
    expect(form.body).toContain(`<option value="${contactId}" selected>`);
    _csrf = await client.csrf(`/admin/events/new?type=response&institution=${slug}`);
    const res = await client.post('/admin/events', {
      _csrf, type: 'response', institution: slug, answers: String(contactId), date: '2021-07-08', response_type: 'statement',
      summary: 'The trust commits to an independent review', quote: 'We will commission an independent review.', review: 'committed',
      source_title: 'Reply from the trust', status: 'published',
    });
    expect(res.statusCode).toBe(303);
    api = (await t.app.inject({ method: 'GET', url: `/api/institutions/${slug}` })).json();
    expect(api.institution.positions.review.stance).toBe('committed');
    expect(api.institution.silence).toBeNull();
    const home = (await t.app.inject({ method: 'GET', url: '/' })).body;
    expect(home).toContain('Black Country Healthcare NHS Foundation Trust');
    expect(sql('SELECT answers_event_id AS a FROM events WHERE summary = ?', 'The trust commits to an independent review')).toEqual({ a: contactId });
  });
});

describe('changing a password', () => {
  it('needs the current password, and records the change', async () => {
    const db = t.app.tracker.db;
    const made = await createUser(db, { email: 'pw@example.org', name: 'Pat Word', role: 'editor', password: PASSWORD }, system, Date.now());
    if (!made.ok) throw new Error('no user');
    const client = await signedIn('pw@example.org');
    let _csrf = await client.csrf('/admin/password');
    expect((await client.post('/admin/password', { _csrf, current: 'wrong', password: 'a new long password', confirm: 'a new long password' })).statusCode).toBe(400);
    _csrf = await client.csrf('/admin/password');
    const short = await client.post('/admin/password', { _csrf, current: PASSWORD, password: 'short', confirm: 'short' });
    expect(short.body).toContain('at least 12 characters');
    _csrf = await client.csrf('/admin/password');
    expect((await client.post('/admin/password', { _csrf, current: PASSWORD, password: 'a new long password', confirm: 'a new long password' })).statusCode).toBe(303);
    expect((await new Client(t.app).signIn('pw@example.org', 'a new long password')).statusCode).toBe(303);
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'user.password' AND entity_id = ?", made.value.id).n).toBe(1);
  });
});

describe('npm run user:add', () => {
  const run = (args: string[], input: string, databasePath = t.databasePath) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/user-add.ts', ...args], {
      cwd: PROJECT_ROOT,
      input,
      env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: databasePath },
      encoding: 'utf8',
    });

  it('creates a user with the password from standard input', () => {
    const res = run(['--email', 'new@example.org', '--name', 'New Admin', '--role', 'admin'], `${PASSWORD}\n`);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Created admin new@example.org in ${t.databasePath}`);
    expect(sql('SELECT name, role, active FROM users WHERE email = ?', 'new@example.org')).toEqual({ name: 'New Admin', role: 'admin', active: 1 });
    expect(String(sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = ?', 'new@example.org').password_hash)).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('refuses to create a new database where the server has none, naming the path', () => {
    const missing = path.join(t.dir, 'elsewhere', 'tracker.db');
    const res = run(['--email', 'lost@example.org', '--name', 'Lost', '--role', 'admin'], `${PASSWORD}\n`, missing);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`There is no database at ${missing}`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it.each([
    [['--email', 'x@example.org', '--name', 'X', '--role', 'owner'], PASSWORD, /role/],
    [['--email', 'not-an-email', '--name', 'X', '--role', 'editor'], PASSWORD, /email/],
    [['--email', 'y@example.org', '--name', 'Y', '--role', 'editor'], 'short', /at least 12/],
    [['--email', 'admin@example.org', '--name', 'Dup', '--role', 'editor'], PASSWORD, /already exists/],
    [['--email', 'z@example.org', '--name', 'Z', '--role', 'editor', '--password', PASSWORD], PASSWORD, /Unknown option/],
  ])('refuses %j and saves nothing', (args, input, message) => {
    const before = sql<{ n: number }>('SELECT count(*) AS n FROM users').n;
    const res = run(args, `${input}\n`);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(message);
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM users').n).toBe(before);
  });
});

describe('editing, correcting, deleting and restoring', () => {
  async function logOne(client: Client, fields: Record<string, string>): Promise<number> {
    const _csrf = await client.csrf('/admin/events/new?type=contact');
    const res = await client.post('/admin/events', { ...CONTACT, ...fields, _csrf });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(303);
    return sql<{ id: number }>('SELECT max(id) AS id FROM events').id;
  }

  it('edits a draft without a note', async () => {
    const client = await signedIn('editor@example.org');
    const id = await logOne(client, { summary: 'Draft to edit', status: 'draft' });
    const form = await client.get(`/admin/events/${id}/edit`);
    expect(form.body).toContain('Draft to edit');
    expect(form.body).not.toContain('name="correction_note"');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await client.post(`/admin/events/${id}`, { ...CONTACT, _csrf, summary: 'Draft, edited', status: 'draft' });
    expect(res.statusCode).toBe(303);
    expect(sql('SELECT summary FROM events WHERE id = ?', id)).toEqual({ summary: 'Draft, edited' });
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM corrections WHERE event_id = ?', id).n).toBe(0);
  });

  it('asks for a public correction note to edit a published event, then shows it on the event and on /corrections', async () => {
    const client = await signedIn('editor@example.org');
    const id = await logOne(client, { summary: 'Letter sent on the wrong day' });
    let _csrf = await client.csrf(`/admin/events/${id}/edit`);
    const refused = await client.post(`/admin/events/${id}`, { ...CONTACT, _csrf, date: '2021-06-02' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#correction_note"');
    expect(sql('SELECT occurred_on FROM events WHERE id = ?', id)).toEqual({ occurred_on: '2021-06-01' });

    _csrf = await client.csrf(`/admin/events/${id}/edit`);
    const ok = await client.post(`/admin/events/${id}`, { ...CONTACT, _csrf, date: '2021-06-02', correction_note: 'The letter was sent on 2 June, not 1 June.' });
    expect(ok.statusCode).toBe(303);
    expect(sql('SELECT occurred_on, due_on FROM events WHERE id = ?', id)).toEqual({ occurred_on: '2021-06-02', due_on: '2021-06-16' });
    const page = (await t.app.inject({ method: 'GET', url: `/events/${id}` })).body;
    expect(page).toMatch(/Corrected on 22 November 2026:<\/strong> The letter was sent on 2 June, not 1 June\./);
    const list = (await t.app.inject({ method: 'GET', url: '/corrections' })).body;
    expect(list).toContain('The letter was sent on 2 June, not 1 June.');
    expect(list).toContain(`href="/events/${id}"`);
    const audit = sql<{ before: string; after: string }>("SELECT before, after FROM audit_log WHERE action = 'event.update' AND entity_id = ?", id);
    expect(JSON.parse(audit.before).date).toBe('2021-06-01');
    expect(JSON.parse(audit.after).date).toBe('2021-06-02');
  });

  it('deletes by hiding, and restores from the audit log', async () => {
    const client = await signedIn('editor@example.org');
    const id = await logOne(client, { summary: 'To be deleted' });
    expect((await t.app.inject({ method: 'GET', url: `/api/events/${id}` })).statusCode).toBe(200);
    let _csrf = await client.csrf(`/admin/events/${id}/edit`);
    expect((await client.post(`/admin/events/${id}/delete`, { _csrf })).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: `/api/events/${id}` })).statusCode).toBe(404);
    expect(sql('SELECT summary FROM events WHERE id = ?', id)).toEqual({ summary: 'To be deleted' });

    const admin = await signedIn('admin@example.org');
    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain(`action="/admin/events/${id}/restore"`);
    _csrf = /name="_csrf" value="([^"]+)"/.exec(audit.body)![1]!;
    expect((await admin.post(`/admin/events/${id}/restore`, { _csrf })).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: `/api/events/${id}` })).statusCode).toBe(200);
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action IN ('event.delete', 'event.restore')", id).n).toBe(2);
  });
});

describe('users and the audit log (admins)', () => {
  it('adds a user, refusing bad input beside each field', async () => {
    const admin = await signedIn('admin@example.org');
    let _csrf = await admin.csrf('/admin/users');
    const bad = await admin.post('/admin/users', { _csrf, name: '', email: 'nope', role: 'owner', password: 'short' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['name', 'email', 'role', 'password']) expect(bad.body).toContain(`href="#${field}"`);
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM users WHERE email = 'nope'").n).toBe(0);
    _csrf = await admin.csrf('/admin/users');
    expect((await admin.post('/admin/users', { _csrf, name: 'Nia New', email: 'nia@example.org', role: 'editor', password: PASSWORD })).statusCode).toBe(303);
    expect((await new Client(t.app).signIn('nia@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('deactivates a user, ending their sessions at once, and reactivates them', async () => {
    const db = t.app.tracker.db;
    const made = await createUser(db, { email: 'temp@example.org', name: 'Temp', role: 'editor', password: PASSWORD }, system, Date.now());
    if (!made.ok) throw new Error('no user');
    const theirs = await signedIn('temp@example.org');
    const admin = await signedIn('admin@example.org');
    let _csrf = await admin.csrf('/admin/users');
    expect((await admin.post(`/admin/users/${made.value.id}/active`, { _csrf, active: 'false' })).statusCode).toBe(303);
    expect((await theirs.get('/admin')).statusCode).toBe(303);
    expect((await new Client(t.app).signIn('temp@example.org', PASSWORD)).statusCode).toBe(401);
    _csrf = await admin.csrf('/admin/users');
    await admin.post(`/admin/users/${made.value.id}/active`, { _csrf, active: 'true' });
    expect((await new Client(t.app).signIn('temp@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('lets no editor manage users', async () => {
    const editor = await signedIn('editor@example.org');
    const _csrf = await editor.csrf('/admin');
    const res = await editor.post('/admin/users', { _csrf, name: 'Sneaky', email: 'sneaky@example.org', role: 'admin', password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM users WHERE email = 'sneaky@example.org'").n).toBe(0);
  });

  it('filters the audit log by user, institution and date', async () => {
    const admin = await signedIn('admin@example.org');
    const byEditor = await admin.get(`/admin/audit?user=${editorId}`);
    expect(byEditor.statusCode).toBe(200);
    expect(byEditor.body).toContain('Eddie Editor');
    expect(byEditor.body).not.toMatch(/<\/strong>: Ada Admin/);
    const surrey = await admin.get('/admin/audit?institution=surrey-police');
    expect(surrey.body).toContain('(Surrey Police)');
    expect(surrey.body).not.toContain('(Kent Police)');
    const none = await admin.get('/admin/audit?to=2020-01-01');
    expect(none.body).toContain('No change matches.');
    expect((await admin.get('/admin/audit?from=yesterday')).statusCode).toBe(400);
  });
});

describe('the audit log', () => {
  it('records every kind of change with who, when, and before and after', async () => {
    const db = t.app.tracker.db;
    db.$client.prepare('DELETE FROM audit_log').run();
    const admin = await signedIn('admin@example.org');
    const token = async (url = '/admin') => admin.csrf(url);
    // A draft, published, edited with a correction, deleted, restored.
    await admin.post('/admin/events', { ...CONTACT, status: 'draft', summary: 'Audited event', _csrf: await token('/admin/events/new?type=contact') });
    const id = sql<{ id: number }>("SELECT id FROM events WHERE summary = 'Audited event'").id;
    await admin.post(`/admin/events/${id}/publish`, { _csrf: await token() });
    await admin.post(`/admin/events/${id}`, { ...CONTACT, summary: 'Audited event, corrected', correction_note: 'Wording', _csrf: await token(`/admin/events/${id}/edit`) });
    await admin.post(`/admin/events/${id}/delete`, { _csrf: await token() });
    await admin.post(`/admin/events/${id}/restore`, { _csrf: await token() });
    await admin.post('/admin/contacts/batch', { ...CONTACT, institutions: ['kent-police', 'essex-police'], summary: 'Audited batch', _csrf: await token('/admin/contacts/batch') });
    // Users, institutions, the campaign.
    await admin.post('/admin/users', { name: 'Audit Person', email: 'audit@example.org', role: 'editor', password: PASSWORD, _csrf: await token('/admin/users') });
    const userId = sql<{ id: number }>("SELECT id FROM users WHERE email = 'audit@example.org'").id;
    await admin.post(`/admin/users/${userId}/active`, { active: 'false', _csrf: await token('/admin/users') });
    await admin.post(`/admin/users/${userId}/active`, { active: 'true', _csrf: await token('/admin/users') });
    await admin.post('/admin/password', { current: PASSWORD, password: PASSWORD, confirm: PASSWORD, _csrf: await token('/admin/password') });
    await admin.post('/admin/institutions', { name: 'Audited Body', kind: 'other', active: 'true', _csrf: await token('/admin/institutions/new') });
    await admin.post('/admin/institutions/audited-body', { name: 'Audited Body', kind: 'other', active: 'false', _csrf: await token('/admin/institutions/audited-body/edit') });
    const campaign = await admin.get('/admin/campaign');
    const fields = Object.fromEntries([...campaign.body.matchAll(/name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const textareas = Object.fromEntries([...campaign.body.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [m[1]!, m[2]!.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&')]));
    await admin.post('/admin/campaign', { ...fields, ...textareas, reply_window_default: '12' });

    const rows = db.$client.prepare('SELECT action, user_id AS userId, actor, at, before, after FROM audit_log ORDER BY id').all() as {
      action: string; userId: number | null; actor: string; at: number; before: string | null; after: string | null;
    }[];
    const actions = new Set(rows.map((r) => r.action));
    for (const action of ['event.create', 'event.publish', 'event.update', 'event.delete', 'event.restore', 'user.create', 'user.deactivate', 'user.reactivate', 'user.password', 'institution.create', 'institution.update', 'campaign.update']) {
      expect(actions, action).toContain(action);
    }
    expect(rows.filter((r) => r.action === 'event.create' && r.after?.includes('Audited batch'))).toHaveLength(2);
    for (const r of rows.filter((r) => r.action !== 'user.sign_in')) {
      expect(r.actor).toBe('Ada Admin');
      expect(r.userId).not.toBeNull();
      expect(r.at).toBeGreaterThan(0);
    }
    for (const action of ['event.update', 'event.publish', 'user.deactivate', 'institution.update', 'campaign.update']) {
      const r = rows.find((x) => x.action === action)!;
      expect(r.before, action).not.toBeNull();
      expect(r.after, action).not.toBeNull();
    }
  });
});
