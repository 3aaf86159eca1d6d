/**
 * The data a fresh installation ships (data/): the StopSIM campaign, its reference directory,
 * the bank holidays and the 26 sourced events of 2021 to 2023 (and the campaign's end), checked against what README.md says of
 * them ("The shipped data", the worked example). The only test file that reads data/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEventsCsv } from '../src/records/csv-import.js';
import { eventsFileOf, loadCalendar, loadCampaignFile } from '../src/records/reference-data.js';
import { dom, makeApp, SHIPPED_DATA, TEST_NOW, words, type TestApp } from './helpers.js';

const csv = (file: string) => parse(fs.readFileSync(path.join(SHIPPED_DATA, file), 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ dataDir: SHIPPED_DATA });
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const directoryRows = () =>
  t.app.tracker.db.$client.prepare('SELECT id, slug, name, kind, code, active FROM institutions').all() as { id: number; slug: string; name: string; kind: string; code: string | null; active: number }[];
/** Checks one row naming an institution with the shipped directory, writing nothing. */
const check = (institution: string) =>
  importEventsCsv(t.app.tracker.db, `institution,date,type,channel,summary,source_title\n${institution},2021-06-01,contact,email,Asked about SIM,Email\n`, {
    calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test', dryRun: true,
  });

describe('the shipped directory', () => {
  it('has the 43 territorial police forces of England and Wales and British Transport Police', () => {
    const forces = csv('police_forces.csv');
    expect(forces).toHaveLength(44);
    const territorial = forces.filter((f) => f.kind === 'territorial');
    expect(territorial).toHaveLength(43);
    expect(new Set(territorial.map((f) => f.country))).toEqual(new Set(['England', 'Wales']));
    expect(territorial.filter((f) => f.country === 'Wales').map((f) => f.id).sort()).toEqual(['dyfed-powys', 'gwent', 'north-wales', 'south-wales']);
    expect(forces.filter((f) => f.kind !== 'territorial')).toEqual([{ id: 'btp', name: 'British Transport Police', country: '', kind: 'special' }]);
    expect(new Set(forces.map((f) => f.id)).size).toBe(44);
  });

  it('has 48 current and 4 closed mental health trusts of England', () => {
    const trusts = csv('mental_health_trusts.csv');
    expect(trusts).toHaveLength(52);
    expect(trusts.filter((r) => r.notes!.startsWith('CLOSED'))).toHaveLength(4);
    expect(new Set(trusts.map((r) => r.ods_code)).size).toBe(52);
  });

  it('has the 42 integrated care boards, and NHS England, the High Intensity Network and the AHSN Network', () => {
    const icbs = csv('icbs.csv');
    expect(icbs).toHaveLength(42);
    expect(new Set(icbs.map((r) => r.ods_code)).size).toBe(42);
    expect(csv('other_institutions.csv').map((r) => [r.name, r.kind])).toEqual([['NHS England', 'nhs_england'], ['High Intensity Network', 'other'], ['AHSN Network', 'other']]);
  });

  it('is loaded whole on first start: 141 institutions, the closed trusts closed', async () => {
    const rows = directoryRows();
    expect(rows).toHaveLength(44 + 52 + 42 + 3);
    const byKind = (kind: string) => rows.filter((r) => r.kind === kind);
    expect(byKind('police_force')).toHaveLength(44);
    expect(byKind('mental_health_trust')).toHaveLength(52);
    expect(byKind('mental_health_trust').filter((r) => r.active === 0)).toHaveLength(4);
    expect(byKind('icb')).toHaveLength(42);
    expect(byKind('nhs_england').map((r) => r.name)).toEqual(['NHS England']);
    expect(byKind('other').map((r) => r.name)).toEqual(['High Intensity Network', 'AHSN Network']);
    expect(rows.filter((r) => r.kind !== 'mental_health_trust').every((r) => r.active === 1)).toBe(true);
    const page = dom((await get('/institutions')).body);
    expect(words(page.querySelector('#results-heading'))).toBe('141 institutions shown');
    expect(words(dom((await get('/institutions?kind=police_force')).body).querySelector('#results-heading'))).toBe('44 institutions shown');
  });
});

