import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PROJECT_ROOT } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { events, eventPositions, eventSources, institutions } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { describeError, importEventsCsv, importInstitutionsCsv } from '../../src/records/csv-import.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { seedIfEmpty } from '../../src/records/seed.js';
import { tempDir, TEST_NOW } from '../helpers.js';

const DATA = path.join(PROJECT_ROOT, 'data');
const calendar = loadCalendar(DATA);
const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(path.join(dir, 'tracker.db'));
  seedIfEmpty(db, DATA, calendar, TEST_NOW);
});
afterEach(() => {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (table: typeof events | typeof institutions | typeof eventPositions | typeof eventSources) =>
  db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;
const run = (csv: string, dryRun = false) => importEventsCsv(db, csv, { calendar, now: TEST_NOW, createdBy: 'test', dryRun });
const GOOD = 'Surrey Police,2021-06-01,,contact,letter,,StopSIM Coalition,Letter asking Surrey Police to halt SHIPP,,Letter,https://example.org/letter,StopSIM Coalition,2021-06-01,published,,';

describe('importing events', () => {
  it('writes a valid file, with positions, sources and the reply due date', () => {
    const before = count(events);
    const result = run([
      HEADER,
      GOOD,
      'surrey-police,10/06/2021,14:05,response,,statement,,Surrey Police agrees to an independent review,"We will, ""gladly"", review it.",Reply,https://example.org/reply,Surrey Police,2021-06-10,published,considering,committed',
      ',11 June 2021,,milestone,,,,Campaign-wide day of action,,Press release,,StopSIM Coalition,,published,,',
    ].join('\n'));
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(3);
    expect(count(events)).toBe(before + 3);
    const rows = db.$client.prepare('SELECT * FROM events ORDER BY id DESC LIMIT 3').all() as Record<string, unknown>[];
    const [milestone, response, contact] = rows;
    expect(contact).toMatchObject({ type: 'contact', channel: 'letter', occurred_on: '2021-06-01', due_on: '2021-06-15', has_time: 0 });
    expect(response).toMatchObject({ type: 'response', response_type: 'statement', occurred_on: '2021-06-10', occurred_at: instantOf('2021-06-10', '14:05'), quote: 'We will, "gladly", review it.' });
    expect(milestone).toMatchObject({ type: 'milestone', institution_id: null, occurred_on: '2021-06-11' });
    const positions = db.$client.prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = ? ORDER BY a.slug').all(response!.id);
    expect(positions).toEqual([{ slug: 'halt', stance: 'considering' }, { slug: 'review', stance: 'committed' }]);
  });

  it.each([
    ['surrey police', 'the name, in another case'],
    ['SURREY-POLICE', 'the slug, in another case'],
    ['surrey', 'the data.police.uk id'],
    ['RXX', 'an ODS code'],
    ['rxx', 'an ODS code in lower case'],
    ['HIN', 'an alias'],
    ['southern health nhs foundation trust', 'a former name'],
  ])('matches the institution %j (%s)', (institution) => {
    const result = run(`${HEADER}\n${GOOD.replace('Surrey Police', institution)}`);
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(1);
  });

  it('refuses an alias shared by two institutions, naming both', () => {
    const result = run(`${HEADER}\n${GOOD.replace('Surrey Police', 'SHIPP')}`);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.reason).toMatch(/more than one institution.*Surrey Police/);
  });

  const future = '2026-11-23';
  it.each([
    ['an unknown institution', GOOD.replace('Surrey Police', 'Ministry of Magic'), 'institution', /Ministry of Magic/],
    ['a missing institution on a contact', GOOD.replace('Surrey Police', ''), 'institution', /only a milestone/],
    ['an unknown type', GOOD.replace(',contact,', ',visit,'), 'type', /not an event type/],
    ['a missing type', GOOD.replace(',contact,', ',,'), 'type', /missing/],
    ['an unknown channel', GOOD.replace(',letter,', ',pigeon,'), 'channel', /not a channel/],
    ['a contact with no channel', GOOD.replace(',letter,', ',,'), 'channel', /choose how the approach was made/],
    ['an unknown stance', `${GOOD.replace(',contact,letter,', ',response,,').replace(',,StopSIM Coalition,Letter', ',statement,StopSIM Coalition,Letter').slice(0, -2)},,maybe`, 'review', /not a stance/],
    ['a malformed date', GOOD.replace('2021-06-01', '1st of June'), 'date', /enter a date like/],
    ['an impossible date', GOOD.replace('2021-06-01', '31/06/2021'), 'date', /not a real date/],
    ['a future date', GOOD.replace('2021-06-01', future), 'date', /in the future/],
    ['later today', GOOD.replace('2021-06-01,', '2026-11-22,13:00'), 'time', /in the future/],
    ['a date outside the bank holiday list', GOOD.replace('2021-06-01', '2016-06-01'), 'date', /outside the bank holiday list/],
    ['a missing date', GOOD.replace('2021-06-01', ''), 'date', /enter the date/],
    ['a bad time', GOOD.replace('2021-06-01,', '2021-06-01,25:00'), 'time', /time/],
    ['a missing summary', GOOD.replace('Letter asking Surrey Police to halt SHIPP', ''), 'summary', /say what was asked/],
    ['a source address that is not http(s)', GOOD.replace('https://example.org/letter', 'javascript:alert(1)'), 'source_url', /http/],
    ['a published event without a source', `Surrey Police,2021-06-01,,contact,letter,,,Letter,,,,,,published,,`, 'source_title', /needs a source/],
    ['an unknown status', GOOD.replace(',published,', ',live,'), 'status', /not a status/],
    ['a response type on a contact', GOOD.replace(',letter,,', ',letter,statement,'), 'response_type', /only a response/],
  ])('refuses %s and writes nothing', (_name, row, column, reason) => {
    const before = count(events);
    const result = run(`${HEADER}\n${GOOD}\n${row}\n${GOOD}`);
    expect(result.written).toBe(0);
    expect(count(events)).toBe(before);
    const error = result.problems.find((e) => e.column === column);
    expect(error, JSON.stringify(result.problems)).toBeDefined();
    expect(error!.line).toBe(3);
    expect(error!.reason).toMatch(reason);
  });

  it('reports every bad row with its line, even past a multi-line quoted field', () => {
    const result = run([HEADER, GOOD.replace('Letter asking', '"Letter\nasking"').replace('"Letter\nasking" Surrey Police to halt SHIPP', '"Letter\nasking Surrey Police to halt SHIPP"'), GOOD.replace(',letter,', ',pigeon,'), GOOD.replace('2021-06-01', 'soon')].join('\n'));
    expect(result.problems.map((e) => [e.line, e.column])).toEqual([[4, 'channel'], [5, 'date']]);
    expect(describeError(result.problems[0]!)).toMatch(/^line 4, column “channel”: “pigeon” is not a channel/);
  });

  it('refuses a header with an unknown column or without a required one', () => {
    expect(run('institution,date,type,colour\nx,2021-01-01,contact,red').problems.map((e) => e.column)).toEqual(expect.arrayContaining(['summary', 'colour']));
    expect(run('').problems[0]!.reason).toMatch(/empty/);
    expect(run(HEADER).problems[0]!.reason).toMatch(/no rows/);
  });

  it('refuses a row with the wrong number of values', () => {
    const result = run(`${HEADER}\nSurrey Police,2021-06-01`);
    expect(result.problems[0]).toMatchObject({ line: 2, column: null });
  });

  it('writes nothing on a dry run but reports what would be written', () => {
    const before = count(events);
    const result = run(`${HEADER}\n${GOOD}`, true);
    expect(result.problems).toEqual([]);
    expect(result.preview).toHaveLength(1);
    expect(result.written).toBe(0);
    expect(count(events)).toBe(before);
  });

  it('imports 10,000 rows in one go', () => {
    const before = count(events);
    const rows = Array.from({ length: 10_000 }, (_, i) => GOOD.replace('Letter asking', `Letter ${i} asking`));
    const result = run([HEADER, ...rows].join('\n'));
    expect(result.problems).toEqual([]);
    expect(count(events)).toBe(before + 10_000);
    expect(count(eventSources)).toBeGreaterThanOrEqual(10_000);
  });
});

describe('importing institutions', () => {
  const HEAD = 'name,kind,code,region,country,aliases,website';
  it('adds institutions with aliases and a unique slug', () => {
    const before = count(institutions);
    const result = importInstitutionsCsv(db, `${HEAD}\nMental Health Alliance,other,,,England,MHA;The Alliance,https://example.org\n`, { now: TEST_NOW });
    expect(result.problems).toEqual([]);
    expect(count(institutions)).toBe(before + 1);
    const row = db.$client.prepare("SELECT slug FROM institutions WHERE name = 'Mental Health Alliance'").get();
    expect(row).toEqual({ slug: 'mental-health-alliance' });
    expect(run(`${HEADER}\n${GOOD.replace('Surrey Police', 'mha')}`).written).toBe(1);
  });

  it.each([
    ['a duplicate name', 'Surrey Police,police_force,,,England,,', 'name'],
    ['an unknown kind', 'New Body,charity,,,,,', 'kind'],
    ['a used code', 'New Body,other,RXX,,,,', 'code'],
    ['a bad website', 'New Body,other,,,,,ftp://x', 'website'],
    ['a missing name', ',other,,,,,', 'name'],
  ])('refuses %s and writes nothing', (_name, row, column) => {
    const before = count(institutions);
    const result = importInstitutionsCsv(db, `${HEAD}\nFine Body,other,,,,,\n${row}\n`, { now: TEST_NOW });
    expect(result.problems.map((e) => e.column)).toContain(column);
    expect(count(institutions)).toBe(before);
  });
});

describe('npm run import', () => {
  function cli(args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      cwd: PROJECT_ROOT,
      // vitest sets BASE_URL to "/" for Vite; the command must see a clean environment.
      env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: path.join(dir, 'cli.db') },
      encoding: 'utf8',
    });
  }

  it('imports a good file, refuses a bad one with line, column and reason, and exits non-zero', () => {
    const good = path.join(dir, 'good.csv');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(good, `${HEADER}\n${GOOD}\n`);
    fs.writeFileSync(bad, `${HEADER}\n${GOOD}\n${GOOD.replace(',letter,', ',pigeon,')}\n`);

    const dry = cli(['events', good, '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/valid \(dry run/);

    const refused = cli(['events', bad]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/line 3, column “channel”: “pigeon” is not a channel/);

    const imported = cli(['events', good]);
    expect(imported.status, imported.stderr).toBe(0);
    const check = openDatabase(path.join(dir, 'cli.db'));
    const n = check.$client.prepare("SELECT count(*) AS n FROM events WHERE summary LIKE 'Letter asking%'").get() as { n: number };
    check.$client.close();
    expect(n.n).toBe(1);

    expect(cli(['people', good]).status).toBe(2);
  });

  it('refuses a file too large to import in one go, saying to split it, and imports nothing', () => {
    const huge = path.join(dir, 'huge.csv');
    // A sparse file: 101 MB on paper, nothing on disk.
    const fd = fs.openSync(huge, 'w');
    fs.ftruncateSync(fd, 101 * 1024 * 1024);
    fs.closeSync(fd);
    const res = cli(['events', huge]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('import at most 100 MB at a time');
    expect(res.stderr).toContain('split the file');
    fs.rmSync(huge);
  });
});
