/**
 * Open data (CSV and JSON), feeds, and what other sites may read, on a story these tests build:
 * a national body approached twice on Friday 23 April 2021 and silent since, a police force that
 * committed to the review and a trust considering it (both running BISP), a closed trust, a
 * draft that must never be published, and texts that would be markup if taken as HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { parse } from 'csv-parse/sync';
import { contact, FIXTURE_DATA, institution, milestone, response } from '../factories.js';
import { dom, makeApp, words, type TestApp } from '../helpers.js';

const MARKUP = 'Asked <b>Westshire</b> Police & its PCC';

async function buildStory() {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const bodies = {
    board: institution(db, { name: 'National Scheme Board', kind: 'nhs_england' }),
    network: institution(db, { name: 'Scheme Founders Network', kind: 'other', aliases: ['SFN'] }),
    police: institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire', aliases: ['BISP', 'Borsetshire Constabulary'] }),
    trust: institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1', region: 'South East', aliases: ['BISP'] }),
    welsh: institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', code: 'ambridge', country: 'Wales' }),
    westshire: institution(db, { name: 'Westshire Police', kind: 'police_force', code: 'westshire' }),
    closed: institution(db, { name: 'Old Borchester Mental Health Trust', kind: 'mental_health_trust', code: 'RZ3', region: 'South East', active: false }),
    hostile: institution(db, { name: 'Loxley <Body> & Co', kind: 'other' }),
  };
  const { board, network, police, trust, welsh, westshire, hostile } = bodies;
  const events = {
    petition: contact(db, board, { date: '2021-04-23', channel: 'petition', from: 'Scheme Survivors Coalition', dueOn: '2021-05-10', summary: 'Petition asking the National Scheme Board to close the scheme.' }),
    enquiry: contact(db, board, { date: '2021-04-23', channel: 'press_enquiry', from: 'Felpersham Gazette', dueOn: '2021-05-10', summary: 'Asked the National Scheme Board to answer the petition.' }),
    asked: contact(db, network, { date: '2021-04-26', channel: 'email', dueOn: '2021-05-11', summary: 'Asked the Scheme Founders Network whether it would support a review.' }),
    founders: response(db, network, { date: '2021-05-06', summary: 'The network’s founder said a review was needed.' }),
    committed: response(db, police, {
      date: '2021-05-06', summary: 'Borsetshire Police said it would commission a review of BISP.',
      quote: 'With our partners, we will commission an independent review of BISP.', positions: { review: 'committed' },
      source: { title: 'Force to review BISP', url: null, publisher: 'Felpersham Gazette', publishedOn: '2021-05-06' },
    }),
    considering: response(db, trust, { date: '2021-05-06', summary: 'The trust is considering the concerns.', positions: { review: 'considering' } }),
    report: milestone(db, null, { date: '2021-05-06', time: '11:30', summary: 'The Felpersham Gazette reports that the National Scheme Board has not commented.' }),
    draft: response(db, welsh, { date: '2021-05-05', status: 'draft', positions: { review: 'done' }, summary: 'Draft: Ambridge Constabulary ended the scheme.' }),
    markup: contact(db, westshire, { date: '2021-06-01', channel: 'email', summary: MARKUP }),
    hostile: contact(db, hostile, { date: '2021-06-02', channel: 'email', summary: 'Asked Loxley whether it runs the scheme.' }),
    recent: contact(db, westshire, { date: '2026-11-16', channel: 'email', dueOn: '2026-11-30', summary: 'Asked Westshire Police whether it runs the scheme.' }),
  };
  return { t, bodies, events };
}

let story: Awaited<ReturnType<typeof buildStory>>;
let t: TestApp;
beforeAll(async () => {
  story = await buildStory();
  t = story.t;
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const eventUrl = (id: number) => `https://tracker.example.org/events/${id}`;
/** Every published event as at now, newest first. */
const newestFirst = () => {
  const e = story.events;
  return [e.recent, e.hostile, e.markup, e.report, e.considering, e.committed, e.founders, e.asked, e.enquiry, e.petition];
};
/** What a feed reader shows of HTML text. */
const asHtml = (html: string) => dom(`<div>${html}</div>`).querySelector('div')!;
const text = (node: unknown): string => (typeof node === 'string' ? node : (node as { '#text': string })['#text']);