describe('the shipped other names', () => {
  it('gives SHIPP to both Surrey Police and Surrey and Borders Partnership NHS Foundation Trust', async () => {
    const shipp = csv('aliases.csv').filter((r) => r.alias === 'SHIPP').map((r) => r.institution);
    expect(shipp).toEqual(['Surrey Police', 'Surrey and Borders Partnership NHS Foundation Trust']);
    for (const slug of ['surrey-police', 'surrey-and-borders-partnership-nhs-foundation-trust']) {
      const api = (await get(`/api/institutions/${slug}`)).json();
      expect(api.institution.aliases).toContain('SHIPP');
      const doc = dom((await get(`/institutions/${slug}`)).body);
      const other = [...doc.querySelectorAll('dt')].find((dt) => words(dt) === 'Other names and local schemes');
      expect(words(other?.nextElementSibling)).toContain('SHIPP');
    }
  });

  it('so the importer refuses SHIPP as ambiguous, naming both', () => {
    const result = check('SHIPP');
    expect(result.valid).toBe(0);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ line: 2, column: 'institution' });
    const reason = result.problems[0]!.reason;
    expect(reason).toMatch(/^“SHIPP” could mean more than one institution \((.+); (.+)\); use its slug or code$/);
    const named = /\((.+)\)/.exec(reason)![1]!.split('; ').sort();
    expect(named).toEqual(['Surrey Police', 'Surrey and Borders Partnership NHS Foundation Trust']);
  });

  it.each([
    ['HIN', 'High Intensity Network'],
    ['Southern Health NHS Foundation Trust', 'Hampshire and Isle of Wight Healthcare NHS Foundation Trust'],
    ['Kent and Medway NHS and Social Care Partnership Trust', 'Kent and Medway Mental Health NHS Trust'],
    ['surrey', 'Surrey Police'],
    ['RXX', 'Surrey and Borders Partnership NHS Foundation Trust'],
    ['btp', 'British Transport Police'],
  ])('finds %j as %s', (name, institution) => {
    const result = check(name);
    expect(result.problems).toEqual([]);
    expect(result.preview[0]!.institutionName).toBe(institution);
  });
});

describe('the shipped bank holidays', () => {
  it('cover 2018 to 2027 with no year missing', () => {
    const dates = csv('bank_holidays_england_wales.csv').map((r) => r.date!);
    const years = [...new Set(dates.map((d) => Number(d.slice(0, 4))))].sort();
    expect(years).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027]);
    const calendar = loadCalendar(SHIPPED_DATA);
    expect([calendar.firstYear, calendar.lastYear]).toEqual([2018, 2027]);
    expect(t.app.tracker.calendar.covers('2018-01-01') && t.app.tracker.calendar.covers('2027-12-31')).toBe(true);
    // The worked example rests on it: Monday 3 May 2021 was the Early May bank holiday.
    expect(calendar.isWorkingDay('2021-05-03')).toBe(false);
  });
});

describe('the shipped campaign', () => {
  it('has the asks halt and review, and the reply windows of 10 and 20 working days', async () => {
    const file = loadCampaignFile(SHIPPED_DATA);
    expect(file.asks.map((a) => a.slug)).toEqual(['halt', 'review']);
    expect(file.replyWindowWorkingDays).toEqual({ foi: 20, default: 10 });
    const api = (await get('/api/campaign')).json();
    expect(api.title).toBe('#StopSIM: who has committed to halt and review SIM?');
    expect(api.asks.map((a: { slug: string; title: string }) => [a.slug, a.title])).toEqual([['halt', 'Halt SIM'], ['review', 'Independent review']]);
  });
});

