/**
 * What journalists and other sites use, in a real browser: charts, what changed, the API page,
 * corrections, citations with their copy buttons, time travel, badges, embeds inside a frame on
 * another origin, and print. Debian's Chromium driven by playwright-core, checked with axe-core
 * (see support.ts).
 *
 * The app runs in-process on a fresh database with the fixture campaign and the story told in
 * support.ts (tellStory), its clock pinned to 12:00 on 22 November 2026 (see test/helpers.ts). Every page is checked at 320 and 1280 CSS px:
 * no axe violation, no horizontal page overflow, the content that shows the page works, and a
 * full-page screenshot in test-results/screenshots/journalists-<name>-<width>.png.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventRules } from '../../src/records/event-rules.js';
import { updateEvent } from '../../src/records/log-events.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { FIXTURE_DATA } from '../factories.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';
import { bodyText, checkLayout, focused, launchBrowser, openPage, overflow, screenshot, SCREENSHOTS, STORY, tabTo, tellStory, unexpected, WIDTHS, type Story } from './support.js';

const SITE = 'Fixture campaign: who will close the scheme?';
/** The national body's address: the slug the tracker makes of its name. */
const NATIONAL_SLUG = 'national-health-board';
/**
 * The citation of the national body as at 11:30 on Thursday 6 May 2021 (10:30 UTC, BST), word for
 * word (BASE_URL is https://tracker.example.org in the tests): first approached on Friday 23 April
 * 2021, so 13 days and 8 working days (Monday 3 May 2021 was a bank holiday).
 */
const NATIONAL_CITATION_2021 =
  `As at 11:30 on 6 May 2021 (UK time), as recorded at 12:00 on 22 November 2026, ${STORY.national} had not commented 13 days (8 working days) after it was first approached on 23 April 2021. ` +
  `Source: ${SITE}, https://tracker.example.org/institutions/${NATIONAL_SLUG}?as_of=2021-05-06T10:30:00Z&rev={rev}`;
/** Five institutions involved now (the national body, the network, Wessex Police, the trust, Mercia Police); only Wessex Police has committed. */
const HOME_CITATION =
  'As at 12:00 on 22 November 2026 (UK time), as recorded at 12:00 on 22 November 2026: None of the 5 institutions involved has stated a position on “Close the scheme”; ' +
  '1 of 5 institutions involved has committed to “Independent review”. ' +
  `Source: ${SITE}, https://tracker.example.org/?as_of=2026-11-22T12:00:00Z&rev={rev}`;
/** The trust's statement, corrected after the story was told (its summary reworded). */
const TRUST_SUMMARY_BEFORE = 'The trust said it was considering how the campaign’s concerns relate to its use of the scheme.';
const TRUST_SUMMARY_AFTER = 'The trust said it was considering how the campaign’s concerns relate to the way it has used the scheme.';

let t: TestApp;
let story: Story;
let base: string;
let browser: Browser;
/** The revision when the story was told, before the trust's statement was corrected; and the latest. */
let storyRev: number;
let latestRev: number;
/** Fills in what is known only once the story is told: `{rev}` (the latest revision), `{storyRev}`, `{trustStatement}`. */
const fill = (text: string) =>
  text.replaceAll('{rev}', String(latestRev)).replaceAll('{storyRev}', String(storyRev)).replaceAll('{trustStatement}', String(story.events.trustStatement));

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  story = tellStory(t.app.tracker.db);
  storyRev = currentRevision(t.app.tracker);
  const corrected = updateEvent(
    t.app.tracker.db,
    story.events.trustStatement,
    {
      type: 'response', institution: story.trust.slug, date: '2021-05-06', response_type: 'statement', summary: TRUST_SUMMARY_AFTER, quote: STORY.trustQuote,
      review: 'considering', source_title: 'National Health Board silent over the scheme', source_url: 'https://news.example.org/2021/05/06/silent',
      source_publisher: 'Example News', source_date: '2021-05-06', status: 'published', correction_note: 'The summary now gives the trust’s words more closely.',
    },
    eventRules(t.app.tracker.db, t.app.tracker.calendar),
    { userId: null, name: 'Fixture Coalition' },
    TEST_NOW,
  );
  expect(corrected.ok).toBe(true);
  latestRev = currentRevision(t.app.tracker);
  expect(story.national.slug).toBe(NATIONAL_SLUG);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface PageCase {
  /** Screenshots: journalists-<name>-<width>.png. */
  name: string;
  url: string;
  /** The <h1>, exactly. */
  heading: string;
  /** Text the page must show (its visible text, white space collapsed). */
  shows: string[];
  hides?: string[];
  /** A page for iframes: no site header, no navigation, no time-travel control. */
  embed?: boolean;
  check?: (page: Page, width: number) => Promise<void>;
}