describe('feeds', () => {
  it('serves a valid Atom feed of the published timeline, newest first', async () => {
    const res = await get('/feed.atom');
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const feed = xml.parse(res.body).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    for (const required of ['id', 'title', 'updated', 'author']) expect(feed[required], required).toBeDefined();
    expect(feed.title).toBe('Fixture campaign: who will close the scheme?');
    // The feed was last updated when its newest revision was made (the test clock, here).
    expect(feed.updated).toBe('2026-11-22T12:00:00.000Z');
    expect(feed.entry.map((e: { id: string }) => e.id)).toEqual(newestFirst().map(eventUrl));
    for (const entry of feed.entry) for (const required of ['id', 'title', 'updated', 'link']) expect(entry[required], required).toBeDefined();
    expect(feed.entry[0].link['@href']).toBe(eventUrl(story.events.recent));
    // An entry is updated when its version was recorded; it was published when the event happened.
    expect(feed.entry[0].updated).toBe('2026-11-22T12:00:00.000Z');
    expect(feed.entry[0].published).toBe('2026-11-16T00:00:00.000Z');
  });

  it('gives each entry a title and an HTML summary of what happened, with the positions stated', async () => {
    const feed = xml.parse((await get('/feed.atom')).body).feed;
    const entry = (id: number) => feed.entry.find((e: { id: string }) => e.id === eventUrl(id));
    const committed = entry(story.events.committed);
    expect(text(committed.title)).toBe('Response (statement): Borsetshire Police, 6 May 2021');
    expect([...asHtml(text(committed.summary)).querySelectorAll('p')].map((p) => words(p))).toEqual([
      'Borsetshire Police said it would commission a review of BISP.',
      '“With our partners, we will commission an independent review of BISP.”',
      'Position stated: Independent review: Committed.',
    ]);
    expect(text(entry(story.events.report).title)).toBe('Milestone: campaign-wide, 6 May 2021');
  });

  it('escapes text that would be markup: HTML titles in Atom, plain titles in RSS and JSON Feed', async () => {
    const { events } = story;
    const atom = xml.parse((await get('/feed.atom')).body).feed.entry;
    const atomEntry = (id: number) => atom.find((e: { id: string }) => e.id === eventUrl(id));
    // A summary is HTML in every format: its words show as written, with no bold.
    const summary = asHtml(text(atomEntry(events.markup).summary));
    expect(words(summary)).toBe(MARKUP);
    expect(summary.querySelector('b')).toBeNull();
    // An Atom title is HTML (type="html"): escaped, it shows the name as written.
    const title = atomEntry(events.hostile).title;
    expect(title['@type']).toBe('html');
    expect(text(title)).toBe('Approach (email): Loxley &lt;Body&gt; &amp; Co, 2 June 2021');
    expect(words(asHtml(text(title)))).toBe('Approach (email): Loxley <Body> & Co, 2 June 2021');

    const rss = xml.parse((await get('/feed.rss')).body).rss.channel.item;
    const rssItem = rss.find((i: { link: string }) => i.link === eventUrl(events.hostile));
    expect(text(rssItem.title)).toBe('Approach (email): Loxley <Body> & Co, 2 June 2021');
    expect(words(asHtml(text(rss.find((i: { link: string }) => i.link === eventUrl(events.markup)).description)))).toBe(MARKUP);

    const json = (await get('/feed.json')).json();
    const jsonItem = json.items.find((i: { id: string }) => i.id === eventUrl(events.hostile));
    expect(jsonItem.title).toBe('Approach (email): Loxley <Body> & Co, 2 June 2021');
    const markup = asHtml(json.items.find((i: { id: string }) => i.id === eventUrl(events.markup)).content_html);
    expect(words(markup)).toBe(MARKUP);
    expect(markup.querySelector('b')).toBeNull();
  });

  it('serves RSS 2.0 and JSON Feed with the same items', async () => {
    const res = await get('/feed.rss');
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const rss = xml.parse(res.body).rss;
    expect(rss['@version']).toBe('2.0');
    for (const required of ['title', 'link', 'description']) expect(rss.channel[required], required).toBeDefined();
    const guids = rss.channel.item.map((i: { guid: { '#text': string } | string }) => text(i.guid));
    expect(guids).toEqual(newestFirst().map(eventUrl));
    const jsonRes = await get('/feed.json');
    expect(jsonRes.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const json = jsonRes.json();
    expect(json.version).toMatch(/^https:\/\/jsonfeed\.org\/version\/1/);
    expect(json.items.map((i: { id: string }) => i.id)).toEqual(guids);
  });

  it('honours as_of, and gives each institution its own Atom feed', async () => {
    const { events, bodies } = story;
    const past = xml.parse((await get('/feed.atom?as_of=2021-04-30')).body).feed;
    expect([past.entry].flat().map((e: { id: string }) => e.id)).toEqual([events.asked, events.enquiry, events.petition].map(eventUrl));
    const board = xml.parse((await get(`/institutions/${bodies.board.slug}/feed.atom`)).body).feed;
    expect(board.title).toBe('National Scheme Board: Fixture campaign: who will close the scheme?');
    expect(board.entry.map((e: { id: string }) => e.id)).toEqual([events.enquiry, events.petition].map(eventUrl));
    expect(board.link.find((l: { '@rel': string }) => l['@rel'] === 'self')['@href']).toBe(`https://tracker.example.org/institutions/${bodies.board.slug}/feed.atom`);
    const westshire = xml.parse((await get(`/institutions/${bodies.westshire.slug}/feed.atom?as_of=2021-12-31`)).body).feed;
    expect([westshire.entry].flat().map((e: { id: string }) => e.id)).toEqual([eventUrl(events.markup)]);
    const welsh = xml.parse((await get(`/institutions/${bodies.welsh.slug}/feed.atom`)).body).feed;
    expect(welsh.entry).toBeUndefined();
    expect((await get('/institutions/nowhere/feed.atom')).statusCode).toBe(404);
  });
});

describe('open data', () => {
  it('gives the institutions with positions and silence as at the moment asked, from the same figures as the API', async () => {
    const { bodies } = story;
    const res = await get('/data/institutions.csv?as_of=2021-05-06T11:30');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.name)).toEqual([
      'Ambridge Constabulary', 'Borsetshire Police', 'Felpersham Mental Health NHS Trust', 'Loxley <Body> & Co',
      'National Scheme Board', 'Old Borchester Mental Health Trust', 'Scheme Founders Network', 'Westshire Police',
    ]);
    const api = (await get('/api/institutions?as_of=2021-05-06T11:30')).json();
    expect(api.institutions).toHaveLength(rows.length);
    for (const row of rows) {
      const i = api.institutions.find((x: { slug: string }) => x.slug === row.slug);
      expect(row.review_stance, row.slug).toBe(i.positions.review.stance);
      expect(row.review_since, row.slug).toBe(i.positions.review.since ?? '');
      expect(row.halt_stance, row.slug).toBe(i.positions.halt.stance);
      expect(row.calendar_days, row.slug).toBe(i.silence ? String(i.silence.calendarDays) : '');
      expect(row.working_days, row.slug).toBe(i.silence ? String(i.silence.workingDays) : '');
      expect(row.as_of).toBe(api.asOf);
    }
    expect(rows.find((r) => r.slug === bodies.board.slug)).toEqual({
      slug: bodies.board.slug, name: 'National Scheme Board', kind: 'nhs_england', code: '', region: '', country: 'England', aliases: '', active: 'true',
      url: `https://tracker.example.org/institutions/${bodies.board.slug}`, halt_stance: 'none', halt_since: '', review_stance: 'none', review_since: '',
      // Friday 23 April to Thursday 6 May 2021: 13 days, 8 working days (Monday 3 May was a bank holiday).
      silence_since: '2021-04-23', calendar_days: '13', working_days: '8', unanswered_contacts: '2', last_contact: '2021-04-23', as_of: '2021-05-06T10:30:00.000Z',
      revision: String(api.revision),
      campaign_ended_on: '',
      record_stale_since: '',
    });
    expect(rows.find((r) => r.slug === bodies.police.slug)).toMatchObject({ aliases: 'BISP; Borsetshire Constabulary', code: 'borsetshire', review_stance: 'committed', review_since: '2021-05-06', silence_since: '' });
    expect(rows.find((r) => r.slug === bodies.closed.slug)).toMatchObject({ active: 'false', region: 'South East', review_stance: 'none' });
  });

  it('gives the published events in the import columns, and nothing of drafts', async () => {
    const { bodies } = story;
    const res = await get('/data/events.csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(newestFirst().length);
    expect(Object.keys(rows[0]!)).toEqual(['institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote', 'source_title', 'source_url', 'source_publisher', 'source_date', 'status', 'halt', 'review', 'late_on', 'long_overdue_on']);
    expect(rows.find((r) => r.summary === 'Borsetshire Police said it would commission a review of BISP.')).toEqual({
      institution: bodies.police.slug, date: '2021-05-06', time: '', type: 'response', channel: '', response_type: 'statement', from: '',
      summary: 'Borsetshire Police said it would commission a review of BISP.', quote: 'With our partners, we will commission an independent review of BISP.',
      source_title: 'Force to review BISP', source_url: '', source_publisher: 'Felpersham Gazette', source_date: '2021-05-06', status: 'published', halt: '', review: 'committed',
      late_on: '', long_overdue_on: '',
    });
    expect(rows.find((r) => r.type === 'milestone')).toMatchObject({ institution: '', date: '2021-05-06', time: '11:30' });
    expect(rows.filter((r) => r.summary === MARKUP)).toHaveLength(1);
    expect(rows.every((r) => r.status === 'published' && !r.summary!.startsWith('Draft'))).toBe(true);
  });

  it('gives the published events as JSON with the licence, each as the API gives it, as at the moment asked', async () => {
    const res = await get('/data/events.json?as_of=2021-05-06T12:00');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const json = res.json();
    expect(json.asOf).toBe('2021-05-06T11:00:00.000Z');
    expect(json.licence).toMatch(/^CC BY 4\.0/);
    expect(json.attribution).toBe('Fixture campaign: who will close the scheme?');
    const { events } = story;
    expect(json.events.map((e: { id: number }) => e.id)).toEqual([events.report, events.considering, events.committed, events.founders, events.asked, events.enquiry, events.petition]);
    const api = (await get('/api/timeline?as_of=2021-05-06T12:00')).json();
    expect(json.events).toEqual(api.events);
  });
});

describe('what other sites may read', () => {
  it.each([
    ['/api/institutions', '*'],
    ['/api/timeline', '*'],
    ['/data/events.csv', '*'],
    ['/data/institutions.csv', '*'],
    ['/feed.atom', '*'],
    ['/feed.json', '*'],
    ['/', undefined],
    ['/institutions', undefined],
    ['/admin', undefined],
  ])('%s allows cross-origin reads: %s', async (url, allowed) => {
    const res = await get(url, { origin: 'https://news.example' });
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['cross-origin-resource-policy']).toBe(allowed ? 'cross-origin' : 'same-origin');
  });

  it('lets another site show an institution’s own feed', async () => {
    const res = await get(`/institutions/${story.bodies.board.slug}/feed.atom`, { origin: 'https://news.example' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
  });
});
