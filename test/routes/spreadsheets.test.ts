import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { importEventsCsv, importInstitutionsCsv } from '../../src/records/csv-import.js';
import { createUser } from '../../src/records/users.js';
import { eventColumns, eventRecordPages, institutionColumns, institutionRecords } from '../../src/tracker/export.js';
import { csvRows } from '../../src/render/csv.js';
import { makeApp, tempDir, TEST_NOW, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

let t: TestApp;
const PASSWORD = 'correct horse battery staple';
const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';
const ROW = (summary: string) => `kent,2021-06-01,,contact,letter,,StopSIM Coalition,${summary},,Letter,https://example.org/l,StopSIM Coalition,2021-06-01,published,,`;

beforeAll(async () => {
  t = await makeApp();
  await createUser(t.app.tracker.db, { email: 'editor@example.org', name: 'Eddie Editor', role: 'editor', password: PASSWORD }, { userId: null, name: 'test' }, Date.now());
});
afterAll(async () => t.close());

const count = () => (t.app.tracker.db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

async function editor() {
  const client = new Client(t.app);
  expect((await client.signIn('editor@example.org', PASSWORD)).statusCode).toBe(303);
  return client;
}

describe('uploading a spreadsheet', () => {
  it('shows every bad row and writes nothing', async () => {
    const client = await editor();
    const _csrf = await client.csrf('/admin/spreadsheets');
    const before = count();
    const res = await client.upload('/admin/spreadsheets/preview', { _csrf, kind: 'events' }, {
      field: 'file', name: 'bad.csv', content: [HEADER, ROW('fine'), ROW('bad channel').replace(',letter,', ',pigeon,'), ROW('bad date').replace('2021-06-01,,', '31/02/2021,,')].join('\n'),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Nothing was imported: the file has 2 problems');
    expect(res.body).toContain('line 3, column “channel”: “pigeon” is not a channel');
    expect(res.body).toContain('line 4, column “date”');
    expect(res.body).not.toContain('/admin/spreadsheets/confirm');
    expect(count()).toBe(before);
  });

  it('previews a good file, writes nothing until confirmed, then imports it with audit rows', async () => {
    const client = await editor();
    let _csrf = await client.csrf('/admin/spreadsheets');
    const before = count();
    const preview = await client.upload('/admin/spreadsheets/preview', { _csrf, kind: 'events' }, {
      field: 'file', name: 'good.csv', content: [HEADER, ROW('Uploaded one'), ROW('Uploaded two')].join('\n'),
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('All 2 rows can be imported');
    expect(preview.body).toContain('Uploaded two');
    expect(count()).toBe(before);
    _csrf = /name="_csrf" value="([^"]+)"/.exec(preview.body)![1]!;
    const confirmed = await client.post('/admin/spreadsheets/confirm', { _csrf });
    expect(confirmed.statusCode).toBe(303);
    expect(count()).toBe(before + 2);
    const audit = t.app.tracker.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'event.import' AND actor = 'Eddie Editor'").get() as { n: number };
    expect(audit.n).toBe(2);
    // A second confirm has nothing waiting.
    _csrf = await client.csrf('/admin/spreadsheets');
    expect((await client.post('/admin/spreadsheets/confirm', { _csrf })).statusCode).toBe(400);
    expect(count()).toBe(before + 2);
  });

  it('refuses a file over the size limit with a clear message', async () => {
    const client = await editor();
    const _csrf = await client.csrf('/admin/spreadsheets');
    const res = await client.upload('/admin/spreadsheets/preview', { _csrf, kind: 'events' }, { field: 'file', name: 'big.csv', content: Buffer.alloc(6 * 1024 * 1024, 'a') });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('at most 5 MB');
  });

  it('refuses an upload without a file or kind, and without a CSRF token', async () => {
    const client = await editor();
    const _csrf = await client.csrf('/admin/spreadsheets');
    const res = await client.upload('/admin/spreadsheets/preview', { _csrf, kind: '' }, { field: 'file', name: 'empty.csv', content: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#kind"');
    expect(res.body).toContain('href="#file"');
    const noToken = await client.upload('/admin/spreadsheets/preview', { kind: 'events' }, { field: 'file', name: 'x.csv', content: HEADER });
    expect(noToken.statusCode).toBe(403);
  });

  it('is only for signed-in campaigners', async () => {
    const anonymous = new Client(t.app);
    expect((await anonymous.get('/admin/spreadsheets')).statusCode).toBe(303);
    expect((await anonymous.get('/admin/export/events.csv')).statusCode).toBe(303);
  });
});

describe('downloading everything', () => {
  it('exports events and institutions in the import columns, and they import again unchanged', async () => {
    const client = await editor();
    const events = await client.get('/admin/export/events.csv');
    expect(events.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(events.headers['content-disposition']).toBe('attachment; filename="events.csv"');
    expect(events.body.split('\n')[0]).toBe(HEADER);
    const institutions = await client.get('/admin/export/institutions.csv');

    // A second installation with the same campaign but no directory or events yet.
    const dir = tempDir();
    const file = path.join(dir, 'copy.db');
    const seeded = await buildApp(loadConfig({ DATABASE_PATH: file, LOG_REQUESTS: 'false' }), { now: () => TEST_NOW });
    await seeded.close();
    const db = openDatabase(file);
    db.$client.exec('DELETE FROM event_positions; DELETE FROM event_sources; DELETE FROM events; DELETE FROM institution_aliases; DELETE FROM institutions;');
    expect(importInstitutionsCsv(db, institutions.body, { now: TEST_NOW }).problems).toEqual([]);
    const calendar = t.app.tracker.calendar;
    expect(importEventsCsv(db, events.body, { calendar, now: TEST_NOW, createdBy: "copy" }).problems).toEqual([]);
    const copy = { db, databasePath: file, calendar, baseUrl: 'https://copy.example.org' };
    expect(csvRows([eventColumns(copy), ...[...eventRecordPages(copy, { includeDrafts: true })].flat()])).toBe(events.body);
    expect(csvRows([institutionColumns(), ...institutionRecords(copy)])).toBe(institutions.body);
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
