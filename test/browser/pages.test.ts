/**
 * The public pages in a real browser: Debian's Chromium driven by playwright-core, checked with axe-core.
 *
 * The app runs in-process on a fresh database with the shipped data, its clock pinned to
 * 12:00 on 22 November 2026 (see test/helpers.ts). Every page is checked at 320 and 1280 CSS px:
 * no axe violation (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA), no horizontal page overflow, the
 * content that shows the page works, and a full-page screenshot in test-results/screenshots/.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeApp, type TestApp } from '../helpers.js';
import { axeViolations, launchBrowser, openPage as openContext, overflow, SCREENSHOTS, unexpected, WIDTHS } from './support.js';

interface PageCase {
  /** File name stem of the screenshots. */
  name: string;
  url: string;
  status: number;
  /** The <h1>, exactly. */
  heading: string;
  /** Text the page must show (checked against the visible text of <main> and the as-at banner). */
  shows: string[];
  /** Text the page must not show. */
  hides?: string[];
  /** Further checks of this page. */
  check?: (page: Page) => Promise<void>;
}

const PAGES: PageCase[] = [
  {
    name: 'home',
    url: '/',
    status: 200,
    heading: '#StopSIM: who has committed to halt and review SIM?',
    shows: [
      'Figures as at 12:00 on 22 November 2026',
      'NHS England',
      'days without comment',
      'Who has committed',
      '1 of 4 institutions involved has committed to “Independent review”.',
      'NHS England: 2,039 days without comment (1,409 working days), first approached 23 April 2021',
      'Scorecard',
      'Latest events',
    ],
    check: async (page) => {
      const nhs = page.locator('.scorecard tbody tr', { has: page.locator('th', { hasText: /^NHS England$/ }) });
      await expect.poll(() => nhs.locator('td[data-label="Days without comment"]').innerText()).toMatch(/^2,039 days\s+\(1,409 working days\)$/);
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').innerText()).toBe('Overview');
    },
  },
  {
    name: 'institutions',
    url: '/institutions',
    status: 200,
    heading: 'Institutions',
    shows: ['Filter and sort', 'NHS England', 'Surrey Police', 'Surrey and Borders Partnership NHS Foundation Trust', '140 institutions shown', 'Not approached'],
    check: async (page) => {
      expect(await page.locator('.scorecard tbody tr').count()).toBe(140);
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').innerText()).toBe('Institutions');
    },
  },
  {
    name: 'institutions-police-by-silence',
    url: '/institutions?kind=police_force&sort=silence',
    status: 200,
    heading: 'Institutions',
    shows: ['Surrey Police', 'Metropolitan Police Service', 'institutions shown'],
    hides: ['Surrey and Borders Partnership NHS Foundation Trust'],
    check: async (page) => {
      expect(await page.locator('#kind').inputValue()).toBe('police_force');
      expect(await page.locator('#sort').inputValue()).toBe('silence');
      const kinds = await page.locator('.scorecard td[data-label="Kind"]').allInnerTexts();
      expect(kinds.length).toBeGreaterThan(40);
      expect(new Set(kinds)).toEqual(new Set(['Police force']));
    },
  },
  {
    name: 'institution-nhs-england',
    url: '/institutions/nhs-england',
    status: 200,
    heading: 'NHS England',
    shows: ['Position on each ask', 'Days without comment', 'days without comment', 'First approached on 23 April 2021', 'History'],
  },
  {
    name: 'institution-surrey-police',
    url: '/institutions/surrey-police',
    status: 200,
    heading: 'Surrey Police',
    shows: ['Position on each ask', 'Not approached.', 'Surrey High Intensity Partnership Programme (SHIPP)', 'SHIPP'],
  },
  {
    name: 'timeline',
    url: '/timeline',
    status: 200,
    heading: 'Timeline',
    shows: ['May 2021', 'April 2021', 'Approach (petition): NHS England', 'Response (statement): Surrey Police'],
    check: async (page) => {
      expect(await page.locator('#type option').allInnerTexts()).toEqual(['All events', 'Approaches', 'Responses', 'Milestones']);
      // One page of events: no empty "Timeline pages" navigation landmark.
      expect(await page.locator('nav.pager').count()).toBe(0);
    },
  },
  {
    name: 'timeline-responses',
    url: '/timeline?type=response',
    status: 200,
    heading: 'Timeline',
    shows: ['Response (statement): Surrey Police', 'Response (statement): High Intensity Network'],
    hides: ['Approach (petition): NHS England'],
  },
  {
    name: 'event-1',
    url: '/events/1',
    status: 200,
    heading: 'Approach: NHS England',
    shows: ['Friday 23 April 2021', 'What happened', 'Sources', 'Permanent link'],
  },
  {
    name: 'about',
    url: '/about',
    status: 200,
    heading: 'About the figures',
    shows: ['Days without comment', 'it had gone 13 days without comment, 8 of them working days', 'Where the directory comes from'],
  },
  {
    name: 'home-as-of-2021-05-06',
    url: '/?as_of=2021-05-06T11:30',
    status: 200,
    heading: '#StopSIM: who has committed to halt and review SIM?',
    shows: [
      'You are viewing the tracker as it stood at 11:30 on 6 May 2021',
      'Show the tracker as it is now',
      'NHS England',
      '13 days without comment (8 working days)',
    ],
    hides: ['2,039 days'],
    check: async (page) => {
      expect(await page.locator('.as-of--past a').getAttribute('href')).toBe('/');
      // Links inside the past view keep the moment.
      expect(await page.locator('nav[aria-label="Main"] a', { hasText: 'Institutions' }).getAttribute('href')).toBe('/institutions?as_of=2021-05-06T11%3A30');
    },
  },
  {
    name: 'not-found',
    url: '/no-such-page',
    status: 404,
    heading: 'Page not found',
    shows: ['There is no page at this address.'],
    check: async (page) => {
      expect(await page.locator('[aria-current]').count(), 'an error page is not a nav item').toBe(0);
    },
  },
  {
    name: 'bad-request',
    url: '/?as_of=not-a-date',
    status: 400,
    heading: 'There is a problem with the address',
    shows: ['“not-a-date” is not a date or time the tracker understands.', '?as_of=2021-05-06T11:30'],
    check: async (page) => {
      expect(await page.locator('[aria-current]').count(), 'an error page is not a nav item').toBe(0);
    },
  },
];

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await makeApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh context at one viewport, recording console errors (a CSP violation logs one) and script errors. */
const openPage = (width: number, height = 900) => openContext(browser, width, height);

