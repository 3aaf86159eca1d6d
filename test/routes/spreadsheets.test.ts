/**
 * Spreadsheets in and out of the workspace: an upload is checked and previewed, written only
 * when confirmed; every event and institution downloads in the import columns and imports back
 * unchanged. Each test builds its own app, institutions and users on the fixture campaign.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'csv-parse/sync';
import { setEventDeleted } from '../../src/records/log-events.js';
import { contact, FIXTURE_DATA, institution, milestone, response, user, type MadeInstitution } from '../factories.js';
import { dom, makeApp, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';
const row = (body: MadeInstitution, summary: string) => `${body.slug},2021-06-01,,contact,letter,,Fixture Coalition,${summary},,Letter,https://example.org/l,Fixture Coalition,2021-06-01,published,,`;

async function fresh(): Promise<TestApp> {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  onTestFinished(() => t.close());
  return t;
}

/** A client signed in as a new editor with that name. */
async function editor(t: TestApp, name = 'Eddie Editor'): Promise<Client> {
  const made = await user(t.app.tracker.db, { name, role: 'editor' });
  const client = new Client(t.app);
  expect((await client.signIn(made.email, made.password)).statusCode).toBe(303);
  return client;
}

const count = (t: TestApp, table = 'events') => (t.app.tracker.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const upload = async (client: Client, kind: string, name: string, content: string | Buffer) =>
  client.upload('/admin/spreadsheets/preview', { _csrf: await client.csrf('/admin/spreadsheets'), kind }, { field: 'file', name, content });
const confirm = async (client: Client, page: string) => {
  const _csrf = dom(page).querySelector('form[action="/admin/spreadsheets/confirm"] input[name="_csrf"]')!.getAttribute('value')!;
  return client.post('/admin/spreadsheets/confirm', { _csrf });
};
const notice = async (client: Client, url: string) => words(dom((await client.get(url)).body).querySelector('main .notice'));

describe('uploading a spreadsheet', () => {
  it('shows every bad row and writes nothing', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const client = await editor(t);
    const res = await upload(client, 'events', 'bad.csv', [
      HEADER,
      row(body, 'fine'),
      row(body, 'bad channel').replace(',letter,', ',pigeon,'),
      row(body, 'bad date').replace('2021-06-01,,', '31/02/2021,,'),
    ].join('\n'));
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    const summary = doc.querySelector('.error-summary')!;
    expect(words(summary.querySelector('h3'))).toBe('Nothing was imported: the file has 2 problems');
    expect([...summary.querySelectorAll('li')].map(words)).toEqual([
      'line 3, column “channel”: “pigeon” is not a channel (email, letter, foi, phone, meeting, social_media, press_enquiry, petition, other)',
      'line 4, column “date”: 31/02/2021 is not a real date',
    ]);
    expect(doc.querySelector('form[action="/admin/spreadsheets/confirm"]')).toBeNull();
    expect(count(t)).toBe(0);
    // Nothing waits to be confirmed either.
    expect((await client.post('/admin/spreadsheets/confirm', { _csrf: await client.csrf('/admin/spreadsheets') })).statusCode).toBe(400);
    expect(count(t)).toBe(0);
  });

  it('previews a good file, writes nothing until confirmed, then imports it with audit rows and says so', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const client = await editor(t, 'Eddie Editor');
    const preview = await upload(client, 'events', 'good.csv', [HEADER, row(body, 'Uploaded one'), row(body, 'Uploaded two')].join('\n'));
    expect(preview.statusCode).toBe(200);
    const doc = dom(preview.body);
    expect(words(doc.querySelector('#preview + p'))).toBe('All 2 rows can be imported. Nothing has been written yet.');
    const rows = [...doc.querySelectorAll('#preview ~ .table-scroll tbody tr')];
    expect(rows.map((r) => words(r.querySelector('th')))).toEqual(['Borsetshire Police', 'Borsetshire Police']);
    expect(rows.map((r) => words(r.querySelector('[data-label="Summary"]')))).toEqual(['Uploaded one', 'Uploaded two']);
    expect(words(doc.querySelector('form[action="/admin/spreadsheets/confirm"] button'))).toBe('Import 2 events');
    expect(count(t)).toBe(0);

    const confirmed = await confirm(client, preview.body);
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/admin');
    expect(await notice(client, '/admin')).toBe('Imported 2 events.');
    expect(count(t)).toBe(2);
    const audit = t.app.tracker.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'event.import' AND actor = 'Eddie Editor'").get() as { n: number };
    expect(audit.n).toBe(2);

    // A second confirm has nothing waiting.
    const again = await client.post('/admin/spreadsheets/confirm', { _csrf: await client.csrf('/admin/spreadsheets') });
    expect(again.statusCode).toBe(400);
    expect(words(dom(again.body).querySelector('#file-error'))).toBe('Error: There is no checked file waiting (files wait an hour); upload it again');
    expect(count(t)).toBe(2);
  });

  it('imports institutions, and says how many', async () => {
    const t = await fresh();
    const client = await editor(t);
    const preview = await upload(client, 'institutions', 'bodies.csv', 'name,kind,code,region,country,aliases,website\nBorsetshire Police,police_force,B01,,England,BP,\nFelpersham Trust,mental_health_trust,F01,South East,England,,\n');
    expect(preview.statusCode).toBe(200);
    expect(words(dom(preview.body).querySelector('form[action="/admin/spreadsheets/confirm"] button'))).toBe('Import 2 institutions');
    expect(count(t, 'institutions')).toBe(0);
    expect((await confirm(client, preview.body)).headers.location).toBe('/admin');
    expect(await notice(client, '/admin')).toBe('Imported 2 institutions.');
    expect(count(t, 'institutions')).toBe(2);
  });

  it('says “1 event”, not “1 events”, after importing one row', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db);
    const client = await editor(t);
    const preview = await upload(client, 'events', 'one.csv', [HEADER, row(body, 'Only one')].join('\n'));
    expect(words(dom(preview.body).querySelector('form[action="/admin/spreadsheets/confirm"] button'))).toBe('Import 1 event');
    await confirm(client, preview.body);
    expect(count(t)).toBe(1);
    expect(await notice(client, '/admin')).toBe('Imported 1 event.');
  });

  it('refuses a file over the size limit with a clear message beside the file field', async () => {
    const t = await fresh();
    const client = await editor(t);
    const res = await upload(client, 'events', 'big.csv', Buffer.alloc(6 * 1024 * 1024, 'a'));
    expect(res.statusCode).toBe(413);
    expect(words(dom(res.body).querySelector('#file-error'))).toBe('Error: The file is too large: upload a CSV of at most 5 MB, or split it into several files.');
    expect(count(t)).toBe(0);
  });

  it('refuses an upload without a file or kind, and without a CSRF token', async () => {
    const t = await fresh();
    const body = institution(t.app.tracker.db);
    const client = await editor(t);
    const res = await upload(client, '', 'empty.csv', '');
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(words(doc.querySelector('.error-summary a[href="#kind"]'))).toBe('Choose what the file holds: events or institutions');
    expect(words(doc.querySelector('.error-summary a[href="#file"]'))).toBe('Choose a CSV file to upload');
    expect(words(doc.querySelector('#kind-error'))).toBe('Error: Choose what the file holds: events or institutions');
    expect(words(doc.querySelector('#file-error'))).toBe('Error: Choose a CSV file to upload');
    const noToken = await client.upload('/admin/spreadsheets/preview', { kind: 'events' }, { field: 'file', name: 'x.csv', content: [HEADER, row(body, 'Sneaked in')].join('\n') });
    expect(noToken.statusCode).toBe(403);
    expect(count(t)).toBe(0);
  });

  it('is only for signed-in campaigners', async () => {
    const t = await fresh();
    const anonymous = new Client(t.app);
    for (const url of ['/admin/spreadsheets', '/admin/export/events.csv', '/admin/export/institutions.csv']) {
      const res = await anonymous.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
  });
});

