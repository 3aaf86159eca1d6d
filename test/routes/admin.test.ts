/**
 * The campaigners' workspace, through the browser's eyes: who may use it, signing in and out,
 * logging approaches, responses and milestones (one or many), editing, correcting, deleting,
 * restoring and publishing, what each action says on the page it lands on, users, passwords and
 * the audit log. Every test that writes builds its own app, institutions and users on the
 * fixture campaign; a describe whose tests only read shares one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { CHANNELS, RESPONSE_TYPES } from '../../src/domain/vocabulary.js';
import { setEventDeleted } from '../../src/records/log-events.js';
import { setUserActive } from '../../src/records/users.js';
import { contact, FIXTURE_DATA, institution, milestone, PASSWORD, response, user, type MadeInstitution } from '../factories.js';
import { dom, makeApp, shown, TEST_NOW, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

const system = { userId: null, name: 'test' };

async function fresh(): Promise<TestApp> {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  onTestFinished(() => t.close());
  return t;
}

interface Person {
  id: number;
  email: string;
  password: string;
  name: string;
}

/** A new user of that role (and name). */
async function person(t: TestApp, role: 'admin' | 'editor', name: string): Promise<Person> {
  const made = await user(t.app.tracker.db, { role, name });
  return { ...made, name };
}

/** A client signed in as that person (from its own address when given). */
async function signedIn(t: TestApp, who: Person, remoteAddress?: string): Promise<Client> {
  const client = new Client(t.app, remoteAddress ? { remoteAddress } : {});
  const res = await client.signIn(who.email, who.password);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return client;
}

/** A client signed in as a new user of that role. */
async function as(t: TestApp, role: 'admin' | 'editor' = 'editor', name = role === 'admin' ? 'Ada Admin' : 'Eddie Editor'): Promise<{ client: Client; who: Person }> {
  const who = await person(t, role, name);
  return { client: await signedIn(t, who), who };
}

const sql = <T>(t: TestApp, query: string, ...params: unknown[]) => t.app.tracker.db.$client.prepare(query).get(...params) as T;
const count = (t: TestApp, query: string, ...params: unknown[]) => sql<{ n: number }>(t, query, ...params).n;
const eventCount = (t: TestApp) => count(t, 'SELECT count(*) AS n FROM events');
const auditCount = (t: TestApp) => count(t, "SELECT count(*) AS n FROM audit_log WHERE action <> 'user.sign_in'");
const status = (t: TestApp, id: number) => sql<{ status: string }>(t, 'SELECT status FROM events WHERE id = ?', id).status;
const get = (t: TestApp, url: string) => t.app.inject({ method: 'GET', url });
const page = async (client: Client, url: string) => dom((await client.get(url)).body);
/** The message a page shows at the top of its main content after a change. */
const notice = (doc: Document) => words(doc.querySelector('main .notice'));
/** The id in an /events/:id address. */
const idIn = (location: unknown) => Number(/^\/events\/(\d+)$/.exec(String(location))?.[1]);

/** The approach form's fields, to the institution given. */
const approach = (body: MadeInstitution, more: Record<string, string> = {}): Record<string, string> => ({
  type: 'contact', institution: body.slug, date: '2021-06-01', channel: 'letter', from: 'Fixture Coalition',
  summary: 'Letter asking them to close the scheme', source_title: 'The letter', status: 'published', ...more,
});

/** Posts the event form as a browser would, with the token from the form's own page. */
async function logEvent(client: Client, fields: Record<string, string>) {
  const _csrf = await client.csrf(`/admin/events/new?type=${fields.type}`);
  return client.post('/admin/events', { ...fields, _csrf });
}

describe('who may use the workspace', () => {
  let t: TestApp;
  const people: Record<'editor' | 'admin' | 'deactivated', Person> = {} as never;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    people.admin = await person(t, 'admin', 'Ada Admin');
    people.editor = await person(t, 'editor', 'Eddie Editor');
    people.deactivated = await person(t, 'editor', 'Gone User');
    setUserActive(t.app.tracker.db, people.deactivated.id, false, system, Date.now());
  });
  afterAll(() => t.close());

  type Who = 'anonymous' | 'editor' | 'admin' | 'deactivated';
  const table: [string, Who, number][] = [];
  for (const url of ['/admin', '/admin/events/new?type=contact', '/admin/events/new?type=response', '/admin/events/new?type=milestone', '/admin/contacts/batch', '/admin/spreadsheets', '/admin/password']) {
    table.push([url, 'anonymous', 303], [url, 'editor', 200], [url, 'admin', 200], [url, 'deactivated', 303]);
  }
  for (const url of ['/admin/users', '/admin/audit', '/admin/audit?user=1']) {
    table.push([url, 'anonymous', 303], [url, 'editor', 403], [url, 'admin', 200], [url, 'deactivated', 303]);
  }
  it.each(table.map((row, i) => [...row, i] as const))('GET %s as %s answers %i', async (url, who, expected, i) => {
    // Each row from its own address, so that no row's failed sign-in holds back another's.
    const client = new Client(t.app, { remoteAddress: `198.51.100.${i + 1}` });
    if (who !== 'anonymous') {
      const signIn = await client.signIn(people[who].email, people[who].password);
      expect(signIn.statusCode).toBe(who === 'deactivated' ? 401 : 303);
    }
    const res = await client.get(url);
    expect(res.statusCode).toBe(expected);
    if (expected === 303) expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    if (expected === 403) expect(words(dom(res.body).querySelector('main p'))).toBe('Only an admin of this tracker can do this.');
  });

  it('shows no time travel on workspace pages, which are always as at now', async () => {
    const client = await signedIn(t, people.editor, '198.51.100.200');
    const doc = await page(client, '/admin?as_of=2021-05-06T11:30');
    expect(words(doc.querySelector('main h1'))).toBe('Follow-up');
    expect(doc.querySelector('.as-of')).toBeNull();
    expect(doc.querySelector('details.time-travel')).toBeNull();
    // A public page shows both.
    const overview = await page(client, '/?as_of=2021-05-06T11:30');
    expect(words(overview.querySelector('.as-of strong'))).toBe('You are viewing the tracker as it stood at 11:30 on 6 May 2021');
    expect(overview.querySelector('details.time-travel')).not.toBeNull();
  });

  it('answers JSON callers with 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401 });
  });
});

