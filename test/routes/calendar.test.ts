/**
 * A calendar that never runs out: with the clock past the end of the bank holiday list, every
 * public page still answers, calendar-day figures stay, working-day figures say why they are
 * missing, /healthz says `degraded`, and an admin's upload (or the import command, from another
 * process) of gov.uk's bank-holidays.json brings the working days back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution, response, type MadeInstitution } from '../factories.js';
import { dom, makeApp, signedIn, tempDir, words, type TestApp } from '../helpers.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { Writable } from 'node:stream';
import { instantOf } from '../../src/domain/calendar.js';
import { openDatabase } from '../../src/db/client.js';
import { importHolidays } from '../../src/records/holidays.js';
import type { Client } from '../session.js';

/** The fixture list (2018 to 2027) and the 2028 holidays, as gov.uk publishes them. */
function holidaysJson(extra: { date: string; title: string }[]): string {
  const shipped = fs
    .readFileSync(path.join(FIXTURE_DATA, 'bank_holidays_england_wales.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [date, ...title] = line.split(',');
      return { date: date!, title: title.join(',') };
    });
  const events = [...shipped, ...extra].map((h) => ({ title: h.title, date: h.date, notes: '', bunting: true }));
  return JSON.stringify({
    'england-and-wales': { division: 'england-and-wales', events },
    scotland: { division: 'scotland', events: [{ title: 'St Andrew’s Day', date: '2028-11-30', notes: '', bunting: true }] },
    'northern-ireland': { division: 'northern-ireland', events: [] },
  });
}

const HOLIDAYS_2028 = [
  { date: '2028-01-03', title: 'New Year’s Day' },
  { date: '2028-04-14', title: 'Good Friday' },
  { date: '2028-04-17', title: 'Easter Monday' },
  { date: '2028-05-01', title: 'Early May bank holiday' },
  { date: '2028-05-29', title: 'Spring bank holiday' },
  { date: '2028-08-28', title: 'Summer bank holiday' },
  { date: '2028-12-25', title: 'Christmas Day' },
  { date: '2028-12-26', title: 'Boxing Day' },
];

const PUBLIC_PAGES = (slug: string) => [
  '/',
  '/institutions',
  `/institutions/${slug}`,
  '/timeline',
  '/charts',
  '/about',
  '/changes',
  '/corrections',
  '/api',
  '/embed/scorecard',
  `/embed/institutions/${slug}`,
];

