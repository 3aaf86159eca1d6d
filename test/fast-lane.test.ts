/**
 * The render cache's fast lane (src/plugins/render-cache.ts): an answer the app has sent from the
 * cache is sent again straight from the HTTP server, before the app routes the request. Real
 * requests over loopback to a listening server (app.inject does not pass through the server, so
 * never through the lane); the cache's counts tell which answers the lane sent.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { contact, institution, milestone, type MadeInstitution } from './factories.js';
import { FIXTURE_DATA, makeApp, signedIn, TEST_NOW, type TestApp } from './helpers.js';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent (not decompressed). */
  body: Buffer;
}

/** One request over a connection of its own, the answer's bytes as sent. */
function request(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The headers but that of each response (its date). */
const without = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date'));
const RATE_LIMIT = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

async function listening(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
}

describe('the fast lane', () => {
  let t: TestApp;
  let base: string;
  let clock = TEST_NOW;
  let body: MadeInstitution;
  const get = (path: string, headers: Record<string, string> = {}) => request(base, path, headers);
  const fastHits = () => t.app.renderCache.stats().fastHits;

  beforeAll(async () => {
    t = await makeApp({ clock: () => clock, env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    body = institution(t.app.tracker.db, { name: 'Fast Lane Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02', summary: 'A letter to the fast lane' });
    base = await listening(t);
  });
  afterAll(() => t.close());

  it('sends an answer the app sent from the cache again itself: the same bytes and the same headers', async () => {
    const miss = await get('/about');
    const hit = await get('/about');
    const before = fastHits();
    const fast = await get('/about');
    expect([miss.headers['x-render-cache'], hit.headers['x-render-cache'], fast.headers['x-render-cache']]).toEqual(['miss', 'hit', 'hit']);
    expect(fastHits()).toBe(before + 1);
    expect(fast.status).toBe(200);
    expect(fast.body.equals(hit.body)).toBe(true);
    expect(without(fast.headers)).toEqual(without(hit.headers));
    // The security headers and the Content-Security-Policy are among them.
    expect(fast.headers['content-security-policy']).toContain("default-src 'none'");
    // The rate limit counted the request that rendered the answer, and says so; it counts no answer
    // sent from the cache, by the app or by the lane, and they carry no stale count of another's.
    expect(RATE_LIMIT.map((name) => miss.headers[name] !== undefined)).toEqual([true, true, true]);
    expect(RATE_LIMIT.map((name) => [hit.headers[name], fast.headers[name]])).toEqual(RATE_LIMIT.map(() => [undefined, undefined]));
    expect(Number(fast.headers['content-length'])).toBe(fast.body.length);
  });

  it.each([
    ['an embed, which other sites may frame', () => '/embed/scorecard'],
    ['a badge, which other sites may show', () => `/badges/${body.slug}.svg`],
    ['the JSON API, which other sites may read', () => '/api/institutions'],
    ['a feed', () => '/feed.atom'],
    ['the open data', () => '/data/institutions.csv'],
    ['a chart', () => '/charts'],
  ])('sends %s with the very headers the app sends it with', async (_kind, url) => {
    const path = url();
    await get(path, { 'accept-encoding': 'gzip' });
    const hit = await get(path, { 'accept-encoding': 'gzip' });
    const before = fastHits();
    const fast = await get(path, { 'accept-encoding': 'gzip' });
    expect([hit.status, hit.headers['x-render-cache'], fastHits()]).toEqual([200, 'hit', before + 1]);
    expect(without(fast.headers)).toEqual(without(hit.headers));
    expect(fast.body.equals(hit.body)).toBe(true);
  });

  it('sends each form once the app has made it, with its own ETag; a form not made yet is left to the app', async () => {
    const url = `/institutions/${body.slug}`;
    const br = { 'accept-encoding': 'br' };
    await get(url, br);
    const appBr = await get(url, br);
    let before = fastHits();
    const fastBr = await get(url, br);
    expect(fastHits()).toBe(before + 1);
    expect(fastBr.headers['content-encoding']).toBe('br');
    expect(fastBr.body.equals(appBr.body)).toBe(true);
    expect(fastBr.headers.etag).toBe(appBr.headers.etag);
    // gzip has not been asked for: the app makes it, then the lane sends it.
    before = fastHits();
    const appGzip = await get(url, { 'accept-encoding': 'gzip' });
    expect(fastHits()).toBe(before);
    const fastGzip = await get(url, { 'accept-encoding': 'gzip' });
    expect(fastHits()).toBe(before + 1);
    expect([fastGzip.headers['content-encoding'], fastGzip.headers.etag]).toEqual(['gzip', appGzip.headers.etag]);
    expect(fastGzip.body.equals(appGzip.body)).toBe(true);
    // And the whole page to a client that takes no compression.
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.etag).not.toBe(fastBr.headers.etag);
  });

  it('answers If-None-Match with 304 and HEAD with the headers of GET, itself', async () => {
    await get('/institutions');
    const full = await get('/institutions');
    const before = fastHits();
    const notModified = await get('/institutions', { 'if-none-match': String(full.headers.etag) });
    const head = await request(base, '/institutions', {}, 'HEAD');
    expect(fastHits()).toBe(before + 2);
    expect([notModified.status, notModified.body.length, notModified.headers.etag]).toEqual([304, 0, full.headers.etag]);
    expect([head.status, head.body.length, head.headers['content-length'], head.headers.etag]).toEqual([200, 0, full.headers['content-length'], full.headers.etag]);
  });

  it('sees a change committed by another connection (an import from the command line) on the very next request', async () => {
    await get('/api/timeline');
    await get('/api/timeline');
    expect((await get('/api/timeline')).body.toString()).not.toContain('Committed by another process');
    const other = openDatabase(t.databasePath);
    try {
      milestone(other, body, { date: '2026-11-21', summary: 'Committed by another process' });
    } finally {
      other.$client.close();
    }
    const before = fastHits();
    const next = await get('/api/timeline');
    expect([next.headers['x-render-cache'], fastHits()]).toEqual(['miss', before]);
    expect(next.body.toString()).toContain('Committed by another process');
  });

  it('sees a change written by the app itself on the very next request', async () => {
    await get('/timeline');
    await get('/timeline');
    contact(t.app.tracker.db, body, { date: '2026-11-22', summary: 'Written through the same connection' });
    const next = await get('/timeline');
    expect(next.headers['x-render-cache']).toBe('miss');
    expect(next.body.toString()).toContain('Written through the same connection');
  });

  it('sends an answer as at now only within its minute', async () => {
    clock = TEST_NOW + 1_000;
    await get('/');
    await get('/');
    const before = fastHits();
    expect((await get('/')).headers['x-render-cache']).toBe('hit');
    expect(fastHits()).toBe(before + 1);
    clock = TEST_NOW + 61_000;
    const next = await get('/');
    clock = TEST_NOW;
    expect([next.headers['x-render-cache'], fastHits()]).toEqual(['miss', before + 1]);
  });

  it('leaves to the app every browser carrying the session cookie, and every request but GET and HEAD', async () => {
    // Signed in first: signing in changes the record's token, which empties the cache.
    const { client } = await signedIn(t);
    await get('/corrections');
    await get('/corrections');
    expect(t.app.renderCache.stats().addresses).toBeGreaterThan(0);
    const before = fastHits();
    const signedInReader = await get('/corrections', { cookie: client.cookieHeader() });
    const options = await request(base, '/corrections', {}, 'OPTIONS');
    expect(fastHits()).toBe(before);
    expect(signedInReader.headers['x-render-cache']).toBe('bypass');
    expect(signedInReader.headers['cache-control']).toBe('private, no-store');
    expect(options.headers['x-render-cache']).toBeUndefined();
  });

  it('knows a few addresses of each answer (the same page with tracking parameters), and forgets them when the record changes', async () => {
    for (let i = 0; i < 12; i++) {
      await get(`/charts?utm_source=link-${i}`);
      await get(`/charts?utm_source=link-${i}`);
    }
    const { answers, addresses } = t.app.renderCache.stats();
    expect(addresses).toBeLessThanOrEqual(4 * answers);
    contact(t.app.tracker.db, body, { date: '2026-11-23', summary: 'A change that clears the cache' });
    await get('/charts');
    expect(t.app.renderCache.stats().addresses).toBe(0);
  });
});

describe('the fast lane under load: requests read in the same turn of the event loop', () => {
  let t: TestApp;
  let base: string;
  let port: number;
  let body: MadeInstitution;
  let writeAtSecond: (() => void) | null = null;

  beforeAll(async () => {
    t = await makeApp();
    body = institution(t.app.tracker.db, { name: 'Turn Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02', summary: 'A letter before the turn' });
    base = await listening(t);
    port = (t.app.server.address() as { port: number }).port;
    // Runs before the lane sees each request: the second request of a turn can write.
    let seen = 0;
    t.app.server.prependListener('request', () => {
      seen++;
      if (seen === 2 && writeAtSecond) {
        writeAtSecond();
        writeAtSecond = null;
      }
    });
    t.app.server.prependListener('request', () => setImmediate(() => (seen = 0)));
  });
  afterAll(() => t.close());

  /** `count` connections accepted by the server, then one GET of `path` on each written at once: their answers (status, cache header, body). */
  async function together(path: string, count: number): Promise<{ cache: string; body: string }[]> {
    const accepted = await new Promise<net.Socket[]>((resolve) => {
      const sockets: net.Socket[] = [];
      let serverSide = 0;
      const onConnection = () => {
        serverSide++;
        if (serverSide === count) {
          t.app.server.off('connection', onConnection);
          resolve(sockets);
        }
      };
      t.app.server.on('connection', onConnection);
      for (let i = 0; i < count; i++) sockets.push(net.connect(port, '127.0.0.1'));
    });
    await Promise.all(accepted.filter((socket) => socket.connecting).map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
    const answers = accepted.map(
      (socket) =>
        new Promise<{ cache: string; body: string }>((resolve) => {
          let bytes = Buffer.alloc(0);
          socket.on('data', (chunk: Buffer) => {
            bytes = Buffer.concat([bytes, chunk]);
            const end = bytes.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = bytes.subarray(0, end).toString();
            const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
            if (bytes.length < end + 4 + length) return;
            socket.destroy();
            resolve({ cache: /x-render-cache: (\w+)/i.exec(head)?.[1] ?? '', body: bytes.subarray(end + 4, end + 4 + length).toString() });
          });
        }),
    );
    for (const socket of accepted) socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    return Promise.all(answers);
  }

  it('share one reading of other connections’ commits', async () => {
    await request(base, '/timeline');
    await request(base, '/timeline');
    const { reads, shared } = t.app.turnReading!.counts;
    const answers = await together('/timeline', 8);
    expect(answers.map((a) => a.cache)).toEqual(Array(8).fill('hit'));
    expect(t.app.turnReading!.counts).toEqual({ reads: reads + 1, shared: shared + 7 });
  });

  it('see a write by the app itself made during the turn: every request after it gets the new answer', async () => {
    await request(base, '/timeline');
    await request(base, '/timeline');
    writeAtSecond = () => contact(t.app.tracker.db, body, { date: '2026-11-20', summary: 'Written during the turn' });
    const answers = await together('/timeline', 6);
    expect(answers.filter((a) => a.body.includes('Written during the turn'))).toHaveLength(5);
    expect((await request(base, '/timeline')).body.toString()).toContain('Written during the turn');
  });

  it('see a commit by another connection from the next turn on (the requests of the turn arrived before it)', async () => {
    await request(base, '/timeline');
    await request(base, '/timeline');
    writeAtSecond = () => {
      const other = openDatabase(t.databasePath);
      try {
        milestone(other, body, { date: '2026-11-21', summary: 'Committed by another process during the turn' });
      } finally {
        other.$client.close();
      }
    };
    const answers = await together('/timeline', 6);
    expect(answers.map((a) => a.cache)).toEqual(Array(6).fill('hit'));
    const next = await request(base, '/timeline');
    expect(next.headers['x-render-cache']).toBe('miss');
    expect(next.body.toString()).toContain('Committed by another process during the turn');
  });
});

describe('the fast lane and the rate limit', () => {
  it('counts no answer sent from the cache, by the app or by the lane: they cost less than a refusal would; everything else counts', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_MINUTE: '4' } });
    try {
      const base = await listening(t);
      // Counted: only the first, rendered; the second sent from the cache by the app, the others by the lane.
      const codes = [];
      for (let i = 0; i < 10; i++) codes.push((await request(base, '/about')).status);
      expect(codes).toEqual(Array(10).fill(200));
      expect(t.app.renderCache.stats().fastHits).toBe(8);
      // The health check is never kept: each request is counted, after the one rendering of /about.
      const health = [];
      for (let i = 0; i < 5; i++) health.push((await request(base, '/healthz')).status);
      expect(health).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('the fast lane with LOG_REQUESTS on', () => {
  it('is off, so that every request is logged by the app', async () => {
    const log = new PassThrough();
    let lines = '';
    log.on('data', (chunk: Buffer) => (lines += chunk.toString()));
    const t = await makeApp({ env: { LOG_REQUESTS: 'true' }, logStream: log });
    try {
      const base = await listening(t);
      for (let i = 0; i < 4; i++) expect((await request(base, '/about')).status).toBe(200);
      expect(t.app.renderCache.stats()).toMatchObject({ fastHits: 0, hits: 3 });
      expect(lines.split('\n').filter((line) => line.includes('"url":"/about"') && line.includes('incoming request'))).toHaveLength(4);
    } finally {
      await t.close();
    }
  });
});

describe('the fast lane over random histories', () => {
  /** How many random histories: each step asks, writes or moves the clock. */
  const RUNS = 200;
  type Step =
    | { op: 'get'; page: number; encoding: 'br' | 'gzip' | null; times: number }
    | { op: 'write'; through: 'app' | 'another connection' }
    | { op: 'tick'; minutes: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), page: fc.nat(), encoding: fc.constantFrom('br' as const, 'gzip' as const, null), times: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('write' as const), through: fc.constantFrom('app' as const, 'another connection' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), minutes: fc.constantFrom(0, 1, 59, 60 * 24) }) },
  );

  it(`answers every request as the app rendering it afresh would, over ${RUNS} random histories of asking, writing and time passing`, async () => {
    let clock = TEST_NOW;
    const cached = await makeApp({ clock: () => clock, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    // The same database, read afresh for every answer.
    const fresh = await buildApp(loadConfig({
      DATABASE_PATH: cached.databasePath, BASE_URL: 'https://tracker.example.org', LOG_REQUESTS: 'false', DATA_DIR: FIXTURE_DATA,
      SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters', RENDER_CACHE_MB: '0', RATE_LIMIT_PER_MINUTE: '1000000',
    }), { now: () => clock });
    let written = 0;
    try {
      const body = institution(cached.app.tracker.db, { name: 'Random History Trust' });
      const pages = ['/', '/timeline', `/institutions/${body.slug}`, '/api/timeline', '/api/institutions', '/feed.atom', `/badges/${body.slug}.svg`, '/changes', '/about?utm_source=x'];
      const base = await listening(cached);
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
          for (const s of steps) {
            if (s.op === 'tick') clock += s.minutes * 60_000;
            else if (s.op === 'write') {
              const summary = `Written in a random history (${++written})`;
              if (s.through === 'app') contact(cached.app.tracker.db, body, { date: '2026-11-10', summary });
              else {
                const other = openDatabase(cached.databasePath);
                try {
                  milestone(other, body, { date: '2026-11-11', summary });
                } finally {
                  other.$client.close();
                }
              }
            } else {
              const path = pages[s.page % pages.length]!;
              const headers: Record<string, string> = s.encoding ? { 'accept-encoding': s.encoding } : {};
              let answer!: Raw;
              for (let i = 0; i < s.times; i++) answer = await request(base, path, headers);
              const expected = await fresh.inject({ method: 'GET', url: path, headers });
              const decoded = answer.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(answer.body) : answer.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(answer.body) : answer.body;
              const expectedBody = expected.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(expected.rawPayload) : expected.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(expected.rawPayload) : expected.rawPayload;
              expect([path, answer.status]).toEqual([path, expected.statusCode]);
              expect(decoded.toString(), path).toBe(expectedBody.toString());
              expect([path, answer.headers.etag, answer.headers['content-encoding']]).toEqual([path, expected.headers.etag, expected.headers['content-encoding']]);
            }
          }
        }),
        { numRuns: RUNS },
      );
      // The lane did answer some of them.
      expect(cached.app.renderCache.stats().fastHits).toBeGreaterThan(0);
    } finally {
      await fresh.close();
      await cached.close();
    }
  }, 120_000);
});
