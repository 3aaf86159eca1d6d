/**
 * An institution's page lists its history a page at a time, newest first, so that the page stays
 * small however long the record grows: a trust approached every day for 120 days after it
 * committed to the review, beside another trust's events that must never show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type LondonDate } from '../../src/domain/calendar.js';
import { HISTORY_PAGE_SIZE } from '../../src/routes/institutions.js';
import { contact, FIXTURE_DATA, institution, milestone, response, type MadeInstitution } from '../factories.js';
import { dom, makeApp, words, type TestApp } from '../helpers.js';

let t: TestApp;
let trust: MadeInstitution;
let quiet: MadeInstitution;
/** The trust's events, newest first. */
const history: number[] = [];
let committed: number;
const FIRST_APPROACH: LondonDate = '2026-01-01';

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  trust = institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1' });
  quiet = institution(db, { name: 'Midsomer Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ2' });
  const other = institution(db, { name: 'Westshire Police', kind: 'police_force', code: 'westshire' });
  committed = response(db, trust, { date: '2025-12-01', quote: 'We will commission an independent review.', positions: { review: 'committed' } });
  history.unshift(committed);
  for (let day = 0; day < 120; day++) {
    history.unshift(contact(db, trust, { date: addDays(FIRST_APPROACH, day), summary: `Approach ${day + 1} to the trust.` }));
    if (day % 10 === 0) contact(db, other, { date: addDays(FIRST_APPROACH, day) });
  }
  milestone(db, null, { date: '2026-02-01', summary: 'A campaign-wide milestone.' });
  contact(db, quiet, { date: '2026-03-01' });
});
afterAll(async () => t.close());

const page = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, doc: dom(res.body) };
};
const historyOf = (doc: Document) => doc.querySelector('section[aria-labelledby="history-heading"]');
const eventIds = (doc: Document) =>
  [...(historyOf(doc)?.querySelectorAll('article.event') ?? [])].map((a) => Number(/^event-(\d+)-title$/.exec(a.getAttribute('aria-labelledby') ?? '')?.[1]));
const pager = (doc: Document) => [...(historyOf(doc)?.querySelectorAll('nav.pager a') ?? [])].map((a) => [words(a), a.getAttribute('href')]);

/** Every page of the history from `url`, following its Older events links. */
async function pages(url: string): Promise<Document[]> {
  const docs: Document[] = [];
  for (let next: string | null | undefined = url; next; ) {
    const { status, doc } = await page(next);
    expect(status, next).toBe(200);
    docs.push(doc);
    next = doc.querySelector('nav.pager a[rel="next"]')?.getAttribute('href');
    expect(docs.length).toBeLessThan(20);
  }
  return docs;
}

