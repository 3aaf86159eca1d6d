/**
 * The public pages in a real browser: Debian's Chromium driven by playwright-core, checked with axe-core.
 *
 * The app runs in-process on a fresh database with the fixture campaign and the story told in
 * support.ts (tellStory), its clock pinned to 12:00 on 22 November 2026 (see test/helpers.ts).
 * Every page is checked at 320 and 1280 CSS px with checkLayout: no axe violation (WCAG 2.0/2.1 A
 * and AA, WCAG 2.2 AA, best practice), no horizontal page overflow, no card table scrolling
 * sideways at 320 px, the content that shows the page works, and a full-page screenshot in
 * test-results/screenshots/.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXTURE_DATA } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { checkLayout, launchBrowser, openPage as openContext, overflow, SCREENSHOTS, STORY, STORY_DIRECTORY_SIZE, tellStory, unexpected, WIDTHS, type Story } from './support.js';

const SITE = 'Fixture campaign: who will close the scheme?';

interface PageCase {
  /** File name stem of the screenshots. */
  name: string;
  /** The page's address, once the story is told (ids and slugs come from it). */
  url: (s: Story) => string;
  status: number;
  /** The <h1>, exactly. */
  heading: string;
  /** Text the page must show (checked against the visible text of the page). */
  shows: string[];
  /** Text the page must not show. */
  hides?: string[];
  /** Further checks of this page. */
  check?: (page: Page, s: Story) => Promise<void>;
}

/** The names in the first column of the scorecard (or the directory), in order. */
const scorecardNames = (page: Page) => page.locator('.scorecard tbody th').evaluateAll((ths) => ths.map((th) => th.querySelector('a')?.textContent?.trim()));