describe('changes asked without signing in', () => {
  it.each(['/admin/events', '/admin/contacts/batch', '/admin/events/DRAFT/publish', '/admin/drafts/publish', '/admin/events/DRAFT/delete', '/admin/password'])('POST %s sends to sign-in and writes nothing', async (url) => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const draft = contact(t.app.tracker.db, body, { status: 'draft' });
    const before = [eventCount(t), auditCount(t)];
    const res = await new Client(t.app).post(url.replace('DRAFT', String(draft)), { ...approach(body), institutions: body.slug, ids: String(draft), current: PASSWORD, password: 'a new long password', confirm: 'a new long password' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
    expect([eventCount(t), auditCount(t)]).toEqual(before);
    expect(status(t, draft)).toBe('draft');
  });

  it('ends the session at once when a user is deactivated', async () => {
    const t = await fresh();
    const { client, who } = await as(t);
    expect((await client.get('/admin')).statusCode).toBe(200);
    setUserActive(t.app.tracker.db, who.id, false, system, Date.now());
    expect(count(t, 'SELECT count(*) AS n FROM sessions WHERE user_id = ?', who.id)).toBe(0);
    const res = await client.get('/admin');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin');
  });
});

describe('signing in and out', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie, Secure whenever BASE_URL is https', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Eddie Editor');
    const client = new Client(t.app);
    const _csrf = await client.csrf('/login');
    const res = await client.post('/login', { _csrf, email: who.email, password: who.password });
    const cookie = String([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('tracker_session=')));
    const attributes = cookie.split(';').map((a) => a.trim());
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Lax');
    // Even over plain http without X-Forwarded-Proto, as behind a misconfigured proxy.
    expect(attributes).toContain('Secure');
  });

  it('never says which of email or password was wrong, and keeps the email typed', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Eddie Editor');
    const wrongPassword = await new Client(t.app).signIn(who.email, 'not the password');
    const unknownEmail = await new Client(t.app, { remoteAddress: '192.0.2.2' }).signIn('nobody@example.org', who.password);
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    const wrong = dom(wrongPassword.body);
    const unknown = dom(unknownEmail.body);
    expect(words(wrong.querySelector('#email-error'))).toBe('Error: The email address or password is not right');
    expect(words(unknown.querySelector('#email-error'))).toBe(words(wrong.querySelector('#email-error')));
    expect(words(unknown.querySelector('.error-summary'))).toBe(words(wrong.querySelector('.error-summary')));
    expect(wrong.querySelector('input#email')!.getAttribute('value')).toBe(who.email);
    expect(wrong.querySelector('#password-error')).toBeNull();
  });

  it('refuses a deactivated user with the same message', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Gone User');
    setUserActive(t.app.tracker.db, who.id, false, system, Date.now());
    const res = await new Client(t.app).signIn(who.email, who.password);
    expect(res.statusCode).toBe(401);
    expect(words(dom(res.body).querySelector('#email-error'))).toBe('Error: The email address or password is not right');
  });

  it('slows and then refuses repeated failures, even with the right password', async () => {
    const t = await fresh();
    const who = await person(t, 'admin', 'Ada Admin');
    const client = new Client(t.app);
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await client.signIn(who.email, `wrong ${i}`)).statusCode).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 * (1 + 2 + 3 + 4 + 5) - 50);
    const locked = await client.signIn(who.email, who.password);
    expect(locked.statusCode).toBe(429);
    expect(words(dom(locked.body).querySelector('#email-error'))).toBe('Error: Too many failed sign-ins. Try again in 15 minutes.');
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('refuses an address that keeps failing, whichever account it tries', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Eddie Editor');
    const client = new Client(t.app);
    for (let i = 0; i < 20; i++) expect((await client.signIn(`nobody${i}@example.org`, 'wrong password')).statusCode).toBe(401);
    expect((await client.signIn(who.email, who.password)).statusCode).toBe(429);
    // Another address may still sign in to that account.
    expect((await new Client(t.app, { remoteAddress: '192.0.2.9' }).signIn(who.email, who.password)).statusCode).toBe(303);
  });

  it('expires sessions', async () => {
    const t = await fresh();
    const { client } = await as(t);
    expect((await client.get('/admin')).statusCode).toBe(200);
    t.app.tracker.db.$client.prepare('UPDATE sessions SET expires_at = 1').run();
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('signs out, ending the session', async () => {
    const t = await fresh();
    const { client, who } = await as(t);
    const _csrf = await client.csrf('/admin');
    const res = await client.post('/logout', { _csrf });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(count(t, 'SELECT count(*) AS n FROM sessions WHERE user_id = ?', who.id)).toBe(0);
    expect((await client.get('/admin')).statusCode).toBe(303);
  });

  it('goes back to the page asked for, and only to a local one', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Eddie Editor');
    const client = new Client(t.app);
    const form = await page(client, '/login?next=/admin/contacts/batch');
    expect(form.querySelector('input[name="next"]')!.getAttribute('value')).toBe('/admin/contacts/batch');
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    expect((await client.post('/login', { _csrf, email: who.email, password: who.password, next: '/admin/contacts/batch' })).headers.location).toBe('/admin/contacts/batch');
    const other = new Client(t.app);
    const token = await other.csrf('/login');
    expect((await other.post('/login', { _csrf: token, email: who.email, password: who.password, next: '//evil.example/' })).headers.location).toBe('/admin');
  });
});

describe('CSRF', () => {
  it.each([
    ['no token', undefined],
    ['a made-up token', 'not-a-token'],
  ])('refuses a POST with %s (403) and changes nothing', async (_name, token) => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const draft = contact(t.app.tracker.db, body, { status: 'draft' });
    const published = contact(t.app.tracker.db, body);
    const { client, who } = await as(t);
    const before = [eventCount(t), auditCount(t)];
    const fields: Record<string, string> = { ...approach(body), institutions: body.slug, ids: String(draft), correction_note: 'A note', current: who.password, password: 'a new long password', confirm: 'a new long password' };
    if (token) fields._csrf = token;
    for (const url of ['/admin/events', '/admin/contacts/batch', `/admin/events/${draft}/publish`, '/admin/drafts/publish', `/admin/events/${published}`, `/admin/events/${published}/delete`, '/admin/password', '/logout']) {
      expect((await client.post(url, fields)).statusCode, url).toBe(403);
    }
    expect([eventCount(t), auditCount(t)]).toEqual(before);
    expect([status(t, draft), status(t, published)]).toEqual(['draft', 'published']);
    expect((await client.get('/admin')).statusCode).toBe(200);
    expect((await new Client(t.app).signIn(who.email, who.password)).statusCode).toBe(303);
  });

  it('refuses a sign-in without a token', async () => {
    const t = await fresh();
    const who = await person(t, 'editor', 'Eddie Editor');
    const client = new Client(t.app);
    const res = await client.post('/login', { email: who.email, password: who.password });
    expect(res.statusCode).toBe(403);
    expect((await client.get('/admin')).statusCode).toBe(303);
  });
});

