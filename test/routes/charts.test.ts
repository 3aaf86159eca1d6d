/**
 * Charts as SVG with their summaries and tables, on a story these tests build: a national body
 * approached on Friday 23 April 2021 and silent since, a network approached on Monday 26 April
 * that commented on 6 May, a police force that committed to the review and a trust considering
 * it (6 May 2021); two forces approached on Monday 16 November 2026 (a tie) and a trust with a
 * very long name approached on Friday 20 November.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { instantOf } from '../../src/domain/calendar.js';
import { ladderOverTime, headlineCounts, currentPositions } from '../../src/domain/positions.js';
import { STANCE_COLOURS } from '../../src/render/stances.js';
import { weekEnds } from '../../src/tracker/charts.js';
import { contact, FIXTURE_DATA, institution, response } from '../factories.js';
import { dom, makeApp, TEST_NOW, words, type TestApp } from '../helpers.js';

const LONG_NAME = 'Borsetshire, Felpersham and Westshire Integrated Mental Health and Wellbeing Partnership NHS Foundation Trust';

async function buildStory() {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const bodies = {
    board: institution(db, { name: 'National Scheme Board', kind: 'nhs_england' }),
    network: institution(db, { name: 'Scheme Founders Network', kind: 'other' }),
    police: institution(db, { name: 'Borsetshire Police', kind: 'police_force', aliases: ['BISP'] }),
    trust: institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', region: 'South East', aliases: ['BISP'] }),
    welsh: institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', country: 'Wales' }),
    westshire: institution(db, { name: 'Westshire Police', kind: 'police_force' }),
    long: institution(db, { name: LONG_NAME, kind: 'mental_health_trust' }),
    quiet: institution(db, { name: 'Midsomer Integrated Care Board', kind: 'icb' }),
  };
  const { board, network, police, trust, welsh, westshire, long } = bodies;
  contact(db, board, { date: '2021-04-23', channel: 'petition' });
  contact(db, board, { date: '2021-04-23', channel: 'press_enquiry' });
  contact(db, network, { date: '2021-04-26' });
  response(db, network, { date: '2021-05-06' });
  response(db, police, { date: '2021-05-06', positions: { review: 'committed' } });
  response(db, trust, { date: '2021-05-06', positions: { review: 'considering' } });
  response(db, welsh, { date: '2021-05-05', status: 'draft', positions: { review: 'done', halt: 'done' } });
  contact(db, westshire, { date: '2026-11-16' });
  contact(db, welsh, { date: '2026-11-16' });
  contact(db, long, { date: '2026-11-20' });
  return { t, bodies };
}

let story: Awaited<ReturnType<typeof buildStory>>;
let t: TestApp;
beforeAll(async () => {
  story = await buildStory();
  t = story.t;
});
afterAll(async () => t.close());
const get = (url: string) => t.app.inject({ method: 'GET', url });
const page = async (url: string) => dom((await get(url)).body);
/** A figures table's header and rows, as words. */
const table = (doc: Document, captionId: string) => {
  const tbl = doc.querySelector(`#${captionId}`)?.closest('table');
  const cells = (tr: Element) => [...tr.children].map((c) => words(c));
  return { head: [...(tbl?.querySelectorAll('thead tr') ?? [])].map(cells)[0], rows: [...(tbl?.querySelectorAll('tbody tr') ?? [])].map(cells) };
};
const STACK = ['Done', 'Committed', 'Considering', 'Refused', 'No position'];

type Api = { institutions: { slug: string; name: string; kind: string; positions: Record<string, { stance: string }>; silence: { calendarDays: number; workingDays: number; since: string } | null }[] };

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