describe('with the clock past the end of the bank holiday list', () => {
  let t: TestApp;
  let trust: MadeInstitution;
  let admin: Client;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2028-02-01', '12:00') });
    const db = t.app.tracker.db;
    trust = institution(db, { name: 'Felpersham Trust', kind: 'mental_health_trust' });
    const answered = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    contact(db, trust, { date: '2027-12-01', summary: 'Asked Felpersham Trust to halt the scheme' });
    contact(db, answered, { date: '2027-11-01' });
    response(db, answered, { date: '2027-11-05' });
    admin = (await signedIn(t, 'admin')).client;
  });
  afterAll(async () => t.close());

  it('answers every public page with 200 and says why working days are missing', async () => {
    for (const url of PUBLIC_PAGES(trust.slug)) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      if (url.startsWith('/embed')) continue;
      expect(words(dom(res.body).querySelector('.calendar-note')), url).toBe(
        'Working-day figures are not available: the bank holiday list ends on 31 December 2027. Figures in calendar days are complete.',
      );
    }
    const page = dom((await get(`/institutions/${trust.slug}`)).body);
    // 1 December 2027 to 1 February 2028: 62 calendar days, counted as ever.
    expect(words(page.querySelector('.figure'))).toBe(
      'Felpersham Trust: 62 days without comment (working days not available: the bank holiday list ends on 31 December 2027)',
    );
    expect(words(dom((await get('/')).body).querySelector('.scorecard'))).toContain('62 days (working days not available: the bank holiday list ends on 31 December 2027)');
  });

  it('gives null working days in the API and an empty cell in the CSV, and says so in every answer', async () => {
    const api = (await get('/api/institutions')).json();
    expect(api.calendar).toEqual({ holidaysUntil: '2027-12-31', workingDaysAvailable: false });
    const silence = api.institutions.find((i: { slug: string }) => i.slug === trust.slug).silence;
    expect(silence).toEqual({ since: '2027-12-01', calendarDays: 62, workingDays: null, unansweredContacts: 1, lastContact: '2027-12-01' });
    const rows = parse((await get('/data/institutions.csv')).body, { columns: true, bom: true }) as Record<string, string>[];
    const row = rows.find((r) => r.slug === trust.slug)!;
    expect(row.calendar_days).toBe('62');
    expect(row.working_days).toBe('');
    // A moment the list covers still has its working days.
    const before = (await get('/api/institutions?as_of=2027-12-31')).json();
    expect(before.calendar).toEqual({ holidaysUntil: '2027-12-31', workingDaysAvailable: true });
    // 1 to 31 December 2027: 22 weekdays after the 1st, less Christmas (27th) and Boxing Day (28th) in lieu.
    expect(before.institutions.find((i: { slug: string }) => i.slug === trust.slug).silence).toMatchObject({ calendarDays: 30, workingDays: 20 });
  });

  it('reports degraded health with the reason, and shows admins a banner', async () => {
    const health = await get('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({
      status: 'degraded',
      reasons: [
        'The bank holiday list ended on 31 December 2027: working-day figures after that date are not available, and reply due dates cannot be worked out. ' +
          'Add the next years’ bank holidays: npm run import -- holidays bank-holidays.json (gov.uk’s file), or upload it at /admin/holidays.',
      ],
      warnings: [],
    });
    const page = dom((await admin.get('/admin')).body);
    expect(words(page.querySelector('.banner'))).toMatch(/^The bank holiday list has run out\. The bank holiday list ended on 31 December 2027/);
    expect(page.querySelector('.banner a[href="/admin/holidays"]')).not.toBeNull();
  });

  it('refuses to log an approach whose reply due date it cannot work out, beside the field, unless a due date is given', async () => {
    const form = await admin.csrf('/admin/events/new?type=contact');
    const fields = { _csrf: form, type: 'contact', institution: trust.slug, date: '2028-01-20', channel: 'email', summary: 'Chased Felpersham Trust', status: 'draft' };
    const refused = await admin.post('/admin/events', fields);
    expect(refused.statusCode).toBe(400);
    expect(words(dom(refused.body).querySelector('#due_on-error'))).toBe(
      'Error: The reply due date cannot be worked out: the bank holiday list ends on 31 December 2027. Enter the due date yourself (with a reason), or ask an admin to add the next bank holidays at /admin/holidays',
    );
    const given = await admin.post('/admin/events', { ...fields, _csrf: await admin.csrf('/admin/events/new?type=contact'), due_on: '2028-02-03', due_override_reason: 'Ten working days, counted by hand' });
    expect(given.statusCode).toBe(303);
  });

  it('takes gov.uk’s bank-holidays.json from an admin and counts working days again', async () => {
    const refused = await admin.upload('/admin/holidays', { _csrf: await admin.csrf('/admin/holidays') }, { field: 'file', name: 'bank-holidays.json', content: '{"scotland": {"events": []}}' });
    expect(refused.statusCode).toBe(400);
    const doc = dom(refused.body);
    expect(words(doc.querySelector('#file-error'))).toBe('Error: The file cannot be used: nothing was added (the problems are listed below the form)');
    expect(words(doc.querySelector('#file-problems'))).toContain('The JSON has no “england-and-wales” list of events');

    const uploaded = await admin.upload('/admin/holidays', { _csrf: await admin.csrf('/admin/holidays') }, { field: 'file', name: 'bank-holidays.json', content: holidaysJson(HOLIDAYS_2028) });
    expect(uploaded.statusCode).toBe(303);
    const after = dom((await admin.get('/admin/holidays')).body);
    expect(words(after.querySelector('.notice'))).toMatch(/^The bank holiday list: added 8 bank holidays \(\d+ already on the list\); the list now ends on 31 December 2028\.$/);
    expect(words(after.querySelector('main'))).toContain('Friday 14 April 2028: Good Friday');

    expect((await get('/healthz')).json()).toMatchObject({ status: 'ok', reasons: [] });
    const api = (await get('/api/institutions')).json();
    expect(api.calendar).toEqual({ holidaysUntil: '2028-12-31', workingDaysAvailable: true });
    // 1 December 2027 to 1 February 2028: 44 weekdays, less 27 and 28 December 2027 and 3 January 2028.
    expect(api.institutions.find((i: { slug: string }) => i.slug === trust.slug).silence).toMatchObject({ calendarDays: 62, workingDays: 41 });
    expect(dom((await get('/')).body).querySelector('.calendar-note')).toBeNull();
    const audit = words(dom((await admin.get('/admin/audit')).body).querySelector('main'));
    expect(audit).toContain('the bank holiday list');
  });
});

