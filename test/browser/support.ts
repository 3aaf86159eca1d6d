/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a browser
 * download), axe-core with the WCAG 2.0/2.1 A and AA and WCAG 2.2 AA rules, the horizontal
 * overflow check and where screenshots go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

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
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
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

/** Every axe violation on the page, one readable block each; '' when there is none. */
export async function axeViolations(page: Page): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`)
    .join('\n');
}

/** Horizontal overflow of the page, with the elements that stick out (outside any .table-scroll) to say why. */
export async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
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
