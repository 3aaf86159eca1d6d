/**
 * Admins manage the directory of institutions and the campaign; editors may not. Each test that
 * writes builds its own app, institutions and users on the fixture campaign.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURE_DATA, institution, user } from '../factories.js';
import { campaignForm, dom, makeApp, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

async function fresh(): Promise<TestApp> {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  onTestFinished(() => t.close());
  return t;
}

/** A client signed in as a new user of that role. */
async function as(t: TestApp, role: 'admin' | 'editor', name?: string): Promise<{ client: Client; id: number }> {
  const made = await user(t.app.tracker.db, { role, ...(name ? { name } : {}) });
  const client = new Client(t.app);
  expect((await client.signIn(made.email, made.password)).statusCode).toBe(303);
  return { client, id: made.id };
}

const sql = <T>(t: TestApp, query: string, ...params: unknown[]) => t.app.tracker.db.$client.prepare(query).get(...params) as T;
const count = (t: TestApp, query: string, ...params: unknown[]) => sql<{ n: number }>(t, query, ...params).n;
const api = async (t: TestApp, url: string) => (await t.app.inject({ method: 'GET', url })).json();
const notice = async (client: Client, url: string) => words(dom((await client.get(url)).body).querySelector('main .notice'));

describe('who may manage the directory and the campaign', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    institution(t.app.tracker.db, { name: 'Borsetshire Police' });
  });
  afterAll(() => t.close());

  it.each([['/admin/institutions'], ['/admin/institutions/new'], ['/admin/institutions/borsetshire-police/edit'], ['/admin/campaign']])(
    '%s: admins yes, editors no, anonymous to sign-in',
    async (url) => {
      expect((await (await as(t, 'admin')).client.get(url)).statusCode).toBe(200);
      expect((await (await as(t, 'editor')).client.get(url)).statusCode).toBe(403);
      const anonymous = await new Client(t.app).get(url);
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    },
  );

  it('answers 404 for the edit form of an institution that does not exist', async () => {
    expect((await (await as(t, 'admin')).client.get('/admin/institutions/no-such-body/edit')).statusCode).toBe(404);
  });
});