describe('from 90 days before the bank holiday list ends', () => {
  it('logs a warning at start-up, lists it in /healthz and shows a banner to campaigners', async () => {
    const logged: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const dir = tempDir();
    const app = await buildApp(loadConfig({ DATABASE_PATH: path.join(dir, 'tracker.db'), DATA_DIR: FIXTURE_DATA, LOG_REQUESTS: 'false' }), {
      now: () => instantOf('2027-10-03', '09:00'),
      logStream,
    });
    await app.ready();
    const warning = 'The bank holiday list ends on 31 December 2027: after that, working-day figures will not be available and reply due dates cannot be worked out.';
    expect(logged.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.level === 40 && l.msg.includes('bank holiday')).map((l) => l.msg)).toEqual([expect.stringContaining(warning)]);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', reasons: [], warnings: [expect.stringContaining(warning)] });
    await app.close();

    // 93 days before the end: nothing to say yet.
    const early = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2027-09-29', '09:00') });
    expect((await early.app.inject('/healthz')).json()).toEqual({ status: 'ok', reasons: [], warnings: [] });
    await early.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports degraded once an approach logged today could not have its due date worked out', async () => {
    // 15 December 2027: 20 working days on (the FOI window) runs past 31 December 2027.
    const t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2027-12-15', '09:00') });
    expect((await t.app.inject('/healthz')).json()).toEqual({
      status: 'degraded',
      reasons: [
        'The bank holiday list ends on 31 December 2027: the reply due date of an approach logged today (up to 20 working days on) cannot be worked out, and working-day figures after that date will not be available. ' +
          'Add the next years’ bank holidays: npm run import -- holidays bank-holidays.json (gov.uk’s file), or upload it at /admin/holidays.',
      ],
      warnings: [],
    });
    // Figures as at today still have their working days.
    expect((await t.app.inject('/api/institutions')).json().calendar).toEqual({ holidaysUntil: '2027-12-31', workingDaysAvailable: true });
    await t.close();
  });

  it('shows the banner on the follow-up page, with the way to add the holidays', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2027-12-01', '09:00') });
    const editor = (await signedIn(t, 'editor')).client;
    expect(words(dom((await editor.get('/admin')).body).querySelector('.banner'))).toBe(
      'The bank holiday list runs out soon. The bank holiday list ends on 31 December 2027: after that, working-day figures will not be available and reply due dates cannot be worked out. ' +
        'Add the next years’ bank holidays: npm run import -- holidays bank-holidays.json (gov.uk’s file), or upload it at /admin/holidays. Ask an admin to add them.',
    );
    await t.close();
  });
});

describe('holidays added by the import command while the tracker runs', () => {
  it('are seen by the running tracker on its next request', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2028-03-01', '12:00') });
    const trust = institution(t.app.tracker.db, { name: 'Loamshire Trust' });
    contact(t.app.tracker.db, trust, { date: '2028-02-01', dueOn: '2028-02-15' });
    expect((await t.app.inject('/api/institutions')).json().institutions[0].silence.workingDays).toBeNull();

    const file = path.join(t.dir, 'bank-holidays.json');
    fs.writeFileSync(file, holidaysJson(HOLIDAYS_2028));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATABASE_PATH: t.databasePath, DATA_DIR: FIXTURE_DATA, BASE_URL: 'https://tracker.example.org' },
        encoding: 'utf8',
      });
    const dry = run('holidays', file, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout.trim()).toMatch(/would add 8 bank holidays \(\d+ already on the list\); the list would end on 31 December 2028\. Dry run: nothing was imported\.$/);
    expect((await t.app.inject('/api/institutions')).json().calendar.holidaysUntil).toBe('2027-12-31');

    const res = run('holidays', file);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/added 8 bank holidays \(\d+ already on the list\); the list now ends on 31 December 2028\.$/);
    const api = (await t.app.inject('/api/institutions')).json();
    expect(api.calendar.holidaysUntil).toBe('2028-12-31');
    // 1 February to 1 March 2028: 21 weekdays, no bank holiday.
    expect(api.institutions[0].silence).toMatchObject({ calendarDays: 29, workingDays: 21 });

    const again = run('holidays', file);
    expect(again.stdout.trim()).toMatch(/added 0 bank holidays \(\d+ already on the list\); the list now ends on 31 December 2028\.$/);
    const bad = run('holidays', path.join(FIXTURE_DATA, 'campaign.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('nothing was imported');
    await t.close();
  });

  it('refuses a new holiday on a past date the list covered, which would change published figures, and adds nothing', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = openDatabase(t.databasePath);
    const actor = { userId: null, name: 'test' };
    const result = importHolidays(db, FIXTURE_DATA, [{ date: '2021-06-07', title: 'A made-up holiday' }, ...HOLIDAYS_2028], actor, instantOf('2026-11-22', '12:00'));
    expect(result.added).toEqual([]);
    expect(result.problems).toEqual([
      '2021-06-07 (A made-up holiday) is not on the list, but the list already covered that date and it has passed: adding it would change working-day figures already published. Nothing was added.',
    ]);
    // One still to come in a covered year is added: no figure has counted that day yet.
    const coming = importHolidays(db, FIXTURE_DATA, [{ date: '2027-06-07', title: 'A special bank holiday' }], actor, instantOf('2026-11-22', '12:00'));
    expect(coming).toMatchObject({ added: [{ date: '2027-06-07', title: 'A special bank holiday' }], known: 0, lastDate: '2027-12-31', problems: [] });
    // A year left out between the list's years is refused.
    const gap = importHolidays(db, FIXTURE_DATA, [{ date: '2029-01-01', title: 'New Year’s Day' }], actor, instantOf('2026-11-22', '12:00'));
    expect(gap.problems[0]).toContain('The bank holiday list has no holidays for 2028');
    db.$client.close();
    await t.close();
  });
});