const PAGES: PageCase[] = [
  {
    name: 'home',
    url: () => '/',
    status: 200,
    heading: SITE,
    shows: [
      'Figures as at 12:00 on 22 November 2026',
      STORY.national,
      'days without comment',
      'Who has committed',
      // Involved: the national body, the network, the two Wessex bodies and Mercia Police.
      'None of the 5 institutions involved has stated a position on “Close the scheme”.',
      '1 of 5 institutions involved has committed to “Independent review”.',
      // 23 April 2021 to 22 November 2026.
      `${STORY.national}: 2,039 days without comment (1,409 working days), first approached 23 April 2021`,
      // Monday 2 November 2026 to Sunday 22 November 2026: three weeks of working days less one.
      `${STORY.mercia}: 20 days without comment (14 working days), first approached 2 November 2026`,
      'Scorecard',
      'Latest events',
    ],
    // Never approached and never on record: not on the scorecard.
    hides: [STORY.borsetshire, STORY.closed],
    check: async (page) => {
      const national = page.locator('.scorecard tbody tr', { has: page.locator('th', { hasText: STORY.national }) });
      await expect.poll(() => national.locator('td[data-label="Days without comment"]').innerText()).toMatch(/^2,039 days\s+\(1,409 working days\)$/);
      // Every institution approached or on record, by name.
      expect(await scorecardNames(page)).toEqual([STORY.network, STORY.mercia, STORY.national, STORY.trust, STORY.police]);
      const police = page.locator('.scorecard tbody tr', { has: page.locator('th', { hasText: STORY.police }) });
      expect(await police.locator('td[data-label="Independent review"]').innerText()).toBe('Committed');
      expect(await police.locator('td[data-label="Days without comment"]').innerText()).toBe('Not approached');
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').innerText()).toBe('Overview');
    },
  },
  {
    name: 'institutions',
    url: () => '/institutions',
    status: 200,
    heading: 'Institutions',
    shows: ['Filter and sort', STORY.national, STORY.police, STORY.trust, STORY.closed, `${STORY_DIRECTORY_SIZE} institutions shown`, 'Not approached'],
    check: async (page) => {
      // The whole directory, closed institutions included, by name.
      expect(await scorecardNames(page)).toEqual([
        STORY.borsetshire,
        STORY.downland,
        STORY.fenland,
        STORY.network,
        STORY.mercia,
        STORY.icb,
        STORY.national,
        STORY.closed,
        STORY.trust,
        STORY.police,
      ]);
      expect(await page.locator('.scorecard tbody tr').count()).toBe(STORY_DIRECTORY_SIZE);
      // The closed trust is marked closed, and only it.
      expect(await page.locator('.scorecard tbody th .tag').allInnerTexts()).toEqual(['closed']);
      expect(await page.locator('.scorecard tbody tr', { has: page.locator('th', { hasText: STORY.closed }) }).locator('.tag').innerText()).toBe('closed');
      // The filters offer the directory's regions.
      expect(await page.locator('#region option').allInnerTexts()).toEqual(['All regions', 'East of England', 'South East']);
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').innerText()).toBe('Institutions');
    },
  },
  {
    name: 'institutions-police-by-silence',
    url: () => '/institutions?kind=police_force&sort=silence',
    status: 200,
    heading: 'Institutions',
    shows: [STORY.police, STORY.mercia, STORY.borsetshire, '3 institutions shown'],
    hides: [STORY.trust, STORY.national],
    check: async (page) => {
      expect(await page.locator('#kind').inputValue()).toBe('police_force');
      expect(await page.locator('#sort').inputValue()).toBe('silence');
      const kinds = await page.locator('.scorecard td[data-label="Kind"]').allInnerTexts();
      expect(kinds).toEqual(['Police force', 'Police force', 'Police force']);
      // The only silent force first, then the others by name.
      expect(await scorecardNames(page)).toEqual([STORY.mercia, STORY.borsetshire, STORY.police]);
    },
  },
  {
    name: 'institution-national',
    url: (s) => `/institutions/${s.national.slug}`,
    status: 200,
    heading: STORY.national,
    shows: [
      'Position on each ask',
      'Days without comment',
      `${STORY.national}: 2,039 days without comment (1,409 working days)`,
      'First approached on 23 April 2021',
      '2 approaches unanswered, the latest on 23 April 2021',
      'History',
      `Approach (petition): ${STORY.national}`,
      `Approach (press enquiry): ${STORY.national}`,
    ],
  },
  {
    // The history a page at a time (one event to a page here): the first page.
    name: 'institution-history-paged',
    url: (s) => `/institutions/${s.national.slug}?limit=1`,
    status: 200,
    heading: STORY.national,
    shows: ['History', '2 events in all, 1 to a page', `Search or filter ${STORY.national}’s history on the timeline`, 'Older events'],
    hides: ['Newest events'],
    check: async (page) => {
      expect(await page.locator('section[aria-labelledby="history-heading"] article.event').count()).toBe(1);
      expect(await page.getByRole('navigation', { name: `Pages of ${STORY.national}’s history` }).getByRole('link').allInnerTexts()).toEqual(['Older events']);
    },
  },
  {
    // A later page of the history, with links both ways.
    name: 'institution-history-older',
    url: (s) => `/institutions/${s.national.slug}?limit=1&before=4102444800000.1`,
    status: 200,
    heading: STORY.national,
    shows: ['History: older events', '2 events in all, 1 to a page', 'This page lists those of 23 April 2021'],
    check: async (page) => {
      expect(await page.title()).toMatch(new RegExp(`^${STORY.national}: older events – `));
      expect(await page.getByRole('navigation', { name: `Pages of ${STORY.national}’s history` }).getByRole('link').allInnerTexts()).toEqual(['Newest events', 'Older events']);
    },
  },
  {
    name: 'institution-police',
    url: (s) => `/institutions/${s.police.slug}`,
    status: 200,
    heading: STORY.police,
    shows: [
      'Position on each ask',
      'Independent review: Committed',
      'Since 6 May 2021, as stated in this response.',
      'Not approached.',
      'Wessex High Intensity Partnership Programme (WHIPP)',
      `Other names and local schemes ${STORY.sharedAlias}`,
    ],
  },
  {
    name: 'institution-closed',
    url: (s) => `/institutions/${s.closed.slug}`,
    status: 200,
    heading: STORY.closed,
    shows: ['Status Closed (kept so that older records still match)', 'Not approached.', `Nothing is on record for ${STORY.closed}.`],
  },
  {
    name: 'timeline',
    url: () => '/timeline',
    status: 200,
    heading: 'Timeline',
    shows: ['November 2026', 'May 2021', 'April 2021', `Approach (petition): ${STORY.national}`, `Response (statement): ${STORY.police}`, `Approach (letter): ${STORY.mercia}`],
    check: async (page) => {
      expect(await page.locator('#type option').allInnerTexts()).toEqual(['All events', 'Approaches', 'Responses', 'Milestones']);
      // Newest first, grouped by month: the story's seven published events.
      expect(await page.locator('main article.event .event-title').allInnerTexts()).toEqual([
        `Approach (letter): ${STORY.mercia}`,
        'Milestone: Campaign-wide',
        `Response (statement): ${STORY.trust}`,
        `Response (statement): ${STORY.police}`,
        `Response (statement): ${STORY.network}`,
        `Approach (press enquiry): ${STORY.national}`,
        `Approach (petition): ${STORY.national}`,
      ]);
      // One page of events: no empty "Timeline pages" navigation landmark.
      expect(await page.locator('nav.pager').count()).toBe(0);
    },
  },
  {
    name: 'timeline-responses',
    url: () => '/timeline?type=response',
    status: 200,
    heading: 'Timeline',
    shows: [`Response (statement): ${STORY.police}`, `Response (statement): ${STORY.network}`],
    hides: [`Approach (petition): ${STORY.national}`, `Approach (letter): ${STORY.mercia}`, 'Milestone: Campaign-wide'],
    check: async (page) => {
      expect(await page.locator('main article.event .event-title').allInnerTexts()).toEqual([
        `Response (statement): ${STORY.trust}`,
        `Response (statement): ${STORY.police}`,
        `Response (statement): ${STORY.network}`,
      ]);
    },
  },
  {
    name: 'timeline-search',
    url: () => `/timeline?q=${STORY.sharedAlias}&type=response`,
    status: 200,
    heading: 'Timeline',
    shows: [
      `2 published events match “${STORY.sharedAlias}” with these filters.`,
      `Response (statement): ${STORY.trust}`,
      `Response (statement): ${STORY.police}`,
      `Also known as ${STORY.sharedAlias}`,
      'Follow new events that match: Atom feed',
    ],
    hides: [`Approach (petition): ${STORY.national}`, `Response (statement): ${STORY.network}`],
    check: async (page) => {
      expect(await page.locator('main article.event .event-title').allInnerTexts()).toEqual([`Response (statement): ${STORY.trust}`, `Response (statement): ${STORY.police}`]);
      // The search box is labelled, keeps the search, and is described by its hint.
      const box = page.getByRole('searchbox', { name: 'Search events' });
      expect(await box.inputValue()).toBe(STORY.sharedAlias);
      expect(await box.getAttribute('aria-describedby')).toBe('q-hint');
      expect(await page.getByRole('search').count()).toBeGreaterThan(0);
      // Each match marked: the other name of both, and WHIPP in the police’s summary and words.
      const marks = await page.locator('main mark').allInnerTexts();
      expect(new Set(marks)).toEqual(new Set([STORY.sharedAlias]));
      expect(marks.length).toBe(4);
    },
  },
  {
    name: 'timeline-bad-search',
    url: () => '/timeline?q=%22%5E%22&from=31/04/2021&type=response',
    status: 400,
    heading: 'Timeline',
    shows: ['There is a problem', 'Type a word or a number to search for: “"^"” has none', 'The “from” date: 31/04/2021 is not a real date'],
    check: async (page) => {
      const box = page.getByRole('searchbox', { name: 'Search events' });
      expect(await box.inputValue()).toBe('"^"');
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      expect(await box.getAttribute('aria-describedby')).toBe('q-hint q-error');
      expect(await page.locator('#from').getAttribute('aria-describedby')).toBe('from-hint from-error');
      expect(await page.locator('#type').inputValue()).toBe('response');
      // The summary's links move to each field.
      expect(await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#q', '#from']);
      expect(await page.locator('main article.event').count()).toBe(0);
    },
  },
  {
    name: 'event-petition',
    url: (s) => `/events/${s.events.petition}`,
    status: 200,
    heading: `Approach: ${STORY.national}`,
    shows: ['Friday 23 April 2021', 'Petition', `From ${STORY.campaigner}`, 'What happened', 'Sources', 'Close the scheme: the petition', 'Permanent link'],
    check: async (page, s) => {
      expect(await bodyOf(page)).toContain(`Permanent link https://tracker.example.org/events/${s.events.petition}`);
    },
  },
  {
    name: 'about',
    url: () => '/about',
    status: 200,
    heading: 'About the figures',
    shows: ['Days without comment', 'it had gone 13 days without comment, 8 of them working days', 'Where the directory comes from'],
  },
  {
    name: 'home-as-of-2021-05-06',
    url: () => '/?as_of=2021-05-06T11:30',
    status: 200,
    heading: SITE,
    shows: [
      'You are viewing the tracker as it stood at 11:30 on 6 May 2021',
      'Show the tracker as it is now',
      // Friday 23 April to Thursday 6 May 2021: 13 days, 8 working days (Monday 3 May was a bank holiday).
      `${STORY.national}: 13 days without comment (8 working days), first approached 23 April 2021`,
      '1 of 4 institutions involved has committed to “Independent review”.',
    ],
    // Mercia Police was approached in 2026: not yet involved.
    hides: ['2,039 days', STORY.mercia],
    check: async (page) => {
      const national = page.locator('.scorecard tbody tr', { has: page.locator('th', { hasText: STORY.national }) });
      expect((await national.locator('td[data-label="Days without comment"]').innerText()).replace(/\s+/g, ' ')).toBe('13 days (8 working days)');
      expect(await page.locator('.as-of--past a').getAttribute('href')).toBe('/');
      // Links inside the past view keep the moment.
      expect(await page.locator('nav[aria-label="Main"] a', { hasText: 'Institutions' }).getAttribute('href')).toBe('/institutions?as_of=2021-05-06T11%3A30');
    },
  },
  {
    name: 'not-found',
    url: () => '/no-such-page',
    status: 404,
    heading: 'Page not found',
    shows: ['There is no page at this address.'],
    check: async (page) => {
      expect(await page.locator('[aria-current]').count(), 'an error page is not a nav item').toBe(0);
    },
  },
  {
    name: 'bad-request',
    url: () => '/?as_of=not-a-date',
    status: 400,
    heading: 'There is a problem with the address',
    shows: ['“not-a-date” is not a date or time the tracker understands.', '?as_of=2021-05-06T11:30'],
    check: async (page) => {
      expect(await page.locator('[aria-current]').count(), 'an error page is not a nav item').toBe(0);
    },
  },
];

/** The visible text of the page, white space collapsed. */
const bodyOf = async (page: Page) => (await page.locator('body').innerText()).replace(/\s+/g, ' ');

let t: TestApp;
let story: Story;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  story = tellStory(t.app.tracker.db);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh context at one viewport, recording console errors (a CSP violation logs one) and script errors. */
const openPage = (width: number, height = 900) => openContext(browser, width, height);

describe.each(PAGES)('$name', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', async (width) => {
    const { context, page, problems } = await openPage(width);
    const url = c.url(story);
    try {
      const response = await page.goto(base + url, { waitUntil: 'load' });
      expect(response?.status(), `status of ${url}`).toBe(c.status);
      expect(await page.getAttribute('html', 'lang')).toBe('en-GB');

      // The stylesheet loaded (the CSP allows only same-origin styles): the header has its band colour.
      const headerBackground = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(headerBackground, 'site.css applied').not.toBe('rgba(0, 0, 0, 0)');

      await expect.poll(() => page.locator('h1').count()).toBe(1);
      expect((await page.locator('h1').innerText()).trim()).toBe(c.heading);
      const text = await bodyOf(page);
      for (const s of c.shows) expect(text, `${url} shows “${s}”`).toContain(s);
      for (const s of c.hides ?? []) expect(text, `${url} does not show “${s}”`).not.toContain(s);
      expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
      await c.check?.(page, story);

      // Screenshot, axe, overflow, and at 320 px card tables that do not scroll and controls that fit.
      await checkLayout(page, c.name, width);

      expect.soft(unexpected(problems), `console errors on ${url}`).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('keyboard', () => {
  test('the skip link is the first focusable element and moves focus to main (Tab, then Enter)', async () => {
    const { context, page } = await openPage(1280);
    try {
      await page.goto(base + '/institutions');
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const box = el.getBoundingClientRect();
        return { className: el.className, text: el.textContent?.trim(), href: el.getAttribute('href'), visible: box.left >= 0 && box.top >= 0 && box.width > 0 };
      });
      expect(first).toEqual({ className: 'skip-link', text: 'Skip to main content', href: '#main', visible: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'skip-link-focused-1280.png') });
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
      expect(new URL(page.url()).hash).toBe('#main');
      // The next Tab goes into the page content, not back to the header.
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => Boolean(document.activeElement?.closest('main')));
      expect(next, 'Tab after the skip link lands inside main').toBe(true);
    } finally {
      await context.close();
    }
  });

  test('tabbing alone reaches the filter form on /institutions and applies it', async () => {
    const { context, page } = await openPage(1280);
    try {
      await page.goto(base + '/institutions');
      const visited: string[] = [];
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return {
            label: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}: ${(el.textContent ?? '').trim().slice(0, 30)}`,
            isSubmit: el.matches('form.filters button[type="submit"]'),
            isKind: el.id === 'kind',
            // A visible focus indicator: an outline or a box-shadow.
            indicated: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
          };
        });
        visited.push(focus.label);
        expect(focus.indicated, `focus indicator on ${focus.label}`).toBe(true);
        if (focus.isKind) await page.keyboard.press('ArrowDown'); // choose the first kind without a mouse
        reached = focus.isSubmit;
      }
      expect(reached, `Tab order: ${visited.join(' → ')}`).toBe(true);
      await Promise.all([page.waitForURL(/\/institutions\?/), page.keyboard.press('Enter')]);
      // The first kind is NHS England, and the story has one national body.
      expect(new URL(page.url()).searchParams.get('kind')).toBe('nhs_england');
      expect(await page.locator('#results-heading').innerText()).toBe('1 institution shown');
      expect(await scorecardNames(page)).toEqual([STORY.national]);
    } finally {
      await context.close();
    }
  });
});

describe('400% zoom (1280 × 1024 at 400%: a 320 × 256 CSS px viewport)', () => {
  test.each(PAGES)('$name: no horizontal overflow', async (c) => {
    const { context, page } = await openPage(320, 256);
    const url = c.url(story);
    try {
      await page.goto(base + url);
      const o = await overflow(page);
      expect(o.scrollWidth, `${url} overflows at 320 × 256: ${o.culprits.join(', ')}`).toBeLessThanOrEqual(o.innerWidth);
      // The header must not take over the small screen: the main heading starts within the first two screens.
      const top = await page.locator('h1').evaluate((el) => el.getBoundingClientRect().top);
      expect(top, 'h1 starts within two screen heights').toBeLessThan(512);
      if (c.name === 'home' || c.name === 'institutions') {
        await page.screenshot({ path: path.join(SCREENSHOTS, `${c.name}-zoom400-320x256.png`) });
      }
    } finally {
      await context.close();
    }
  });
});
