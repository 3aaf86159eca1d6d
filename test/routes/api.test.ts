import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => t.close());

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
};

describe('GET /api/institutions', () => {
  it('reproduces the worked example as at 11:30 on 6 May 2021', async () => {
    const { status, body } = await get('/api/institutions?as_of=2021-05-06T11:30');
    expect(status).toBe(200);
    expect(body.asOf).toBe('2021-05-06T10:30:00.000Z');
    const bySlug = Object.fromEntries(body.institutions.map((i: { slug: string }) => [i.slug, i]));
    expect(bySlug['nhs-england'].silence).toEqual({ since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 2, lastContact: '2021-04-23' });
    expect(bySlug['surrey-police'].positions.review).toMatchObject({ stance: 'committed', since: '2021-05-06' });
    expect(bySlug['surrey-and-borders-partnership-nhs-foundation-trust'].positions.review).toMatchObject({ stance: 'considering' });
    expect(bySlug['nhs-england'].positions.review).toEqual({ stance: 'none', since: null, eventId: null });
    expect(bySlug['surrey-police'].silence).toBeNull();
  });

  it('returns exactly the contract fields of an institution', async () => {
    const { body } = await get('/api/institutions?as_of=2021-05-06T11:30');
    const nhs = body.institutions.find((i: { slug: string }) => i.slug === 'nhs-england');
    expect(Object.keys(nhs).sort()).toEqual(['active', 'aliases', 'code', 'country', 'kind', 'name', 'positions', 'region', 'silence', 'slug', 'url'].sort());
    expect(nhs.url).toBe('https://tracker.example.org/institutions/nhs-england');
  });

  it('holds the whole directory: all 43 territorial police forces, BTP, trusts, ICBs', async () => {
    const { body } = await get('/api/institutions');
    const police = body.institutions.filter((i: { kind: string }) => i.kind === 'police_force');
    expect(police).toHaveLength(44);
    expect(police.filter((i: { country: string | null }) => i.country === 'England' || i.country === 'Wales')).toHaveLength(43);
    expect(police.filter((i: { country: string | null }) => i.country === 'Wales')).toHaveLength(4);
    expect(body.institutions.filter((i: { kind: string }) => i.kind === 'icb')).toHaveLength(42);
    const trusts = body.institutions.filter((i: { kind: string }) => i.kind === 'mental_health_trust');
    expect(trusts.filter((i: { active: boolean }) => i.active)).toHaveLength(48);
    expect(trusts.filter((i: { active: boolean }) => !i.active)).toHaveLength(4);
  });

  it('filters by kind and region', async () => {
    const { body } = await get('/api/institutions?kind=mental_health_trust&region=South%20East');
    expect(body.institutions.length).toBeGreaterThan(0);
    expect(body.institutions.every((i: { kind: string; region: string }) => i.kind === 'mental_health_trust' && i.region === 'South East')).toBe(true);
  });

  it('shows no figures before anything happened', async () => {
    const { body } = await get('/api/institutions?as_of=2021-04-22');
    expect(body.institutions.every((i: { silence: unknown }) => i.silence === null)).toBe(true);
  });

  it.each([
    ['/api/institutions?as_of=yesterday', 'as_of'],
    ['/api/institutions?as_of=2021-02-30', 'as_of'],
    ['/api/institutions?as_of=2099-01-01', 'as_of'],
    ['/api/institutions?kind=charity', 'kind'],
    ['/api/timeline?limit=0', 'limit'],
    ['/api/timeline?type=rumour', 'type'],
    ['/api/timeline?before=yesterday', 'before'],
    ['/api/timeline?ask=abolish', 'ask'],
    ['/api/events/abc', 'id'],
  ])('%s is a 400 naming %s', async (url, parameter) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.message).toBeTruthy();
  });
});

