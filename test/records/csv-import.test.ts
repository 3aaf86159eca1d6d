import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PROJECT_ROOT } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { events, eventPositions, eventSources, institutions } from '../../src/db/schema.js';
import { instantOf } from '../../src/domain/calendar.js';
import { describeError, importEventsCsv, importEventsFile, importInstitutionsCsv } from '../../src/records/csv-import.js';
import { eventRules } from '../../src/records/event-rules.js';
import { logEvent } from '../../src/records/log-events.js';
import { Revision, syncEvent } from '../../src/records/revisions.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { seedIfEmpty } from '../../src/records/seed.js';
import { FIXTURE_DATA, institution, type MadeInstitution } from '../factories.js';
import { tempDir, TEST_NOW } from '../helpers.js';

const calendar = loadCalendar(FIXTURE_DATA);
const COLUMNS = ['institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote', 'source_title', 'source_url', 'source_publisher', 'source_date', 'status', 'halt', 'review'] as const;
const HEADER = COLUMNS.join(',');
type Row = Record<(typeof COLUMNS)[number], string>;

/** A letter to Wessex Police: a good row, which each test changes as it needs. */
const BASE: Row = {
  institution: 'Wessex Police',
  date: '2021-06-01',
  time: '',
  type: 'contact',
  channel: 'letter',
  response_type: '',
  from: 'Fixture Coalition',
  summary: 'Letter asking Wessex Police to close the scheme',
  quote: '',
  source_title: 'Letter',
  source_url: 'https://example.org/letter',
  source_publisher: 'Fixture Coalition',
  source_date: '2021-06-01',
  status: 'published',
  halt: '',
  review: '',
};
const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const row = (changes: Partial<Row> = {}) => COLUMNS.map((c) => cell({ ...BASE, ...changes }[c])).join(',');
const GOOD = row();