describe('institutions', () => {
  it('adds an institution with other names, which the importer then matches, and says so', async () => {
    const t = await fresh();
    const { client: admin } = await as(t, 'admin');
    const _csrf = await admin.csrf('/admin/institutions/new');
    const res = await admin.post('/admin/institutions', {
      _csrf, name: 'Greater Felpersham Integrated Care Partnership', kind: 'other', code: '', region: 'North West', country: 'England',
      aliases: 'GFICP; Felpersham ICP', website: 'https://example.org', active: 'true', successor: '',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/institutions');
    const list = dom((await admin.get('/admin/institutions')).body);
    expect(words(list.querySelector('main .notice'))).toBe('Greater Felpersham Integrated Care Partnership was added to the directory.');
    expect([...list.querySelectorAll('tbody th')].map(words)).toEqual(['Greater Felpersham Integrated Care Partnership']);
    // Shown once.
    expect(await notice(admin, '/admin/institutions')).toBe('');

    const found = await api(t, '/api/institutions/greater-felpersham-integrated-care-partnership');
    expect(found.institution).toMatchObject({ name: 'Greater Felpersham Integrated Care Partnership', kind: 'other', region: 'North West', aliases: ['GFICP', 'Felpersham ICP'] });
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'institution.create'")).toBe(1);

    // An events spreadsheet may name it by one of its other names, in any case.
    const preview = await admin.upload('/admin/spreadsheets/preview', { _csrf: await admin.csrf('/admin/spreadsheets'), kind: 'events' }, {
      field: 'file', name: 'events.csv', content: 'institution,date,type,channel,summary,status\nfelpersham icp,2021-06-01,contact,email,Asked to close the scheme,draft\n',
    });
    expect(preview.statusCode).toBe(200);
    expect(words(dom(preview.body).querySelector('#preview ~ .table-scroll tbody th'))).toBe('Greater Felpersham Integrated Care Partnership');
  });

  it('closes a trust with a successor, keeping its address, and says so', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const closing = institution(db, { name: 'Borsetshire Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RXX', region: 'South East', aliases: ['BPT'] });
    const successor = institution(db, { name: 'Felpersham Partnership NHS Foundation Trust', kind: 'mental_health_trust', region: 'South East' });
    const { client: admin } = await as(t, 'admin');
    const form = dom((await admin.get(`/admin/institutions/${closing.slug}/edit`)).body);
    expect(form.querySelector('input#name')!.getAttribute('value')).toBe('Borsetshire Partnership NHS Foundation Trust');
    const _csrf = form.querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const res = await admin.post(`/admin/institutions/${closing.slug}`, {
      _csrf, name: 'Borsetshire Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RXX', region: 'South East',
      country: 'England', aliases: 'BPT', website: '', active: 'false', successor: successor.slug,
    });
    expect(res.statusCode).toBe(303);
    expect(await notice(admin, '/admin/institutions')).toBe('Borsetshire Partnership NHS Foundation Trust was saved.');
    const found = await api(t, `/api/institutions/${closing.slug}`);
    expect(found.institution).toMatchObject({ slug: closing.slug, active: false, code: 'RXX', aliases: ['BPT'] });
    expect((await t.app.inject({ method: 'GET', url: `/institutions/${closing.slug}` })).statusCode).toBe(200);
    expect(sql(t, 'SELECT successor_id AS s FROM institutions WHERE id = ?', closing.id)).toEqual({ s: successor.id });
    const audit = sql<{ before: string; after: string }>(t, "SELECT before, after FROM audit_log WHERE action = 'institution.update' AND entity_id = ?", closing.id);
    expect(JSON.parse(audit.before)).toMatchObject({ active: true, aliases: ['BPT'] });
    expect(JSON.parse(audit.after)).toMatchObject({ active: false, successorId: successor.id });
  });

  it.each<[Record<string, string>, string, string]>([
    [{ name: '' }, 'name', 'Enter the institution’s name'],
    [{ name: 'Borsetshire Police' }, 'name', 'Another institution is already called “Borsetshire Police”'],
    [{ kind: 'charity' }, 'kind', '“charity” is not a kind (nhs_england, mental_health_trust, police_force, icb, other)'],
    [{ code: 'RXY' }, 'code', 'Another institution already has the code “RXY”'],
    [{ website: 'ftp://x' }, 'website', 'Enter a web address starting http:// or https://'],
    [{ successor: 'felpersham-police' }, 'successor', 'Only a closed institution has a successor'],
    [{ successor: 'no-such-body', active: 'false' }, 'successor', 'Choose another institution from the list'],
  ])('refuses %j with a message beside the field and saves nothing', async (change, field, message) => {
    const t = await fresh();
    institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    institution(t.app.tracker.db, { name: 'Felpersham Police', code: 'RXY' });
    const { client: admin } = await as(t, 'admin');
    const _csrf = await admin.csrf('/admin/institutions/new');
    const res = await admin.post('/admin/institutions', { _csrf, name: 'A New Body', kind: 'other', active: 'true', ...change });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.title).toMatch(/^Error: Add an institution/);
    expect(words(doc.querySelector(`.error-summary a[href="#${field}"]`))).toBe(message);
    expect(words(doc.querySelector(`#${field}-error`))).toBe(`Error: ${message}`);
    expect(count(t, 'SELECT count(*) AS n FROM institutions')).toBe(2);
  });
});

