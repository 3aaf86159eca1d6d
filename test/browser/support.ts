/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a browser
 * download), axe-core with the WCAG 2.0/2.1 A and AA and WCAG 2.2 AA rules, the horizontal
 * overflow check, where screenshots go, the layout check every page gets (checkLayout) and
 * moving by keyboard (tabTo).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Frame, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
export const WIDTHS = [320, 1280] as const;

export async function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (a CSP violation logs one) and script errors, as they happen. */
  problems: string[];
}

/** A fresh context at one viewport, recording console errors and script errors. */
export async function openPage(browser: Browser, width: number, height = 900, options: BrowserContextOptions = {}): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, reducedMotion: 'reduce', ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/** Console errors for an expected 4xx status of the document itself (400 and 404 unless told) are not problems. */
export const unexpected = (problems: string[], statuses: number[] = [400, 404]) =>
  problems.filter((p) => !statuses.some((status) => p.includes(`Failed to load resource: the server responded with a status of ${status}`)));

/**
 * Every axe violation on the page, one readable block each; '' when there is none.
 *
 * Legacy mode runs axe.run() in the page itself instead of axe.runPartial() in each frame and
 * axe.finishRun() in a new blank page: about twice as fast, and the same result for these pages,
 * which hold no cross-origin frame (the embeds are checked as pages of their own).
 */
export async function axeViolations(page: Page): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
  return results.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`)
    .join('\n');
}

/** Horizontal overflow of the page, with the elements that stick out (outside any .table-scroll) to say why. */
export async function overflow(page: Page | Frame): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''} (right edge ${Math.round(el.getBoundingClientRect().right)})`;
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => !el.closest('.table-scroll') || el.matches('.table-scroll'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 10)
      .map(describe);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits };
  });
}

/** A full-page screenshot in test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** What the focused element is, for readable assertions and failure messages. */
export async function focused(page: Page): Promise<{ tag: string; id: string; name: string | null; text: string; href: string | null; indicated: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', id: '', name: null, text: '', href: null, indicated: false };
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name'),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60),
      href: el.getAttribute('href'),
      // A visible focus indicator: an outline or a box-shadow.
      indicated: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
    };
  });
}

/** The visible text of the page, with white space collapsed. */
export const bodyText = async (page: Page): Promise<string> => (await page.locator('body').innerText()).replace(/\s+/g, ' ');

/**
 * Saves a full-page screenshot as <name>-<width>.png, then checks (softly, so that every problem
 * is reported): no axe violation, no horizontal page overflow and, at 320 px, no card table that
 * scrolls sideways and no form control wider than the screen.
 */
export async function checkLayout(page: Page, name: string, width: number): Promise<void> {
  await screenshot(page, `${name}-${width}`);

  const violations = await axeViolations(page);
  expect.soft(violations, `axe violations on ${name} at ${width} px:\n${violations}`).toBe('');

  const o = await overflow(page);
  expect.soft(
    o.scrollWidth,
    `${name} at ${width} px overflows horizontally (scrollWidth ${o.scrollWidth} > ${o.innerWidth}); sticking out: ${o.culprits.join(', ') || 'nothing found'}`,
  ).toBeLessThanOrEqual(o.innerWidth);

  if (width === 320) {
    // Card tables turn into one card per row on small screens: nothing to scroll sideways.
    const cards = await page.locator('.table-scroll:has(.card-table)').evaluateAll((els) =>
      els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => `${el.getAttribute('aria-labelledby')}: ${el.scrollWidth} > ${el.clientWidth}`),
    );
    expect.soft(cards, `card tables that scroll sideways on ${name} at 320 px`).toEqual([]);
    // Nothing in a form is cut off: every control fits in the screen.
    const wide = await page.locator('main input:not([type="hidden"]), main select, main textarea, main button').evaluateAll((els) =>
      els.filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > window.innerWidth).map((el) => el.id || el.textContent),
    );
    expect.soft(wide, `controls wider than the screen on ${name} at 320 px`).toEqual([]);
  }
}

/** Presses Tab until the focused element matches, checking that each stop has a visible focus indicator. */
export async function tabTo(page: Page, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean, limit = 40): Promise<Awaited<ReturnType<typeof focused>>> {
  const visited: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    visited.push(`${f.tag}${f.id ? `#${f.id}` : ''}: ${f.text}`);
    expect(f.indicated, `focus indicator on ${visited.at(-1)}`).toBe(true);
    if (matches(f)) return f;
  }
  throw new Error(`Not reached by Tab; the order was: ${visited.join(' → ')}`);
}
