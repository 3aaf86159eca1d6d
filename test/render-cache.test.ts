/**
 * The render cache and HTTP caching of public answers (src/plugins/render-cache.ts): what is kept,
 * what a change makes fresh at once, what is never kept, and the headers browsers, proxies and
 * CDNs rely on. Real requests through the whole app; `X-Render-Cache` and the cache's counts show
 * what the cache did.
 */
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { compress, compressing, COMPRESSING_AT_ONCE } from '../src/plugins/compression.js';
import { contact, institution, milestone, type MadeInstitution } from './factories.js';
import { dom, makeApp, signedIn, TEST_NOW, words, type TestApp } from './helpers.js';
import { Client } from './session.js';

const NOW = 'public, max-age=60, stale-while-revalidate=300';
const PINNED = 'public, max-age=31536000, immutable';

/** The moment a page says it is as at (the time-travel banner's words). */
const asAtLabel = (html: string) => words(dom(html).querySelector('.as-of'));

describe('the render cache', () => {
  let t: TestApp;
  let clock = TEST_NOW;
  let body: MadeInstitution;
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const stats = () => t.app.renderCache.stats();

  beforeAll(async () => {
    t = await makeApp({ clock: () => clock });
    body = institution(t.app.tracker.db, { name: 'Cached Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02', summary: 'The first letter' });
  });
  afterAll(() => t.close());

  it('sends the same bytes again without rendering them again, with the same strong ETag', async () => {
    const first = await get('/');
    const before = stats();
    const second = await get('/');
    expect(first.statusCode).toBe(200);
    expect([first.headers['x-render-cache'], second.headers['x-render-cache']]).toEqual(['miss', 'hit']);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(first.headers.etag).toMatch(/^"[\w-]{20,}"$/);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    // A hit renders nothing: no miss is counted.
    expect(stats()).toMatchObject({ misses: before.misses, hits: before.hits + 1 });
  });

  it.each([
    ['/corrections', '/corrections?fbclid=IwAR0x1y2z'],
    ['/institutions', '/institutions?utm_source=newsletter&utm_medium=email&utm_campaign=sim'],
    ['/timeline?type=contact', '/timeline?gclid=abc&type=contact&mc_eid=42'],
    ['/changes', '/changes?utm_content=x&_ga=1.2.3'],
  ])('answers %s and the same with the tracking parameters of a shared link (%s) from one kept answer, which cites and links to itself without them', async (plain, shared) => {
    const first = await get(plain);
    const tracked = await get(shared);
    expect([first.statusCode, tracked.statusCode, tracked.headers['x-render-cache']]).toEqual([200, 200, 'hit']);
    expect(tracked.body).toBe(first.body);
    expect(tracked.body).not.toMatch(/utm_|fbclid|gclid|mc_eid|_ga=/);
    // The address it gives as its own (og:url) is the plain one.
    expect(dom(tracked.body).querySelector('meta[property="og:url"]')?.getAttribute('content')).toMatch(new RegExp(`${plain.replace(/[?]/g, '\\?')}$`));
  });

  it('keeps apart what only looks like a tracking parameter, and every parameter the tracker reads', async () => {
    expect((await get('/timeline?type=response')).statusCode).toBe(200);
    for (const url of ['/timeline?type=response&utm=1', '/timeline?type=response&my_fbclid=1', '/timeline?type=milestone']) {
      expect([url, (await get(url)).headers['x-render-cache']]).toEqual([url, 'miss']);
    }
  });

  it('keeps every kind of public answer: pages, JSON, CSV, feeds, badges, charts and embeds', async () => {
    for (const url of ['/timeline', `/institutions/${body.slug}`, '/api/institutions', '/data/institutions.csv', '/feed.atom', `/badges/${body.slug}.svg`, '/charts/silences.svg', '/embed/scorecard', '/about']) {
      const first = await get(url);
      const again = await get(url);
      expect([url, first.statusCode, first.headers['x-render-cache'], again.headers['x-render-cache']]).toEqual([url, 200, 'miss', 'hit']);
      expect(again.body, url).toBe(first.body);
      // The headers the handler set are sent again with the kept answer.
      for (const name of ['content-type', 'content-disposition', 'content-security-policy', 'x-frame-options', 'cache-control', 'vary']) {
        expect(again.headers[name], `${url} ${name}`).toEqual(first.headers[name]);
      }
    }
    // An embed may be framed by any site, from the cache as when it was rendered.
    const embed = await get('/embed/scorecard');
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(String(embed.headers['content-security-policy'])).toContain('frame-ancestors *');
  });

  it('shows an event written by the factories on the next request', async () => {
    const before = await get(`/institutions/${body.slug}`);
    expect(before.body).not.toContain('A second letter, kept out of no cache');
    contact(t.app.tracker.db, body, { date: '2026-11-10', summary: 'A second letter, kept out of no cache' });
    const after = await get(`/institutions/${body.slug}`);
    expect(after.headers['x-render-cache']).toBe('miss');
    expect(after.body).toContain('A second letter, kept out of no cache');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('shows an event logged in the workspace on the next request', async () => {
    await get('/timeline');
    expect((await get('/timeline')).headers['x-render-cache']).toBe('hit');
    const { client } = await signedIn(t);
    const _csrf = await client.csrf('/admin/events/new?type=contact');
    const logged = await client.post('/admin/events', {
      _csrf, type: 'contact', institution: body.slug, date: '2026-11-20', channel: 'letter', from: 'Fixture Coalition',
      summary: 'An approach logged in the workspace', source_title: 'The letter', status: 'published',
    });
    expect(logged.statusCode).toBe(303);
    const after = await get('/timeline');
    expect(after.headers['x-render-cache']).toBe('miss');
    expect(after.body).toContain('An approach logged in the workspace');
  });

  it('sees at once a change committed by another connection to the database (an import run from the command line)', async () => {
    const api = async () => (await get('/api/timeline')).json<{ events: { summary: string }[] }>();
    expect((await api()).events.map((e) => e.summary)).not.toContain('Imported by another process');
    await get('/api/timeline');
    const other = openDatabase(t.databasePath);
    try {
      milestone(other, body, { date: '2026-11-21', summary: 'Imported by another process' });
    } finally {
      other.$client.close();
    }
    const res = await get('/api/timeline');
    expect(res.headers['x-render-cache']).toBe('miss');
    expect(res.json<{ events: { summary: string }[] }>().events.map((e) => e.summary)).toContain('Imported by another process');
  });

  it('answers as at now by the minute its label shows, and anew in the next minute', async () => {
    clock = TEST_NOW + 5_000;
    const first = await get('/');
    clock = TEST_NOW + 50_000;
    const sameMinute = await get('/');
    expect(sameMinute.headers['x-render-cache']).toBe('hit');
    expect(asAtLabel(sameMinute.body)).toBe(asAtLabel(first.body));
    clock = TEST_NOW + 61_000;
    const nextMinute = await get('/');
    expect(nextMinute.headers['x-render-cache']).toBe('miss');
    expect(asAtLabel(first.body)).toContain('12:00');
    expect(asAtLabel(nextMinute.body)).toContain('12:01');
    expect(nextMinute.headers.etag).not.toBe(first.headers.etag);
    clock = TEST_NOW;
  });

  it('keeps an answer pinned to a moment whatever the clock says, until the record changes', async () => {
    const url = `/institutions/${body.slug}?as_of=2026-11-15`;
    const first = await get(url);
    clock = TEST_NOW + 3_600_000;
    const later = await get(url);
    clock = TEST_NOW;
    expect([first.headers['x-render-cache'], later.headers['x-render-cache']]).toEqual(['miss', 'hit']);
    expect(later.body).toBe(first.body);
  });

  it('never keeps an error: each is answered afresh, and no cache may keep it', async () => {
    for (const url of ['/institutions/no-such-body', '/?as_of=not-a-date', '/events/999999', '/api/institutions/no-such-body', '/timeline?q=%22%22']) {
      const first = await get(url);
      const again = await get(url);
      expect([url, first.statusCode >= 400, first.headers['cache-control'], again.headers['x-render-cache']]).toEqual([url, true, 'no-store', undefined]);
    }
  });

  it('never keeps a download streamed from a snapshot, though caches may keep it as long as any answer as at now', async () => {
    const res = await get('/data/events.csv');
    expect([res.statusCode, res.headers['x-render-cache'], res.headers['cache-control'], res.headers.etag]).toEqual([200, 'bypass', NOW, undefined]);
  });

  it('renders an answer once while many ask for it at the same moment', async () => {
    contact(t.app.tracker.db, body, { date: '2026-11-11', summary: 'Asked for by many at once' });
    const before = stats();
    const answers = await Promise.all(Array.from({ length: 6 }, () => get('/')));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.map((a) => a.headers['x-render-cache']).sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'hit', 'miss']);
    expect(stats()).toMatchObject({ misses: before.misses + 1, hits: before.hits + 5 });
  });

  it('answers HEAD from the cache with the headers of GET and no body', async () => {
    const full = await get('/about');
    const head = await t.app.inject({ method: 'HEAD', url: '/about' });
    expect([head.statusCode, head.body, head.headers.etag, head.headers['x-render-cache']]).toEqual([200, '', full.headers.etag, 'hit']);
  });
});

