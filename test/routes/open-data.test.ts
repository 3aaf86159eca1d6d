import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { parse } from 'csv-parse/sync';
import { Validator } from '@seriousme/openapi-schema-validator';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  // An event whose text would be markup if a feed reader took it as HTML.
  importEventsCsv(t.app.tracker.db, 'institution,date,type,channel,summary,source_title\nkent,2021-06-01,contact,email,Asked <b>Kent</b> Police & its PCC,Email\n', {
    calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test',
  });
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

describe('feeds', () => {
  it('serves a valid Atom feed of the published timeline, newest first', async () => {
    const res = await get('/feed.atom');
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = xml.parse(res.body).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    for (const required of ['id', 'title', 'updated', 'author']) expect(feed[required], required).toBeDefined();
    expect(feed.entry).toHaveLength(7);
    for (const entry of feed.entry) for (const required of ['id', 'title', 'updated', 'link']) expect(entry[required], required).toBeDefined();
    expect(feed.entry[0].id).toMatch(/^https:\/\/tracker\.example\.org\/events\/\d+$/);
    expect(feed.entry[0].summary['#text'] ?? feed.entry[0].summary).toContain('&lt;b&gt;Kent&lt;/b&gt; Police &amp; its PCC');
  });

  it('serves RSS 2.0 and JSON Feed with the same items', async () => {
    const rss = xml.parse((await get('/feed.rss')).body).rss;
    expect(rss['@version']).toBe('2.0');
    for (const required of ['title', 'link', 'description']) expect(rss.channel[required], required).toBeDefined();
    expect(rss.channel.item).toHaveLength(7);
    const json = (await get('/feed.json')).json();
    expect(json.version).toMatch(/^https:\/\/jsonfeed\.org\/version\/1/);
    expect(json.items.map((i: { id: string }) => i.id)).toEqual(rss.channel.item.map((i: { guid: { '#text': string } | string }) => (typeof i.guid === 'string' ? i.guid : i.guid['#text'])));
  });

  it('honours as_of, and gives each institution its own Atom feed', async () => {
    const past = xml.parse((await get('/feed.atom?as_of=2021-04-30')).body).feed;
    expect([past.entry].flat()).toHaveLength(2);
    const nhs = xml.parse((await get('/institutions/nhs-england/feed.atom')).body).feed;
    expect(nhs.entry).toHaveLength(2);
    expect(nhs.link.find((l: { '@rel': string }) => l['@rel'] === 'self')['@href']).toBe('https://tracker.example.org/institutions/nhs-england/feed.atom');
    expect((await get('/institutions/nowhere/feed.atom')).statusCode).toBe(404);
  });
});

describe('open data', () => {
  it('gives the institutions with positions and silence as at the moment asked, from the same figures as the API', async () => {
    const res = await get('/data/institutions.csv?as_of=2021-05-06T11:30');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(140);
    const api = (await get('/api/institutions?as_of=2021-05-06T11:30')).json();
    for (const row of rows) {
      const i = api.institutions.find((x: { slug: string }) => x.slug === row.slug);
      expect(row.review_stance).toBe(i.positions.review.stance);
      expect(row.calendar_days).toBe(i.silence ? String(i.silence.calendarDays) : '');
      expect(row.working_days).toBe(i.silence ? String(i.silence.workingDays) : '');
      expect(row.as_of).toBe(api.asOf);
    }
    expect(rows.find((r) => r.slug === 'nhs-england')).toMatchObject({ silence_since: '2021-04-23', calendar_days: '13', working_days: '8' });
  });

  it('gives the published events in the import columns and as JSON with the licence', async () => {
    const rows = parse((await get('/data/events.csv')).body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(7);
    expect(Object.keys(rows[0]!)).toEqual(['institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote', 'source_title', 'source_url', 'source_publisher', 'source_date', 'status', 'halt', 'review']);
    const json = (await get('/data/events.json?as_of=2021-05-06T12:00')).json();
    expect(json.licence).toMatch(/CC BY 4\.0/);
    expect(json.events).toHaveLength(6);
  });
});

describe('the API for other sites', () => {
  it('is described by a valid OpenAPI document with every API route', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/campaign', '/api/events/{id}', '/api/institutions', '/api/institutions/{slug}', '/api/timeline']);
    for (const path of Object.keys(doc.paths)) {
      expect(doc.paths[path].get.parameters.some((p: { name: string }) => p.name === 'as_of'), path).toBe(true);
    }
  });

  it.each([
    ['/api/institutions', '*'],
    ['/data/events.csv', '*'],
    ['/feed.atom', '*'],
    ['/', undefined],
    ['/admin', undefined],
  ])('%s allows cross-origin reads: %s', async (url, allowed) => {
    const res = await get(url, { origin: 'https://news.example' });
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
  });
});

describe('the API page', () => {
  it('lists every route of the OpenAPI document with its parameters, and states the licence', async () => {
    const page = (await get('/api')).body;
    const doc = (await get('/api/openapi.json')).json();
    for (const path of Object.keys(doc.paths)) expect(page).toContain(`<code>GET ${path}</code>`);
    expect(page).toContain('<code>as_of</code>');
    expect(page).toContain('CC BY 4.0');
    expect((await get('/about')).body).toContain('Creative Commons Attribution 4.0 licence (CC BY 4.0)');
  });
});