describe('logging an event', () => {
  it('logs an approach, computes its reply due date, and records who did it in the audit log', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const { client, who } = await as(t, 'editor', 'Eddie Editor');
    const res = await logEvent(client, approach(body, { date: '6 May 2021', time: '11.30am' }));
    expect(res.statusCode).toBe(303);
    const id = idIn(res.headers.location);
    // 10 working days after Thursday 6 May 2021 (no bank holiday between): Thursday 20 May.
    expect(sql(t, 'SELECT type, institution_id, occurred_on, occurred_at, due_on, status, created_by FROM events WHERE id = ?', id)).toEqual({
      type: 'contact', institution_id: body.id, occurred_on: '2021-05-06', occurred_at: Date.parse('2021-05-06T10:30:00Z'), due_on: '2021-05-20', status: 'published', created_by: 'Eddie Editor',
    });
    const audit = sql<Record<string, unknown>>(t, "SELECT * FROM audit_log WHERE entity_type = 'event' AND entity_id = ?", id);
    expect(audit).toMatchObject({ action: 'event.create', user_id: who.id, actor: 'Eddie Editor', institution_id: body.id });
    expect(JSON.parse(String(audit.after))).toMatchObject({ summary: 'Letter asking them to close the scheme', dueOn: '2021-05-20' });
    // The event's page says when the reply is due.
    const shownPage = dom((await client.get(`/events/${id}`)).body);
    const facts = Object.fromEntries([...shownPage.querySelectorAll('dl.facts > div')].map((d) => [words(d.querySelector('dt')), words(d.querySelector('dd'))]));
    expect(facts).toMatchObject({ When: '11:30 (UK time), Thursday 6 May 2021', How: 'Letter', 'Reply due by': '20 May 2021 Long overdue since 5 June 2021' });
  });

  it('accepts an overridden reply due date only with a reason', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db);
    const { client } = await as(t);
    const refused = await logEvent(client, approach(body, { due_on: '2021-07-01' }));
    expect(refused.statusCode).toBe(400);
    const doc = dom(refused.body);
    expect(words(doc.querySelector('.error-summary a[href="#due_override_reason"]'))).toBe('Say why the reply is due on another date');
    expect(doc.querySelector('input#due_on')!.getAttribute('value')).toBe('2021-07-01');
    expect(eventCount(t)).toBe(0);
    const ok = await logEvent(client, approach(body, { due_on: '1/7/2021', due_override_reason: 'They asked for more time' }));
    expect(ok.statusCode).toBe(303);
    expect(sql(t, 'SELECT due_on, due_override_reason FROM events WHERE id = ?', idIn(ok.headers.location))).toEqual({ due_on: '2021-07-01', due_override_reason: 'They asked for more time' });
  });

  type Base = 'contact' | 'response';
  it.each<[string, Base, Record<string, string>, string, string]>([
    ['a missing institution', 'response', { institution: '' }, 'institution', 'Name the institution (only a milestone can be campaign-wide)'],
    ['an unknown institution', 'response', { institution: 'ministry-of-magic' }, 'institution', 'No institution has the slug, code, name or alias “ministry-of-magic”'],
    ['a missing date', 'response', { date: '' }, 'date', 'Enter the date'],
    ['an impossible date', 'response', { date: '31/04/2021' }, 'date', '31/04/2021 is not a real date'],
    ['a date in the future', 'response', { date: '2026-12-25' }, 'date', '2026-12-25 is in the future'],
    ['a date outside the bank holiday list', 'response', { date: '2017-06-01' }, 'date', '2017-06-01 is before the bank holiday list begins (2018), so no figure could count it'],
    ['a response dated before the approach it answers', 'response', { date: '2021-04-22', answers: 'APPROACH' }, 'date', 'The response is dated before the approach it answers'],
    ['a response answering another institution’s approach', 'response', { answers: 'ELSEWHERE' }, 'answers', 'That approach was made to another institution'],
    ['a response without its kind', 'response', { response_type: '' }, 'response_type', `Choose the kind of response (${RESPONSE_TYPES.join(', ')})`],
    ['an unknown stance', 'response', { review: 'maybe' }, 'review', '“maybe” is not a stance (none, refused, considering, committed, done)'],
    ['a source address that is not http(s)', 'response', { source_url: 'javascript:alert(1)' }, 'source_url', '“javascript:alert(1)” is not a web address starting http:// or https://'],
    ['publishing without a source', 'response', { source_title: '' }, 'source_title', 'A published event needs a source; give one, or save it as a draft'],
    ['a missing summary', 'response', { summary: '' }, 'summary', 'Say what happened'],
    ['a bad time', 'response', { time: '25:00' }, 'time', '25:00 is not a real time'],
    ['an approach without its channel', 'contact', { channel: '' }, 'channel', `Choose how the approach was made (${CHANNELS.join(', ')})`],
    ['an approach without what was asked', 'contact', { summary: '' }, 'summary', 'Say what was asked'],
    ['a reply due before the approach', 'contact', { due_on: '2021-05-31', due_override_reason: 'Typo' }, 'due_on', 'The reply cannot be due before the approach was made'],
  ])('refuses %s: summary at the top, message beside the field, values kept, nothing saved', async (_name, base, change, field, message) => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Borsetshire Police' });
    const elsewhere = institution(db, { name: 'Felpersham Police' });
    const approachId = contact(db, body, { date: '2021-04-23' });
    const elsewhereId = contact(db, elsewhere, { date: '2021-04-23' });
    const { client } = await as(t);
    const fields =
      base === 'response'
        ? { type: 'response', institution: body.slug, date: '2021-05-20', response_type: 'statement', summary: 'Borsetshire Police replied', quote: 'We are reviewing the scheme.', review: 'considering', source_title: 'Reply letter', status: 'published' }
        : approach(body);
    const values: Record<string, string> = { ...fields, ...change };
    if (values.answers) values.answers = String(values.answers === 'APPROACH' ? approachId : elsewhereId);
    const before = [eventCount(t), auditCount(t)];
    const res = await logEvent(client, values);
    expect(res.statusCode).toBe(400);
    expect([eventCount(t), auditCount(t)]).toEqual(before);
    const doc = dom(res.body);
    expect(doc.title).toMatch(new RegExp(`^Error: ${base === 'response' ? 'Log a response' : 'Log an approach'} – `));
    expect(words(doc.querySelector('.error-summary h2'))).toBe('There is a problem');
    expect(words(doc.querySelector(`.error-summary a[href="#${field}"]`))).toBe(message);
    expect(words(doc.querySelector(`#${field}-error`))).toBe(`Error: ${message}`);
    expect(doc.querySelector(`#${field}`)!.getAttribute('aria-invalid')).toBe('true');
    // Everything typed is still there.
    expect(shown(doc.querySelector('textarea#summary')!)).toBe(values.summary);
    expect(doc.querySelector('input#date')!.getAttribute('value')).toBe(values.date);
    expect(doc.querySelector('input#source_title')!.getAttribute('value')).toBe(values.source_title);
    if (base === 'response') expect(shown(doc.querySelector('textarea#quote')!)).toBe('We are reviewing the scheme.');
    else expect(doc.querySelector('input#from')!.getAttribute('value')).toBe('Fixture Coalition');
  });

  it('keeps drafts out of public view until published, and will not publish one without a source', async () => {
    const t = await fresh();
    const { client } = await as(t);
    const res = await logEvent(client, { type: 'milestone', institution: '', date: '2021-06-02', summary: 'Draft milestone without source', status: 'draft' });
    expect(res.statusCode).toBe(303);
    const id = sql<{ id: number }>(t, "SELECT id FROM events WHERE summary = 'Draft milestone without source'").id;
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(404);
    expect((await get(t, `/events/${id}`)).statusCode).toBe(404);
    expect((await get(t, '/api/timeline')).json().events).toEqual([]);
    const queue = await page(client, '/admin');
    const draft = queue.querySelector('ul.drafts li')!;
    expect(words(draft.querySelector('strong'))).toBe('Milestone: campaign-wide');
    expect(words(draft.querySelector('.hint'))).toBe('Needs a source before it can be published.');
    expect(draft.querySelector(`a[href="/admin/events/${id}/edit"]`)).not.toBeNull();
    expect(draft.querySelector('form')).toBeNull();

    const _csrf = await client.csrf('/admin');
    const publish = await client.post(`/admin/events/${id}/publish`, { _csrf });
    expect(publish.headers.location).toBe('/admin');
    expect(status(t, id)).toBe('draft');
    expect(notice(await page(client, '/admin'))).toBe('An event cannot be published without at least one source. Edit it to add one.');
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(404);
  });
});

describe('logging the same approach to many institutions', () => {
  const BATCH = { date: '2021-06-01', channel: 'letter', from: 'Fixture Coalition', summary: 'Letter to every mental health trust in the South East', source_title: 'The letter', status: 'published' };

  it('writes one contact per open institution chosen by kind and region, with an audit row each', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const trust = (name: string, region: string, active = true) => institution(db, { name, kind: 'mental_health_trust', region, active });
    const chosen = [trust('Borsetshire Trust', 'South East'), trust('Felpersham Trust', 'South East'), trust('Loxley Trust', 'South East')];
    trust('Closed Trust', 'South East', false);
    trust('Hollerton Trust', 'London');
    institution(db, { name: 'Borsetshire Police', kind: 'police_force', region: 'South East' });
    const { client } = await as(t);
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf, select_kind: 'mental_health_trust', select_region: 'South East' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const written = t.app.tracker.db.$client.prepare("SELECT institution_id AS i, type, occurred_on AS d, due_on AS due, status FROM events ORDER BY institution_id").all();
    expect(written).toEqual(chosen.map((c) => ({ i: c.id, type: 'contact', d: '2021-06-01', due: '2021-06-15', status: 'published' })));
    expect(notice(await page(client, '/admin'))).toBe('Logged 3 approaches and published them.');
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'event.create' AND after LIKE '%every mental health trust in the South East%'")).toBe(3);
  });

  it('writes nothing when one institution cannot be approached, keeping the choices ticked', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const a = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    const b = institution(db, { name: 'Felpersham Police', kind: 'police_force' });
    const c = institution(db, { name: 'Loxley Police', kind: 'police_force' });
    const { client } = await as(t);
    const before = auditCount(t);
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf, summary: 'Atomic batch', institutions: [a.slug, b.slug, 'ministry-of-magic'] });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(words(doc.querySelector('#institutions-error'))).toBe('Error: Ministry-of-magic: no institution has the slug, code, name or alias “ministry-of-magic”');
    const ticked = (slug: string) => doc.querySelector(`input[name="institutions"][value="${slug}"]`)!.hasAttribute('checked');
    expect([ticked(a.slug), ticked(b.slug), ticked(c.slug)]).toEqual([true, true, false]);
    expect(shown(doc.querySelector('textarea#summary')!)).toBe('Atomic batch');
    expect([eventCount(t), auditCount(t)]).toEqual([0, before]);
  });

  it('refuses a batch with nobody chosen', async () => {
    const t = await fresh();
    institution(t.app.tracker.db);
    const { client } = await as(t);
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { ...BATCH, _csrf });
    expect(res.statusCode).toBe(400);
    expect(words(dom(res.body).querySelector('.error-summary a[href="#institutions"]'))).toBe('Choose at least one institution');
    expect(eventCount(t)).toBe(0);
  });

  it('shows every problem of an empty batch form at once, in plain words', async () => {
    const t = await fresh();
    institution(t.app.tracker.db);
    const { client } = await as(t);
    const _csrf = await client.csrf('/admin/contacts/batch');
    const res = await client.post('/admin/contacts/batch', { _csrf, status: 'published' });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.title).toMatch(/^Error: Log the same approach to many institutions – /);
    expect([...doc.querySelectorAll('.error-summary li a')].map((a) => [a.getAttribute('href'), words(a)])).toEqual([
      ['#institutions', 'Choose at least one institution'],
      ['#date', 'Enter the date'],
      ['#channel', `Choose how the approach was made (${CHANNELS.join(', ')})`],
      ['#summary', 'Say what was asked'],
      ['#source_title', 'A published event needs a source; give one, or save it as a draft'],
    ]);
    expect(eventCount(t)).toBe(0);
  });
});