describe('downloading everything', () => {
  it('exports every event (drafts included, deleted ones not) and institution in the import columns, and they import again unchanged', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'B01', aliases: ['BP', 'Borsetshire Constabulary'], website: 'https://police.example.org' });
    const trust = institution(db, { name: 'Felpersham Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RF1', region: 'South East' });
    institution(db, { name: 'Hollerton Council', active: false, country: 'Wales' });
    contact(db, police, { date: '2021-04-23', time: '09:15', channel: 'letter', from: 'Fixture Coalition', summary: 'Asked them to close the scheme', dueOn: '2021-05-10' });
    response(db, police, {
      date: '2021-05-04', responseType: 'statement', summary: 'Said they would review it', quote: 'We will, "in time", review it.\nThen decide.',
      positions: { review: 'considering', halt: 'refused' }, source: { title: 'Their letter', url: 'https://police.example.org/letter', publisher: 'Borsetshire Police', publishedOn: '2021-05-05' },
    });
    contact(db, trust, { date: '2021-05-06', channel: 'foi', summary: '=HYPERLINK("https://evil.example") asked for figures', source: null, status: 'draft' });
    milestone(db, null, { date: '2021-06-01', summary: 'Campaign-wide day of action' });
    setEventDeleted(db, milestone(db, trust, { date: '2021-06-02', summary: 'Deleted milestone' }), true, 'Logged by mistake', { userId: null, name: 'test' }, Date.now());

    const client = await editor(t);
    const events = await client.get('/admin/export/events.csv');
    expect(events.statusCode).toBe(200);
    expect(events.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(events.headers['content-disposition']).toBe('attachment; filename="events.csv"');
    const records = parse(events.body, { columns: true }) as Record<string, string>[];
    expect(events.body.split('\n')[0]).toBe(HEADER);
    expect(records.map((r) => [r.institution, r.type, r.status, r.summary])).toEqual([
      [police.slug, 'contact', 'published', 'Asked them to close the scheme'],
      [police.slug, 'response', 'published', 'Said they would review it'],
      [trust.slug, 'contact', 'draft', '\'=HYPERLINK("https://evil.example") asked for figures'],
      ['', 'milestone', 'published', 'Campaign-wide day of action'],
    ]);
    expect(records[1]).toMatchObject({ halt: 'refused', review: 'considering', source_url: 'https://police.example.org/letter', quote: 'We will, "in time", review it.\nThen decide.' });
    const institutions = await client.get('/admin/export/institutions.csv');
    expect(institutions.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(institutions.headers['content-disposition']).toBe('attachment; filename="institutions.csv"');
    expect((parse(institutions.body, { columns: true }) as Record<string, string>[]).map((r) => [r.name, r.code, r.aliases])).toEqual([
      ['Borsetshire Police', 'B01', 'BP; Borsetshire Constabulary'],
      ['Felpersham Partnership NHS Foundation Trust', 'RF1', ''],
      ['Hollerton Council', '', ''],
    ]);

    // A second installation of the same campaign, with no directory or events yet, takes both files
    // through its own workspace and downloads them again unchanged.
    const copy = await fresh();
    const copyClient = await editor(copy);
    for (const [kind, file] of [['institutions', institutions.body], ['events', events.body]] as const) {
      const preview = await upload(copyClient, kind, `${kind}.csv`, file);
      expect(preview.statusCode, words(dom(preview.body).querySelector('.error-summary'))).toBe(200);
      expect((await confirm(copyClient, preview.body)).statusCode).toBe(303);
    }
    expect((await copyClient.get('/admin/export/events.csv')).body).toBe(events.body);
    expect((await copyClient.get('/admin/export/institutions.csv')).body).toBe(institutions.body);
  });
});