describe('the campaign', () => {
  const form = campaignForm;

  it('edits the text and reply windows, and adds an ask that the public pages, the forms and the importer then know', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const { client: admin } = await as(t, 'admin');
    const fields = await form(admin);
    expect(fields).toMatchObject({ title: 'Fixture campaign: who will close the scheme?', reply_window_default: '10', reply_window_foi: '20' });
    const res = await admin.post('/admin/campaign', {
      ...fields, title: 'Fixture tracker, renamed', reply_window_default: '15',
      new_ask_slug: 'publish-data', new_ask_title: 'Publish the data', new_ask_description: 'Publish how many people the scheme holds.',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/campaign');
    expect(await notice(admin, '/admin/campaign')).toBe('The campaign was saved.');

    const campaign = await api(t, '/api/campaign');
    expect(campaign.title).toBe('Fixture tracker, renamed');
    expect(campaign.asks.map((a: { slug: string }) => a.slug)).toEqual(['halt', 'review', 'publish-data']);
    const home = dom((await t.app.inject({ method: 'GET', url: '/' })).body);
    expect(words(home.querySelector('h1'))).toBe('Fixture tracker, renamed');
    expect([...home.querySelectorAll('ol.asks li strong')].map(words)).toEqual(['Close the scheme.', 'Independent review.', 'Publish the data.']);
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'campaign.update'")).toBe(1);

    // The response form asks for a stance on the new ask.
    const responseForm = dom((await admin.get('/admin/events/new?type=response')).body);
    expect(words(responseForm.querySelector('label[for="publish-data"]'))).toBe('Publish the data');
    // A new approach is due 15 working days later: 6 May 2021 + 15 working days (no bank holiday) is 27 May 2021.
    const logged = await admin.post('/admin/events', {
      _csrf: await admin.csrf('/admin/events/new?type=contact'), type: 'contact', institution: body.slug, date: '2021-05-06', channel: 'email', summary: 'Asked to publish', status: 'draft',
    });
    expect(logged.statusCode).toBe(303);
    expect(sql(t, "SELECT due_on AS d FROM events WHERE summary = 'Asked to publish'")).toEqual({ d: '2021-05-27' });
    // The importer takes a column for the new ask.
    const preview = await admin.upload('/admin/spreadsheets/preview', { _csrf: await admin.csrf('/admin/spreadsheets'), kind: 'events' }, {
      field: 'file', name: 'events.csv', content: `institution,date,type,response_type,summary,status,publish-data\n${body.slug},2021-05-07,response,statement,Will publish,draft,committed\n`,
    });
    expect(preview.statusCode).toBe(200);
  });

  it.each<[Record<string, string>, string]>([
    [{ title: '' }, 'title'],
    [{ reply_window_default: '0' }, 'reply_window_default'],
    [{ reply_window_foi: '10' }, 'reply_window_foi'],
    [{ new_ask_slug: 'summary', new_ask_title: 'x', new_ask_description: 'y' }, 'new_ask_slug'],
    [{ new_ask_slug: 'review', new_ask_title: 'x', new_ask_description: 'y' }, 'new_ask_slug'],
    [{ new_ask_slug: 'Bad Slug', new_ask_title: 'x', new_ask_description: 'y' }, 'new_ask_slug'],
    [{ new_ask_slug: 'fine', new_ask_title: '', new_ask_description: 'y' }, 'new_ask_title'],
  ])('refuses %j beside the field and saves nothing', async (change, field) => {
    const t = await fresh();
    const { client: admin } = await as(t, 'admin');
    const fields = await form(admin);
    const before = await api(t, '/api/campaign');
    const res = await admin.post('/admin/campaign', { ...fields, ...change });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.querySelector(`.error-summary a[href="#${field}"]`)).not.toBeNull();
    expect(doc.querySelector(`#${field}-error`)).not.toBeNull();
    // The form keeps what was typed.
    const [name, value] = Object.entries(change)[0]!;
    expect(doc.querySelector(`input[name="${name}"]`)!.getAttribute('value')).toBe(value);
    expect({ ...(await api(t, '/api/campaign')), asOf: null }).toEqual({ ...before, asOf: null });
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action = 'campaign.update'")).toBe(0);
  });
});

describe('no editor may change what only admins manage', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['add an institution', '/admin/institutions', { name: 'Editor Body', kind: 'other', active: 'true' }, "SELECT count(*) AS n FROM institutions WHERE name = 'Editor Body'"],
    ['rename an institution', '/admin/institutions/borsetshire-police', { name: 'Borsetshire Police Renamed', kind: 'police_force', active: 'true' }, "SELECT count(*) AS n FROM institutions WHERE name = 'Borsetshire Police Renamed'"],
    ['change the campaign', '/admin/campaign', { title: 'Hijacked', summary: 'x', reply_window_default: '10', reply_window_foi: '20' }, "SELECT count(*) AS n FROM campaign WHERE title = 'Hijacked'"],
    ['add a user', '/admin/users', { name: 'Sneaky', email: 'sneaky@example.org', role: 'admin', password: 'correct horse battery staple' }, "SELECT count(*) AS n FROM users WHERE email = 'sneaky@example.org'"],
    ['deactivate the admin', '/admin/users/ADMIN/active', { active: 'false' }, 'SELECT count(*) AS n FROM users WHERE active = 0'],
  ])('%s: POST %s as an editor is refused (403) and changes nothing', async (_name, url, fields, check) => {
    const t = await fresh();
    institution(t.app.tracker.db, { name: 'Borsetshire Police', kind: 'police_force' });
    const admin = await user(t.app.tracker.db, { role: 'admin' });
    const { client: editor } = await as(t, 'editor');
    const _csrf = await editor.csrf('/admin');
    const res = await editor.post(url.replace('ADMIN', String(admin.id)), { _csrf, ...fields });
    expect(res.statusCode).toBe(403);
    expect(count(t, check)).toBe(0);
    expect(count(t, "SELECT count(*) AS n FROM audit_log WHERE action NOT IN ('user.create', 'user.sign_in')")).toBe(0);
  });
});