describe('publishing every draft listed at once', () => {
  const BATCH = { date: '2021-06-01', channel: 'letter', from: 'Fixture Coalition', summary: 'Letter to every police force', source_title: 'The letter', status: 'draft' };
  const publishAll = (doc: Document) => doc.querySelector('form[action="/admin/drafts/publish"]');

  it('publishes the drafts of a batch together, in one revision, and says how many', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const forces = ['Borsetshire Police', 'Felpersham Police', 'Loxley Police'].map((name) => institution(db, { name, kind: 'police_force' }));
    const { client } = await as(t, 'editor', 'Eddie Editor');
    await client.post('/admin/contacts/batch', { ...BATCH, _csrf: await client.csrf('/admin/contacts/batch'), select_kind: 'police_force' });
    expect(count(t, "SELECT count(*) AS n FROM events WHERE status = 'draft'")).toBe(3);
    const revisionsBefore = count(t, 'SELECT count(*) AS n FROM revisions');

    const queue = await page(client, '/admin');
    const form = publishAll(queue)!;
    expect(words(form.querySelector('button'))).toBe('Publish all 3 drafts');
    const ids = [...form.querySelectorAll('input[name="ids"]')].map((i) => i.getAttribute('value')!);
    expect(ids).toHaveLength(3);

    // Without the form's token nothing is published.
    expect((await client.post('/admin/drafts/publish', { ids })).statusCode).toBe(403);
    expect(count(t, "SELECT count(*) AS n FROM events WHERE status = 'draft'")).toBe(3);

    const res = await client.post('/admin/drafts/publish', { _csrf: form.querySelector('input[name="_csrf"]')!.getAttribute('value')!, ids });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const after = await page(client, '/admin');
    expect(notice(after)).toBe('Published 3 drafts.');
    expect(words(after.querySelector('#drafts + p'))).toBe('No drafts.');
    expect(count(t, "SELECT count(*) AS n FROM events WHERE status = 'published'")).toBe(3);
    // One revision of the public record holds all three, and each has its audit row.
    expect(count(t, 'SELECT count(*) AS n FROM revisions')).toBe(revisionsBefore + 1);
    expect(sql(t, 'SELECT action, actor FROM revisions ORDER BY id DESC LIMIT 1')).toEqual({ action: 'event.publish', actor: 'Eddie Editor' });
    expect(count(t, "SELECT count(DISTINCT rev_from) AS n FROM event_versions")).toBe(1);
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'event.publish'")).toBe(3);
    const api = (await get(t, `/api/institutions/${forces[0]!.slug}`)).json();
    expect(api.events.map((e: { summary: string }) => e.summary)).toEqual(['Letter to every police force']);
  });

  it('publishes only the drafts listed that have a source, passes over those published meanwhile, and publishes none when one listed has lost its source', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Borsetshire Police' });
    const a = contact(db, body, { status: 'draft', summary: 'First draft' });
    const b = contact(db, body, { status: 'draft', summary: 'Second draft' });
    const unsourced = contact(db, body, { status: 'draft', summary: 'Draft without a source', source: null });
    const { client } = await as(t);
    const queue = await page(client, '/admin');
    const form = publishAll(queue)!;
    expect(words(form.querySelector('button'))).toBe('Publish all 2 drafts with a source');
    const ids = [...form.querySelectorAll('input[name="ids"]')].map((i) => Number(i.getAttribute('value')));
    expect(ids.sort()).toEqual([a, b].sort());
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;

    // Its source taken away after the page was shown, a listed draft stops them all.
    db.$client.prepare('DELETE FROM event_sources WHERE event_id = ?').run(b);
    await client.post('/admin/drafts/publish', { _csrf, ids: ids.map(String) });
    expect(notice(await page(client, '/admin'))).toBe('Nothing was published: the draft “Second draft” has no source. Edit it to add one, then publish again.');
    expect([status(t, a), status(t, b), status(t, unsourced)]).toEqual(['draft', 'draft', 'draft']);

    // One published meanwhile is passed over; a draft not listed stays a draft.
    db.$client.prepare("INSERT INTO event_sources (event_id, title) VALUES (?, 'Found it')").run(b);
    await client.post(`/admin/events/${b}/publish`, { _csrf: await client.csrf('/admin') });
    await client.post('/admin/drafts/publish', { _csrf: await client.csrf('/admin'), ids: ids.map(String) });
    expect(notice(await page(client, '/admin'))).toBe('Published 1 draft.');
    expect([status(t, a), status(t, b), status(t, unsourced)]).toEqual(['published', 'published', 'draft']);
    // Nothing left to publish: the form is gone, and an old one publishes nothing.
    expect(publishAll(await page(client, '/admin'))).toBeNull();
    await client.post('/admin/drafts/publish', { _csrf: await client.csrf('/admin'), ids: ids.map(String) });
    expect(notice(await page(client, '/admin'))).toBe('There was no draft to publish: those listed were published or deleted meanwhile.');
  });
});

describe('a campaigner’s day, end to end', () => {
  it('logs a reply that commits to the review, and the public figures change', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Felpersham Healthcare NHS Foundation Trust', kind: 'mental_health_trust', region: 'Midlands' });
    const { client } = await as(t);
    let _csrf = await client.csrf('/admin/contacts/batch');
    await client.post('/admin/contacts/batch', { _csrf, institutions: body.slug, date: '2021-07-01', channel: 'email', summary: 'Email asking for a review', source_title: 'The email', status: 'published' });
    let api = (await get(t, `/api/institutions/${body.slug}?as_of=2021-07-05`)).json();
    // Thursday 1 July to Monday 5 July 2021: 4 days, 2 working days (Friday and Monday).
    expect(api.institution.silence).toEqual({ since: '2021-07-01', calendarDays: 4, workingDays: 2, unansweredContacts: 1, lastContact: '2021-07-01' });
    const contactId = api.events[0].id as number;

    const form = await page(client, `/admin/events/new?type=response&institution=${body.slug}&answers=${contactId}`);
    expect(form.querySelector(`select#answers option[value="${contactId}"]`)!.hasAttribute('selected')).toBe(true);
    expect(form.querySelector(`select#institution option[value="${body.slug}"]`)!.hasAttribute('selected')).toBe(true);
    _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const res = await client.post('/admin/events', {
      _csrf, type: 'response', institution: body.slug, answers: String(contactId), date: '2021-07-08', response_type: 'statement',
      summary: 'The trust commits to an independent review', quote: 'We will commission an independent review.', review: 'committed',
      source_title: 'Reply from the trust', status: 'published',
    });
    expect(res.statusCode).toBe(303);
    const responseId = idIn(res.headers.location);
    api = (await get(t, `/api/institutions/${body.slug}`)).json();
    expect(api.institution.positions.review).toEqual({ stance: 'committed', since: '2021-07-08', eventId: responseId });
    expect(api.institution.silence).toBeNull();
    const home = dom((await get(t, '/')).body);
    const rows = [...home.querySelectorAll('table.scorecard tbody tr')];
    expect(rows.map((r) => words(r.querySelector('th')))).toEqual(['Felpersham Healthcare NHS Foundation Trust']);
    expect(words(rows[0]!.querySelector('[data-label="Independent review"]'))).toBe('Committed');
    expect(words(rows[0]!.querySelector('[data-label="Days without comment"]'))).toBe('Not waiting');
    expect(sql(t, 'SELECT answers_event_id AS a FROM events WHERE id = ?', responseId)).toEqual({ a: contactId });
  });
});

