/**
 * Whole-record downloads: streamed a page at a time from a snapshot of the record, a few at
 * once, the same events the API gives, whatever is written meanwhile.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { addDays } from '../../src/domain/calendar.js';
import { EXPORT_PAGE } from '../../src/tracker/export.js';
import { contact, FIXTURE_DATA, institution, milestone, response, user } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { Client } from '../session.js';

/**
 * A GET over a connection of its own (no keep-alive pool to hold the server open): calls
 * `onFirstChunk` when the first chunk arrives, and gives up after it when `abandon` is set.
 */
function get(port: number, path: string, options: { onFirstChunk?: () => void; abandon?: boolean } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      let first = true;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (first) {
          first = false;
          options.onFirstChunk?.();
          if (options.abandon) {
            request.destroy();
            resolve({ status: res.statusCode!, body });
          }
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', () => undefined);
    });
    request.on('error', (error) => (options.abandon ? undefined : reject(error)));
  });
}

/** More events than two pages of a download. */
const EVENTS = EXPORT_PAGE * 2 + 237;

function fill(t: TestApp): void {
  const db = t.app.tracker.db;
  const bodies = [institution(db, { name: 'Borsetshire Police' }), institution(db, { name: 'Felpersham NHS Trust' })];
  db.transaction(() => {
    for (let i = 0; i < EVENTS; i++) {
      const date = addDays('2021-01-04', i % 400);
      const body = bodies[i % 2]!;
      if (i % 3 === 0) contact(db, body, { date, summary: `Approach ${i}` });
      else if (i % 3 === 1) response(db, body, { date, summary: `Reply ${i}`, positions: i % 5 === 0 ? { review: 'considering' } : {} });
      else milestone(db, i % 7 === 0 ? null : body, { date, summary: `Milestone ${i}`, status: i % 11 === 0 ? 'draft' : 'published' });
    }
  });
}

describe('downloading the whole record', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    fill(t);
  });
  afterAll(() => t.close());

  const published = () => (t.app.tracker.db.$client.prepare("SELECT count(*) AS n FROM events WHERE status = 'published'").get() as { n: number }).n;

  it('gives in /data/events.json every event the API gives, in the same order, across pages', async () => {
    const download = await t.app.inject({ method: 'GET', url: '/data/events.json' });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = download.json() as { asOf: string; licence: string; attribution: string; events: { id: number }[] };
    expect(body.asOf).toBe('2026-11-22T12:00:00.000Z');
    expect(body.licence).toMatch(/^CC BY 4.0/);
    expect(body.attribution).toBe('Fixture campaign: who will close the scheme?');
    const fromApi: unknown[] = [];
    for (let url: string | null = '/api/timeline?limit=200'; url; ) {
      const page = (await t.app.inject({ method: 'GET', url })).json() as { events: unknown[]; next: string | null };
      fromApi.push(...page.events);
      url = page.next ? page.next.replace('https://tracker.example.org', '') : null;
    }
    expect(body.events).toHaveLength(published());
    expect(body.events).toEqual(fromApi);
  });

  it('gives in /data/events.csv every published event, oldest first, and in the workspace export the drafts too', async () => {
    const open = parse((await t.app.inject({ method: 'GET', url: '/data/events.csv' })).body, { columns: true }) as Record<string, string>[];
    expect(open).toHaveLength(published());
    expect(open.every((r) => r.status === 'published')).toBe(true);
    expect(open.map((r) => r.date)).toEqual([...open.map((r) => r.date)].sort());
    const editor = await user(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const all = await client.get('/admin/export/events.csv');
    expect(all.headers['cache-control']).toBe('private, no-store');
    expect(parse(all.body, { columns: true })).toHaveLength(EVENTS);
  });

  it('reads a snapshot: an event written while a download is under way is not half in it', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const { status, body: text } = await get(port, '/data/events.csv', {
      // Written after the download began: dated after every other event, it would be its last row.
      onFirstChunk: () => contact(t.app.tracker.db, institution(t.app.tracker.db, { name: 'Late Arrival Trust' }), { date: '2026-11-20', summary: 'Written during the download' }),
    });
    expect(status).toBe(200);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.summary)).not.toContain('Written during the download');
    expect(rows).toHaveLength(published() - 1);
    // The next download sees it.
    expect((await t.app.inject({ method: 'GET', url: '/data/events.csv' })).body).toContain('Written during the download');
  });
});

describe('how many downloads run at once', () => {
  it('runs a few, queues a few more, and asks the rest to retry', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { MAX_CONCURRENT_EXPORTS: '1' } });
    fill(t);
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.app.inject({ method: 'GET', url: '/data/events.json' })));
    const codes = answers.map((a) => a.statusCode).sort();
    // One running and four waiting (four per slot); three turned away.
    expect(codes).toEqual([200, 200, 200, 200, 200, 503, 503, 503]);
    for (const a of answers.filter((x) => x.statusCode === 503)) {
      expect(a.headers['retry-after']).toBe('10');
      expect(a.body).toContain('Please try again in 10 seconds');
    }
    for (const a of answers.filter((x) => x.statusCode === 200)) expect((a.json() as { events: unknown[] }).events.length).toBeGreaterThan(EXPORT_PAGE * 2);
    await t.close();
  });

  it('frees the slot of a download the client abandons', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { MAX_CONCURRENT_EXPORTS: '1' } });
    fill(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    for (let i = 0; i < 6; i++) expect((await get(port, '/data/events.csv', { abandon: true })).status).toBe(200);
    // Were the six abandoned downloads still holding the slot and the queue, this one would wait or be refused.
    const res = await get(port, '/data/events.csv');
    expect(res.status).toBe(200);
    expect(res.body.split('\n').length).toBeGreaterThan(EXPORT_PAGE * 2);
    await t.close();
  });
});

describe('download slots', () => {
  it('grant at once up to the limit, then in turn, refuse past the queue, and give up after the longest wait', async () => {
    const { Slots } = await import('../../src/plugins/slots.js');
    const slots = new Slots(1, 2, 50);
    const first = await slots.acquire()!;
    expect(first).toBeTypeOf('function');
    const second = slots.acquire()!;
    const third = slots.acquire()!;
    expect(slots.acquire()).toBeNull(); // the queue is full
    first!();
    const granted = await second;
    expect(granted).toBeTypeOf('function');
    // The third waits past the longest wait while the second holds the slot.
    expect(await third).toBeNull();
    granted!();
    granted!(); // releasing twice frees one slot only
    const again = await slots.acquire()!;
    expect(again).toBeTypeOf('function');
    expect(await slots.acquire()).toBeNull();
  });
});