describe('chart tables agree with the figures', () => {
  it('gives the positions week by week, the last week being the headline count', async () => {
    const doc = await page('/charts?as_of=2021-05-06T11:30');
    const review = table(doc, 'positions-table-review');
    expect(review.head).toEqual(['Week to', 'Involved', ...STACK]);
    // The first approach was on Friday 23 April 2021: weeks end on Sunday 25 April, Sunday 2 May, then at T.
    expect(review.rows).toEqual([
      ['11:30 on 6 May 2021', '4', '0', '1', '1', '0', '2'],
      ['the end of 2 May 2021', '2', '0', '0', '0', '0', '2'],
      ['the end of 25 April 2021', '1', '0', '0', '0', '0', '1'],
    ]);
    expect(table(doc, 'positions-table-halt').rows.map((r) => r.slice(1))).toEqual([['4', '0', '0', '0', '0', '4'], ['2', '0', '0', '0', '0', '2'], ['1', '0', '0', '0', '0', '1']]);
    // The same figures as the overview's headline counts for that moment.
    const home = await page('/?as_of=2021-05-06T11:30');
    const card = [...home.querySelectorAll('.count-card')].find((c) => words(c.querySelector('h3')) === 'Independent review');
    const counts = [...(card?.querySelectorAll('tbody tr') ?? [])].map((tr) => words(tr.querySelector('td')).split(' of '));
    expect(counts.map(([n]) => n)).toEqual(review.rows[0]!.slice(2));
    expect(counts.every(([, of]) => of === review.rows[0]![1])).toBe(true);
    expect(words(doc.querySelector('#fig-positions-review + p'))).toBe(
      'Week by week from 25 April 2021. At 11:30 on 6 May 2021, of 4 institutions involved: 0 done, 1 committed, 1 considering, 0 refused, 2 no position. The first commitment was counted in the week to 6 May 2021.',
    );
    expect(words(doc.querySelector('#fig-positions-halt + p'))).toMatch(/ None has committed\.$/);
  });

  it('gives positions by kind, each row the involved institutions of that kind', async () => {
    const doc = await page('/charts?as_of=2021-05-06T11:30');
    const kinds = table(doc, 'kinds-table-review');
    expect(kinds.head).toEqual(['Kind', 'Involved', ...STACK]);
    expect(kinds.rows).toEqual([
      ['NHS England', '1', '0', '0', '0', '0', '1'],
      ['Mental health trusts', '1', '0', '0', '1', '0', '0'],
      ['Police forces', '1', '0', '1', '0', '0', '0'],
      ['Other bodies', '1', '0', '0', '0', '0', '1'],
    ]);
    expect(words(doc.querySelector('#fig-kinds-review + p'))).toBe(
      'NHS England: 0 of 1 committed or done; Mental health trusts: 0 of 1 committed or done; Police forces: 1 of 1 committed or done; Other bodies: 0 of 1 committed or done (on “Independent review”).',
    );
    // Now: the two forces and the long-named trust approached in November 2026 are involved too; the ICB never was.
    const now = table(await page('/charts'), 'kinds-table-review').rows;
    expect(now).toEqual([
      ['NHS England', '1', '0', '0', '0', '0', '1'],
      ['Mental health trusts', '2', '0', '0', '1', '0', '1'],
      ['Police forces', '3', '0', '1', '0', '0', '2'],
      ['Other bodies', '1', '0', '0', '0', '0', '1'],
    ]);
    const api = (await get('/api/institutions')).json() as Api;
    expect(api.institutions.filter((i) => i.kind === 'police_force' && i.positions.review!.stance === 'none')).toHaveLength(Number(now[2]![6]));
  });

  it('lists the longest silences as the API gives them, ties by name', async () => {
    const then = table(await page('/charts?as_of=2021-05-06T11:30'), 'silences-table');
    expect(then.head).toEqual(['Institution', 'Days', 'Working days', 'Since']);
    expect(then.rows).toEqual([['National Scheme Board', '13', '8', '23 April 2021']]);
    const doc = await page('/charts');
    const now = table(doc, 'silences-table').rows;
    const api = (await get('/api/institutions')).json() as Api;
    const silent = api.institutions.filter((i) => i.silence).sort((a, b) => b.silence!.calendarDays - a.silence!.calendarDays || a.name.localeCompare(b.name));
    expect(now.map((r) => r.slice(0, 3))).toEqual(silent.map((i) => [i.name, i.silence!.calendarDays.toLocaleString('en-GB'), i.silence!.workingDays.toLocaleString('en-GB')]));
    // 23 April 2021 to 22 November 2026 is 2,039 days; the forces approached on Monday 16 November: 6 days, 4 working days;
    // the trust approached on Friday 20 November: 2 days, none of them working days.
    expect(now.map((r) => [r[0], r[1], r[3]])).toEqual([
      ['National Scheme Board', '2,039', '23 April 2021'],
      ['Ambridge Constabulary', '6', '16 November 2026'],
      ['Westshire Police', '6', '16 November 2026'],
      [LONG_NAME, '2', '20 November 2026'],
    ]);
    expect(now.slice(1).map((r) => r[2])).toEqual(['4', '4', '0']);
    expect(words(doc.querySelector('#fig-silences + p'))).toBe(`National Scheme Board: 2,039 days; Ambridge Constabulary: 6 days; Westshire Police: 6 days; ${LONG_NAME}: 2 days.`);
  });

  it('shows the whole history on /charts and on the overview (the campaign’s active period), and a year on /about', async () => {
    // Sundays from 25 April 2021 to 15 November 2026 (291 weeks), then 12:00 on Sunday 22 November 2026.
    const all = table(await page('/charts'), 'positions-table-review').rows;
    expect(all).toHaveLength(292);
    expect([all[0]![0], all[1]![0], all[all.length - 1]![0]]).toEqual(['12:00 on 22 November 2026', 'the end of 15 November 2026', 'the end of 25 April 2021']);
    expect(all[0]!.slice(1)).toEqual(['7', '0', '1', '1', '0', '5']);
    const about = await page('/about');
    expect(table(about, 'positions-table-review').rows).toEqual(all.slice(0, 52));
    const home = await page('/');
    expect(table(home, 'positions-table-review').rows).toEqual(all);
    expect(words(home.querySelector('#fig-positions-review + p'))).toBe(
      'Week by week from 25 April 2021. At 12:00 on 22 November 2026, of 7 institutions involved: 0 done, 1 committed, 1 considering, 0 refused, 5 no position. The first commitment was counted in the week to 9 May 2021.',
    );
  });
});