describe('the follow-up queue', () => {
  it('shows approaches awaiting a reply (overdue first), those without comment (longest first) and drafts, with actions', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const make = (name: string) => institution(db, { name });
    // The tests' clock is 12:00 on Sunday 22 November 2026.
    const charlie = make('Charlie Trust');
    const bravo = make('Bravo Trust');
    const alpha = make('Alpha Trust');
    const delta = make('Delta Trust');
    const c = contact(db, charlie, { date: '2026-11-20', channel: 'email', dueOn: '2026-12-04' });
    const b = contact(db, bravo, { date: '2026-11-02', channel: 'letter', from: 'Fixture Coalition', dueOn: '2026-11-16' });
    const a = contact(db, alpha, { date: '2026-10-01', channel: 'foi', dueOn: '2026-10-29' });
    contact(db, delta, { date: '2026-10-01', dueOn: '2026-10-15' });
    response(db, delta, { date: '2026-10-05', responseType: 'statement' });
    const withSource = contact(db, delta, { date: '2026-11-20', status: 'draft', summary: 'Chasing again' });
    const withoutSource = milestone(db, null, { date: '2026-11-21', status: 'draft', summary: 'Day of action', source: null });
    const { client } = await as(t);
    const doc = await page(client, '/admin');

    expect(words(doc.querySelector('h2#awaiting'))).toBe('Approaches awaiting a reply (3)');
    const rows = [...doc.querySelectorAll('table.awaiting tbody tr')];
    const cells = rows.map((r) => [words(r.querySelector('th')), ...[...r.querySelectorAll('td')].slice(0, 3).map(words)]);
    expect(cells).toEqual([
      ['Alpha Trust', '1 October 2026: Freedom of Information request from Fixture Coalition', '29 October 2026 Late since 30 October 2026', '52 days'],
      ['Bravo Trust', '2 November 2026: Letter from Fixture Coalition', '16 November 2026 Late since 17 November 2026', '20 days'],
      ['Charlie Trust', '20 November 2026: Email from Fixture Coalition', '4 December 2026', '2 days'],
    ]);
    expect(rows[0]!.querySelector(`a[href="/events/${a}"]`)).not.toBeNull();
    expect(rows[1]!.querySelector(`a[href="/admin/events/new?type=response&institution=${bravo.slug}&answers=${b}"]`)).not.toBeNull();
    expect(rows[2]!.querySelector(`a[href="/admin/events/new?type=contact&institution=${charlie.slug}"]`)).not.toBeNull();
    expect(rows[2]!.querySelector(`a[href="/events/${c}"]`)).not.toBeNull();

    expect(words(doc.querySelector('h2#silent'))).toBe('Without comment, longest first (3)');
    const silent = [...doc.querySelectorAll('ol.silent li')].map((li) => words(li).split('. Log a chase')[0]);
    // Working days after the first approach up to Sunday 22 November (no bank holiday in October or November 2026).
    expect(silent).toEqual([
      'Alpha Trust: 52 days without comment (36 working days), since 1 October 2026',
      'Bravo Trust: 20 days without comment (14 working days), since 2 November 2026',
      'Charlie Trust: 2 days without comment (0 working days), since 20 November 2026',
    ]);

    expect(words(doc.querySelector('h2#drafts'))).toBe('Drafts waiting to be published (2)');
    const drafts = [...doc.querySelectorAll('ul.drafts > li')];
    expect(drafts.map((d) => words(d.querySelector('p')))).toEqual([
      'Milestone: campaign-wide, 21 November 2026, logged by factory. Day of action',
      'Approach: Delta Trust, 20 November 2026, logged by factory. Chasing again',
    ]);
    expect(drafts[0]!.querySelector('form')).toBeNull();
    expect(words(drafts[0]!.querySelector('.hint'))).toBe('Needs a source before it can be published.');
    expect(drafts[0]!.querySelector(`a[href="/admin/events/${withoutSource}/edit"]`)).not.toBeNull();
    expect(drafts[1]!.querySelector(`form[action="/admin/events/${withSource}/publish"] button`)).not.toBeNull();
  });

  it('says so when nothing is waiting', async () => {
    const t = await fresh();
    institution(t.app.tracker.db);
    const { client } = await as(t);
    const doc = await page(client, '/admin');
    expect(words(doc.querySelector('h2#awaiting + p'))).toBe('No approach is waiting for a reply.');
    expect(words(doc.querySelector('h2#silent + p'))).toBe('No institution is waiting to comment.');
    expect(words(doc.querySelector('h2#drafts + p'))).toBe('No drafts.');
  });
});

describe('what each action says on the page the campaigner lands on', () => {
  interface Scene {
    t: TestApp;
    client: Client;
    body: MadeInstitution;
    draft: number;
    draftWithoutSource: number;
    published: number;
    deleted: number;
    other: Person;
  }
  const token = (s: Scene, url = '/admin') => s.client.csrf(url);
  it.each<[string, (s: Scene) => Promise<{ location: string; message: string; res: { statusCode: number; headers: Record<string, unknown> } }>]>([
    ['logging a draft approach', async (s) => ({ res: await logEvent(s.client, approach(s.body, { status: 'draft' })), location: '/admin', message: 'The approach was saved as a draft.' })],
    ['logging a draft milestone', async (s) => ({ res: await logEvent(s.client, { type: 'milestone', institution: '', date: '2021-06-01', summary: 'A day of action', status: 'draft' }), location: '/admin', message: 'The milestone was saved as a draft.' })],
    [
      'publishing an approach from the form',
      async (s) => {
        const res = await logEvent(s.client, approach(s.body));
        return { res, location: `/events/${idIn(res.headers.location)}`, message: 'The approach was published.' };
      },
    ],
    [
      'publishing a response from the form',
      async (s) => {
        const res = await logEvent(s.client, { type: 'response', institution: s.body.slug, date: '2021-06-02', response_type: 'holding_reply', summary: 'They will reply', source_title: 'Email', status: 'published' });
        return { res, location: `/events/${idIn(res.headers.location)}`, message: 'The response was published.' };
      },
    ],
    ['saving a draft', async (s) => ({ res: await s.client.post(`/admin/events/${s.draft}`, { ...approach(s.body, { status: 'draft' }), _csrf: await token(s, `/admin/events/${s.draft}/edit`) }), location: '/admin', message: 'The event was saved.' })],
    ['publishing a draft from its form', async (s) => ({ res: await s.client.post(`/admin/events/${s.draft}`, { ...approach(s.body), _csrf: await token(s, `/admin/events/${s.draft}/edit`) }), location: `/events/${s.draft}`, message: 'The event was saved.' })],
    [
      'correcting a published event',
      async (s) => ({
        res: await s.client.post(`/admin/events/${s.published}`, { ...approach(s.body), correction_note: 'The date was wrong.', _csrf: await token(s, `/admin/events/${s.published}/edit`) }),
        location: `/events/${s.published}`,
        message: 'The event was corrected; the note is shown on its page.',
      }),
    ],
    ['deleting an event', async (s) => ({ res: await s.client.post(`/admin/events/${s.published}/delete`, { note: 'Logged twice by mistake', _csrf: await token(s) }), location: '/admin', message: `Event ${s.published} was deleted. It can be restored from the audit log.` })],
    ['restoring an event', async (s) => ({ res: await s.client.post(`/admin/events/${s.deleted}/restore`, { _csrf: await token(s, '/admin/audit') }), location: '/admin', message: `Event ${s.deleted} was restored.` })],
    ['publishing a draft from the queue', async (s) => ({ res: await s.client.post(`/admin/events/${s.draft}/publish`, { _csrf: await token(s) }), location: '/admin', message: 'Published.' })],
    [
      'publishing a draft without a source',
      async (s) => ({ res: await s.client.post(`/admin/events/${s.draftWithoutSource}/publish`, { _csrf: await token(s) }), location: '/admin', message: 'An event cannot be published without at least one source. Edit it to add one.' }),
    ],
    [
      'logging a batch of approaches',
      async (s) => ({
        res: await s.client.post('/admin/contacts/batch', { ...approach(s.body), institutions: s.body.slug, select_kind: 'police_force', _csrf: await token(s, '/admin/contacts/batch') }),
        location: '/admin',
        message: 'Logged 2 approaches and published them.',
      }),
    ],
    [
      'logging a batch of one, as a draft',
      async (s) => ({ res: await s.client.post('/admin/contacts/batch', { ...approach(s.body, { status: 'draft' }), institutions: s.body.slug, _csrf: await token(s, '/admin/contacts/batch') }), location: '/admin', message: 'Logged 1 approach as drafts.' }),
    ],
    [
      'adding a user',
      async (s) => ({
        res: await s.client.post('/admin/users', { name: 'Nia New', email: 'nia@example.org', role: 'editor', password: PASSWORD, _csrf: await token(s, '/admin/users') }),
        location: '/admin/users',
        message: 'Nia New can now sign in as editor.',
      }),
    ],
    ['deactivating a user', async (s) => ({ res: await s.client.post(`/admin/users/${s.other.id}/active`, { active: 'false', _csrf: await token(s, '/admin/users') }), location: '/admin/users', message: 'The user was deactivated and signed out everywhere.' })],
    [
      'reactivating a user',
      async (s) => {
        setUserActive(s.t.app.tracker.db, s.other.id, false, system, Date.now());
        return { res: await s.client.post(`/admin/users/${s.other.id}/active`, { active: 'true', _csrf: await token(s, '/admin/users') }), location: '/admin/users', message: 'The user can sign in again.' };
      },
    ],
    [
      'changing one’s password',
      async (s) => ({
        res: await s.client.post('/admin/password', { current: PASSWORD, password: 'a new long password', confirm: 'a new long password', _csrf: await token(s, '/admin/password') }),
        location: '/admin/password',
        message: 'Your password was changed. Any other browser signed in to your account was signed out.',
      }),
    ],
  ])('%s', async (_name, act) => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    institution(db, { name: 'Felpersham Police', kind: 'police_force' });
    const scene: Scene = {
      t,
      body,
      draft: contact(db, body, { date: '2021-05-01', status: 'draft' }),
      draftWithoutSource: contact(db, body, { date: '2021-05-02', status: 'draft', source: null }),
      published: contact(db, body, { date: '2021-05-03' }),
      deleted: contact(db, body, { date: '2021-05-04' }),
      other: await person(t, 'editor', 'Other Editor'),
      client: (await as(t, 'admin', 'Ada Admin')).client,
    };
    setEventDeleted(db, scene.deleted, true, 'Logged by mistake', system, Date.now());
    const { res, location, message } = await act(scene);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(location);
    const landing = await page(scene.client, location);
    expect(notice(landing)).toBe(message);
    expect(landing.querySelector('main .notice')!.getAttribute('role')).toBe('status');
    // Said once: not again on the next page.
    expect((await page(scene.client, location)).querySelector('main .notice')).toBeNull();
  });
});

