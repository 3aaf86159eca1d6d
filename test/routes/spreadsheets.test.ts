/**
 * Spreadsheets in and out of the workspace: an upload is checked and previewed, written only
 * when confirmed; every event and institution downloads in the import columns and imports back
 * unchanged; an edited download uploaded again updates what it changes (a published event with
 * its correction note) instead of adding it twice, and adds its new rows, warning of those that
 * look like events already recorded. Each test builds its own app, institutions and users on the
 * fixture campaign.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'csv-parse/sync';
import { setEventDeleted } from '../../src/records/log-events.js';
import { contact, FIXTURE_DATA, institution, milestone, response, user, type MadeInstitution } from '../factories.js';
import { csvFile, csvRecords, dom, makeApp, withoutColumns, words, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';
/** The workspace's download: the import columns with the event's id and its institution's name before, an empty correction note after. */
const DOWNLOAD_HEADER = 'id,institution,institution_name,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review,correction_note';
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
    expect(words(doc.querySelector('#preview + p'))).toBe('All 2 rows can be imported: 0 to update, 2 to add, 0 unchanged. Nothing has been written yet.');
    const rows = [...doc.querySelectorAll('#preview ~ .table-scroll tbody tr')];
    expect(rows.map((r) => words(r.querySelector('th')))).toEqual(['Borsetshire Police', 'Borsetshire Police']);
    expect(rows.map((r) => words(r.querySelector('[data-label="Summary"]')))).toEqual(['Uploaded one', 'Uploaded two']);
    expect(rows.map((r) => words(r.querySelector('[data-label="Change"]')))).toEqual(['Add', 'Add']);
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
  it('exports every event (drafts included, deleted ones not) and institution in the import columns, and they import again unchanged into another tracker', async () => {
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
    expect(events.body.split('\n')[0]).toBe(DOWNLOAD_HEADER);
    expect(records.map((r) => [r.institution, r.institution_name, r.type, r.status, r.summary, r.correction_note])).toEqual([
      [police.slug, 'Borsetshire Police', 'contact', 'published', 'Asked them to close the scheme', ''],
      [police.slug, 'Borsetshire Police', 'response', 'published', 'Said they would review it', ''],
      [trust.slug, 'Felpersham Partnership NHS Foundation Trust', 'contact', 'draft', '\'=HYPERLINK("https://evil.example") asked for figures', ''],
      ['', '', 'milestone', 'published', 'Campaign-wide day of action', ''],
    ]);
    const ids = (db.$client.prepare('SELECT id FROM events WHERE deleted_at IS NULL ORDER BY occurred_at, id').all() as { id: number }[]).map((e) => String(e.id));
    expect(records.map((r) => r.id)).toEqual(ids);
    expect(records[1]).toMatchObject({ halt: 'refused', review: 'considering', source_url: 'https://police.example.org/letter', quote: 'We will, "in time", review it.\nThen decide.' });
    const institutions = await client.get('/admin/export/institutions.csv');
    expect(institutions.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(institutions.headers['content-disposition']).toBe('attachment; filename="institutions.csv"');
    expect(institutions.body.split('\n')[0]).toBe('slug,name,kind,code,region,country,aliases,website,email,email_public');
    expect((parse(institutions.body, { columns: true }) as Record<string, string>[]).map((r) => [r.slug, r.name, r.code, r.aliases])).toEqual([
      [police.slug, 'Borsetshire Police', 'B01', 'BP; Borsetshire Constabulary'],
      [trust.slug, 'Felpersham Partnership NHS Foundation Trust', 'RF1', ''],
      ['hollerton-council', 'Hollerton Council', '', ''],
    ]);

    // A second installation of the same campaign, with no directory or events yet, takes both files
    // (without the ids and slugs, which name nothing there) through its own workspace and downloads
    // them again unchanged.
    const copy = await fresh();
    const copyClient = await editor(copy);
    for (const [kind, file] of [['institutions', withoutColumns(institutions.body, 'slug')], ['events', withoutColumns(events.body, 'id')]] as const) {
      const preview = await upload(copyClient, kind, `${kind}.csv`, file);
      expect(preview.statusCode, words(dom(preview.body).querySelector('.error-summary'))).toBe(200);
      expect((await confirm(copyClient, preview.body)).statusCode).toBe(303);
    }
    expect(withoutColumns((await copyClient.get('/admin/export/events.csv')).body, 'id')).toBe(withoutColumns(events.body, 'id'));
    expect((await copyClient.get('/admin/export/institutions.csv')).body).toBe(institutions.body);
  });
});