describe('GET /api/institutions/:slug', () => {
  it('gives the institution and its events, newest first', async () => {
    const { status, body } = await get('/api/institutions/nhs-england?as_of=2021-05-06T11:30');
    expect(status).toBe(200);
    expect(body.institution.silence.calendarDays).toBe(13);
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['contact', 'contact']);
    expect(body.events[0].id).toBeGreaterThan(body.events[1].id);
  });

  it('finds aliases in the record', async () => {
    const { body } = await get('/api/institutions/surrey-police');
    expect(body.institution.aliases).toContain('SHIPP');
    expect(body.events[0].quote).toMatch(/^Together with all of our partners/);
    expect(body.events[0].positions).toEqual({ review: 'committed' });
  });

  it('is a 404 for an unknown slug', async () => {
    const { status, body } = await get('/api/institutions/ministry-of-magic');
    expect(status).toBe(404);
    expect(body.parameter).toBe('slug');
  });
});

describe('GET /api/timeline', () => {
  it('lists the published events newest first with the contract fields', async () => {
    const { body } = await get('/api/timeline?as_of=2021-05-06T23:00');
    expect(body.events).toHaveLength(6);
    expect(body.next).toBeNull();
    const [first] = body.events;
    expect(first).toMatchObject({ type: 'milestone', institution: null, date: '2021-05-06', occurredAt: '2021-05-06T10:30:00.000Z' });
    expect(Object.keys(first).sort()).toEqual(
      ['id', 'type', 'institution', 'occurredAt', 'date', 'channel', 'from', 'responseType', 'summary', 'quote', 'positions', 'sources', 'dueOn', 'url'].sort(),
    );
    const dates = body.events.map((e: { occurredAt: string }) => e.occurredAt);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('pages with a cursor: every event once, in order, and the next link keeps the filters', async () => {
    const seen: number[] = [];
    let url: string | null = '/api/timeline?limit=2&as_of=2021-06-01';
    let pages = 0;
    while (url) {
      const { body } = await get(url.replace('https://tracker.example.org', ''));
      seen.push(...body.events.map((e: { id: number }) => e.id));
      url = body.next;
      if (url) expect(url).toMatch(/limit=2/);
      if (url) expect(url).toMatch(/as_of=2021-06-01/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    const { body: all } = await get('/api/timeline?as_of=2021-06-01');
    expect(seen).toEqual(all.events.map((e: { id: number }) => e.id));
  });

  it.each([
    ['type=response', 3],
    ['type=contact', 2],
    ['kind=police_force', 1],
    ['kind=mental_health_trust', 1],
    ['region=South%20East', 1],
    ['ask=review', 2],
    ['ask=halt', 0],
  ])('filters by %s', async (filter, n) => {
    const { body } = await get(`/api/timeline?${filter}`);
    expect(body.events).toHaveLength(n);
  });

  it('shows nothing before the first event', async () => {
    const { body } = await get('/api/timeline?as_of=2021-04-22T23:59');
    expect(body.events).toEqual([]);
  });
});

describe('GET /api/events/:id and /api/campaign', () => {
  it('gives one event with its sources', async () => {
    const { status, body } = await get('/api/events/5');
    expect(status).toBe(200);
    expect(body.event).toMatchObject({ id: 5, type: 'response', institution: 'surrey-and-borders-partnership-nhs-foundation-trust', responseType: 'statement', positions: { review: 'considering' } });
    expect(body.event.sources[0]).toEqual({ title: "NHS England silent over 'unsafe' mental distress emergency scheme", url: null, publisher: 'Disability News Service', publishedOn: '2021-05-06' });
    expect(body.event.url).toBe('https://tracker.example.org/events/5');
  });

  it('is a 404 for an unknown event, and for one that had not happened as at as_of', async () => {
    expect((await get('/api/events/999')).status).toBe(404);
    const later = await get('/api/events/5?as_of=2021-05-01');
    expect(later.status).toBe(404);
    expect(later.body.message).toMatch(/had not happened/);
  });

  it('describes the campaign and its asks', async () => {
    const { body } = await get('/api/campaign');
    expect(body.title).toMatch(/StopSIM/);
    expect(body.asks.map((a: { slug: string }) => a.slug)).toEqual(['halt', 'review']);
    expect(body.asOf).toBe(new Date(Date.parse('2026-11-22T12:00:00Z')).toISOString());
  });

  it('reports health once the database is open and migrated', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
