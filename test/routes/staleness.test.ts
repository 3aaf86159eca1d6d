/**
 * A record that says when it was last kept: beside every silence figure (pages, embeds, badge,
 * API, CSV), once the latest event on record is more than `staleAfterDays` (campaign.json,
 * default 30) before the moment shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution, type MadeInstitution } from '../factories.js';
import { dom, makeApp, tempDir, words, type TestApp } from '../helpers.js';
import { instantOf } from '../../src/domain/calendar.js';

const NOTE = 'Note: The record was last updated on 1 September 2026; replies after that may not be recorded.';

describe('a record with no new event for more than 30 days', () => {
  let t: TestApp;
  let trust: MadeInstitution;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2026-11-22', '12:00') });
    trust = institution(t.app.tracker.db, { name: 'Felpersham Trust', kind: 'mental_health_trust' });
    contact(t.app.tracker.db, trust, { date: '2026-09-01' });
  });
  afterAll(async () => t.close());

  it('says when it was last updated beside the silence figure on every page that shows one', async () => {
    for (const [url, container] of [
      ['/', '#silence-heading'],
      [`/institutions/${trust.slug}`, '#silence-heading'],
      ['/institutions', 'main'],
      ['/charts', '#fig-silences'],
      [`/embed/institutions/${trust.slug}`, 'main'],
      ['/embed/scorecard', 'main'],
    ] as const) {
      const doc = dom((await get(url)).body);
      const notes = [...doc.querySelectorAll('.stale-note')].map(words);
      expect(notes.length, url).toBeGreaterThan(0);
      expect(new Set(notes), url).toEqual(new Set([NOTE]));
      // The note sits with the figure it qualifies.
      const scope = container === 'main' ? doc.querySelector('main') ?? doc.body : doc.querySelector(container)!.closest('section, figure');
      expect(scope?.querySelector('.stale-note'), url).not.toBeNull();
    }
  });

  it('says the same in the API, the CSV and the badge', async () => {
    const api = (await get('/api/institutions')).json();
    expect(api.campaign).toEqual({ endedOn: null, recordKept: true, lastUpdatedOn: '2026-09-01', stale: true });
    const rows = parse((await get('/data/institutions.csv')).body, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.find((r) => r.slug === trust.slug)!.record_stale_since).toBe('2026-09-01');
    const badge = (await get(`/badges/${trust.slug}.svg`)).body;
    expect(badge).toContain('82 days without comment (record last updated 1 September 2026)');
  });

  it('says nothing for a moment 30 days after the latest event, and says it 31 days after', async () => {
    const thirty = (await get('/api/institutions?as_of=2026-10-01')).json();
    expect(thirty.campaign).toMatchObject({ lastUpdatedOn: '2026-09-01', stale: false });
    expect(dom((await get(`/institutions/${trust.slug}?as_of=2026-10-01`)).body).querySelector('.stale-note')).toBeNull();
    const thirtyOne = (await get('/api/institutions?as_of=2026-10-02')).json();
    expect(thirtyOne.campaign).toMatchObject({ lastUpdatedOn: '2026-09-01', stale: true });
    expect(words(dom((await get(`/institutions/${trust.slug}?as_of=2026-10-02`)).body).querySelector('.stale-note'))).toBe(NOTE);
  });

  it('is fresh again as soon as an event is logged', async () => {
    const fresh = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2026-11-22', '12:00') });
    const body = institution(fresh.app.tracker.db, { name: 'Loamshire Police', kind: 'police_force' });
    contact(fresh.app.tracker.db, body, { date: '2026-09-01' });
    expect((await fresh.app.inject('/api/institutions')).json().campaign.stale).toBe(true);
    contact(fresh.app.tracker.db, body, { date: '2026-11-20' });
    expect((await fresh.app.inject('/api/institutions')).json().campaign).toMatchObject({ lastUpdatedOn: '2026-11-20', stale: false });
    expect(dom((await fresh.app.inject('/')).body).querySelector('.stale-note')).toBeNull();
    await fresh.close();
  });
});

describe('staleAfterDays in campaign.json', () => {
  it('sets how long a record may go without a new event before the figures say so', async () => {
    const dataDir = tempDir('tracker-data-');
    for (const file of fs.readdirSync(FIXTURE_DATA)) fs.copyFileSync(path.join(FIXTURE_DATA, file), path.join(dataDir, file));
    const campaign = JSON.parse(fs.readFileSync(path.join(dataDir, 'campaign.json'), 'utf8'));
    fs.writeFileSync(path.join(dataDir, 'campaign.json'), JSON.stringify({ ...campaign, staleAfterDays: 90 }));
    const t = await makeApp({ dataDir, now: instantOf('2026-11-22', '12:00') });
    const trust = institution(t.app.tracker.db, { name: 'Felpersham Trust' });
    contact(t.app.tracker.db, trust, { date: '2026-09-01' });
    // 82 days: within 90.
    expect((await t.app.inject('/api/institutions')).json().campaign).toMatchObject({ lastUpdatedOn: '2026-09-01', stale: false });
    expect(dom((await t.app.inject(`/institutions/${trust.slug}`)).body).querySelector('.stale-note')).toBeNull();
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