describe('editing, correcting, deleting and restoring', () => {
  it('edits a draft without a note', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db);
    const id = contact(t.app.tracker.db, body, { status: 'draft', summary: 'Draft to edit' });
    const { client } = await as(t);
    const form = await page(client, `/admin/events/${id}/edit`);
    expect(words(form.querySelector('h1'))).toBe('Edit this approach');
    expect(shown(form.querySelector('textarea#summary')!)).toBe('Draft to edit');
    expect(form.querySelector('textarea#correction_note')).toBeNull();
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const res = await client.post(`/admin/events/${id}`, { ...approach(body, { summary: 'Draft, edited', status: 'draft' }), _csrf });
    expect(res.statusCode).toBe(303);
    expect(sql(t, 'SELECT summary, status FROM events WHERE id = ?', id)).toEqual({ summary: 'Draft, edited', status: 'draft' });
    // A draft is not public: editing it makes no revision of the public record.
    expect(count(t, 'SELECT count(*) AS n FROM revisions WHERE event_id = ?', id)).toBe(0);
  });

  it('asks for a public correction note to edit a published event, then shows it on the event and on /corrections', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const { client } = await as(t);
    const id = await (async () => {
      const res = await logEvent(client, approach(body, { summary: 'Letter sent on the wrong day' }));
      return idIn(res.headers.location);
    })();
    const form = await page(client, `/admin/events/${id}/edit`);
    expect(form.querySelector('textarea#correction_note')).not.toBeNull();
    let _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const refused = await client.post(`/admin/events/${id}`, { ...approach(body, { summary: 'Letter sent on the wrong day' }), _csrf, date: '2021-06-02' });
    expect(refused.statusCode).toBe(400);
    expect(words(dom(refused.body).querySelector('.error-summary a[href="#correction_note"]'))).toBe('Say, for the public, what was corrected');
    expect(sql(t, 'SELECT occurred_on FROM events WHERE id = ?', id)).toEqual({ occurred_on: '2021-06-01' });

    _csrf = await client.csrf(`/admin/events/${id}/edit`);
    const backToDraft = await client.post(`/admin/events/${id}`, { ...approach(body), _csrf, status: 'draft', correction_note: 'Unpublish it' });
    expect(backToDraft.statusCode).toBe(400);
    expect(words(dom(backToDraft.body).querySelector('#status-error'))).toBe('Error: A published event cannot go back to being a draft; delete it instead');
    expect(status(t, id)).toBe('published');

    _csrf = await client.csrf(`/admin/events/${id}/edit`);
    const ok = await client.post(`/admin/events/${id}`, { ...approach(body, { summary: 'Letter sent on the wrong day' }), _csrf, date: '2021-06-02', correction_note: 'The letter was sent on 2 June, not 1 June.' });
    expect(ok.statusCode).toBe(303);
    // 10 working days after Wednesday 2 June 2021: Wednesday 16 June.
    expect(sql(t, 'SELECT occurred_on, due_on FROM events WHERE id = ?', id)).toEqual({ occurred_on: '2021-06-02', due_on: '2021-06-16' });
    const revision = sql<{ id: number }>(t, "SELECT max(id) AS id FROM revisions WHERE action = 'event.update' AND event_id = ?", id).id;
    const described = 'The approach to Borsetshire Police of 1 June 2021 was corrected: its date from 1 June 2021 to 2 June 2021; its reply due date from 15 June 2021 to 16 June 2021.';
    const eventPage = dom((await get(t, `/events/${id}`)).body);
    const onEvent = eventPage.querySelector('.corrections-notice .change')!;
    expect(words(onEvent.querySelector('.change-heading'))).toBe(`Corrected: revision ${revision}, 12:00 on 22 November 2026`);
    expect(words(onEvent.querySelector('p'))).toBe(`${described} See it`);
    expect(words(onEvent.querySelector('.change-note'))).toBe('Reason given: The letter was sent on 2 June, not 1 June.');
    const list = dom((await get(t, '/corrections')).body);
    const item = list.querySelector('.change')!;
    expect(words(item.querySelector('.change-heading'))).toBe(`Corrected: revision ${revision}, 12:00 on 22 November 2026`);
    expect(words(item.querySelector('.change-note'))).toBe('Reason given: The letter was sent on 2 June, not 1 June.');
    expect(item.querySelector('p a')?.getAttribute('href')).toBe(`/events/${id}`);
    const audit = sql<{ before: string; after: string }>(t, "SELECT before, after FROM audit_log WHERE action = 'event.update' AND entity_id = ?", id);
    expect(JSON.parse(audit.before).date).toBe('2021-06-01');
    expect(JSON.parse(audit.after)).toMatchObject({ date: '2021-06-02', correction: 'The letter was sent on 2 June, not 1 June.' });
  });

  it('deletes by hiding, and restores from the audit log', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db);
    const { client } = await as(t);
    const id = idIn((await logEvent(client, approach(body, { summary: 'To be deleted' }))).headers.location);
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(200);
    const form = await page(client, `/admin/events/${id}/edit`);
    const _csrf = form.querySelector(`form[action="/admin/events/${id}/delete"] input[name="_csrf"]`)!.getAttribute('value')!;
    // A published event's deletion is public: it needs a note.
    const refused = await client.post(`/admin/events/${id}/delete`, { _csrf });
    expect(refused.statusCode).toBe(400);
    expect(words(dom(refused.body).querySelector('#note-error'))).toBe('Error: Say, for the public, why this event is deleted');
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(200);
    const again = await client.csrf(`/admin/events/${id}/edit`);
    expect((await client.post(`/admin/events/${id}/delete`, { note: 'Logged twice by mistake', _csrf: again })).statusCode).toBe(303);
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(404);
    expect((await get(t, '/api/timeline')).json().events).toEqual([]);
    expect((await get(t, `/api/institutions/${body.slug}`)).json().institution.silence).toBeNull();
    expect(sql(t, 'SELECT summary FROM events WHERE id = ?', id)).toEqual({ summary: 'To be deleted' });

    const { client: admin } = await as(t, 'admin');
    const audit = await page(admin, '/admin/audit');
    const restore = audit.querySelector(`form[action="/admin/events/${id}/restore"]`)!;
    expect(words(restore.querySelector('button'))).toBe(`Restore event ${id}`);
    const token = restore.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    expect((await admin.post(`/admin/events/${id}/restore`, { _csrf: token })).statusCode).toBe(303);
    expect((await get(t, `/api/events/${id}`)).statusCode).toBe(200);
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action IN ('event.delete', 'event.restore')", id)).toBe(2);
    // Restored, it is no longer offered for restoring.
    expect((await page(admin, '/admin/audit')).querySelector(`form[action="/admin/events/${id}/restore"]`)).toBeNull();
  });

  it.each<[string, 'GET' | 'POST', string]>([
    ['the edit form of an event that does not exist', 'GET', '/admin/events/MISSING/edit'],
    ['the edit form of a deleted event', 'GET', '/admin/events/DELETED/edit'],
    ['the edit form at an address that is not an id', 'GET', '/admin/events/abc/edit'],
    ['saving an event that does not exist', 'POST', '/admin/events/MISSING'],
    ['saving a deleted event', 'POST', '/admin/events/DELETED'],
    ['deleting an event that does not exist', 'POST', '/admin/events/MISSING/delete'],
    ['deleting an event already deleted', 'POST', '/admin/events/DELETED/delete'],
    ['restoring an event that does not exist', 'POST', '/admin/events/MISSING/restore'],
    ['restoring an event that is not deleted', 'POST', '/admin/events/LIVE/restore'],
    ['publishing an event that does not exist', 'POST', '/admin/events/MISSING/publish'],
    ['publishing a deleted draft', 'POST', '/admin/events/DELETED/publish'],
    ['publishing at an address that is not an id', 'POST', '/admin/events/0/publish'],
  ])('answers 404 to %s, and changes nothing', async (_name, method, template) => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const body = institution(db);
    const live = contact(db, body, { status: 'draft' });
    const deleted = contact(db, body, { status: 'draft' });
    setEventDeleted(db, deleted, true, 'Logged by mistake', system, Date.now());
    const { client } = await as(t);
    const url = template.replace('MISSING', String(deleted + 100)).replace('DELETED', String(deleted)).replace('LIVE', String(live));
    const before = [eventCount(t), auditCount(t), status(t, live), status(t, deleted)];
    const res = method === 'GET' ? await client.get(url) : await client.post(url, { ...approach(body), correction_note: 'Note', _csrf: await client.csrf('/admin') });
    expect(res.statusCode).toBe(404);
    expect(words(dom(res.body).querySelector('main p'))).toMatch(/^There is no such (deleted )?event/);
    expect([eventCount(t), auditCount(t), status(t, live), status(t, deleted)]).toEqual(before);
    expect(sql(t, 'SELECT deleted_at IS NOT NULL AS d FROM events WHERE id = ?', deleted)).toEqual({ d: 1 });
  });
});