describe('what the render cache never keeps: campaigners, CSRF tokens, flash messages', () => {
  let t: TestApp;
  let body: MadeInstitution;
  beforeAll(async () => {
    t = await makeApp();
    body = institution(t.app.tracker.db, { name: 'Private Matters Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02' });
  });
  afterAll(() => t.close());

  it('shows a signed-in campaigner public pages of their own, never kept, and never shows them to anyone else', async () => {
    const anonymous = () => t.app.inject({ method: 'GET', url: '/' });
    const { client } = await signedIn(t, 'editor');
    await anonymous();
    expect((await anonymous()).headers['x-render-cache']).toBe('hit');
    for (let i = 0; i < 2; i++) {
      const mine = await client.get('/');
      expect([mine.headers['x-render-cache'], mine.headers['cache-control']]).toEqual(['bypass', 'private, no-store']);
      // The page greets them and carries a CSRF token for the sign-out button.
      expect(mine.body).toMatch(/name="_csrf"/);
    }
    // Their session, kept alive on each request, changes no public answer: readers still get the kept one.
    const theirs = await anonymous();
    expect(theirs.headers['x-render-cache']).toBe('hit');
    expect(theirs.body).not.toMatch(/name="_csrf"/);
  });

  it('keeps the workspace, the sign-in page (with its CSRF token) and a page with a flash message private and out of the cache', async () => {
    const { client } = await signedIn(t, 'admin');
    for (const url of ['/admin', '/admin/campaign', '/admin/export/events.csv']) {
      const res = await client.get(url);
      expect([url, res.statusCode, res.headers['cache-control'], res.headers['x-render-cache'], res.headers.etag]).toEqual([url, 200, 'private, no-store', undefined, undefined]);
    }
    const login = await new Client(t.app).get('/login');
    expect([login.headers['cache-control'], login.body.includes('name="_csrf"')]).toEqual(['private, no-store', true]);
    // Signed out, the workspace sends the browser to sign in: never kept either.
    const away = await t.app.inject({ method: 'GET', url: '/admin' });
    expect([away.statusCode, away.headers['cache-control']]).toEqual([303, 'private, no-store']);
    // A saved change lands on a page with a flash message, for this browser alone.
    const _csrf = await client.csrf('/admin/events/new?type=contact');
    const saved = await client.post('/admin/events', {
      _csrf, type: 'contact', institution: body.slug, date: '2026-11-20', channel: 'letter', from: 'Fixture Coalition',
      summary: 'An approach with a flash', source_title: 'The letter', status: 'published',
    });
    const landed = await client.get(String(saved.headers.location));
    expect(words(dom(landed.body).querySelector('main .notice'))).toMatch(/published/);
    expect([landed.headers['cache-control'], landed.headers['x-render-cache']]).toEqual(['private, no-store', 'bypass']);
  });

  it('makes no session for an anonymous reader of a public page', async () => {
    const sessions = () => (t.app.tracker.db.$client.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    const before = sessions();
    for (const url of ['/', '/timeline', '/api/campaign', `/badges/${body.slug}.svg`, '/no-such-page']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect([url, res.headers['set-cookie']]).toEqual([url, undefined]);
    }
    expect(sessions()).toBe(before);
  });
});

describe('HTTP caching: Cache-Control, ETag and 304, compression', () => {
  let t: TestApp;
  let body: MadeInstitution;
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  beforeAll(async () => {
    t = await makeApp();
    body = institution(t.app.tracker.db, { name: 'Headers Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02' });
  });
  afterAll(() => t.close());

  it('lets an answer pinned to a moment and a revision be kept for ever, and any other for a minute', async () => {
    const rev = t.app.tracker.db.$client.prepare('SELECT max(id) AS n FROM revisions').get() as { n: number };
    const cases: [string, string][] = [
      [`/institutions/${body.slug}?as_of=2026-11-15&rev=${rev.n}`, PINNED],
      [`/api/institutions?as_of=2026-11-15T10:00&rev=${rev.n}`, PINNED],
      [`/badges/${body.slug}.svg?rev=${rev.n}&as_of=2026-11-15`, PINNED],
      // A moment alone reads the latest revision, which a correction can change.
      [`/institutions/${body.slug}?as_of=2026-11-15`, NOW],
      // A revision alone is as at now, which moves on.
      [`/institutions/${body.slug}?rev=${rev.n}`, NOW],
      [`/institutions/${body.slug}`, NOW],
      // A period that can end now is as at now, whatever else is pinned.
      [`/changes?as_of=2026-11-15&rev=${rev.n}&from=2026-11-01&to=2026-11-22`, NOW],
      [`/changes?as_of=2026-11-15&rev=${rev.n}`, PINNED],
    ];
    for (const [url, policy] of cases) {
      const res = await get(url);
      expect([url, res.statusCode, res.headers['cache-control'], res.headers.vary]).toEqual([url, 200, policy, 'accept-encoding']);
    }
  });

  it('answers If-None-Match with 304 and no body, from the cache or not', async () => {
    const url = `/institutions/${body.slug}`;
    const first = await get(url);
    const etag = String(first.headers.etag);
    const notModified = await get(url, { 'if-none-match': etag });
    expect([notModified.statusCode, notModified.body, notModified.headers.etag, notModified.headers['cache-control']]).toEqual([304, '', etag, NOW]);
    for (const given of [`W/${etag}`, `"other", ${etag}`, '*']) expect((await get(url, { 'if-none-match': given })).statusCode, given).toBe(304);
    expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
    // A fresh answer (after a change) is compared too: the same bytes, so still not modified.
    t.app.tracker.db.$client.prepare('UPDATE campaign SET stale_after_days = stale_after_days').run();
    const fresh = await get(url, { 'if-none-match': etag });
    expect([fresh.statusCode, fresh.headers['x-render-cache']]).toEqual([304, 'miss']);
  });

  it('compresses with brotli or gzip as the client accepts, each once, each with its own ETag, to the same bytes', async () => {
    const url = '/timeline';
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await get(url, { 'accept-encoding': 'gzip' });
    expect([br.headers['content-encoding'], gzip.headers['content-encoding']]).toEqual(['br', 'gzip']);
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(zlib.gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    expect(new Set([plain.headers.etag, br.headers.etag, gzip.headers.etag]).size).toBe(3);
    // Kept compressed: the same bytes again, from the cache.
    const again = await get(url, { 'accept-encoding': 'br;q=1, gzip;q=0.5' });
    expect([again.headers['x-render-cache'], again.headers['content-encoding'], again.rawPayload.equals(br.rawPayload)]).toEqual(['hit', 'br', true]);
    // Refused encodings and small answers are sent as they are.
    expect((await get(url, { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get('/api/campaign', { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    // The workspace is compressed too, by @fastify/compress.
    const { client } = await signedIn(t);
    const admin = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie: client.cookieHeader(), 'accept-encoding': 'gzip' } });
    expect([admin.statusCode, admin.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(zlib.gunzipSync(admin.rawPayload).toString()).toContain('</html>');
  });

  it('compresses a few answers at once: the others wait their turn, and each gets its own bytes', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => randomBytes(200_000).toString('base64').concat(`answer ${i}`).repeat(2));
    const made = bodies.map((b, i) => compress(Buffer.from(b), i % 2 === 0 ? 'br' : 'gzip'));
    expect(compressing()).toEqual({ running: COMPRESSING_AT_ONCE, waiting: 10 - COMPRESSING_AT_ONCE });
    const results = await Promise.all(made);
    expect(compressing()).toEqual({ running: 0, waiting: 0 });
    expect(results.map((r, i) => (i % 2 === 0 ? zlib.brotliDecompressSync(r) : zlib.gunzipSync(r)).toString())).toEqual(bodies);
    // A compression that fails gives up its turn.
    await expect(compress(null as unknown as Buffer, 'br')).rejects.toThrow();
    expect(compressing()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('a render cache bounded in memory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ env: { RENDER_CACHE_MB: '1' } });
    const db = t.app.tracker.db;
    for (let i = 0; i < 30; i++) contact(db, institution(db, { name: `Bounded Body ${i}` }), { date: '2026-11-02', summary: `Approach number ${i}, with words enough to make a page of some size` });
  });
  afterAll(() => t.close());

  it('drops the least recently used answers to stay within RENDER_CACHE_MB', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    const urls = Array.from({ length: 120 }, (_, i) => `/timeline?as_of=2026-11-${String(3 + (i % 19)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00`);
    const sizes: number[] = [];
    for (const url of urls) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      sizes.push(Number(res.headers['content-length'] ?? res.rawPayload.length));
      expect(t.app.renderCache.stats().bytes).toBeLessThanOrEqual(1024 * 1024);
    }
    const stats = t.app.renderCache.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.answers).toBeLessThan(urls.length);
    // The latest are kept, the earliest were dropped.
    expect((await get(urls[urls.length - 1]!)).headers['x-render-cache']).toBe('hit');
    expect((await get(urls[0]!)).headers['x-render-cache']).toBe('miss');
  });

  it('is off with RENDER_CACHE_MB=0, every answer rendered afresh with the same headers', async () => {
    const off = await makeApp({ env: { RENDER_CACHE_MB: '0' } });
    try {
      const a = await off.app.inject({ method: 'GET', url: '/about' });
      const b = await off.app.inject({ method: 'GET', url: '/about', headers: { 'if-none-match': String(a.headers.etag) } });
      expect([a.headers['x-render-cache'], a.headers['cache-control'], b.statusCode, off.app.renderCache.stats().answers]).toEqual(['off', NOW, 304, 0]);
    } finally {
      await off.close();
    }
  });
});