describe.each(PAGES)('$name ($url)', (c) => {
  test.each(WIDTHS)('at %i px: content, no axe violation, no overflow, screenshot', async (width) => {
    const { context, page, problems } = await openPage(width);
    try {
      const response = await page.goto(base + c.url, { waitUntil: 'load' });
      expect(response?.status(), `status of ${c.url}`).toBe(c.status);
      expect(await page.getAttribute('html', 'lang')).toBe('en-GB');

      // The stylesheet loaded (the CSP allows only same-origin styles): the header has its band colour.
      const headerBackground = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(headerBackground, 'site.css applied').not.toBe('rgba(0, 0, 0, 0)');

      await expect.poll(() => page.locator('h1').count()).toBe(1);
      expect((await page.locator('h1').innerText()).trim()).toBe(c.heading);
      const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
      for (const s of c.shows) expect(text, `${c.url} shows “${s}”`).toContain(s);
      for (const s of c.hides ?? []) expect(text, `${c.url} does not show “${s}”`).not.toContain(s);
      expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
      await c.check?.(page);

      await page.screenshot({ path: path.join(SCREENSHOTS, `${c.name}-${width}.png`), fullPage: true });

      const violations = await axeViolations(page);
      expect.soft(violations, `axe violations on ${c.url} at ${width} px:\n${violations}`).toBe('');

      const o = await overflow(page);
      expect.soft(
        o.scrollWidth,
        `${c.url} at ${width} px overflows horizontally (scrollWidth ${o.scrollWidth} > ${o.innerWidth}); sticking out: ${o.culprits.join(', ') || 'nothing found'}`,
      ).toBeLessThanOrEqual(o.innerWidth);

      if (width === 320) {
        // Card tables (the scorecard, the directory) turn into one card per row on small screens: nothing to scroll sideways.
        const wide = await page.locator('.table-scroll:has(.card-table)').evaluateAll((els) =>
          els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => `${el.getAttribute('aria-labelledby')}: ${el.scrollWidth} > ${el.clientWidth}`),
        );
        expect.soft(wide, 'card tables that scroll sideways at 320 px').toEqual([]);
      }

      expect.soft(unexpected(problems), `console errors on ${c.url}`).toEqual([]);
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
      expect(new URL(page.url()).searchParams.get('kind')).toBeTruthy();
      expect(await page.locator('#results-heading').innerText()).toMatch(/^\d+ institutions? shown$/);
    } finally {
      await context.close();
    }
  });
});

describe('400% zoom (1280 × 1024 at 400%: a 320 × 256 CSS px viewport)', () => {
  test.each(PAGES)('$name: no horizontal overflow', async (c) => {
    const { context, page } = await openPage(320, 256);
    try {
      await page.goto(base + c.url);
      const o = await overflow(page);
      expect(o.scrollWidth, `${c.url} overflows at 320 × 256: ${o.culprits.join(', ')}`).toBeLessThanOrEqual(o.innerWidth);
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
