/**
 * A campaign that ends, set by an admin in the workspace: every public answer is then as at
 * the end of its last day, says so, and leads with the outcome; a moment after the end says the
 * record was not kept; a link pinned before the change still shows the live campaign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution } from '../factories.js';
import { campaignForm, dom, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';

describe('a campaign an admin marks as ended', () => {
  let t: TestApp;
  let admin: Client;
  let beforeEnd: number;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = t.app.tracker.db;
    const board = institution(db, { name: 'National Scheme Board', kind: 'nhs_england' });
    contact(db, board, { date: '2021-04-23' });
    admin = (await signedIn(t, 'admin')).client;
    beforeEnd = (await get('/api/campaign')).json().revision;
  });
  afterAll(async () => t.close());

  it('refuses an end in the future and an outcome without an end, beside each field, and saves nothing', async () => {
    const fields = await campaignForm(admin);
    const future = await admin.post('/admin/campaign', { ...fields, ended_on: '2027-01-01' });
    expect(future.statusCode).toBe(400);
    expect(words(dom(future.body).querySelector('#ended_on-error'))).toBe('Error: The campaign cannot end on a date in the future; leave this empty while it runs');
    const noDate = await admin.post('/admin/campaign', { ...fields, outcome: 'The board closed the scheme.' });
    expect(noDate.statusCode).toBe(400);
    expect(words(dom(noDate.body).querySelector('#ended_on-error'))).toBe('Error: Give the date the campaign ended, or leave the outcome empty');
    const badSource = await admin.post('/admin/campaign', { ...fields, ended_on: '18 May 2021', outcome_sources: 'not-an-address The board’s letter' });
    expect(badSource.statusCode).toBe(400);
    expect(words(dom(badSource.body).querySelector('#outcome_sources-error'))).toContain('Line 1: give a web address');
    expect((await get('/api/campaign')).json().endedOn).toBeNull();
  });

  it('once saved, shows every figure as at the end of that day, with the outcome first', async () => {
    const fields = await campaignForm(admin);
    const saved = await admin.post('/admin/campaign', {
      ...fields,
      ended_on: '18 May 2021',
      outcome: 'The board closed the scheme, and the campaign stood down.',
      outcome_sources: 'https://news.example.org/closed The board closes the scheme',
    });
    expect(saved.statusCode).toBe(303);
    expect((await campaignForm(admin)).ended_on).toBe('2021-05-18');

    const api = (await get('/api/institutions')).json();
    expect(api.asOf).toBe('2021-05-18T22:59:59.999Z');
    expect(api.campaign).toEqual({ endedOn: '2021-05-18', recordKept: true, lastUpdatedOn: '2021-04-23', stale: false });
    // The silence stopped growing at the end: 23 April to 18 May 2021 (Monday 3 May a bank holiday).
    expect(api.institutions[0].silence).toMatchObject({ since: '2021-04-23', calendarDays: 25, workingDays: 16 });
    expect((await get('/api/campaign')).json()).toMatchObject({
      endedOn: '2021-05-18',
      outcome: { text: 'The board closed the scheme, and the campaign stood down.', sources: [{ title: 'The board closes the scheme', url: 'https://news.example.org/closed' }] },
    });

    const home = dom((await get('/')).body);
    expect(words(home.querySelector('.as-of p'))).toMatch(/^The campaign ended on 18 May 2021\. Figures are as at that day/);
    expect(words(home.querySelector('main > .outcome h2'))).toBe('The campaign ended on 18 May 2021');
    expect(home.querySelector('main > .outcome a')?.getAttribute('href')).toBe('https://news.example.org/closed');
    const page = dom((await get('/institutions/national-scheme-board')).body);
    expect(words(page.querySelector('#citation-text'))).toContain('At the end of 18 May 2021 (UK time), when the campaign ended, as recorded at');
    expect(words(page.querySelector('#citation-text'))).toContain('25 days (16 working days)');
  });

  it('says the same in the badge, the feeds and the CSV', async () => {
    const badge = dom((await get('/badges/national-scheme-board.svg')).body);
    expect(words(badge.querySelector('title'))).toBe('National Scheme Board · 25 days without comment when the campaign ended (18 May 2021)');
    const feed = (await get('/feed.atom')).body;
    expect(feed).toContain('The campaign ended on 18 May 2021; the record was not kept after that day.');
    const csv = (await get('/data/institutions.csv')).body.split(/\r?\n/);
    const header = csv[0]!.split(',');
    const row = csv.find((line) => line.startsWith('national-scheme-board,'))!.split(',');
    expect(row[header.indexOf('campaign_ended_on')]).toBe('2021-05-18');
    expect(row[header.indexOf('as_of')]).toBe('2021-05-18T22:59:59.999Z');
    expect(row[header.indexOf('calendar_days')]).toBe('25');
  });

  it('says that the record was not kept, for a moment chosen after the end', async () => {
    const doc = dom((await get('/institutions/national-scheme-board?as_of=2021-06-30')).body);
    expect(words(doc.querySelector('.ended-note'))).toBe('The campaign ended on 18 May 2021, and the record was not kept after that day: anything that happened later is not in these figures.');
    expect((await get('/api/institutions?as_of=2021-06-30')).json().campaign).toEqual({ endedOn: '2021-05-18', recordKept: false, lastUpdatedOn: '2021-04-23', stale: true });
    // A moment before the end says nothing of it.
    const early = dom((await get('/?as_of=2021-05-06')).body);
    expect(early.querySelector('.ended-note')).toBeNull();
    expect(early.querySelector('main > .outcome')).toBeNull();
  });

  it('leaves a link pinned before the change showing the live campaign', async () => {
    const api = (await get(`/api/campaign?rev=${beforeEnd}`)).json();
    expect(api.endedOn).toBeNull();
    expect(api.campaign).toEqual({ endedOn: null, recordKept: true, lastUpdatedOn: '2021-04-23', stale: true });
    expect(api.asOf).toBe('2026-11-22T12:00:00.000Z');
  });

  it('keeps the campaigners’ workspace on the clock', async () => {
    const doc = dom((await admin.get('/admin')).body);
    expect(doc.querySelector('.as-of')).toBeNull();
    expect(words(doc.querySelector('main'))).not.toContain('The campaign ended');
  });
});