describe('the drawings', () => {
  const svgs = (doc: Document, figure: string) => [...(doc.querySelector(`figure[aria-labelledby="${figure}"]`)?.querySelectorAll('svg') ?? [])];

  it('draws each chart on a page twice, wide and narrow, with unique ids, no legend inside and an HTML legend beside', async () => {
    const doc = await page('/charts?as_of=2021-05-06T11:30');
    for (const [figure, id, legend] of [
      ['fig-positions-review', 'positions-review', true],
      ['fig-positions-halt', 'positions-halt', true],
      ['fig-kinds-review', 'kinds-review', true],
      ['fig-kinds-halt', 'kinds-halt', true],
      ['fig-silences', 'silences', false],
    ] as const) {
      const [wide, narrow] = svgs(doc, figure);
      expect([wide?.getAttribute('class'), narrow?.getAttribute('class')], figure).toEqual(['chart chart--wide', 'chart chart--narrow']);
      expect([wide?.getAttribute('width'), narrow?.getAttribute('width')], figure).toEqual(['720', '360']);
      expect(wide?.getAttribute('aria-labelledby'), figure).toBe(`${id}-wide-title ${id}-wide-desc`);
      expect(narrow?.getAttribute('aria-labelledby'), figure).toBe(`${id}-narrow-title ${id}-narrow-desc`);
      for (const svg of [wide, narrow]) {
        expect(svg?.getAttribute('role')).toBe('img');
        expect(svg?.querySelector('g.legend'), figure).toBeNull();
        // The description is the summary the page prints above the chart.
        expect(words(svg?.querySelector('desc')), figure).toBe(words(doc.querySelector(`#${figure} + p`)));
      }
      const key = [...(doc.querySelector(`figure[aria-labelledby="${figure}"] ul.chart-legend`)?.querySelectorAll('li') ?? [])].map((li) => words(li));
      expect(key, figure).toEqual(legend ? STACK : []);
    }
    const ids = [...doc.querySelectorAll('[id]')].map((e) => e.getAttribute('id'));
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes the dates of the narrow drawing on two lines', async () => {
    const doc = await page('/charts?as_of=2021-05-06T11:30');
    const [wide, narrow] = svgs(doc, 'fig-positions-review');
    const texts = (svg: Element | undefined) => [...(svg?.querySelectorAll('text') ?? [])].map((e) => e.textContent);
    expect(texts(wide)).toEqual(['0', '4', '25 April 2021', '6 May 2021']);
    expect(texts(narrow)).toEqual(['0', '4', 'From 25 April 2021', 'to 6 May 2021']);
    // One bar for each week's stances: no position (1), no position (2), then committed, considering and no position.
    // Each colour is one path, with a rectangle for each week that has it, in the order of the stack.
    const bars = (svg: Element | undefined) => [...(svg?.querySelectorAll('path') ?? [])].map((p) => [p.getAttribute('fill'), (p.getAttribute('d') ?? '').split('M').length - 1]);
    const { none, committed, considering } = STANCE_COLOURS;
    expect(bars(wide)).toEqual([[committed.fill, 1], [considering.fill, 1], [none.fill, 3]]);
    expect(bars(narrow)).toEqual(bars(wide));
    expect(wide?.querySelectorAll('rect').length).toBe(0);
  });

  it('cuts a long name short in the drawing only', async () => {
    const doc = await page('/charts');
    const [wide, narrow] = svgs(doc, 'fig-silences');
    const names = (svg: Element | undefined) => [...(svg?.querySelectorAll('text') ?? [])].map((e) => e.textContent ?? '').filter((x) => !/^[\d,]+ days?$/.test(x));
    expect(names(wide)).toEqual(['National Scheme Board', 'Ambridge Constabulary', 'Westshire Police', `${LONG_NAME.slice(0, 40)}…`]);
    expect(names(narrow)).toEqual(['National Scheme Board', 'Ambridge Constabulary', 'Westshire Police', `${LONG_NAME.slice(0, 36)}…`]);
    expect(words(wide?.querySelector('desc'))).toContain(`${LONG_NAME}: 2 days.`);
  });

  it('serves each chart as an accessible SVG image of its own, with its legend inside', async () => {
    for (const [url, id, legend] of [
      ['/charts/positions/review.svg?as_of=2021-05-06T11:30', 'positions-review-wide', true],
      ['/charts/kinds/halt.svg', 'kinds-halt-wide', true],
      ['/charts/silences.svg?as_of=2021-05-06T11:30', 'silences-wide', false],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers['cache-control'], url).toBe('public, max-age=60, stale-while-revalidate=300');
      const svg = dom(res.body).querySelector('svg');
      expect(svg?.getAttribute('role'), url).toBe('img');
      expect(svg?.getAttribute('aria-labelledby'), url).toBe(`${id}-title ${id}-desc`);
      expect(svg?.querySelector(`title#${id}-title`), url).not.toBeNull();
      expect(words(svg?.querySelector(`desc#${id}-desc`)).length, url).toBeGreaterThan(20);
      const key = [...(svg?.querySelectorAll('g.legend text') ?? [])].map((e) => e.textContent);
      expect(key, url).toEqual(legend ? STACK : []);
      if (legend) expect([...(svg?.querySelectorAll('g.legend rect') ?? [])].map((r) => r.getAttribute('fill')), url).toEqual(['done', 'committed', 'considering', 'refused', 'none'].map((s) => STANCE_COLOURS[s as keyof typeof STANCE_COLOURS].fill));
    }
    const positions = dom((await get('/charts/positions/review.svg?as_of=2021-05-06T11:30')).body);
    expect(words(positions.querySelector('desc'))).toBe(
      'Week by week from 25 April 2021. At 11:30 on 6 May 2021, of 4 institutions involved: 0 done, 1 committed, 1 considering, 0 refused, 2 no position. The first commitment was counted in the week to 6 May 2021.',
    );
    expect(words(positions.querySelector('title'))).toBe('Positions on “Independent review” over time');
    const silences = dom((await get('/charts/silences.svg?as_of=2021-05-06T11:30')).body);
    expect(words(silences.querySelector('desc'))).toBe('National Scheme Board: 13 days.');
    const kinds = dom((await get('/charts/kinds/halt.svg?as_of=2021-05-06T11:30')).body);
    expect(words(kinds.querySelector('desc'))).toBe(
      'NHS England: 0 of 1 committed or done; Mental health trusts: 0 of 1 committed or done; Police forces: 0 of 1 committed or done; Other bodies: 0 of 1 committed or done (on “Close the scheme”).',
    );
    expect((await get('/charts/positions/abolish.svg')).statusCode).toBe(404);
    expect((await get('/charts/kinds/abolish.svg')).statusCode).toBe(404);
  });

  it('says so when nothing is there to draw', async () => {
    const doc = await page('/charts?as_of=2021-01-01');
    expect(words(doc.querySelector('#fig-positions-review + p'))).toBe('No institution was involved yet, so no position on “Independent review” is counted.');
    expect(words(doc.querySelector('#fig-kinds-review + p'))).toBe('No institution is involved yet.');
    expect(words(doc.querySelector('#fig-silences + p'))).toBe('No institution is waiting to comment.');
    expect(table(doc, 'silences-table').rows).toEqual([]);
    const [wide] = svgs(doc, 'fig-silences');
    expect([...(wide?.querySelectorAll('text') ?? [])].map((e) => e.textContent)).toEqual(['No institution is waiting to comment.']);
  });

  it('shows the charts on the overview and on the about page', async () => {
    const home = await page('/');
    expect([...home.querySelectorAll('figure.chart-figure')].map((f) => f.getAttribute('aria-labelledby'))).toEqual(['fig-positions-halt', 'fig-positions-review']);
    const about = await page('/about');
    expect([...about.querySelectorAll('figure.chart-figure')].map((f) => f.getAttribute('aria-labelledby'))).toEqual(['fig-positions-halt', 'fig-positions-review', 'fig-kinds-halt', 'fig-kinds-review', 'fig-silences']);
    const link = about.querySelector('figure[aria-labelledby="fig-silences"] figcaption a');
    expect([link?.getAttribute('href'), words(link)]).toEqual(['/charts/silences.svg', 'https://tracker.example.org/charts/silences.svg']);
    const pinned = await page('/charts?as_of=2021-05-06T11:30');
    expect(pinned.querySelector('figure[aria-labelledby="fig-positions-review"] figcaption a')?.getAttribute('href')).toBe('/charts/positions/review.svg?as_of=2021-05-06T11%3A30');
  });
});

