import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/records/users.js';
import { makeApp, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

let t: TestApp;
const PASSWORD = 'correct horse battery staple';
beforeAll(async () => {
  t = await makeApp();
  const system = { userId: null, name: 'test' };
  await createUser(t.app.tracker.db, { email: 'admin@example.org', name: 'Ada Admin', role: 'admin', password: PASSWORD }, system, Date.now());
  await createUser(t.app.tracker.db, { email: 'editor@example.org', name: 'Eddie Editor', role: 'editor', password: PASSWORD }, system, Date.now());
});
afterAll(async () => t.close());

const sql = <T>(query: string, ...params: unknown[]) => t.app.tracker.db.$client.prepare(query).get(...params) as T;
async function as(email: string) {
  const client = new Client(t.app);
  expect((await client.signIn(email, PASSWORD)).statusCode).toBe(303);
  return client;
}

describe('who may manage the directory and the campaign', () => {
  it.each([
    ['/admin/institutions'], ['/admin/institutions/new'], ['/admin/institutions/surrey-police/edit'], ['/admin/campaign'],
  ])('%s: admins yes, editors no, anonymous to sign-in', async (url) => {
    expect((await (await as('admin@example.org')).get(url)).statusCode).toBe(200);
    expect((await (await as('editor@example.org')).get(url)).statusCode).toBe(403);
    expect((await new Client(t.app).get(url)).statusCode).toBe(303);
  });
});

describe('institutions', () => {
  it('adds an institution with other names, which the importer then matches', async () => {
    const admin = await as('admin@example.org');
    const _csrf = await admin.csrf('/admin/institutions/new');
    const res = await admin.post('/admin/institutions', {
      _csrf, name: 'Greater Manchester Integrated Care Partnership', kind: 'other', code: '', region: 'North West', country: 'England',
      aliases: 'GMICP; Manchester ICP', website: 'https://example.org', active: 'true', successor: '',
    });
    expect(res.statusCode).toBe(303);
    const api = (await t.app.inject({ method: 'GET', url: '/api/institutions/greater-manchester-integrated-care-partnership' })).json();
    expect(api.institution).toMatchObject({ kind: 'other', region: 'North West', aliases: ['GMICP', 'Manchester ICP'] });
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'institution.create'").n).toBe(1);
  });

  it('closes a trust with a successor, keeping its address', async () => {
    const admin = await as('admin@example.org');
    const _csrf = await admin.csrf('/admin/institutions/surrey-and-borders-partnership-nhs-foundation-trust/edit');
    const res = await admin.post('/admin/institutions/surrey-and-borders-partnership-nhs-foundation-trust', {
      _csrf, name: 'Surrey and Borders Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RXX', region: 'South East',
      country: 'England', aliases: 'SHIPP', website: '', active: 'false', successor: 'sussex-partnership-nhs-foundation-trust',
    });
    expect(res.statusCode).toBe(303);
    const api = (await t.app.inject({ method: 'GET', url: '/api/institutions/surrey-and-borders-partnership-nhs-foundation-trust' })).json();
    expect(api.institution.active).toBe(false);
    expect(sql<{ before: string; after: string }>("SELECT before, after FROM audit_log WHERE action = 'institution.update'").before).toContain('"active":true');
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'Surrey Police' }, 'name'],
    [{ kind: 'charity' }, 'kind'],
    [{ code: 'RXY' }, 'code'],
    [{ website: 'ftp://x' }, 'website'],
    [{ successor: 'kent-police' }, 'successor'],
  ])('refuses %j with a message beside the field and saves nothing', async (change, field) => {
    const admin = await as('admin@example.org');
    const _csrf = await admin.csrf('/admin/institutions/new');
    const before = sql<{ n: number }>('SELECT count(*) AS n FROM institutions').n;
    const res = await admin.post('/admin/institutions', { _csrf, name: 'A New Body', kind: 'other', active: 'true', ...change });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`href="#${field}"`);
    expect(res.body).toContain(`id="${field}-error"`);
    expect(sql<{ n: number }>('SELECT count(*) AS n FROM institutions').n).toBe(before);
  });
});

