import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantOf } from '../../src/domain/calendar.js';
import { ladderOverTime, headlineCounts, currentPositions } from '../../src/domain/positions.js';
import { weekEnds } from '../../src/tracker/charts.js';
import { makeApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => t.close());
const get = (url: string) => t.app.inject({ method: 'GET', url });

type Api = { institutions: { slug: string; kind: string; positions: Record<string, { stance: string }>; silence: { calendarDays: number; workingDays: number } | null }[] };

describe('positions over time', () => {
  it('counts, at each instant, what the headline counts give for that instant', () => {
    const statements = [
      { id: 1, institutionId: 1, type: 'response' as const, responseType: 'statement' as const, status: 'published' as const, occurredAt: instantOf('2021-05-06'), date: '2021-05-06', ask: 'review', stance: 'considering' as const },
      { id: 2, institutionId: 1, type: 'response' as const, responseType: 'statement' as const, status: 'published' as const, occurredAt: instantOf('2021-05-20'), date: '2021-05-20', ask: 'review', stance: 'committed' as const },
      { id: 3, institutionId: 2, type: 'response' as const, responseType: 'statement' as const, status: 'draft' as const, occurredAt: instantOf('2021-05-07'), date: '2021-05-07', ask: 'review', stance: 'done' as const },
    ];
    const since = new Map([[1, instantOf('2021-05-01')], [2, instantOf('2021-05-07')], [3, instantOf('2021-06-01')]]);
    const instants = [instantOf('2021-04-30'), instantOf('2021-05-06'), instantOf('2021-05-10'), instantOf('2021-05-20'), instantOf('2021-06-02')];
    const points = ladderOverTime(statements, since, ['review'], instants);
    for (const point of points) {
      const involved = [...since].filter(([, at]) => at <= point.at).map(([id]) => ({ positions: currentPositions(statements.filter((s) => s.institutionId === id), ['review'], point.at) }));
      expect(point.byAsk.review, new Date(point.at).toISOString()).toEqual(headlineCounts(involved, ['review'])[0]!.byStance);
      expect(point.involved).toBe(involved.length);
    }
    expect(points.map((p) => p.byAsk.review!.committed)).toEqual([0, 0, 0, 1, 1]);
  });

  it.each([
    ['a Friday in BST', '2021-04-23', '2021-05-06T10:30:00.000Z', ['2021-04-25T22:59:59.999Z', '2021-05-02T22:59:59.999Z', '2021-05-06T10:30:00.000Z']],
    ['across the autumn change', '2021-10-25', '2021-11-08T09:00:00.000Z', ['2021-10-31T23:59:59.999Z', '2021-11-07T23:59:59.999Z', '2021-11-08T09:00:00.000Z']],
    ['T at the very end of a Sunday', '2021-04-26', '2021-05-02T22:59:59.999Z', ['2021-05-02T22:59:59.999Z']],
  ])('weeks end on London Sundays, then at T (%s)', (_name, first, asOf, expected) => {
    expect(weekEnds(instantOf(first), Date.parse(asOf)).map((x) => new Date(x).toISOString())).toEqual(expected);
  });
});

describe('chart tables agree with the API', () => {
  it('the last week of positions over time is the headline count', async () => {
    const page = (await get('/charts?as_of=2021-05-06T11:30')).body;
    const table = page.slice(page.indexOf('id="positions-table-review"'));
    const firstRow = /<tbody>\s*<tr><th scope="row">([^<]+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/.exec(table)!;
    expect(firstRow[1]).toBe('11:30 on 6 May 2021');
    const api = (await get('/api/institutions?as_of=2021-05-06T11:30')).json() as Api;
    const involved = ['nhs-england', 'high-intensity-network', 'surrey-police', 'surrey-and-borders-partnership-nhs-foundation-trust'];
    const stances = api.institutions.filter((i) => involved.includes(i.slug)).map((i) => i.positions.review!.stance);
    const count = (s: string) => stances.filter((x) => x === s).length;
    expect(firstRow.slice(2).map(Number)).toEqual([4, count('done'), count('committed'), count('considering'), count('refused'), count('none')]);
  });

  it('positions by kind and the longest silences match the API', async () => {
    const page = (await get('/charts?as_of=2021-05-06T11:30')).body;
    const kinds = page.slice(page.indexOf('id="kinds-table-review"'), page.indexOf('</table>', page.indexOf('id="kinds-table-review"')));
    expect(kinds).toMatch(/<th scope="row">Police forces<\/th><td>1<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>0<\/td>/);
    expect(kinds).toMatch(/<th scope="row">Mental health trusts<\/th><td>1<\/td><td>0<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td>/);
    const api = (await get('/api/institutions?as_of=2021-05-06T11:30')).json() as Api;
    const silent = api.institutions.filter((i) => i.silence);
    const silences = page.slice(page.indexOf('id="silences-table"'));
    for (const i of silent) expect(silences).toContain(`</a></th><td>${i.silence!.calendarDays}</td><td>${i.silence!.workingDays}</td>`);
  });

  it('serves each chart as an accessible SVG image of its own', async () => {
    for (const url of ['/charts/positions/review.svg', '/charts/kinds/halt.svg', '/charts/silences.svg?as_of=2021-05-06T11:30']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(res.body).toMatch(/role="img" aria-labelledby="[^"]+-title [^"]+-desc"/);
      expect(res.body).toMatch(/<desc id="[^"]+">[^<]{20,}<\/desc>/);
    }
    expect((await get('/charts/silences.svg?as_of=2021-05-06T11:30')).body).toContain('NHS England: 13 days.');
    expect((await get('/charts/positions/abolish.svg')).statusCode).toBe(404);
  });

  it('shows the charts on the overview and on the about page', async () => {
    expect((await get('/')).body).toContain('id="fig-positions-review"');
    const about = (await get('/about')).body;
    for (const id of ['fig-positions-halt', 'fig-kinds-review', 'fig-silences']) expect(about).toContain(`id="${id}"`);
  });
});