let dir: string;
let db: Db;
/** The directory each test starts from: a police force, a trust sharing its scheme's name (WISP), a network. */
let police: MadeInstitution;
let trust: MadeInstitution;
let network: MadeInstitution;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(path.join(dir, 'tracker.db'));
  seedIfEmpty(db, FIXTURE_DATA, calendar, TEST_NOW);
  police = institution(db, { name: 'Wessex Police', kind: 'police_force', code: 'wessex', aliases: ['WISP'] });
  trust = institution(db, { name: 'Wessex Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RZZ', region: 'South West', aliases: ['WISP', 'Wessex Mental Health NHS Trust'] });
  network = institution(db, { name: 'Intensive Support Network', kind: 'other', aliases: ['ISN'] });
});
afterEach(() => {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (table: typeof events | typeof institutions | typeof eventPositions | typeof eventSources) =>
  db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;
const run = (csv: string, dryRun = false) => importEventsCsv(db, csv, { calendar, now: TEST_NOW, createdBy: 'test', dryRun });

describe('importing events', () => {
  it('writes a valid file, with positions, sources and the reply due date', () => {
    expect(count(events)).toBe(0);
    const result = run([
      HEADER,
      GOOD,
      row({ institution: 'wessex-police', date: '10/06/2021', time: '14:05', type: 'response', channel: '', response_type: 'statement', from: '', summary: 'Wessex Police agrees to an independent review', quote: 'We will, "gladly", review it.', source_title: 'Reply', source_url: 'https://example.org/reply', source_publisher: 'Wessex Police', source_date: '2021-06-10', halt: 'considering', review: 'committed' }),
      row({ institution: '', date: '11 June 2021', type: 'milestone', channel: '', from: '', summary: 'Campaign-wide day of action', source_title: 'Press release', source_url: '', source_date: '' }),
    ].join('\n'));
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(3);
    expect(count(events)).toBe(3);
    const rows = db.$client.prepare('SELECT * FROM events ORDER BY id DESC LIMIT 3').all() as Record<string, unknown>[];
    const [milestone, response, contact] = rows;
    // A letter on Tuesday 1 June 2021 is due 10 working days later (the fixture campaign's reply window).
    expect(contact).toMatchObject({ type: 'contact', institution_id: police.id, channel: 'letter', occurred_on: '2021-06-01', due_on: '2021-06-15', has_time: 0, from_name: 'Fixture Coalition' });
    expect(response).toMatchObject({ type: 'response', institution_id: police.id, response_type: 'statement', occurred_on: '2021-06-10', occurred_at: instantOf('2021-06-10', '14:05'), quote: 'We will, "gladly", review it.' });
    expect(milestone).toMatchObject({ type: 'milestone', institution_id: null, occurred_on: '2021-06-11' });
    const positions = db.$client.prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = ? ORDER BY a.slug').all(response!.id);
    expect(positions).toEqual([{ slug: 'halt', stance: 'considering' }, { slug: 'review', stance: 'committed' }]);
    expect(count(eventPositions)).toBe(2);
    const sources = db.$client.prepare('SELECT event_id, title, url, publisher, published_on FROM event_sources ORDER BY event_id').all();
    expect(sources).toEqual([
      { event_id: contact!.id, title: 'Letter', url: 'https://example.org/letter', publisher: 'Fixture Coalition', published_on: '2021-06-01' },
      { event_id: response!.id, title: 'Reply', url: 'https://example.org/reply', publisher: 'Wessex Police', published_on: '2021-06-10' },
      { event_id: milestone!.id, title: 'Press release', url: null, publisher: 'Fixture Coalition', published_on: null },
    ]);
  });

  it.each([
    ['wessex police', 'the name, in another case', () => police],
    ['WESSEX-POLICE', 'the slug, in another case', () => police],
    ['wessex', 'the police force id', () => police],
    ['RZZ', 'an ODS code', () => trust],
    ['rzz', 'an ODS code in lower case', () => trust],
    ['ISN', 'an alias', () => network],
    ['  isn ', 'an alias in another case, with spaces around it', () => network],
    ['wessex mental health nhs trust', 'a former name', () => trust],
  ])('matches the institution %j (%s)', (name, _how, expected) => {
    const result = run(`${HEADER}\n${row({ institution: name })}`);
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(1);
    expect(result.preview[0]).toMatchObject({ institutionId: expected().id, institutionName: expected().name });
    const written = db.$client.prepare('SELECT institution_id FROM events').all();
    expect(written).toEqual([{ institution_id: expected().id }]);
  });

  it('refuses an alias shared by two institutions, naming both, and says to use the slug or code', () => {
    const result = run(`${HEADER}\n${row({ institution: 'WISP' })}\n${row({ institution: 'wisp' })}`);
    expect(result.written).toBe(0);
    expect(count(events)).toBe(0);
    expect(result.problems.map((p) => [p.line, p.column])).toEqual([[2, 'institution'], [3, 'institution']]);
    for (const problem of result.problems) {
      expect(problem.reason).toMatch(/could mean more than one institution/);
      expect(problem.reason).toContain(police.name);
      expect(problem.reason).toContain(trust.name);
      expect(problem.reason).toMatch(/use its slug or code/);
    }
    // Each of the two is still found by its slug or its code.
    expect(run(`${HEADER}\n${row({ institution: police.slug })}\n${row({ institution: 'RZZ' })}`).written).toBe(2);
  });

  const future = '2026-11-23';
  it.each([
    ['an unknown institution', row({ institution: 'Ministry of Magic' }), 'institution', /no institution has the slug, code, name or alias “Ministry of Magic”/],
    ['a missing institution on a contact', row({ institution: '' }), 'institution', /only a milestone/],
    ['an unknown type', row({ type: 'visit' }), 'type', /not an event type/],
    ['a missing type', row({ type: '' }), 'type', /missing/],
    ['an unknown channel', row({ channel: 'pigeon' }), 'channel', /“pigeon” is not a channel/],
    ['a contact with no channel', row({ channel: '' }), 'channel', /^choose how the approach was made \(email, letter, foi, phone, meeting, social_media, press_enquiry, petition, other\)$/],
    ['a channel on a response', row({ type: 'response', response_type: 'statement' }), 'channel', /only an approach \(a contact\) has a channel/],
    ['a response with no response type', row({ type: 'response', channel: '' }), 'response_type', /^choose the kind of response \(acknowledgement, holding_reply, no_comment, statement, foi_response\)$/],
    ['an unknown stance', row({ type: 'response', channel: '', response_type: 'statement', review: 'maybe' }), 'review', /“maybe” is not a stance/],
    ['a stance on a contact', row({ halt: 'committed' }), 'halt', /an approach states no position/],
    ['a malformed date', row({ date: '1st of June' }), 'date', /enter a date like/],
    ['an impossible date', row({ date: '31/06/2021' }), 'date', /not a real date/],
    ['a future date', row({ date: future }), 'date', /in the future/],
    ['later today', row({ date: '2026-11-22', time: '13:00' }), 'time', /2026-11-22 13:00 is in the future/],
    ['a date before the bank holiday list', row({ date: '2016-06-01' }), 'date', /before the bank holiday list begins \(2018\)/],
    ['a missing date', row({ date: '' }), 'date', /^enter the date$/],
    ['a bad time', row({ time: '25:00' }), 'time', /time/],
    ['a missing summary on a contact', row({ summary: '' }), 'summary', /^say what was asked$/],
    ['a missing summary on a response', row({ type: 'response', channel: '', response_type: 'statement', summary: '' }), 'summary', /^say what happened$/],
    ['a missing summary on a milestone', row({ type: 'milestone', channel: '', summary: '' }), 'summary', /^say what happened$/],
    ['a source address that is not http(s)', row({ source_url: 'javascript:alert(1)' }), 'source_url', /http/],
    ['a source with no title', row({ source_title: '', status: 'draft' }), 'source_title', /a source needs a title/],
    ['a published event without a source', row({ from: '', summary: 'Letter', source_title: '', source_url: '', source_publisher: '', source_date: '' }), 'source_title', /needs a source/],
    ['an unknown status', row({ status: 'live' }), 'status', /not a status/],
    ['a response type on a contact', row({ response_type: 'statement' }), 'response_type', /only a response/],
  ])('refuses %s and writes nothing', (_name, bad, column, reason) => {
    const result = run(`${HEADER}\n${GOOD}\n${bad}\n${GOOD}`);
    expect(result.written).toBe(0);
    expect(count(events)).toBe(0);
    expect(result.problems.every((e) => e.line === 3), JSON.stringify(result.problems)).toBe(true);
    const error = result.problems.find((e) => e.column === column);
    expect(error, JSON.stringify(result.problems)).toBeDefined();
    expect(error!.line).toBe(3);
    expect(error!.reason).toMatch(reason);
  });

  it('reports every bad row with its line, even past a multi-line quoted field', () => {
    const result = run([HEADER, row({ summary: 'Letter\nasking Wessex Police to close the scheme' }), row({ channel: 'pigeon' }), row({ date: 'soon' })].join('\n'));
    expect(result.problems.map((e) => [e.line, e.column])).toEqual([[4, 'channel'], [5, 'date']]);
    expect(describeError(result.problems[0]!)).toMatch(/^line 4, column “channel”: “pigeon” is not a channel/);
    expect(result.written).toBe(0);
  });

  it('refuses a header with an unknown column or without a required one', () => {
    expect(run('institution,date,type,colour\nx,2021-01-01,contact,red').problems.map((e) => e.column)).toEqual(expect.arrayContaining(['summary', 'colour']));
    expect(run('').problems[0]!.reason).toMatch(/empty/);
    expect(run(HEADER).problems[0]!.reason).toMatch(/no rows/);
  });

  it('knows a column for each of the campaign’s asks, and no other', () => {
    const result = run(`${HEADER},publish\n${GOOD},`);
    expect(result.problems).toEqual([{ line: 1, column: 'publish', reason: '“publish” is not a column the tracker knows' }]);
  });

  it('refuses a row with the wrong number of values', () => {
    const result = run(`${HEADER}\nWessex Police,2021-06-01`);
    expect(result.problems[0]).toMatchObject({ line: 2, column: null });
    expect(result.written).toBe(0);
  });

  it('writes nothing on a dry run but reports what would be written', () => {
    const result = run(`${HEADER}\n${GOOD}`, true);
    expect(result.problems).toEqual([]);
    expect(result.preview).toHaveLength(1);
    expect(result.preview[0]).toMatchObject({ line: 2, type: 'contact', institutionId: police.id, institutionName: 'Wessex Police', date: '2021-06-01', dueOn: '2021-06-15' });
    expect(result.valid).toBe(1);
    expect(result.written).toBe(0);
    expect(count(events)).toBe(0);
    expect(count(eventSources)).toBe(0);
  });

  it('imports 10,000 rows in one go', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row({ summary: `Letter ${i} asking Wessex Police to close the scheme` }));
    const result = run([HEADER, ...rows].join('\n'));
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(10_000);
    expect(count(events)).toBe(10_000);
    expect(count(eventSources)).toBe(10_000);
    const byInstitution = db.$client.prepare('SELECT institution_id, count(*) AS n FROM events GROUP BY institution_id').all();
    expect(byInstitution).toEqual([{ institution_id: police.id, n: 10_000 }]);
    // A generous limit: on a busy 2-core machine the import shares the cores with other suites (its speed is measured by npm run bench).
  }, 90_000);
});