describe('the documented events', () => {
  it('load without a problem, every one of them', () => {
    const name = eventsFileOf(loadCampaignFile(SHIPPED_DATA));
    expect(name).toBe('stopsim_events.csv');
    const file = fs.readFileSync(path.join(SHIPPED_DATA, name));
    const rows = csv(name);
    expect(rows).toHaveLength(26);
    expect(rows.every((r) => /^https?:\/\//.test(r.source_url!))).toBe(true);
    const result = importEventsCsv(t.app.tracker.db, file, { calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test', dryRun: true });
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(rows.length);
    const loaded = t.app.tracker.db.$client.prepare("SELECT count(*) AS n FROM events WHERE status = 'published'").get();
    expect(loaded).toEqual({ n: rows.length });
  });
});

describe('the worked example: as at 11:30 on Thursday 6 May 2021', () => {
  it('shows NHS England 13 days (8 working days) without comment since 23 April 2021, and the positions on review', async () => {
    const api = (await get('/api/institutions?as_of=2021-05-06T11:30')).json();
    expect(api.asOf).toBe('2021-05-06T10:30:00.000Z');
    type Row = { name: string; silence: { since: string; calendarDays: number; workingDays: number } | null; positions: Record<string, { stance: string }> };
    const byName = new Map((api.institutions as Row[]).map((i) => [i.name, i]));
    expect(byName.get('NHS England')!.silence).toMatchObject({ since: '2021-04-23', calendarDays: 13, workingDays: 8 });
    expect(byName.get('Surrey Police')!.positions.review!.stance).toBe('committed');
    expect(byName.get('Surrey and Borders Partnership NHS Foundation Trust')!.positions.review!.stance).toBe('considering');
    const committed = (api.institutions as Row[]).filter((i) => i.positions.review!.stance === 'committed').map((i) => i.name);
    const considering = (api.institutions as Row[]).filter((i) => i.positions.review!.stance === 'considering').map((i) => i.name);
    expect(committed).toEqual(['Surrey Police']);
    expect(considering).toEqual(['Surrey and Borders Partnership NHS Foundation Trust']);
  });

  it('counts, on review, 1 committed, 1 considering and 2 with no position of the 4 institutions involved', async () => {
    const doc = dom((await get('/?as_of=2021-05-06T11:30')).body);
    const cards = [...doc.querySelectorAll('.count-card')];
    const card = (title: string) => cards.find((c) => words(c.querySelector('h3')) === title)!;
    expect(words(card('Independent review').querySelector('.headline'))).toBe('1 of 4 institutions involved has committed to “Independent review”.');
    expect(words(card('Halt SIM').querySelector('.headline'))).toBe('None of the 4 institutions involved has stated a position on “Halt SIM”.');
    const table = [...card('Independent review').querySelectorAll('tbody tr')].map((tr) => [tr.querySelector('.stance')!.className.replace('stance stance--', ''), words(tr.querySelector('td'))]);
    expect(table).toEqual([['done', '0 of 4'], ['committed', '1 of 4'], ['considering', '1 of 4'], ['refused', '0 of 4'], ['none', '2 of 4']]);
  });

  it('gives the citation and the badge the README quotes', async () => {
    const doc = dom((await get('/institutions/nhs-england?as_of=2021-05-06T11:30')).body);
    expect(words(doc.querySelector('#citation-text'))).toBe(
      'As at 11:30 on 6 May 2021 (UK time), as recorded at 12:00 on 22 November 2026, NHS England had not commented 13 days (8 working days) after it was first approached on 23 April 2021. ' +
        'Source: #StopSIM: who has committed to halt and review SIM?, https://tracker.example.org/institutions/nhs-england?as_of=2021-05-06T10:30:00Z&rev=1',
    );
    const badge = dom((await get('/badges/nhs-england.svg?as_of=2021-05-06T11:30')).body);
    expect(words(badge.querySelector('title'))).toBe('NHS England · 13 days without comment');
  });
});

describe('the campaign that ended on 18 May 2023', () => {
  it('is shown as at the end of that day, with its outcome and sources, on every page', async () => {
    const doc = dom((await get('/')).body);
    expect(words(doc.querySelector('.as-of p'))).toMatch(/^The campaign ended on 18 May 2023\. Figures are as at that day \(the end of 18 May 2023, UK time\)/);
    const outcome = doc.querySelector('.outcome')!;
    expect(words(outcome.querySelector('h2'))).toBe('The campaign ended on 18 May 2023');
    expect(words(outcome)).toContain('“must no longer be used”');
    expect([...outcome.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(loadCampaignFile(SHIPPED_DATA).outcome!.sources!.map((s) => s.url));
    for (const url of ['/institutions/nhs-england', '/timeline', '/about']) {
      expect(words(dom((await get(url)).body).querySelector('.as-of p'))).toContain('The campaign ended on 18 May 2023. Figures are as at that day');
    }
  });

  it('has NHS England’s halt done since 10 March 2023 and no silence growing past 18 May 2023', async () => {
    const api = (await get('/api/institutions')).json();
    expect(api.asOf).toBe('2023-05-18T22:59:59.999Z');
    expect(api.campaign).toEqual({ endedOn: '2023-05-18', recordKept: true, lastUpdatedOn: '2023-05-18', stale: false });
    type Row = { slug: string; silence: { since: string; calendarDays: number } | null; positions: Record<string, { stance: string; since: string | null }> };
    const rows = api.institutions as Row[];
    const nhsEngland = rows.find((i) => i.slug === 'nhs-england')!;
    expect(nhsEngland.positions.halt).toMatchObject({ stance: 'done', since: '2023-03-10' });
    expect(nhsEngland.positions.review).toMatchObject({ stance: 'considering', since: '2021-05-11' });
    expect(nhsEngland.silence).toBeNull();
    // Every approach on record was answered, so no silence is counted at the end.
    expect(rows.filter((r) => r.silence).map((r) => r.slug)).toEqual([]);
    const campaign = (await get('/api/campaign')).json();
    expect(campaign.endedOn).toBe('2023-05-18');
    expect(campaign.outcome.sources).toHaveLength(3);
  });

  it('describes the documented events on /about from the record itself', async () => {
    const doc = dom((await get('/about')).body);
    expect(words(doc.querySelector('#events-heading')!.parentElement!.querySelector('p'))).toMatch(/^The record holds 26 published events, from 15 April 2021 to 18 May 2023\. Each names its source/);
  });

  it('says that the record was not kept after the end, for a moment chosen after it', async () => {
    const doc = dom((await get('/?as_of=2024-01-01')).body);
    expect(words(doc.querySelector('.ended-note'))).toBe('The campaign ended on 18 May 2023, and the record was not kept after that day: anything that happened later is not in these figures.');
    expect((await get('/api/campaign?as_of=2024-01-01')).json().campaign).toEqual({ endedOn: '2023-05-18', recordKept: false, lastUpdatedOn: '2023-05-18', stale: true });
  });
});

describe('the shipped tracker with its clock past the bank holiday list (1 February 2028)', () => {
  it('answers every public page, keeps the end-of-campaign figures whole, and reports degraded health', async () => {
    const late = await makeApp({ dataDir: SHIPPED_DATA, now: Date.parse('2028-02-01T12:00:00Z') });
    const get = (url: string) => late.app.inject({ method: 'GET', url });
    for (const url of ['/', '/institutions', '/institutions/nhs-england', '/timeline', '/charts', '/about', '/changes', '/corrections', '/api/institutions', '/data/institutions.csv', '/badges/nhs-england.svg', '/feed.atom', '/embed/scorecard']) {
      expect((await get(url)).statusCode, url).toBe(200);
    }
    // The figures are as at the end of 18 May 2023, which the list covers: their working days stand.
    const api = (await get('/api/institutions')).json();
    expect(api.calendar).toEqual({ holidaysUntil: '2027-12-31', workingDaysAvailable: true });
    expect(dom((await get('/')).body).querySelector('.calendar-note')).toBeNull();
    // A moment chosen after the list ends says why working days are missing.
    expect(words(dom((await get('/?as_of=2028-01-15')).body).querySelector('.calendar-note'))).toBe(
      'Working-day figures are not available: the bank holiday list ends on 31 December 2027. Figures in calendar days are complete.',
    );
    // The workspace cannot work out a reply due date today: degraded.
    expect((await get('/healthz')).json()).toMatchObject({ status: 'degraded', reasons: [expect.stringContaining('The bank holiday list ended on 31 December 2027')] });
    await late.close();
  });
});