describe('the campaign', () => {
  async function form(admin: Client) {
    const page = await admin.get('/admin/campaign');
    const fields: Record<string, string> = {};
    for (const m of page.body.matchAll(/<input id="([^"]+)" name="([^"]+)" type="(?:text|url)" value="([^"]*)"/g)) fields[m[2]!] = m[3]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#39;', "'");
    for (const m of page.body.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] = m[2]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#39;', "'");
    fields._csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    return fields;
  }

  it('edits the text and reply windows, and adds an ask that the public pages and importer then know', async () => {
    const admin = await as('admin@example.org');
    const fields = await form(admin);
    expect(fields.reply_window_default).toBe('10');
    const res = await admin.post('/admin/campaign', { ...fields, title: '#StopSIM tracker', reply_window_default: '15', new_ask_slug: 'publish-data', new_ask_title: 'Publish the data', new_ask_description: 'Publish how many people are under SIM.' });
    expect(res.statusCode).toBe(303);
    const campaign = (await t.app.inject({ method: 'GET', url: '/api/campaign' })).json();
    expect(campaign.title).toBe('#StopSIM tracker');
    expect(campaign.asks.map((a: { slug: string }) => a.slug)).toEqual(['halt', 'review', 'publish-data']);
    expect((await t.app.inject({ method: 'GET', url: '/' })).body).toContain('Publish the data');
    expect(sql<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'campaign.update'").n).toBe(1);
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ reply_window_default: '0' }, 'reply_window_default'],
    [{ reply_window_foi: '10' }, 'reply_window_foi'],
    [{ new_ask_slug: 'summary', new_ask_title: 'x', new_ask_description: 'y' }, 'new_ask_slug'],
    [{ new_ask_slug: 'Bad Slug', new_ask_title: 'x', new_ask_description: 'y' }, 'new_ask_slug'],
    [{ new_ask_slug: 'fine', new_ask_title: '', new_ask_description: 'y' }, 'new_ask_title'],
  ])('refuses %j and saves nothing', async (change, field) => {
    const admin = await as('admin@example.org');
    const fields = await form(admin);
    const before = (await t.app.inject({ method: 'GET', url: '/api/campaign' })).body;
    const res = await admin.post('/admin/campaign', { ...fields, ...change });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`href="#${field}"`);
    expect((await t.app.inject({ method: 'GET', url: '/api/campaign' })).body.replace(/"asOf":"[^"]+"/, '')).toBe(before.replace(/"asOf":"[^"]+"/, ''));
  });
});

describe('no editor may change what only admins manage', () => {
  it.each([
    ['/admin/institutions', { name: 'Editor Body', kind: 'other', active: 'true' }, "SELECT count(*) AS n FROM institutions WHERE name = 'Editor Body'"],
    ['/admin/institutions/kent-police', { name: 'Kent Police Renamed', kind: 'police_force', active: 'true' }, "SELECT count(*) AS n FROM institutions WHERE name = 'Kent Police Renamed'"],
    ['/admin/campaign', { title: 'Hijacked', summary: 'x', reply_window_default: '10', reply_window_foi: '20' }, "SELECT count(*) AS n FROM campaign WHERE title = 'Hijacked'"],
    ['/admin/users', { name: 'Sneaky', email: 'sneaky2@example.org', role: 'admin', password: PASSWORD }, "SELECT count(*) AS n FROM users WHERE email = 'sneaky2@example.org'"],
    ['/admin/users/1/active', { active: 'false' }, 'SELECT count(*) AS n FROM users WHERE id = 1 AND active = 0'],
  ])('POST %s as an editor is refused (403) and changes nothing', async (url, fields, check) => {
    const editor = await as('editor@example.org');
    const _csrf = await editor.csrf('/admin');
    const res = await editor.post(url, { _csrf, ...fields });
    expect(res.statusCode).toBe(403);
    expect(sql<{ n: number }>(check).n).toBe(0);
  });
});