describe('changing a password', () => {
  it('needs the current password and a long new one typed twice, and records the change', async () => {
    const t = await fresh();
    const { client, who } = await as(t, 'editor', 'Pat Word');
    const change = async (fields: Record<string, string>) => client.post('/admin/password', { ...fields, _csrf: await client.csrf('/admin/password') });

    const wrong = await change({ current: 'wrong', password: 'a new long password', confirm: 'a new long password' });
    expect(wrong.statusCode).toBe(400);
    expect(words(dom(wrong.body).querySelector('#current-error'))).toBe('Error: Your current password is not right');
    const short = await change({ current: who.password, password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    expect(words(dom(short.body).querySelector('#password-error'))).toMatch(/at least 12 characters/);
    const differ = await change({ current: who.password, password: 'a new long password', confirm: 'another long password' });
    expect(differ.statusCode).toBe(400);
    expect(words(dom(differ.body).querySelector('#confirm-error'))).toBe('Error: The two new passwords differ');
    expect((await new Client(t.app, { remoteAddress: '192.0.2.3' }).signIn(who.email, who.password)).statusCode).toBe(303);

    const ok = await change({ current: who.password, password: 'a new long password', confirm: 'a new long password' });
    expect(ok.statusCode).toBe(303);
    expect((await new Client(t.app).signIn(who.email, 'a new long password')).statusCode).toBe(303);
    expect((await new Client(t.app, { remoteAddress: '192.0.2.4' }).signIn(who.email, who.password)).statusCode).toBe(401);
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'user.password' AND entity_id = ?", who.id)).toBe(1);
  });
});

describe('npm run user:add', () => {
  const run = (args: string[], input: string, databasePath: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/user-add.ts', ...args], {
      cwd: PROJECT_ROOT,
      input,
      env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: databasePath, DATA_DIR: FIXTURE_DATA },
      encoding: 'utf8',
    });

  it('creates a user with the password from standard input, who can then sign in', async () => {
    const t = await fresh();
    const res = run(['--email', 'new@example.org', '--name', 'New Admin', '--role', 'admin'], `${PASSWORD}\n`, t.databasePath);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Created admin new@example.org in ${t.databasePath}`);
    expect(sql(t, 'SELECT name, role, active FROM users WHERE email = ?', 'new@example.org')).toEqual({ name: 'New Admin', role: 'admin', active: 1 });
    expect(sql<{ password_hash: string }>(t, 'SELECT password_hash FROM users WHERE email = ?', 'new@example.org').password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect((await new Client(t.app).signIn('new@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('refuses to create a new database where the server has none, naming the path', async () => {
    const t = await fresh();
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
  ])('refuses %j and saves nothing', async (args, input, message) => {
    const t = await fresh();
    await user(t.app.tracker.db, { email: 'admin@example.org', name: 'Ada Admin', role: 'admin' });
    const before = count(t, 'SELECT count(*) AS n FROM users');
    const res = run(args, `${input}\n`, t.databasePath);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(message);
    expect(count(t, 'SELECT count(*) AS n FROM users')).toBe(before);
    expect(sql(t, "SELECT name, role FROM users WHERE email = 'admin@example.org'")).toEqual({ name: 'Ada Admin', role: 'admin' });
  });
});

describe('users and the audit log (admins)', () => {
  it('adds a user, refusing bad input beside each field', async () => {
    const t = await fresh();
    const { client: admin } = await as(t, 'admin');
    let _csrf = await admin.csrf('/admin/users');
    const bad = await admin.post('/admin/users', { _csrf, name: '', email: 'nope', role: 'owner', password: 'short' });
    expect(bad.statusCode).toBe(400);
    const doc = dom(bad.body);
    for (const field of ['name', 'email', 'role', 'password']) {
      expect(doc.querySelector(`.error-summary a[href="#${field}"]`), field).not.toBeNull();
      expect(doc.querySelector(`#${field}-error`), field).not.toBeNull();
    }
    expect(doc.querySelector('input#email')!.getAttribute('value')).toBe('nope');
    expect(count(t, "SELECT count(*) AS n FROM users WHERE email = 'nope'")).toBe(0);
    _csrf = await admin.csrf('/admin/users');
    expect((await admin.post('/admin/users', { _csrf, name: 'Nia New', email: 'nia@example.org', role: 'editor', password: PASSWORD })).statusCode).toBe(303);
    const list = await page(admin, '/admin/users');
    const row = [...list.querySelectorAll('tbody tr')].find((r) => words(r.querySelector('th')) === 'Nia New')!;
    expect([...row.querySelectorAll('td')].slice(0, 3).map(words)).toEqual(['nia@example.org', 'Editor', 'Active']);
    expect((await new Client(t.app).signIn('nia@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('deactivates a user, ending their sessions at once, and reactivates them', async () => {
    const t = await fresh();
    const temp = await person(t, 'editor', 'Temp');
    const theirs = await signedIn(t, temp);
    const { client: admin } = await as(t, 'admin');
    let _csrf = await admin.csrf('/admin/users');
    expect((await admin.post(`/admin/users/${temp.id}/active`, { _csrf, active: 'false' })).statusCode).toBe(303);
    expect((await theirs.get('/admin')).statusCode).toBe(303);
    expect((await new Client(t.app).signIn(temp.email, temp.password)).statusCode).toBe(401);
    const list = await page(admin, '/admin/users');
    const row = [...list.querySelectorAll('tbody tr')].find((r) => words(r.querySelector('th')) === 'Temp')!;
    expect(words(row.querySelector('[data-label="Status"]'))).toBe('Deactivated');
    expect(words(row.querySelector('button'))).toBe('Reactivate Temp');
    _csrf = await admin.csrf('/admin/users');
    await admin.post(`/admin/users/${temp.id}/active`, { _csrf, active: 'true' });
    expect((await new Client(t.app, { remoteAddress: '192.0.2.5' }).signIn(temp.email, temp.password)).statusCode).toBe(303);
  });

  it('will not let an admin deactivate themselves', async () => {
    const t = await fresh();
    const { client: admin, who } = await as(t, 'admin');
    const res = await admin.post(`/admin/users/${who.id}/active`, { _csrf: await admin.csrf('/admin/users'), active: 'false' });
    expect(res.statusCode).toBe(400);
    expect(sql(t, 'SELECT active FROM users WHERE id = ?', who.id)).toEqual({ active: 1 });
    expect((await admin.get('/admin')).statusCode).toBe(200);
  });

  it('lets no editor manage users', async () => {
    const t = await fresh();
    const { client: editor } = await as(t);
    const _csrf = await editor.csrf('/admin');
    const res = await editor.post('/admin/users', { _csrf, name: 'Sneaky', email: 'sneaky@example.org', role: 'admin', password: PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(count(t, "SELECT count(*) AS n FROM users WHERE email = 'sneaky@example.org'")).toBe(0);
  });

  it('filters the audit log by user, institution and date', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const borsetshire = institution(db, { name: 'Borsetshire Police' });
    const felpersham = institution(db, { name: 'Felpersham Police' });
    const { client: editor, who: eddie } = await as(t, 'editor', 'Eddie Editor');
    const { client: admin } = await as(t, 'admin', 'Ada Admin');
    await logApproachAs(editor, borsetshire);
    await logApproachAs(editor, felpersham);
    await logApproachAs(admin, borsetshire);
    await logApproachAs(admin, felpersham);

    /** Each row of the audit page: who, and the institution in brackets. */
    const rows = async (query: string) => {
      const doc = await page(admin, `/admin/audit${query}`);
      return [...doc.querySelectorAll('ol.audit > li > p')].map((p) => words(p).slice(words(p.querySelector('strong')).length));
    };
    const byEddie = await rows(`?user=${eddie.id}`);
    expect(byEddie).toHaveLength(count(t, 'SELECT count(*) AS n FROM audit_log WHERE user_id = ?', eddie.id));
    expect(byEddie.length).toBeGreaterThanOrEqual(2);
    for (const r of byEddie) expect(r).toMatch(/^: Eddie Editor /);

    const aboutBorsetshire = await rows(`?institution=${borsetshire.slug}`);
    expect(aboutBorsetshire).toHaveLength(2);
    for (const r of aboutBorsetshire) expect(r).toMatch(/ logged event \d+ \(Borsetshire Police\) \(event\.create\)$/);
    expect(aboutBorsetshire.map((r) => r.split(' ')[1])).toEqual(['Ada', 'Eddie']);

    const none = await page(admin, '/admin/audit?to=2020-01-01');
    expect(none.querySelector('ol.audit')).toBeNull();
    expect([...none.querySelectorAll('main > p')].map(words)).toContain('No change matches.');
    // The day the tests' clock is in (22 November 2026, GMT): every change made through the workspace.
    const day = Date.parse('2026-11-22T00:00:00Z');
    const thatDay = await rows('?from=22/11/2026&to=22 November 2026');
    expect(thatDay).toHaveLength(count(t, 'SELECT count(*) AS n FROM audit_log WHERE at >= ? AND at < ?', day, day + 86_400_000));
    expect(thatDay.length).toBeGreaterThanOrEqual(6);
    const bad = await admin.get('/admin/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(dom(bad.body).querySelector('#from-error')).not.toBeNull();
  });

  it('records every kind of change with who, when, and before and after', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    const others = [institution(db, { name: 'Felpersham Police' }), institution(db, { name: 'Loxley Police' })];
    const { client: admin, who: ada } = await as(t, 'admin', 'Ada Admin');
    const from = sql<{ id: number }>(t, 'SELECT max(id) AS id FROM audit_log').id;
    const token = async (url = '/admin') => admin.csrf(url);
    // A draft, published, edited with a correction, deleted, restored.
    await admin.post('/admin/events', { ...approach(body, { status: 'draft', summary: 'Audited event' }), _csrf: await token('/admin/events/new?type=contact') });
    const id = sql<{ id: number }>(t, "SELECT id FROM events WHERE summary = 'Audited event'").id;
    await admin.post(`/admin/events/${id}/publish`, { _csrf: await token() });
    await admin.post(`/admin/events/${id}`, { ...approach(body, { summary: 'Audited event, corrected' }), correction_note: 'Wording', _csrf: await token(`/admin/events/${id}/edit`) });
    await admin.post(`/admin/events/${id}/delete`, { note: 'Logged twice by mistake', _csrf: await token() });
    await admin.post(`/admin/events/${id}/restore`, { _csrf: await token() });
    await admin.post('/admin/contacts/batch', { ...approach(body), institutions: others.map((o) => o.slug), summary: 'Audited batch', _csrf: await token('/admin/contacts/batch') });
    // Users, institutions, the campaign.
    await admin.post('/admin/users', { name: 'Audit Person', email: 'audit@example.org', role: 'editor', password: PASSWORD, _csrf: await token('/admin/users') });
    const userId = sql<{ id: number }>(t, "SELECT id FROM users WHERE email = 'audit@example.org'").id;
    await admin.post(`/admin/users/${userId}/active`, { active: 'false', _csrf: await token('/admin/users') });
    await admin.post(`/admin/users/${userId}/active`, { active: 'true', _csrf: await token('/admin/users') });
    await admin.post('/admin/password', { current: PASSWORD, password: PASSWORD, confirm: PASSWORD, _csrf: await token('/admin/password') });
    await admin.post('/admin/institutions', { name: 'Audited Body', kind: 'other', active: 'true', _csrf: await token('/admin/institutions/new') });
    await admin.post('/admin/institutions/audited-body', { name: 'Audited Body', kind: 'other', active: 'false', _csrf: await token('/admin/institutions/audited-body/edit') });
    const campaign = await page(admin, '/admin/campaign');
    const fields: Record<string, string> = {};
    for (const input of campaign.querySelectorAll('form[action="/admin/campaign"] input[name]')) fields[input.getAttribute('name')!] = input.getAttribute('value') ?? '';
    for (const textarea of campaign.querySelectorAll('form[action="/admin/campaign"] textarea[name]')) fields[textarea.getAttribute('name')!] = shown(textarea);
    expect((await admin.post('/admin/campaign', { ...fields, reply_window_default: '12' })).statusCode).toBe(303);

    const rows = db.$client.prepare('SELECT action, user_id AS userId, actor, at, before, after FROM audit_log WHERE id > ? ORDER BY id').all(from) as {
      action: string; userId: number | null; actor: string; at: number; before: string | null; after: string | null;
    }[];
    expect(rows.map((r) => r.action).filter((a) => a !== 'user.sign_in')).toEqual([
      'event.create', 'event.publish', 'event.update', 'event.delete', 'event.restore', 'event.create', 'event.create',
      'user.create', 'user.deactivate', 'user.reactivate', 'user.password', 'institution.create', 'institution.update', 'campaign.update',
    ]);
    expect(rows.filter((r) => r.action === 'event.create' && r.after?.includes('Audited batch'))).toHaveLength(2);
    for (const r of rows) {
      expect(r.actor).toBe('Ada Admin');
      expect(r.userId).toBe(ada.id);
      expect(r.at).toBe(TEST_NOW);
    }
    for (const action of ['event.update', 'event.publish', 'event.delete', 'event.restore', 'user.deactivate', 'user.reactivate', 'institution.update', 'campaign.update']) {
      const r = rows.find((x) => x.action === action)!;
      expect(r.before, action).not.toBeNull();
      expect(r.after, action).not.toBeNull();
    }
    expect(JSON.parse(rows.find((x) => x.action === 'campaign.update')!.after!).campaign).toMatchObject({ replyWindowDefault: 12 });
  });
});

/** Logs an approach through the form as that client; its id. */
async function logApproachAs(client: Client, body: MadeInstitution): Promise<number> {
  const res = await logEvent(client, approach(body));
  expect(res.statusCode).toBe(303);
  return idIn(res.headers.location);
}
