/**
 * The overview made afresh (render cache off) from parts kept while the reading holds: its figures
 * and latest events (tracker's overview), the scorecard's table and the charts, kept as bytes
 * (render/fragments.ts). Each page must still show the record as it is at its own moment, with its
 * own links.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contact, institution, response } from '../factories.js';
import { instantOf } from '../../src/domain/calendar.js';
import { dom, makeApp, TEST_NOW, words, type TestApp } from '../helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const all = (root: ParentNode | null | undefined, selector: string) => [...(root?.querySelectorAll(selector) ?? [])];

async function overview(app: TestApp, url = '/') {
  const res = await app.app.inject({ method: 'GET', url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['x-render-cache']).toBe('off');
  const doc = dom(res.body);
  const rows = Object.fromEntries(all(doc, 'table.scorecard tbody tr').map((tr) => [words(tr.querySelector('th a')), [...tr.children].slice(1).map((cell) => words(cell))]));
  const links = all(doc, 'table.scorecard tbody th a').map((a) => a.getAttribute('href'));
  const latest = all(doc, 'section[aria-labelledby="latest-heading"] article.event').map((a) => a.getAttribute('aria-labelledby'));
  // The newest week of the positions chart's figures for the review, by column.
  const table = doc.querySelector('#positions-table-review')?.closest('table');
  const heads = all(table, 'thead th').map((th) => words(th));
  const newest = all(table?.querySelector('tbody tr'), 'th, td').map((cell) => words(cell));
  const week = Object.fromEntries(heads.map((h, i) => [h, newest[i]]));
  return { res, body: res.body, rows, links, latest, week };
}

describe('the overview, made afresh from kept parts', () => {
  it('shows a new statement at once: in the scorecard, the counts, the latest events and the chart’s figures', async () => {
    t = await makeApp({ env: { RENDER_CACHE_MB: '0' } });
    const db = t.app.tracker.db;
    const trust = institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust' });
    const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    contact(db, trust, { date: '2026-11-16' });
    contact(db, police, { date: '2026-11-16' });
    const before = await overview(t);
    expect(before.rows['Felpersham Mental Health NHS Trust']).toEqual(['Mental health trust', 'No position', 'No position', '6 days (4 working days)', '16 November 2026']);
    expect(before.week['Committed']).toBe('0');
    expect(await overview(t)).toMatchObject({ rows: before.rows, week: before.week });

    const said = response(db, trust, { date: '2026-11-20', positions: { review: 'committed' } });
    const after = await overview(t);
    expect(after.rows['Felpersham Mental Health NHS Trust']).toEqual(['Mental health trust', 'No position', 'Committed', 'Not waiting', '20 November 2026']);
    expect(after.rows['Borsetshire Police']).toEqual(before.rows['Borsetshire Police']);
    expect(after.latest[0]).toBe(`event-${said}-title`);
    expect(after.week['Committed']).toBe('1');
    const review = (html: string) => words(all(dom(html), '.count-card').find((card) => words(card.querySelector('h3')) === 'Independent review')?.querySelector('.headline'));
    expect(review(before.body)).toBe('None of the 2 institutions involved has stated a position on “Independent review”.');
    expect(review(after.body)).toBe('1 of 2 institutions involved has committed to “Independent review”.');
  });

  it('counts one more day when the day turns, though nothing was recorded', async () => {
    let now = TEST_NOW;
    t = await makeApp({ clock: () => now, env: { RENDER_CACHE_MB: '0' } });
    const trust = institution(t.app.tracker.db, { name: 'Felpersham Mental Health NHS Trust' });
    contact(t.app.tracker.db, trust, { date: '2026-11-16' });
    expect((await overview(t)).rows['Felpersham Mental Health NHS Trust']![3]).toBe('6 days (4 working days)');
    now = instantOf('2026-11-22', '23:59');
    expect((await overview(t)).rows['Felpersham Mental Health NHS Trust']![3]).toBe('6 days (4 working days)');
    now = instantOf('2026-11-23', '00:00');
    // Monday 23 November: a working day.
    expect((await overview(t)).rows['Felpersham Mental Health NHS Trust']![3]).toBe('7 days (5 working days)');
  });

  it('links from the scorecard keep each page’s own moment, when a pinned page and the page as at now show the same figures', async () => {
    t = await makeApp({ env: { RENDER_CACHE_MB: '0' } });
    const trust = institution(t.app.tracker.db, { name: 'Felpersham Mental Health NHS Trust' });
    contact(t.app.tracker.db, trust, { date: '2026-11-16' });
    const href = `/institutions/${trust.slug}`;
    // 11:00 on the same day, after the latest event: the same figures as at now (12:00).
    const pinned = '/?as_of=2026-11-22T11:00';
    for (let round = 0; round < 2; round++) {
      const now = await overview(t);
      const then = await overview(t, pinned);
      expect(then.rows).toEqual(now.rows);
      expect(now.links).toEqual([href]);
      expect(then.links).toEqual([`${href}?as_of=2026-11-22T11%3A00`]);
    }
  });

  it('sends whole UTF-8 characters on either side of each kept part', async () => {
    t = await makeApp({ env: { RENDER_CACHE_MB: '0' } });
    const name = 'Bwrdd Iechyd “Prifysgol” Cwm Taf Morgannwg – Gwasanaeth ’ 😀';
    const body = institution(t.app.tracker.db, { name });
    contact(t.app.tracker.db, body, { date: '2026-11-16', summary: 'Gofynnwyd i’r bwrdd – “a wnewch chi adolygu?” 😀' });
    const { res, rows, body: html } = await overview(t);
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    expect(html).not.toContain('\uFFFD');
    expect(html).not.toContain('\u0000');
    expect(rows[name]).toBeDefined();
    expect(html).toContain('Gofynnwyd i’r bwrdd – “a wnewch chi adolygu?” 😀');
  });
});