describe("an institution's history", () => {
  it('lists the newest events on the first page, says how many there are, and links to older ones and to the timeline', async () => {
    const { doc } = await page(`/institutions/${trust.slug}`);
    expect(eventIds(doc)).toEqual(history.slice(0, HISTORY_PAGE_SIZE));
    expect(words(historyOf(doc)?.querySelector('h2'))).toBe('History');
    expect(words(historyOf(doc)?.querySelector('p'))).toBe(
      'Every published approach, response and milestone, newest first: 121 events in all, 50 to a page. This page lists those from 30 April 2026 back to 12 March 2026.',
    );
    const [[label, href]] = pager(doc) as [[string, string]];
    expect(label).toBe('Older events');
    expect(href).toMatch(new RegExp(`^/institutions/${trust.slug}\\?before=-?\\d+\\.\\d+#history-heading$`));
    expect(historyOf(doc)?.querySelector(`a[href="/timeline?institution=${trust.slug}"]`)?.textContent).toBe('Search or filter Felpersham Mental Health NHS Trust’s history on the timeline');
    expect(words(doc.querySelector('title'))).toMatch(/^Felpersham Mental Health NHS Trust – /);
  });

  it('shows every event once, in order, over its pages, the last with no link to older events', async () => {
    const docs = await pages(`/institutions/${trust.slug}`);
    expect(docs.map(eventIds).map((ids) => ids.length)).toEqual([50, 50, 21]);
    expect(docs.flatMap(eventIds)).toEqual(history);
    for (const doc of docs.slice(1)) {
      expect(pager(doc)[0]).toEqual(['Newest events', `/institutions/${trust.slug}#history-heading`]);
      expect(words(historyOf(doc)?.querySelector('h2'))).toBe('History: older events');
      expect(words(doc.querySelector('title'))).toMatch(/^Felpersham Mental Health NHS Trust: older events – /);
    }
    expect(pager(docs[2]!).map(([label]) => label)).toEqual(['Newest events']);
    expect(words(historyOf(docs[2]!)?.querySelector('p'))).toMatch(/This page lists those from 20 January 2026 back to 1 December 2025\.$/);
  });

  it('shows the position and the words that set it on every page, though that event is on the last', async () => {
    for (const doc of await pages(`/institutions/${trust.slug}`)) {
      const review = [...doc.querySelectorAll('ul.positions > li')].find((li) => words(li.querySelector('h3')).startsWith('Independent review'));
      expect(words(review?.querySelector('h3'))).toBe('Independent review: Committed');
      expect(words(review?.querySelector('p'))).toBe('Since 1 December 2025, as stated in this response.');
      expect(review?.querySelector('p a')?.getAttribute('href')).toBe(`/events/${committed}`);
      expect(words(review?.querySelector('blockquote'))).toBe('“We will commission an independent review.”');
    }
  });

  it('keeps the moment, the revision and the page size in its links, and counts as at that moment', async () => {
    const rev = (await t.app.inject({ method: 'GET', url: '/api/campaign' }).then((r) => r.json())) as { revision: number };
    const docs = await pages(`/institutions/${trust.slug}?as_of=2026-01-15&rev=${rev.revision}&limit=7`);
    // The response of 1 December 2025 and the approaches of 1 to 15 January 2026.
    expect(docs.flatMap(eventIds)).toEqual(history.slice(-16));
    expect(docs.map(eventIds).map((ids) => ids.length)).toEqual([7, 7, 2]);
    expect(words(historyOf(docs[0]!)?.querySelector('p'))).toMatch(/: 16 events in all, 7 to a page\./);
    for (const doc of docs) for (const [, href] of pager(doc)) expect(href).toMatch(new RegExp(`^/institutions/${trust.slug}\\?as_of=2026-01-15&rev=${rev.revision}&limit=7(&before=[-\\d.]+)?#history-heading$`));
  });

  it('says nothing of pages when the whole history fits on one', async () => {
    const { doc } = await page(`/institutions/${quiet.slug}`);
    expect(eventIds(doc)).toHaveLength(1);
    expect(words(historyOf(doc)?.querySelector('p'))).toBe('Every published approach, response and milestone, newest first.');
    expect(historyOf(doc)?.querySelector('nav.pager')).toBeNull();
    expect(historyOf(doc)?.querySelector('a[href^="/timeline"]')).toBeNull();
  });

  it.each([
    ['a cursor that is not one', '?before=yesterday'],
    ['no events a page', '?limit=0'],
    ['too many events a page', '?limit=201'],
  ])('refuses %s with a 400 that says which parameter', async (_, query) => {
    const { status, doc } = await page(`/institutions/${trust.slug}${query}`);
    expect(status).toBe(400);
    expect(words(doc.querySelector('main'))).toMatch(/before|limit/);
  });

  it('says so when a cursor leads past the oldest event', async () => {
    const { status, doc } = await page(`/institutions/${trust.slug}?before=0.1`);
    expect(status).toBe(200);
    expect(eventIds(doc)).toEqual([]);
    expect(words(historyOf(doc)).endsWith('No older events are on record for Felpersham Mental Health NHS Trust. Newest events')).toBe(true);
  });
});