/** Every inline SVG chart in main: an image with a title, a description, and a size that fits the screen. */
/** The charts shown (each is drawn twice, one drawing for narrow screens; the other is hidden). */
async function charts(page: Page) {
  return page.locator('main svg.chart:visible').evaluateAll((svgs) =>
    svgs.map((svg) => ({
      role: svg.getAttribute('role'),
      title: svg.querySelector('title')?.textContent ?? '',
      described: Boolean(svg.querySelector('desc')?.textContent),
      right: Math.round(svg.getBoundingClientRect().right),
      // How tall its words are on the screen, in CSS pixels.
      textPx: (Number(svg.querySelector('g')?.getAttribute('font-size')) * svg.getBoundingClientRect().width) / Number(svg.getAttribute('viewBox')!.split(' ')[2]),
    })),
  );
}

/** Opens the <details> whose summary starts with the text, with the keyboard, and returns the rows of its table. */
async function openFigures(page: Page, summary: string) {
  const details = page.locator('main details', { has: page.locator('summary', { hasText: summary }) });
  await details.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
  return details.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()).join(' | ')));
}

const PAGES: PageCase[] = [
  {
    name: 'charts',
    url: '/charts',
    heading: 'Charts',
    shows: [
      'Figures as at 12:00 on 22 November 2026',
      'Positions on “Close the scheme” over time',
      'Positions on “Independent review” over time',
      'Positions on “Independent review” by kind of institution',
      'Longest without comment',
      'At 12:00 on 22 November 2026, of 5 institutions involved: 0 done, 0 committed, 0 considering, 0 refused, 5 no position.',
      'At 12:00 on 22 November 2026, of 5 institutions involved: 0 done, 1 committed, 1 considering, 0 refused, 3 no position.',
      'The first commitment was counted in the week to 9 May 2021.',
      `${STORY.national}: 2,039 days; ${STORY.mercia}: 20 days.`,
    ],
    check: async (page, width) => {
      const svgs = await charts(page);
      expect(svgs.map((s) => s.title)).toEqual([
        'Positions on “Close the scheme” over time',
        'Positions on “Independent review” over time',
        'Positions on “Close the scheme” by kind of institution',
        'Positions on “Independent review” by kind of institution',
        'Longest without comment',
      ]);
      for (const s of svgs) {
        expect(s.role).toBe('img');
        expect(s.described, `${s.title} has a description`).toBe(true);
        expect(s.right, `${s.title} fits the screen`).toBeLessThanOrEqual(width);
        expect(s.textPx, `${s.title}: words legible`).toBeGreaterThanOrEqual(10);
      }
      // The figures are in tables, folded away until asked for.
      expect(await page.locator('main details').count()).toBe(5);
      expect(await page.locator('main details[open]').count()).toBe(0);
      // Kind | involved | done | committed | considering | refused | no position: Wessex Police
      // committed, Mercia Police has no position, the trust is considering; kinds with no one
      // involved (integrated care boards) are left out.
      expect(await openFigures(page, 'The figures by kind for “Independent review”')).toEqual([
        'NHS England | 1 | 0 | 0 | 0 | 0 | 1',
        'Mental health trusts | 1 | 0 | 0 | 1 | 0 | 0',
        'Police forces | 2 | 0 | 1 | 0 | 0 | 1',
        'Other bodies | 1 | 0 | 0 | 0 | 0 | 1',
      ]);
      // 23 April 2021 to 22 November 2026, and Monday 2 November 2026 to Sunday 22 November 2026.
      expect(await openFigures(page, 'The figures for the longest silences')).toEqual([
        `${STORY.national} | 2,039 | 1,409 | 23 April 2021`,
        `${STORY.mercia} | 20 | 14 | 2 November 2026`,
      ]);
    },
  },
  {
    name: 'charts-2021-06-30',
    url: '/charts?as_of=2021-06-30',
    heading: 'Charts',
    shows: [
      'You are viewing the tracker as it stood at the end of 30 June 2021',
      // Mercia Police was not yet approached: four involved.
      'At the end of 30 June 2021, of 4 institutions involved: 0 done, 1 committed, 1 considering, 0 refused, 2 no position.',
      'The first commitment was counted in the week to 9 May 2021.',
      // 23 April to 30 June 2021.
      `${STORY.national}: 68 days.`,
    ],
    hides: ['2,039', STORY.mercia],
    check: async (page) => {
      expect(await charts(page)).toHaveLength(5);
      const weeks = await openFigures(page, 'The figures week by week for “Independent review”');
      expect(weeks[0], 'newest week first').toBe('the end of 30 June 2021 | 4 | 0 | 1 | 1 | 0 | 2');
      expect(weeks.at(-1)).toMatch(/^the end of 25 April 2021 \| /);
      // Each chart's own image keeps the moment, so an article shows the figure it quotes.
      const images = await page.locator('main figcaption a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(images).toHaveLength(5);
      for (const href of images) expect(href).toMatch(/\.svg\?as_of=2021-06-30$/);
      const svg = await page.request.get(base + images[4]!);
      expect(svg.status()).toBe(200);
      expect(await svg.text()).toContain(STORY.national);
      expect(await svg.text()).toContain('68 days');
      expect(await svg.text()).not.toContain('2,039');
    },
  },
  {
    name: 'changes',
    url: '/changes?from=2021-04-01&to=2021-05-07',
    heading: 'What changed',
    shows: [
      'Between two moments',
      'Between two revisions of the record',
      'Positions that moved (2)',
      `${STORY.trust}, on “Independent review”: moved up from No position to Considering`,
      `${STORY.police}, on “Independent review”: moved up from No position to Committed`,
      'Silences begun (1)',
      // Friday 23 April to Friday 7 May 2021: 14 days, 9 working days (Monday 3 May 2021 was a bank holiday).
      `${STORY.national}: approached on 23 April 2021, 14 days without comment (9 working days) by the end of the period`,
      'Silences ended (0)',
      'New approaches (2)',
      'Replies (3)',
      'Milestones (1)',
    ],
    // Approached in 2026: outside the period.
    hides: [STORY.mercia],
    check: async (page) => {
      expect(await page.locator('#from').inputValue()).toBe('2021-04-01');
      expect(await page.locator('#to').inputValue()).toBe('2021-05-07');
    },
  },
  {
    name: 'api',
    url: '/api',
    heading: 'The JSON API',
    shows: ['Cross-origin reads are allowed', 'OpenAPI document', 'GET /api/campaign', 'GET /api/institutions/{slug}', 'GET /api/timeline', 'nhs_england, mental_health_trust, police_force, icb, other'],
    check: async (page) => {
      expect(await page.locator('main h2').allInnerTexts()).toEqual([
        'GET /api/campaign',
        'GET /api/institutions',
        'GET /api/institutions/{slug}',
        'GET /api/timeline',
        'GET /api/events/{id}',
      ]);
      const openapi = await page.request.get(base + (await page.getByRole('link', { name: 'OpenAPI document' }).getAttribute('href')));
      expect(openapi.status()).toBe(200);
      expect((await openapi.json()).openapi).toMatch(/^3\./);
    },
  },
  {
    name: 'corrections',
    url: '/corrections',
    heading: 'Corrections',
    shows: [
      'Every change to what the tracker has published, newest first',
      'Corrected: revision {rev}, 12:00 on 22 November 2026',
      `The response from ${STORY.trust} of 6 May 2021 was corrected: its summary.`,
      'Reason given: The summary now gives the trust’s words more closely.',
      TRUST_SUMMARY_BEFORE,
      TRUST_SUMMARY_AFTER,
      // The story's events were logged in 2026 about 2021: late entries.
      `An approach to ${STORY.national} of 23 April 2021 was added late, on 22 November 2026.`,
    ],
    check: async (page) => {
      const table = page.locator('.change').first().locator('table');
      expect(await table.locator('thead th').allInnerTexts()).toEqual(['Field', 'Before', 'After']);
      expect(await table.locator('tbody th').allInnerTexts()).toEqual(['summary']);
    },
  },
  {
    name: 'institution-trust-pinned-before-correction',
    url: `/institutions/wessex-partnership-nhs-foundation-trust?as_of=2021-05-07&rev={storyRev}`,
    heading: STORY.trust,
    shows: [
      'You are viewing the tracker as it stood at the end of 7 May 2021 (UK time), as recorded at revision {storyRev}',
      'The record has been revised since this link was made.',
      `The response from ${STORY.trust} of 6 May 2021 was corrected: its summary. The reason given: “The summary now gives the trust’s words more closely.” (revision {rev}; see it now)`,
      'See the figures as the record stands now',
      'What changed since revision {storyRev}',
      TRUST_SUMMARY_BEFORE,
    ],
    hides: [TRUST_SUMMARY_AFTER],
    check: async (page) => {
      const notice = page.getByRole('region', { name: 'Revised since this link was made' });
      expect(await notice.count()).toBe(1);
      expect(await page.getByRole('link', { name: 'See the figures as the record stands now' }).getAttribute('href')).toBe('/institutions/wessex-partnership-nhs-foundation-trust?as_of=2021-05-07');
    },
  },
  {
    name: 'changes-revisions',
    url: '/changes?from_rev={storyRev}&as_of=2021-05-07',
    heading: 'What changed',
    shows: [
      'What was added, corrected, deleted or restored in the record from revision {storyRev} to revision {rev}, and how that moved the figures as at the end of 7 May 2021 (UK time).',
      'Changes to the record (1)',
      'Corrected: revision {rev}, 12:00 on 22 November 2026',
      'Positions that moved (0)',
    ],
    check: async (page) => {
      expect(await page.locator('#from_rev').inputValue()).toBe(fill('{storyRev}'));
    },
  },
  {
    name: 'event-corrected',
    url: '/events/{trustStatement}',
    heading: `Response: ${STORY.trust}`,
    shows: ['This event has been corrected', 'Corrected: revision {rev}, 12:00 on 22 November 2026', 'Reason given: The summary now gives the trust’s words more closely.', TRUST_SUMMARY_AFTER],
  },
  {
    name: 'embed-scorecard',
    url: '/embed/scorecard',
    heading: SITE,
    embed: true,
    shows: [STORY.national, '2,039 days (1,409 working days)', STORY.police, 'Committed', STORY.trust, 'Considering', `From “${SITE}”, as at 12:00 on 22 November 2026 (UK time).`, 'See the full tracker'],
    // Never approached nor on record.
    hides: [STORY.borsetshire, STORY.closed],
    check: async (page) => {
      // The institutions approached or on record.
      expect(await page.locator('.scorecard tbody tr').count()).toBe(5);
      const full = page.getByRole('link', { name: 'See the full tracker (opens in a new tab)' });
      expect(await full.getAttribute('target')).toBe('_blank');
      expect(await full.getAttribute('href')).toBe('https://tracker.example.org/');
    },
  },
  {
    name: 'embed-institution',
    url: `/embed/institutions/${NATIONAL_SLUG}`,
    heading: STORY.national,
    embed: true,
    shows: [
      '2,039 days without comment (1,409 working days), first approached 23 April 2021.',
      'Close the scheme: No position',
      'Independent review: No position',
      // Away from the tracker, the embed says where it comes from.
      `From “${SITE}”, as at 12:00 on 22 November 2026 (UK time).`,
      'See the full tracker',
    ],
    check: async (page) => {
      expect(await page.getByRole('link', { name: /^See the full tracker/ }).getAttribute('href')).toBe(`https://tracker.example.org/institutions/${NATIONAL_SLUG}`);
    },
  },
  {
    name: 'home',
    url: '/',
    heading: SITE,
    shows: ['Cite this', HOME_CITATION, 'The link pins this moment and this revision of the record', 'Commitments over time', 'Positions on “Independent review” over time', 'Week by week, over the campaign’s whole active period: from its first event to the moment shown.', 'Positions by kind of institution and the longest silences'],
    check: async (page, width) => {
      expect(await page.locator('#citation-text').innerText()).toBe(fill(HOME_CITATION));
      expect(await page.locator('.citation').getByRole('link', { name: 'Permanent link' }).getAttribute('href')).toBe(fill('https://tracker.example.org/?as_of=2026-11-22T12:00:00Z&rev={rev}'));
      const svgs = await charts(page);
      expect(svgs.map((s) => s.title)).toEqual(['Positions on “Close the scheme” over time', 'Positions on “Independent review” over time']);
      for (const s of svgs) {
        expect(s.right, `${s.title} fits the screen`).toBeLessThanOrEqual(width);
        expect(s.textPx, `${s.title}: words legible`).toBeGreaterThanOrEqual(10);
      }
    },
  },
  {
    name: 'institution-national-2021-05-06',
    url: `/institutions/${NATIONAL_SLUG}?as_of=2021-05-06T11:30`,
    heading: STORY.national,
    shows: [
      'You are viewing the tracker as it stood at 11:30 on 6 May 2021',
      `${STORY.national}: 13 days without comment (8 working days)`,
      'First approached on 23 April 2021 without a comment since; 2 approaches unanswered, the latest on 23 April 2021.',
      'Cite this',
      NATIONAL_CITATION_2021,
      'Follow, share and embed',
      'A badge for your page',
      'The badge always shows the latest figure.',
      'Embed this record on another site',
      'The embedded record always shows the latest figures.',
    ],
    hides: ['2,039'],
    check: async (page) => {
      expect(await page.locator('#citation-text').innerText()).toBe(fill(NATIONAL_CITATION_2021));
      // The badge shows the figure of the moment on the page, as its text alternative says.
      const badge = page.locator('main img[src*="/badges/"]');
      await expect.poll(() => badge.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await badge.getAttribute('alt')).toBe(`Badge: ${STORY.national}: 13 days without comment`);
      const svg = await (await page.request.get(base + (await badge.getAttribute('src')))).text();
      expect(svg).toContain(`${STORY.national} · 13 days without comment`);
      // The badge and embed codes are ready to paste.
      expect(await page.getByLabel('Badge code').inputValue()).toBe(
        `<a href="https://tracker.example.org/institutions/${NATIONAL_SLUG}"><img src="https://tracker.example.org/badges/${NATIONAL_SLUG}.svg" alt="${STORY.national} on ${SITE}"></a>`,
      );
      expect(await page.getByLabel('Embed code').inputValue()).toBe(
        `<iframe src="https://tracker.example.org/embed/institutions/${NATIONAL_SLUG}" title="${STORY.national} on ${SITE}" width="100%" height="360" style="border:0" loading="lazy"></iframe>`,
      );
    },
  },
];

describe.each(PAGES)('$name ($url)', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', async (width) => {
    const { context, page, problems } = await openPage(browser, width);
    try {
      const url = fill(c.url);
      const response = await page.goto(base + url, { waitUntil: 'load' });
      expect(response?.status(), `status of ${url}`).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
      const stylesheet = await page.locator('body').evaluate((el) => getComputedStyle(el).fontFamily);
      expect(stylesheet, 'site.css applied').toContain('system-ui');
      if (c.embed) {
        expect(await page.locator('.site-header, nav, .time-travel').count(), 'an embed has no header, navigation or time travel').toBe(0);
      } else {
        expect(await page.locator('.time-travel summary').innerText()).toBe('See the tracker as it stood at another moment');
      }

      await expect.poll(() => page.locator('h1').count()).toBe(1);
      expect((await page.locator('h1').innerText()).trim()).toBe(c.heading);
      const text = await bodyText(page);
      for (const s of c.shows.map(fill)) expect(text, `${url} shows “${s}”`).toContain(s);
      for (const s of (c.hides ?? []).map(fill)) expect(text, `${url} does not show “${s}”`).not.toContain(s);
      expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
      await c.check?.(page, width);

      await checkLayout(page, `journalists-${c.name}`, width);
      expect.soft(unexpected(problems), `console errors on ${url}`).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('time travel with the keyboard alone', () => {
  /** Opens "See the tracker as it stood at another moment" with Tab and Enter, types the moment and submits it with Enter. */
  async function travel(page: Page, moment: string) {
    await tabTo(page, (f) => f.tag === 'summary' && f.text === 'See the tracker as it stood at another moment');
    await page.keyboard.press('Enter');
    expect(await page.locator('details.time-travel').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('as_of');
    // The hint is read out with the field.
    expect(await page.getByRole('textbox', { name: 'Date, or date and time (UK time)' }).getAttribute('aria-describedby')).toBe('as_of-hint');
    await page.keyboard.type(moment);
    await Promise.all([page.waitForURL(/as_of=/), page.keyboard.press('Enter')]);
  }

  test('on the overview: the past view, with the national body’s silence as it then stood', async () => {
    const { context, page, problems } = await openPage(browser, 1280);
    try {
      await page.goto(base + '/');
      await travel(page, '2021-05-06T11:30');
      expect(page.url()).toBe(`${base}/?as_of=2021-05-06T11%3A30`);
      const banner = page.locator('.as-of--past');
      expect((await banner.locator('.wrap > p').innerText()).replace(/\s+/g, ' ')).toBe(
        fill('You are viewing the tracker as it stood at 11:30 on 6 May 2021 (UK time), as recorded at revision {rev} (12:00 on 22 November 2026). Show the tracker as it is now'),
      );
      expect(await banner.getByRole('link', { name: 'Show the tracker as it is now' }).getAttribute('href')).toBe('/');
      const text = await bodyText(page);
      expect(text).toContain(`${STORY.national}: 13 days without comment (8 working days), first approached 23 April 2021`);
      expect(text).not.toContain('2,039');
      // Mercia Police was approached in 2026: not on the scorecard of 2021.
      expect(text).not.toContain(STORY.mercia);
      // The control stays open in a past view, with the moment in it, to try another.
      expect(await page.locator('#as_of').inputValue()).toBe('2021-05-06T11:30');
      await screenshot(page, 'journalists-time-travel-home-1280', false);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('on /institutions?kind=police_force: the filters are kept', async () => {
    const { context, page } = await openPage(browser, 320);
    try {
      await page.goto(base + '/institutions?kind=police_force');
      await travel(page, '2021-05-06T11:30');
      const url = new URL(page.url());
      expect(url.pathname).toBe('/institutions');
      expect(url.searchParams.get('kind')).toBe('police_force');
      expect(url.searchParams.get('as_of')).toBe('2021-05-06T11:30');
      expect(await page.locator('#kind').inputValue()).toBe('police_force');
      expect(new Set(await page.locator('.scorecard td[data-label="Kind"]').allInnerTexts())).toEqual(new Set(['Police force']));
      // Every force, as it then stood: Wessex Police had committed; Mercia Police was yet to be approached.
      const rows = page.locator('.scorecard tbody tr');
      expect(await rows.locator('th').allInnerTexts()).toEqual([STORY.borsetshire, STORY.mercia, STORY.police]);
      expect(await rows.filter({ has: page.locator('th', { hasText: STORY.police }) }).locator('td[data-label="Independent review"]').innerText()).toBe('Committed');
      expect(await rows.filter({ has: page.locator('th', { hasText: STORY.mercia }) }).locator('td[data-label="Days without comment"]').innerText()).toBe('Not approached');
      expect(await bodyText(page)).toContain('You are viewing the tracker as it stood at 11:30 on 6 May 2021');
      expect(await page.getByRole('link', { name: 'Show the tracker as it is now' }).getAttribute('href')).toBe('/institutions?kind=police_force');
      await screenshot(page, 'journalists-time-travel-police-320', false);
    } finally {
      await context.close();
    }
  });
});

describe('the copy buttons', () => {
  const url = `/institutions/${NATIONAL_SLUG}?as_of=2021-05-06T11:30`;

  test.each(WIDTHS)('with JavaScript at %i px: “Copy the citation” puts the sentence on the clipboard and says so', async (width) => {
    const { context, page, problems } = await openPage(browser, width, 900, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      await page.goto(base + url);
      const button = page.getByRole('button', { name: 'Copy the citation' });
      await expect.poll(() => button.isVisible()).toBe(true);
      await button.click();
      await expect.poll(() => page.locator('#citation-status').innerText()).toBe('Copied.');
      expect(await page.locator('#citation-status').getAttribute('role')).toBe('status');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fill(NATIONAL_CITATION_2021));
      await page.locator('.citation').scrollIntoViewIfNeeded();
      await screenshot(page, `journalists-citation-copied-${width}`, false);

      for (const [button, code, status] of [['Copy the badge code', '#badge-code', '#badge-status'], ['Copy the embed code', '#embed-code', '#embed-status']] as const) {
        await page.getByRole('button', { name: button }).click();
        await expect.poll(() => page.locator(status).innerText()).toBe('Copied.');
        expect(await page.evaluate(() => navigator.clipboard.readText()), button).toBe(await page.locator(code).inputValue());
      }
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript the buttons stay hidden and the citation is still there to select', async () => {
    const { context, page } = await openPage(browser, 320, 900, { javaScriptEnabled: false });
    try {
      await page.goto(base + url);
      expect(await page.locator('.copy-button').count()).toBe(3);
      for (const name of ['Copy the citation', 'Copy the badge code', 'Copy the embed code']) {
        expect(await page.getByRole('button', { name, includeHidden: true }).isVisible(), name).toBe(false);
      }
      expect(await page.locator('#citation-text').innerText()).toBe(fill(NATIONAL_CITATION_2021));
      expect(await page.locator('#embed-code').isVisible()).toBe(true);
      await page.locator('.citation').scrollIntoViewIfNeeded();
      await screenshot(page, 'journalists-citation-no-script-320', false);
    } finally {
      await context.close();
    }
  });
});

describe('embedding on another site', () => {
  let other: http.Server;
  let otherBase: string;

  beforeAll(async () => {
    // Another origin (another port): a newsroom's page that frames the tracker.
    other = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A newsroom’s article</title></head>
<body style="margin:0 8px;font-family:Georgia,serif">
<h1>A newsroom’s article</h1>
<p>The embed, as pasted from the tracker (with this test’s address):</p>
<iframe id="embed" name="embed" src="${base}/embed/institutions/${story.national.slug}" title="${STORY.national} on the tracker" width="100%" height="360" style="border:0" loading="lazy"></iframe>
<p>A normal page of the tracker, which refuses to be framed:</p>
<iframe id="framed" name="framed" src="${base}/institutions/${story.national.slug}" title="${STORY.national}, the full page" width="100%" height="200"></iframe>
</body></html>`);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => other?.close(resolve));
  });

  test.each(WIDTHS)('at %i px: the embed loads in a frame on another origin; a normal page is refused', async (width) => {
    const { context, page, problems } = await openPage(browser, width);
    try {
      await page.goto(otherBase + '/', { waitUntil: 'load' });
      expect(new URL(otherBase).origin).not.toBe(new URL(base).origin);

      const embed = page.frameLocator('#embed');
      await expect.poll(() => embed.locator('h1').innerText()).toBe(STORY.national);
      expect((await embed.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('2,039 days without comment (1,409 working days), first approached 23 April 2021.');
      // Styled (the stylesheet loads from the tracker), and it fits the frame without sideways scrolling.
      const frame = page.frame({ name: 'embed' })!;
      expect(await frame.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('system-ui');
      const o = await overflow(frame);
      expect.soft(o.scrollWidth, `the embed overflows its frame at ${width} px: ${o.culprits.join(', ')}`).toBeLessThanOrEqual(o.innerWidth);

      // The full page is refused by frame-ancestors 'none': nothing of it shows in the frame.
      const framed = page.frame({ name: 'framed' })!;
      await expect.poll(() => problems.some((p) => p.includes('frame-ancestors'))).toBe(true);
      // Chromium shows its own error page in the frame instead: none of the tracker's page is there.
      await expect.poll(() => framed.url()).toBe('chrome-error://chromewebdata/');
      expect(await page.frameLocator('#framed').locator('.site-header, main#main').count()).toBe(0);
      expect(await page.frameLocator('#framed').locator('body').innerText()).not.toContain('days without comment');

      await screenshot(page, `journalists-embed-in-frame-${width}`);
    } finally {
      await context.close();
    }
  });
});

describe('print', () => {
  test.each([
    ['home', '/'],
    ['institution-national', `/institutions/${NATIONAL_SLUG}`],
    ['institutions-police', '/institutions?kind=police_force'],
  ])('%s (%s): navigation, time travel and filters hidden, the as-at line shown', async (name, url) => {
    const { context, page } = await openPage(browser, 1280);
    try {
      await page.goto(base + url);
      await page.emulateMedia({ media: 'print' });
      /** Whether any element that matches takes up room on the printed page. */
      const shown = async (selector: string) => page.locator(selector).evaluateAll((els) => els.some((el) => el.getClientRects().length > 0));
      expect(await shown('nav[aria-label="Main"]'), 'main navigation').toBe(false);
      expect(await shown('.time-travel'), 'the time-travel control').toBe(false);
      expect(await shown('.skip-link'), 'the skip link').toBe(false);
      expect(await shown('.copy-button'), 'copy buttons').toBe(false);
      if (url.includes('?')) expect(await shown('form.filters'), 'the filters').toBe(false);
      expect(await page.locator('.as-of .wrap > p').isVisible()).toBe(true);
      expect((await page.locator('.as-of .wrap > p').innerText()).replace(/\s+/g, ' ')).toBe(fill('Figures as at 12:00 on 22 November 2026 (UK time), as recorded at revision {rev} (12:00 on 22 November 2026).'));
      expect(await page.locator('h1').isVisible()).toBe(true);
      await screenshot(page, `journalists-print-${name}`);
      await page.pdf({ path: path.join(SCREENSHOTS, `journalists-print-${name}.pdf`), format: 'A4', printBackground: true });
    } finally {
      await context.close();
    }
  });
});