describe('importing many rows', () => {
  const tables = ['events', 'event_sources', 'event_positions', 'event_versions', 'event_version_sources', 'event_version_positions', 'event_search', 'revisions', 'audit_log'];
  const counts = () => Object.fromEntries(tables.map((t) => [t, (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  const actor = { userId: null, name: 'a test import' };
  const manyRows = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      i % 3 === 2
        ? row({ type: 'response', channel: '', response_type: 'statement', from: '', summary: `Reply ${i} from Wessex Police`, halt: 'considering', source_title: `Reply ${i}` })
        : row({ summary: `Letter ${i} asking Wessex Police to close the scheme`, status: i % 10 === 9 ? 'draft' : 'published' }),
    );

  it.each([
    ['in memory (an upload)', (csv: string) => importEventsCsv(db, csv, { calendar, now: TEST_NOW, createdBy: 'test', actor })],
    ['from a file on the disk (the command)', async (csv: string) => {
      const file = path.join(dir, 'events.csv');
      fs.writeFileSync(file, csv);
      return importEventsFile(db, file, { calendar, now: TEST_NOW, createdBy: 'test', actor });
    }],
  ])('writes nothing at all, %s, when the last of 5,000 rows is bad, and reports it', async (_how, importing) => {
    const before = counts();
    const result = await importing([HEADER, ...manyRows(4_999), row({ channel: 'pigeon' })].join('\n'));
    expect(result.problems).toEqual([expect.objectContaining({ line: 5_001, column: 'channel' })]);
    expect([result.problemCount, result.valid, result.written]).toEqual([1, 4_999, 0]);
    expect(counts()).toEqual(before);
  });

  it.each([
    ['in memory', (csv: string) => importEventsCsv(db, csv, { calendar, now: TEST_NOW, createdBy: 'test', actor })],
    ['from a file', async (csv: string) => {
      const file = path.join(dir, 'events.csv');
      fs.writeFileSync(file, csv);
      return importEventsFile(db, file, { calendar, now: TEST_NOW, createdBy: 'test', actor });
    }],
  ])('writes 3,000 rows %s as one revision, each published one with its version and its search entry, each with its audit row', async (_how, importing) => {
    const before = counts();
    const result = await importing([HEADER, ...manyRows(3_000)].join('\n'));
    expect([result.problemCount, result.written]).toEqual([0, 3_000]);
    const added = Object.fromEntries(Object.entries(counts()).map(([t, n]) => [t, n - before[t]!]));
    expect(added).toEqual({
      events: 3_000, event_sources: 3_000, event_positions: 1_000, event_versions: 2_800, event_version_sources: 2_800, event_version_positions: 1_000,
      event_search: 2_800, revisions: 1, audit_log: 3_000,
    });
    const revision = (db.$client.prepare('SELECT id, action, actor FROM revisions ORDER BY id DESC LIMIT 1').get() as { id: number; action: string; actor: string });
    expect(revision).toMatchObject({ action: 'event.import', actor: 'a test import' });
    expect(db.$client.prepare('SELECT DISTINCT rev_from AS rev FROM event_versions WHERE event_id IN (SELECT id FROM events WHERE created_by = ?)').all('test')).toEqual([{ rev: revision.id }]);
    // Every audit row names the revision, and the line of its row.
    expect(db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'event.import' AND revision_id = ?").get(revision.id)).toEqual({ n: 3_000 });
    expect(JSON.parse((db.$client.prepare("SELECT after FROM audit_log WHERE action = 'event.import' ORDER BY id DESC LIMIT 1").get() as { after: string }).after)).toEqual({
      line: 3_001, summary: 'Reply 2999 from Wessex Police', date: '2021-06-01', status: 'published',
    });
  });

  it('keeps the search index in step: each version indexed with its summary, sender and every source', () => {
    expect(importEventsCsv(db, [HEADER, ...manyRows(300)].join('\n'), { calendar, now: TEST_NOW, createdBy: 'test' }).written).toBe(300);
    // A second source, written after its version as the edit form does, is indexed too.
    const letter = db.$client.prepare("SELECT id FROM events WHERE summary = 'Letter 0 asking Wessex Police to close the scheme'").get() as { id: number };
    db.$client.prepare("INSERT INTO event_sources (event_id, title, publisher) VALUES (?, 'Hansard', 'Parliament')").run(letter.id);
    syncEvent(db, letter.id, new Revision(db, { userId: null, name: 'test' }, 'event.update', TEST_NOW, 'Another source'));
    const indexed = db.$client.prepare('SELECT rowid AS versionId, summary, quote, from_name AS fromName, sources FROM event_search ORDER BY rowid').all();
    const expected = db.$client
      .prepare(
        `SELECT v.version_id AS versionId, v.summary, coalesce(v.quote, '') AS quote, coalesce(v.from_name, '') AS fromName,
           (SELECT coalesce(group_concat(s.title || ' ' || coalesce(s.publisher, ''), ' '), '') FROM event_version_sources s WHERE s.version_id = v.version_id) AS sources
         FROM event_versions v ORDER BY v.version_id`,
      )
      .all();
    expect(indexed).toEqual(expected);
    expect(indexed).toHaveLength(281);
    const found = (q: string) => (db.$client.prepare('SELECT count(*) AS n FROM event_search WHERE event_search MATCH ?').get(q) as { n: number }).n;
    expect([found('sources:letter'), found('sources:reply'), found('sources:hansard'), found('summary:"letter 0"')]).toEqual([181, 100, 1, 2]);
  });

  it('stores, versions and indexes an imported event as the form stores one it logs', () => {
    const fields = { ...BASE, type: 'response', channel: '', response_type: 'statement', from: 'Wessex Police press office', quote: 'We will review it.', time: '14:05', halt: 'considering', review: 'committed' };
    const rules = eventRules(db, calendar);
    const logged = logEvent(db, fields, rules, { userId: null, name: 'test' }, TEST_NOW);
    expect(logged.ok).toBe(true);
    expect(run(`${HEADER}\n${row(fields)}`).written).toBe(1);
    const [a, b] = (db.$client.prepare('SELECT id FROM events ORDER BY id').all() as { id: number }[]).map((e) => e.id);
    const stored = (id: number) => {
      const { id: _id, ...event } = db.$client.prepare('SELECT * FROM events WHERE id = ?').get(id) as Record<string, unknown>;
      const { version_id: versionId, event_id: _e, rev_from: _r, ...version } = db.$client.prepare('SELECT * FROM event_versions WHERE event_id = ?').get(id) as Record<string, unknown>;
      return {
        event,
        positions: db.$client.prepare('SELECT ask_id, stance FROM event_positions WHERE event_id = ? ORDER BY ask_id').all(id),
        sources: db.$client.prepare('SELECT title, url, publisher, published_on FROM event_sources WHERE event_id = ? ORDER BY id').all(id),
        version,
        versionPositions: db.$client.prepare('SELECT ask_id, stance FROM event_version_positions WHERE version_id = ? ORDER BY ask_id').all(versionId),
        versionSources: db.$client.prepare('SELECT title, url, publisher, published_on FROM event_version_sources WHERE version_id = ? ORDER BY id').all(versionId),
        indexed: db.$client.prepare('SELECT summary, quote, from_name, sources FROM event_search WHERE rowid = ?').get(versionId),
      };
    };
    expect(stored(b!)).toEqual(stored(a!));
    expect(stored(b!).versionPositions).toHaveLength(2);
  });

  it('reads a file from the disk as it reads the same bytes in memory: the same report, problems and lines', async () => {
    const csv = `\uFEFF${[HEADER, GOOD, row({ summary: 'A letter\r\nover two lines' }), row({ date: 'soon' }), 'Wessex Police,2021-06-01', row({ type: 'visit' })].join('\r\n')}\r\n`;
    const file = path.join(dir, 'events.csv');
    fs.writeFileSync(file, csv);
    const fromFile = await importEventsFile(db, file, { calendar, now: TEST_NOW, createdBy: 'test' });
    const inMemory = run(csv);
    expect(fromFile).toEqual(inMemory);
    // csv-parse counts the line break inside the quoted summary as two lines (CR, then LF), in both readings alike.
    expect(inMemory.problems.map((p) => [p.line, p.column])).toEqual([[6, 'date'], [7, null], [8, 'type'], [8, 'channel']]);
    fs.writeFileSync(file, `${HEADER}\n${GOOD}\n"unclosed,2021-06-01\n`);
    expect((await importEventsFile(db, file, { calendar, now: TEST_NOW, createdBy: 'test' })).problems).toEqual(run(fs.readFileSync(file, 'utf8')).problems);
    expect(count(events)).toBe(0);
  });

  it('checks each row against the record as it stood before the import: not against the rows it has written', () => {
    expect(run(`${HEADER}\n${GOOD}`).written).toBe(1);
    const recorded = (db.$client.prepare('SELECT id FROM events').get() as { id: number }).id;
    // The same letter twice: each is told of the event recorded before, neither of the other.
    const twice = run(`${HEADER}\n${GOOD}\n${GOOD}`);
    expect(twice.written).toBe(2);
    expect(twice.warnings.map((w) => [w.line, w.reason.match(/looks like event (\d+)/)?.[1]])).toEqual([[2, String(recorded)], [3, String(recorded)]]);
    // An id the import itself would give is no event's yet, as the check before writing said.
    const next = recorded + 3;
    const file = `id,${HEADER}\n,${row({ summary: 'A new letter', date: '2021-06-02' })}\n${next},${row({ summary: 'A new letter, corrected', date: '2021-06-02' })}`;
    const dry = run(file, true);
    const real = run(file);
    expect(real.problems).toEqual(dry.problems);
    expect(real.problems).toEqual([{ line: 3, column: 'id', reason: `no event has the id ${next}; leave it empty to add the row as a new event` }]);
    expect(count(events)).toBe(3);
  });
});

describe('importing a large file (read in a worker thread)', () => {
  const tables = ['events', 'event_sources', 'event_positions', 'event_versions', 'event_version_sources', 'event_version_positions', 'event_search', 'revisions', 'audit_log'];
  const counts = () => Object.fromEntries(tables.map((t) => [t, (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  const actor = { userId: null, name: 'a test import' };
  const letters = (n: number, from = 0) => Array.from({ length: n }, (_, i) => row({ summary: `Letter ${from + i} asking Wessex Police to close the scheme, in words of about the length campaigners write` }));
  const fileOf = (csv: string) => {
    const file = path.join(dir, 'events.csv');
    fs.writeFileSync(file, csv);
    // From a megabyte, the command reads a file in a worker thread.
    expect(fs.statSync(file).size).toBeGreaterThan(1 << 20);
    return file;
  };

  it('reports a bad row near the end as the same bytes in memory do, and writes nothing', async () => {
    const before = counts();
    const csv = [HEADER, ...letters(6_999), row({ channel: 'pigeon' })].join('\n');
    const fromFile = await importEventsFile(db, fileOf(csv), { calendar, now: TEST_NOW, createdBy: 'test', actor });
    expect(fromFile.problems).toEqual([expect.objectContaining({ line: 7_001, column: 'channel' })]);
    expect([fromFile.problemCount, fromFile.valid, fromFile.written]).toEqual([1, 6_999, 0]);
    expect(counts()).toEqual(before);
    expect(fromFile).toEqual(importEventsCsv(db, csv, { calendar, now: TEST_NOW, createdBy: 'test', actor }));
    expect(counts()).toEqual(before);
  }, 60_000);

  it('writes the versions of thousands of events, and a correction between them, each with its own version, search entry and audit row in the order of the file', async () => {
    expect(run(`${HEADER}\n${GOOD}`).written).toBe(1);
    const recorded = (db.$client.prepare('SELECT id FROM events').get() as { id: number }).id;
    const lastAudit = (db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM audit_log').get() as { id: number }).id;
    const before = counts();
    const added = (n: number, from: number) => letters(n, from).map((r) => `,${r},`);
    const correction = `${recorded},${row({ summary: 'Letter asking Wessex Police to close the scheme, corrected' })},The summary named the wrong scheme`;
    const csv = [`id,${HEADER},correction_note`, ...added(3_500, 0), correction, ...added(3_500, 3_500)].join('\n');
    const result = await importEventsFile(db, fileOf(csv), { calendar, now: TEST_NOW, createdBy: 'test', actor });
    expect(result.problems).toEqual([]);
    expect([result.toAdd, result.toUpdate, result.written]).toEqual([7_000, 1, 7_001]);
    const grown = Object.fromEntries(Object.entries(counts()).map(([t, n]) => [t, n - before[t]!]));
    expect(grown).toMatchObject({ events: 7_000, event_versions: 7_001, event_version_sources: 7_001, event_search: 7_001, revisions: 2 });
    // Each version is indexed with its own summary and sources.
    const indexed = db.$client.prepare('SELECT rowid AS versionId, summary FROM event_search ORDER BY rowid').all();
    expect(indexed).toEqual(db.$client.prepare('SELECT version_id AS versionId, summary FROM event_versions ORDER BY version_id').all());
    const versions = db.$client.prepare('SELECT v.summary, v.rev_to IS NULL AS current, r.note FROM event_versions v JOIN revisions r ON r.id = v.rev_from WHERE v.event_id = ? ORDER BY v.version_id').all(recorded);
    expect(versions).toEqual([
      { summary: 'Letter asking Wessex Police to close the scheme', current: 0, note: null },
      { summary: 'Letter asking Wessex Police to close the scheme, corrected', current: 1, note: 'The summary named the wrong scheme' },
    ]);
    // The audit log lists the rows in the order of the file, the correction between the rows it came between.
    const audit = db.$client.prepare("SELECT action, json_extract(after, '$.line') AS line, entity_id AS eventId FROM audit_log WHERE id > ? ORDER BY audit_log.id").all(lastAudit) as { action: string; line: number; eventId: number }[];
    expect(audit.map((a) => a.line)).toEqual(Array.from({ length: 7_001 }, (_, i) => i + 2));
    expect(audit.filter((a) => a.action !== 'event.import')).toEqual([{ action: 'event.update', line: 3_502, eventId: recorded }]);
    expect(audit.filter((a) => a.action === 'event.import').map((a) => a.eventId)).toEqual(Array.from({ length: 7_000 }, (_, i) => recorded + 1 + i));
  }, 60_000);
});

describe('setting the indexes of the versions aside during a large import', () => {
  const actor = { userId: null, name: 'a test import' };
  const letters = (n: number, from = 0) => Array.from({ length: n }, (_, i) => row({ summary: `Letter ${from + i} asking Wessex Police to close the scheme` }));
  const importing = (rows: string[], header = HEADER) => importEventsCsv(db, [header, ...rows].join('\n'), { calendar, now: TEST_NOW, createdBy: 'test', actor });
  const indexes = () => db.$client.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_versions' ORDER BY name").all();
  const stats = () => db.$client.prepare("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'event_versions' ORDER BY idx").all();
  const schemaVersion = () => db.$client.pragma('schema_version', { simple: true }) as number;
  const plan = (query: string) => (db.$client.prepare(`EXPLAIN QUERY PLAN ${query}`).all() as { detail: string }[]).map((p) => p.detail).join('; ');

  it('makes each index again as it was, with the planner’s statistics, after thousands of events into a record of few', () => {
    db.$client.exec('ANALYZE');
    const before = { indexes: indexes(), stats: stats(), schema: schemaVersion() };
    expect(before.indexes.length).toBeGreaterThanOrEqual(9);
    expect(before.stats.length).toBeGreaterThan(0);
    const result = importing(letters(6_000));
    expect([result.problemCount, result.written]).toEqual([0, 6_000]);
    // The schema changed (the indexes were dropped and made again), and is as it was.
    expect(schemaVersion()).toBeGreaterThan(before.schema);
    expect(indexes()).toEqual(before.indexes);
    expect(stats()).toEqual(before.stats);
    expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(plan('SELECT version_id FROM event_versions WHERE event_id = 3 ORDER BY rev_from')).toMatch(/USING (COVERING )?INDEX ev_event/);
    expect((db.$client.prepare('SELECT count(*) AS n FROM event_versions WHERE rev_to IS NULL AND occurred_at > 0').get() as { n: number }).n).toBe(6_000);
  });

  it('leaves them in place for an import of few events, or into a record that held more versions than its first batch', () => {
    const first = schemaVersion();
    expect(importing(letters(10)).written).toBe(10);
    expect(schemaVersion()).toBe(first);
    expect(importing(letters(6_000)).written).toBe(6_000);
    const grown = schemaVersion();
    expect(grown).toBeGreaterThan(first);
    expect(importing(letters(6_000, 6_000)).written).toBe(6_000);
    expect(schemaVersion()).toBe(grown);
  });

  it('brings them back with everything else when a bad row after the first batch stops the import', () => {
    const before = { indexes: indexes(), schema: schemaVersion() };
    const result = importing([...letters(6_000), row({ channel: 'pigeon' })]);
    expect([result.problemCount, result.written]).toEqual([1, 0]);
    expect(schemaVersion()).toBe(before.schema);
    expect(indexes()).toEqual(before.indexes);
    expect((db.$client.prepare('SELECT count(*) AS n FROM event_versions').get() as { n: number }).n).toBe(0);
  });

  it('makes them again when a row corrects an event after the first batch: its versions and every index come out right', () => {
    expect(importing([row({ summary: 'Letter to be corrected' })]).written).toBe(1);
    const recorded = (db.$client.prepare("SELECT id FROM events WHERE summary = 'Letter to be corrected'").get() as { id: number }).id;
    const before = indexes();
    const added = (n: number, from: number) => letters(n, from).map((r) => `,${r},`);
    const correction = `${recorded},${row({ summary: 'Letter corrected' })},The summary was wrong`;
    const result = importing([...added(5_000, 0), correction, ...added(1_000, 5_000)], `id,${HEADER},correction_note`);
    expect([result.problemCount, result.toAdd, result.toUpdate, result.written]).toEqual([0, 6_000, 1, 6_001]);
    expect(indexes()).toEqual(before);
    expect(db.$client.prepare('SELECT summary, rev_to IS NULL AS current FROM event_versions WHERE event_id = ? ORDER BY version_id').all(recorded)).toEqual([
      { summary: 'Letter to be corrected', current: 0 },
      { summary: 'Letter corrected', current: 1 },
    ]);
    expect((db.$client.prepare('SELECT count(*) AS n FROM event_versions WHERE rev_to IS NULL').get() as { n: number }).n).toBe(6_001);
  });
});

describe('updating events named by id', () => {
  const idOf = (summary: string) => (db.$client.prepare('SELECT id FROM events WHERE summary = ?').get(summary) as { id: number }).id;

  it('keeps what the file leaves out: later sources, the approach a reply answers, the reply due date, stances of asks without a column', () => {
    expect(run([
      HEADER,
      GOOD,
      row({ type: 'response', channel: '', response_type: 'statement', date: '2021-06-03', summary: 'Wessex Police will consider it', halt: 'considering', review: 'considering' }),
    ].join('\n')).written).toBe(2);
    const letter = idOf(BASE.summary);
    const reply = idOf('Wessex Police will consider it');
    db.$client.prepare('UPDATE events SET answers_event_id = ? WHERE id = ?').run(letter, reply);
    db.$client.prepare("INSERT INTO event_sources (event_id, title, url) VALUES (?, 'A second source', 'https://example.org/second')").run(letter);
    // The campaign's reply window changes after the letter was logged: its due date stays.
    db.$client.prepare('UPDATE campaign SET reply_window_default = 15').run();

    const file = [
      'id,institution,date,type,summary,review,correction_note',
      `${letter},wessex-police,2021-06-01,contact,Letter asking Wessex Police to end the scheme,,The letter asked to end the scheme`,
      `${reply},wessex-police,2021-06-03,response,Wessex Police will consider it,committed,The reply committed to the review`,
    ].join('\n');
    const result = run(file);
    expect(result.problems).toEqual([]);
    expect([result.toUpdate, result.toAdd, result.unchanged, result.written]).toEqual([2, 0, 0, 2]);
    expect(result.preview.map((r) => [r.eventId, r.changed])).toEqual([[letter, ['summary']], [reply, ['review']]]);
    expect(db.$client.prepare('SELECT summary, due_on AS dueOn, channel FROM events WHERE id = ?').get(letter)).toEqual({ summary: 'Letter asking Wessex Police to end the scheme', dueOn: '2021-06-15', channel: 'letter' });
    expect(db.$client.prepare('SELECT title FROM event_sources WHERE event_id = ? ORDER BY id').all(letter)).toEqual([{ title: 'Letter' }, { title: 'A second source' }]);
    expect(db.$client.prepare('SELECT answers_event_id AS answers FROM events WHERE id = ?').get(reply)).toEqual({ answers: letter });
    const stances = db.$client.prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id WHERE p.event_id = ? ORDER BY a.slug').all(reply);
    expect(stances).toEqual([{ slug: 'halt', stance: 'considering' }, { slug: 'review', stance: 'committed' }]);
    // Each correction is a revision of its own, with its note.
    expect(db.$client.prepare("SELECT event_id AS eventId, note FROM revisions WHERE action = 'event.update' ORDER BY id").all()).toEqual([
      { eventId: letter, note: 'The letter asked to end the scheme' },
      { eventId: reply, note: 'The reply committed to the review' },
    ]);

    // A new date moves the reply due date, by the window of the day.
    const moved = run(`id,institution,date,type,summary,correction_note\n${letter},wessex-police,2021-06-02,contact,Letter asking Wessex Police to end the scheme,Sent a day later`);
    expect(moved.problems).toEqual([]);
    expect(db.$client.prepare('SELECT due_on AS dueOn FROM events WHERE id = ?').get(letter)).toEqual({ dueOn: '2021-06-23' });
  });

  it('publishes a draft whose row says published, with no note, and a dry run writes nothing', () => {
    expect(run(`${HEADER}\n${row({ status: 'draft' })}`).written).toBe(1);
    const id = idOf(BASE.summary);
    const file = `id,${HEADER}\n${id},${row({ status: 'published' })}`;
    const dry = run(file, true);
    expect([dry.problems, dry.toUpdate, dry.written]).toEqual([[], 1, 0]);
    expect(dry.preview[0]).toMatchObject({ action: 'update', changed: ['status'], correctionNote: null });
    expect(db.$client.prepare('SELECT status FROM events WHERE id = ?').get(id)).toEqual({ status: 'draft' });
    expect(run(file).written).toBe(1);
    expect(db.$client.prepare('SELECT status FROM events WHERE id = ?').get(id)).toEqual({ status: 'published' });
    expect(db.$client.prepare('SELECT count(*) AS n FROM event_versions WHERE event_id = ?').get(id)).toEqual({ n: 1 });
  });

  it('finds a possible duplicate among events of the same institution, date and type only, drafts included, deleted ones not', () => {
    expect(run(`${HEADER}\n${row({ status: 'draft' })}`).written).toBe(1);
    const twin = idOf(BASE.summary);
    const result = run([
      HEADER,
      row({ summary: BASE.summary.toUpperCase() }),
      row({ summary: BASE.summary, date: '2021-06-02' }),
      row({ summary: BASE.summary, institution: 'RZZ' }),
      row({ summary: BASE.summary, type: 'milestone', channel: '' }),
    ].join('\n'), true);
    expect(result.problems).toEqual([]);
    expect(result.preview.map((r) => r.looksLike)).toEqual([twin, null, null, null]);
    expect(result.warnings.map((w) => w.line)).toEqual([2]);
    db.$client.prepare('UPDATE events SET deleted_at = 1 WHERE id = ?').run(twin);
    expect(run(`${HEADER}\n${GOOD}`, true).warnings).toEqual([]);
  });
});

describe('importing institutions', () => {
  const HEAD = 'name,kind,code,region,country,aliases,website';
  it('adds institutions with aliases and a unique slug', () => {
    const before = count(institutions);
    const result = importInstitutionsCsv(db, `${HEAD}\nMental Health Alliance,other,,,England,MHA;The Alliance,https://example.org\nWessex Police!,other,,,,,\n`, { now: TEST_NOW });
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(2);
    expect(count(institutions)).toBe(before + 2);
    const alliance = db.$client.prepare("SELECT id, slug, kind, country, website FROM institutions WHERE name = 'Mental Health Alliance'").get() as { id: number };
    expect(alliance).toMatchObject({ slug: 'mental-health-alliance', kind: 'other', country: 'England', website: 'https://example.org' });
    expect(db.$client.prepare('SELECT alias FROM institution_aliases WHERE institution_id = ? ORDER BY alias').all(alliance.id)).toEqual([{ alias: 'MHA' }, { alias: 'The Alliance' }]);
    // “Wessex Police!” would have Wessex Police's address: it gets one of its own.
    expect(db.$client.prepare("SELECT slug FROM institutions WHERE name = 'Wessex Police!'").get()).toEqual({ slug: `${police.slug}-2` });
    // Events then find the new institution by its other names.
    const imported = run(`${HEADER}\n${row({ institution: 'mha' })}\n${row({ institution: 'the alliance' })}`);
    expect(imported.written).toBe(2);
    expect(imported.preview.map((e) => e.institutionId)).toEqual([alliance.id, alliance.id]);
  });

  it('checks each row against the directory as it stood before the import, in a dry run and a real one alike', () => {
    const file = [
      `slug,${HEAD}`,
      // A rename: the old name stays taken for the rows below, as it was when the file was checked.
      `${network.slug},Intensive Support Alliance,other,,,England,ISN,`,
      ',Intensive Support Network,other,,,,,',
      // A new institution's slug is no institution's yet.
      ',Borsetshire Police,police_force,,,England,,',
      'borsetshire-police,Borsetshire Constabulary,police_force,,,England,,',
    ].join('\n');
    const before = count(institutions);
    const dry = importInstitutionsCsv(db, file, { now: TEST_NOW, dryRun: true });
    const real = importInstitutionsCsv(db, file, { now: TEST_NOW });
    expect(real.problems).toEqual(dry.problems);
    expect(real.problems.map((p) => [p.line, p.column])).toEqual([[3, 'name'], [5, 'slug']]);
    expect(real.written).toBe(0);
    expect(count(institutions)).toBe(before);
    expect(db.$client.prepare('SELECT name FROM institutions WHERE id = ?').get(network.id)).toEqual({ name: 'Intensive Support Network' });
  });

  it.each([
    ['a duplicate name', 'Wessex Police,police_force,,,England,,', 'name'],
    ['a name repeated in the file', 'Fine Body,other,,,,,', 'name'],
    ['an unknown kind', 'New Body,charity,,,,,', 'kind'],
    ['a used code', 'New Body,other,RZZ,,,,', 'code'],
    ['a bad website', 'New Body,other,,,,,ftp://x', 'website'],
    ['a missing name', ',other,,,,,', 'name'],
  ])('refuses %s and writes nothing', (_name, bad, column) => {
    const before = count(institutions);
    const result = importInstitutionsCsv(db, `${HEAD}\nFine Body,other,,,,,\n${bad}\n`, { now: TEST_NOW });
    expect(result.problems.map((e) => e.column)).toContain(column);
    expect(result.problems.every((e) => e.line === 3)).toBe(true);
    expect(result.written).toBe(0);
    expect(count(institutions)).toBe(before);
  });
});

describe('npm run import', () => {
  const cliDb = () => path.join(dir, 'cli.db');
  function cli(args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      cwd: PROJECT_ROOT,
      // vitest sets BASE_URL to "/" for Vite; the command must see a clean environment.
      env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: cliDb(), DATA_DIR: FIXTURE_DATA },
      encoding: 'utf8',
    });
  }

  it('imports a good file, refuses a bad one with line, column and reason, and exits non-zero', () => {
    const directory = path.join(dir, 'institutions.csv');
    const good = path.join(dir, 'good.csv');
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(directory, 'name,kind,code,region,country,aliases,website\nWessex Police,police_force,wessex,,England,WISP,\n');
    fs.writeFileSync(good, `${HEADER}\n${GOOD}\n${row({ institution: 'wessex', type: 'response', channel: '', response_type: 'statement', date: '2021-06-02', summary: 'Wessex Police will review the scheme', review: 'committed' })}\n`);
    fs.writeFileSync(bad, `${HEADER}\n${GOOD}\n${row({ channel: 'pigeon' })}\n`);

    // On a new database the command loads the campaign of DATA_DIR first: its directory is empty.
    const unknown = cli(['events', good, '--dry-run']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('line 2, column “institution”: no institution has the slug, code, name or alias “Wessex Police”');

    const institutionsDry = cli(['institutions', directory, '--dry-run']);
    expect(institutionsDry.status, institutionsDry.stderr).toBe(0);
    expect(institutionsDry.stdout).toContain('the 1 row is valid (dry run: nothing was imported)');
    const institutionsImported = cli(['institutions', directory]);
    expect(institutionsImported.status, institutionsImported.stderr).toBe(0);
    expect(institutionsImported.stdout).toContain('imported 1 institution.');

    const dry = cli(['events', good, '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/all 2 rows are valid \(dry run/);

    const refused = cli(['events', bad]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('1 problem; nothing was imported.');
    expect(refused.stderr).toMatch(/line 3, column “channel”: “pigeon” is not a channel/);

    const imported = cli(['events', good]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('imported 2 events');
    const check = openDatabase(cliDb());
    const campaign = check.$client.prepare('SELECT title FROM campaign').get();
    const asks = check.$client.prepare('SELECT slug FROM asks ORDER BY sort_order').all();
    const written = check.$client.prepare('SELECT e.summary, i.name FROM events e JOIN institutions i ON i.id = e.institution_id ORDER BY e.id').all();
    const stated = check.$client.prepare('SELECT a.slug, p.stance FROM event_positions p JOIN asks a ON a.id = p.ask_id').all();
    check.$client.close();
    expect(campaign).toEqual({ title: 'Fixture campaign: who will close the scheme?' });
    expect(asks).toEqual([{ slug: 'halt' }, { slug: 'review' }]);
    expect(written).toEqual([
      { summary: 'Letter asking Wessex Police to close the scheme', name: 'Wessex Police' },
      { summary: 'Wessex Police will review the scheme', name: 'Wessex Police' },
    ]);
    expect(stated).toEqual([{ slug: 'review', stance: 'committed' }]);

    expect(cli(['people', good]).status).toBe(2);
  });

  it('reads a file of a megabyte or more in a thread it starts first: all rows imported, or a bad row near the end refused with nothing written', () => {
    const directory = path.join(dir, 'institutions.csv');
    fs.writeFileSync(directory, 'name,kind,code,region,country,aliases,website\nWessex Police,police_force,wessex,,England,WISP,\n');
    expect(cli(['institutions', directory]).status).toBe(0);
    const letters = (n: number) => Array.from({ length: n }, (_, i) => row({ summary: `Letter ${i} asking Wessex Police to close the scheme, in words of about the length campaigners write` }));
    const bad = path.join(dir, 'large-bad.csv');
    fs.writeFileSync(bad, [HEADER, ...letters(6_999), row({ channel: 'pigeon' })].join('\n'));
    expect(fs.statSync(bad).size).toBeGreaterThan(1 << 20);
    const refused = cli(['events', bad]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/line 7001, column “channel”: “pigeon” is not a channel/);
    const good = path.join(dir, 'large.csv');
    fs.writeFileSync(good, [HEADER, ...letters(7_000)].join('\n'));
    const imported = cli(['events', good]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('imported 7,000 events');
    const check = openDatabase(cliDb());
    const written = check.$client.prepare("SELECT count(*) AS n FROM events WHERE summary LIKE 'Letter % asking Wessex Police%'").get();
    check.$client.close();
    expect(written).toEqual({ n: 7_000 });
  }, 60_000);

  it('updates events named by id, as the workspace does, and refuses a changed published one without its correction note', () => {
    const directory = path.join(dir, 'institutions.csv');
    const first = path.join(dir, 'first.csv');
    fs.writeFileSync(directory, 'name,kind,code,region,country,aliases,website\nWessex Police,police_force,wessex,,England,WISP,\n');
    fs.writeFileSync(first, `${HEADER}\n${GOOD}\n${row({ summary: 'A second letter', date: '2021-06-02' })}\n`);
    expect(cli(['institutions', directory]).status).toBe(0);
    expect(cli(['events', first]).status).toBe(0);
    const check = openDatabase(cliDb());
    const ids = (check.$client.prepare('SELECT id FROM events ORDER BY id').all() as { id: number }[]).map((e) => e.id);
    check.$client.close();

    const noNote = path.join(dir, 'no-note.csv');
    fs.writeFileSync(noNote, `id,${HEADER}\n${ids[0]},${row({ summary: 'Letter asking Wessex Police to end the scheme' })}\n`);
    const refused = cli(['events', noNote]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`line 2, column “correction_note”: event ${ids[0]} is published, so changing it (summary) needs a public correction note saying what was corrected`);

    const edited = path.join(dir, 'edited.csv');
    fs.writeFileSync(edited, [
      `id,${HEADER},correction_note`,
      `${ids[0]},${row({ summary: 'Letter asking Wessex Police to end the scheme' })},It asked to end the scheme`,
      `${ids[1]},${row({ summary: 'A second letter', date: '2021-06-02' })},`,
      `,${row({ summary: 'A third letter', date: '2021-06-03' })},`,
    ].join('\n'));
    const dry = cli(['events', edited, '--dry-run']);
    expect(dry.stdout).toContain('all 3 rows are valid: 1 to update, 1 to add, 1 unchanged (dry run: nothing was imported).');
    const done = cli(['events', edited]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain('updated 1 event, added 1 event; 1 row unchanged.');
    const after = openDatabase(cliDb());
    expect(after.$client.prepare('SELECT summary FROM events ORDER BY id').all()).toEqual([
      { summary: 'Letter asking Wessex Police to end the scheme' }, { summary: 'A second letter' }, { summary: 'A third letter' },
    ]);
    expect(after.$client.prepare("SELECT note FROM revisions WHERE action = 'event.update'").all()).toEqual([{ note: 'It asked to end the scheme' }]);
    after.$client.close();
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
    expect(fs.existsSync(cliDb())).toBe(false);
    fs.rmSync(huge);
  });
});