describe('the charts after a change of the record', () => {
  it('are, after each change, what a server started afresh on the same record draws', async () => {
    const kept = await makeApp({ dataDir: FIXTURE_DATA });
    const db = kept.app.tracker.db;
    const board = institution(db, { name: 'Kept Scheme Board', kind: 'nhs_england' });
    const police = institution(db, { name: 'Kept Police', kind: 'police_force' });
    const trust = institution(db, { name: 'Kept Trust', kind: 'mental_health_trust' });
    contact(db, board, { date: '2021-04-23' });
    response(db, police, { date: '2021-05-06', positions: { review: 'committed' } });
    const urls = ['/', '/charts', '/about', '/charts/positions/review.svg', '/charts/kinds/review.svg', '/charts/silences.svg'];
    const bodies = (app: TestApp['app']) => Promise.all(urls.map(async (url) => (await app.inject({ method: 'GET', url })).body));
    // Drawn once, and kept.
    await bodies(kept.app);
    const changes = [
      // Moves no position: the weeks count as before but for the latest.
      () => contact(db, board, { date: '2026-11-20' }),
      // Moves a position this week, then in a week long past.
      () => response(db, trust, { date: '2026-11-21', positions: { review: 'considering' } }),
      () => response(db, board, { date: '2021-06-01', positions: { halt: 'refused' } }),
      // Starts the record a year earlier: every week moves.
      () => contact(db, trust, { date: '2020-01-06' }),
    ];
    try {
      for (const change of changes) {
        change();
        // A server of its own modules too: nothing drawn or counted before is shared with it.
        vi.resetModules();
        const { buildApp } = await import('../../src/app.js');
        const { loadConfig } = await import('../../src/config.js');
        const afresh = await buildApp(
          loadConfig({ DATABASE_PATH: kept.databasePath, BASE_URL: 'https://tracker.example.org', LOG_REQUESTS: 'false', SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters', DATA_DIR: FIXTURE_DATA }),
          { now: () => TEST_NOW },
        );
        try {
          expect(await bodies(kept.app)).toEqual(await bodies(afresh));
        } finally {
          await afresh.close();
        }
      }
    } finally {
      await kept.close();
    }
  });
});