describe('a download edited and uploaded again', () => {
  /** A police force and a trust, a closed council, and their events: two published, a draft, a campaign-wide milestone, a deleted one. */
  function story(t: TestApp) {
    const db = t.app.tracker.db;
    const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'B01', aliases: ['BP'] });
    const trust = institution(db, { name: 'Felpersham Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RF1', region: 'South East' });
    const events = {
      letter: contact(db, police, { date: '2021-04-23', channel: 'letter', summary: 'Asked them to close the scheme', dueOn: '2021-05-10' }),
      reply: response(db, police, { date: '2021-05-04', summary: 'Said they would consider a review', positions: { review: 'considering' } }),
      draft: contact(db, trust, { date: '2021-05-06', channel: 'foi', summary: 'Asked for figures', status: 'draft' }),
      day: milestone(db, null, { date: '2021-06-01', summary: 'Campaign-wide day of action' }),
      deleted: milestone(db, trust, { date: '2021-06-02', summary: 'Deleted milestone' }),
    };
    setEventDeleted(db, events.deleted, true, 'Logged by mistake', { userId: null, name: 'test' }, Date.now());
    return { police, trust, events };
  }

  const sql = <T>(t: TestApp, query: string, ...params: unknown[]) => t.app.tracker.db.$client.prepare(query).get(...params) as T;
  const revisions = (t: TestApp) => count(t, 'revisions');
  /** The words of the preview: the counts line, the warnings, each row's change, and the confirming button. */
  const previewOf = (html: string) => {
    const doc = dom(html);
    return {
      counts: words(doc.querySelector('#import-counts')),
      warnings: [...doc.querySelectorAll('.warning-summary li')].map(words),
      changes: [...doc.querySelectorAll('#preview ~ .table-scroll tbody tr')].map((r) => `${words(r.querySelector('[data-label="Line"]'))}: ${words(r.querySelector('[data-label="Change"]'))}`),
      button: words(doc.querySelector('form[action="/admin/spreadsheets/confirm"] button')) || null,
      problems: [...doc.querySelectorAll('.error-summary li')].map(words),
    };
  };

  it('changes nothing when uploaded as it was downloaded, and says there is nothing to import', async () => {
    const t = await fresh();
    story(t);
    const client = await editor(t);
    const download = (await client.get('/admin/export/events.csv')).body;
    const before = [count(t), revisions(t), count(t, 'audit_log')];
    const res = await upload(client, 'events', 'events.csv', download);
    expect(res.statusCode).toBe(200);
    const shown = previewOf(res.body);
    expect(shown.counts).toBe('All 4 rows can be imported: 0 to update, 0 to add, 4 unchanged. Nothing has been written yet.');
    expect(words(dom(res.body).querySelector('#import-counts + p'))).toBe('Every row matches the tracker already: there is nothing to import.');
    expect(shown.button).toBeNull();
    // Nothing waits to be confirmed.
    expect((await client.post('/admin/spreadsheets/confirm', { _csrf: await client.csrf('/admin/spreadsheets') })).statusCode).toBe(400);
    expect([count(t), revisions(t), count(t, 'audit_log')]).toEqual(before);
  });

  it('updates the rows it changes (a published one with its correction note, a draft), adds the new one, leaves the rest, and shows the correction', async () => {
    const t = await fresh();
    const { police, events } = story(t);
    const client = await editor(t, 'Eddie Editor');
    const { header, rows } = csvRecords((await client.get('/admin/export/events.csv')).body);
    const byId = (id: number) => rows.find((r) => r.id === String(id))!;
    Object.assign(byId(events.reply), { summary: 'Said they would commission a review', review: 'committed', correction_note: 'Their letter promised a review; it did not only consider one.' });
    Object.assign(byId(events.draft), { summary: 'Asked for figures on the scheme' });
    rows.push({ institution: police.slug, date: '2021-06-10', type: 'response', response_type: 'no_comment', summary: 'Declined to say more', source_title: 'Their email', status: 'published' });
    const before = {
      events: count(t),
      revisions: revisions(t),
      untouched: sql(t, 'SELECT id, updated_at, summary FROM events WHERE id IN (?, ?) ORDER BY id', events.letter, events.day),
      letter: sql(t, 'SELECT * FROM events WHERE id = ?', events.letter),
      day: sql(t, 'SELECT * FROM events WHERE id = ?', events.day),
    };

    const preview = await upload(client, 'events', 'edited.csv', csvFile(header, rows));
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200);
    expect(previewOf(preview.body)).toEqual({
      counts: 'All 5 rows can be imported: 2 to update, 1 to add, 2 unchanged. Nothing has been written yet.',
      warnings: [],
      changes: [
        `3: Update event ${events.reply}: summary, review. Correction note: “Their letter promised a review; it did not only consider one.”`,
        `4: Update event ${events.draft}: summary`,
        '6: Add',
      ],
      button: 'Update 2 events and add 1',
      problems: [],
    });
    expect(words(dom(preview.body).querySelector('#preview-caption'))).toBe('The rows to update or add (unchanged rows are not listed)');
    expect([count(t), revisions(t)]).toEqual([before.events, before.revisions]);

    const confirmed = await confirm(client, preview.body);
    expect(confirmed.headers.location).toBe('/admin');
    expect(await notice(client, '/admin')).toBe('Updated 2 events and added 1 event. 2 rows were unchanged.');
    // One event more, not four: the rows with ids updated their events.
    expect(count(t)).toBe(before.events + 1);
    expect(sql(t, 'SELECT summary, status FROM events WHERE id = ?', events.reply)).toEqual({ summary: 'Said they would commission a review', status: 'published' });
    expect(t.app.tracker.db.$client.prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = ?').all(events.reply)).toEqual([{ slug: 'review', stance: 'committed' }]);
    expect(sql(t, 'SELECT summary, status FROM events WHERE id = ?', events.draft)).toEqual({ summary: 'Asked for figures on the scheme', status: 'draft' });
    // The rows left alone were not written at all.
    expect(sql(t, 'SELECT * FROM events WHERE id = ?', events.letter)).toEqual(before.letter);
    expect(sql(t, 'SELECT * FROM events WHERE id = ?', events.day)).toEqual(before.day);
    // Two revisions: the correction with its note, and the file's addition. The draft is not public.
    const made = t.app.tracker.db.$client.prepare('SELECT action, note, event_id AS eventId, actor FROM revisions WHERE id > ? ORDER BY id').all(before.revisions);
    expect(made).toEqual(expect.arrayContaining([
      { action: 'event.update', note: 'Their letter promised a review; it did not only consider one.', eventId: events.reply, actor: 'Eddie Editor' },
      { action: 'event.import', note: null, eventId: null, actor: 'Eddie Editor' },
    ]));
    expect(made).toHaveLength(2);
    const audit = t.app.tracker.db.$client.prepare("SELECT action, entity_id AS id FROM audit_log WHERE actor = 'Eddie Editor' AND action LIKE 'event.%' ORDER BY id").all();
    expect(audit).toEqual([
      { action: 'event.update', id: events.reply },
      { action: 'event.update', id: events.draft },
      { action: 'event.import', id: expect.any(Number) },
    ]);

    // The correction is public, with its note, on the event's page and on /corrections.
    const corrections = dom((await t.app.inject({ method: 'GET', url: '/corrections' })).body);
    const change = [...corrections.querySelectorAll('.change')].find((c) => c.querySelector(`p a[href="/events/${events.reply}"]`));
    expect(words(change?.querySelector('.change-heading'))).toMatch(/^Corrected: revision \d+/);
    expect(words(change?.querySelector('.change-note'))).toBe('Reason given: Their letter promised a review; it did not only consider one.');
    const eventPage = dom((await t.app.inject({ method: 'GET', url: `/events/${events.reply}` })).body);
    expect(words(eventPage.querySelector('.corrections-notice .change-note'))).toBe('Reason given: Their letter promised a review; it did not only consider one.');

    // Downloaded again: five rows, each once, and uploading that changes nothing.
    const again = (await client.get('/admin/export/events.csv')).body;
    expect(csvRecords(again).rows.map((r) => r.summary)).toEqual([
      'Asked them to close the scheme', 'Said they would commission a review', 'Asked for figures on the scheme', 'Campaign-wide day of action', 'Declined to say more',
    ]);
    expect(previewOf((await upload(client, 'events', 'again.csv', again)).body).counts).toBe('All 5 rows can be imported: 0 to update, 0 to add, 5 unchanged. Nothing has been written yet.');
  });

  it('refuses the whole file, naming each row, for a changed published event without a note, an unknown id, a deleted event, an id twice or a changed type', async () => {
    const t = await fresh();
    const { events } = story(t);
    const client = await editor(t);
    const { header, rows } = csvRecords((await client.get('/admin/export/events.csv')).body);
    const [letter, reply, draft, day] = rows as [Record<string, string>, Record<string, string>, Record<string, string>, Record<string, string>];
    letter.summary = 'Asked them to close the scheme at once';
    draft.summary = 'Asked for figures on the scheme';
    const bad = [
      letter, reply, draft, day,
      { ...day, id: '9999' },
      { ...day, id: String(events.deleted) },
      { ...reply, summary: 'Said they would review it', correction_note: 'A second change' },
      { ...day, id: 'twelve' },
      { ...reply, id: String(events.letter), type: 'response', response_type: 'statement', correction_note: 'Made a reply' },
    ];
    const before = [count(t), revisions(t), count(t, 'audit_log')];
    const res = await upload(client, 'events', 'bad.csv', csvFile(header, bad));
    expect(res.statusCode).toBe(400);
    const shown = previewOf(res.body);
    expect(words(dom(res.body).querySelector('.error-summary h3'))).toBe('Nothing was imported: the file has 6 problems');
    expect(shown.problems).toEqual([
      `line 2, column “correction_note”: event ${events.letter} is published, so changing it (summary) needs a public correction note saying what was corrected`,
      'line 6, column “id”: no event has the id 9999; leave it empty to add the row as a new event',
      `line 7, column “id”: event ${events.deleted} was deleted; restore it first, or leave the id empty to add the row as a new event`,
      `line 8, column “id”: event ${events.reply} is on line 3 too; a file can change an event only once`,
      'line 9, column “id”: “twelve” is not an event’s id (a whole number); leave it empty to add the row as a new event',
      `line 10, column “id”: event ${events.letter} is on line 2 too; a file can change an event only once`,
    ]);
    expect(shown.button).toBeNull();
    expect([count(t), revisions(t), count(t, 'audit_log')]).toEqual(before);
    // The draft's change, good in itself, was not written either.
    expect(sql(t, 'SELECT summary FROM events WHERE id = ?', events.draft)).toEqual({ summary: 'Asked for figures' });

    // A type that changes, and a published event made a draft again, are refused beside their rows.
    const refused = await upload(client, 'events', 'types.csv', csvFile(header, [{ ...letter, summary: 'Asked them to close the scheme', type: 'milestone', channel: '' }, { ...reply, status: 'draft', correction_note: 'Unpublish' }]));
    expect(previewOf(refused.body).problems).toEqual([
      `line 2, column “type”: event ${events.letter} is a contact; an event’s type cannot change (delete it and add a new event instead)`,
      `line 3, column “status”: event ${events.reply} is published: it cannot go back to being a draft; delete it instead`,
    ]);
  });

  it('warns of an added row that looks like an event already recorded, and of a name that is not the institution’s, then adds it all the same', async () => {
    const t = await fresh();
    const { police, trust, events } = story(t);
    const client = await editor(t);
    const file = [
      DOWNLOAD_HEADER,
      // The letter again, in other case and spacing, with no id.
      `,${police.slug},Borsetshire Police,2021-04-23,,contact,letter,,Fixture Coalition,  asked them to CLOSE   the scheme ,,Letter,,,,published,,,`,
      // Another letter that day: not the same.
      `,${police.slug},,2021-04-23,,contact,email,,Fixture Coalition,Asked them to publish the evidence,,Email,,,,published,,,`,
      // A name beside the slug that is another institution's.
      `,${police.slug},${trust.name},2021-04-24,,contact,email,,Fixture Coalition,Asked again,,Email,,,,published,,,`,
    ].join('\n');
    const res = await upload(client, 'events', 'new.csv', file);
    expect(res.statusCode).toBe(200);
    const shown = previewOf(res.body);
    expect(shown.counts).toBe('All 3 rows can be imported: 0 to update, 3 to add, 0 unchanged. Nothing has been written yet.');
    expect(shown.warnings).toEqual([
      `line 2: looks like event ${events.letter}, already recorded (the same institution, date, type and summary); it will be added all the same: take the row out if it is the same event`,
      `line 4, column “institution_name”: says “${trust.name}” but “institution” names “Borsetshire Police”; the “institution” column counts (the name is only there to read)`,
    ]);
    expect(words(dom(res.body).querySelector('.warning-summary h3'))).toBe('Check these 2 rows before importing');
    expect(shown.changes).toEqual([`2: Add Possible duplicate of event ${events.letter}`, '3: Add', '4: Add']);
    expect(dom(res.body).querySelector('.warning-summary + .table-scroll a[href]')?.getAttribute('href')).toBe(`/admin/events/${events.letter}/edit`);
    const before = count(t);
    await confirm(client, res.body);
    expect(await notice(client, '/admin')).toBe('Imported 3 events.');
    expect(count(t)).toBe(before + 3);
  });

  it('updates institutions by slug, adds those without one, leaves the rest, and keeps a closed one closed', async () => {
    const t = await fresh();
    const db = t.app.tracker.db;
    const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'B01', aliases: ['BP'] });
    const trust = institution(db, { name: 'Felpersham Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RF1', region: 'South East' });
    const closed = institution(db, { name: 'Hollerton Council', active: false });
    const admin = new Client(t.app);
    const made = await user(db, { role: 'admin', name: 'Ada Admin' });
    await admin.signIn(made.email, made.password);
    const { header, rows } = csvRecords((await admin.get('/admin/export/institutions.csv')).body);
    const bySlug = (slug: string) => rows.find((r) => r.slug === slug)!;
    Object.assign(bySlug(police.slug), { aliases: 'BP; Borsetshire Constabulary', website: 'https://police.example.org' });
    Object.assign(bySlug(closed.slug), { name: 'Hollerton District Council' });
    rows.push({ name: 'Loxley Police', kind: 'police_force', code: 'L01', country: 'England' });
    const file = csvFile(header, rows);
    const before = { institutions: count(t, 'institutions'), revisions: revisions(t) };

    // An editor may add institutions but not change those in the directory.
    const editorClient = await editor(t);
    const refused = await upload(editorClient, 'institutions', 'institutions.csv', file);
    expect(refused.statusCode).toBe(400);
    expect(previewOf(refused.body).problems).toEqual([
      `line 2, column “slug”: only an admin can change an institution already in the directory (this row changes aliases, website of “Borsetshire Police”)`,
      `line 4, column “slug”: only an admin can change an institution already in the directory (this row changes name of “Hollerton Council”)`,
    ]);

    const preview = await upload(admin, 'institutions', 'institutions.csv', file);
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200);
    expect(previewOf(preview.body)).toEqual({
      counts: 'All 4 rows can be imported: 2 to update, 1 to add, 1 unchanged. Nothing has been written yet.',
      warnings: [],
      changes: [`2: Update “${police.slug}”: aliases, website`, `4: Update “${closed.slug}”: name`, '5: Add'],
      button: 'Update 2 institutions and add 1',
      problems: [],
    });
    await confirm(admin, preview.body);
    expect(await notice(admin, '/admin')).toBe('Updated 2 institutions and added 1 institution. 1 row was unchanged.');
    expect(count(t, 'institutions')).toBe(before.institutions + 1);
    expect(t.app.tracker.db.$client.prepare('SELECT alias FROM institution_aliases WHERE institution_id = ? ORDER BY id').all(police.id)).toEqual([{ alias: 'BP' }, { alias: 'Borsetshire Constabulary' }]);
    expect(sql(t, 'SELECT slug, name, active, website FROM institutions WHERE id = ?', closed.id)).toEqual({ slug: closed.slug, name: 'Hollerton District Council', active: 0, website: null });
    expect(sql(t, 'SELECT slug, website FROM institutions WHERE id = ?', police.id)).toEqual({ slug: police.slug, website: 'https://police.example.org' });
    expect(sql(t, 'SELECT name FROM institutions WHERE id = ?', trust.id)).toEqual({ name: trust.name });
    // The whole file is one revision of the public record.
    expect(revisions(t)).toBe(before.revisions + 1);
    expect(t.app.tracker.db.$client.prepare("SELECT action, entity_id AS id FROM audit_log WHERE actor = 'Ada Admin' AND action LIKE 'institution.%' ORDER BY id").all()).toEqual([
      { action: 'institution.update', id: police.id },
      { action: 'institution.update', id: closed.id },
      { action: 'institution.import', id: expect.any(Number) },
    ]);

    // An unknown slug is refused; the same file again changes nothing.
    const unknown = await upload(admin, 'institutions', 'unknown.csv', `slug,name,kind\nministry-of-magic,Ministry of Magic,other\n`);
    expect(previewOf(unknown.body).problems).toEqual(['line 2, column “slug”: no institution has the slug “ministry-of-magic”; leave it empty to add the row as a new institution']);
    const again = await upload(admin, 'institutions', 'again.csv', (await admin.get('/admin/export/institutions.csv')).body);
    expect(previewOf(again.body).counts).toBe('All 4 rows can be imported: 0 to update, 0 to add, 4 unchanged. Nothing has been written yet.');
  });
});
