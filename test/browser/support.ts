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
import type { Db } from '../../src/db/client.js';
import { contact, institution, milestone, response, type MadeInstitution } from '../factories.js';

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

/*
 * The story the browser tests tell, on the fixture campaign (asks `halt`, “Close the scheme”,
 * and `review`, “Independent review”), with made-up institutions:
 *
 * - the National Health Board (kind `nhs_england`) was approached twice on Friday 23 April 2021,
 *   by petition and by a press enquiry, and never commented: as at 11:30 on Thursday 6 May 2021 it
 *   had gone 13 days, 8 working days, without comment (Monday 3 May 2021 was a bank holiday);
 *   as at the tests' clock (12:00 on Sunday 22 November 2026) 2,039 days, 1,409 working days;
 * - on 6 May 2021 three bodies replied with statements: Wessex Police committed to `review`
 *   (without ever being approached), the Wessex Partnership NHS Foundation Trust said it was
 *   considering it, and the Intensive Support Network went on record with no position; at 11:30
 *   that day a campaign-wide milestone;
 * - Wessex Police and the trust share a local scheme's name, WHIPP; the network is also ICN;
 * - Mercia Police was approached by letter on Monday 2 November 2026 (reply due Monday
 *   16 November 2026, so overdue as at the tests' clock): 20 days, 14 working days without comment;
 * - further institutions, never approached, for the filters: two more mental health trusts (one in
 *   the South East, one in the East of England), an integrated care board, Borsetshire Police, and
 *   a closed trust in the South East.
 */

export const STORY = {
  national: 'National Health Board',
  network: 'Intensive Support Network',
  police: 'Wessex Police',
  trust: 'Wessex Partnership NHS Foundation Trust',
  mercia: 'Mercia Police',
  borsetshire: 'Borsetshire Police',
  downland: 'Downland Mental Health NHS Trust',
  fenland: 'Fenland Mental Health NHS Trust',
  icb: 'NHS Wessex Integrated Care Board',
  closed: 'Old Wessex Mental Health NHS Trust',
  /** The local scheme's name both Wessex Police and the trust go by. */
  sharedAlias: 'WHIPP',
  campaigner: 'Fixture Coalition',
  /** The police's words of 6 May 2021. */
  policeQuote: 'We will commission an independent review of the Wessex High Intensity Partnership Programme (WHIPP) that we run with our partners.',
  trustQuote: 'We are considering how the campaign’s concerns relate to the way we have applied the scheme in Wessex.',
} as const;

/** How many institutions the story puts in the directory (open and closed). */
export const STORY_DIRECTORY_SIZE = 10;

export interface Story {
  national: MadeInstitution;
  network: MadeInstitution;
  police: MadeInstitution;
  trust: MadeInstitution;
  mercia: MadeInstitution;
  borsetshire: MadeInstitution;
  downland: MadeInstitution;
  fenland: MadeInstitution;
  icb: MadeInstitution;
  closed: MadeInstitution;
  /** The event ids, in the order they were written. */
  events: {
    petition: number;
    pressEnquiry: number;
    networkStatement: number;
    policeStatement: number;
    trustStatement: number;
    milestone: number;
    merciaLetter: number;
  };
}

/** Writes the story (above) into a fresh database on the fixture campaign. */
export function tellStory(db: Db): Story {
  const national = institution(db, { name: STORY.national, kind: 'nhs_england', country: 'England' });
  const network = institution(db, { name: STORY.network, kind: 'other', country: null, aliases: ['ICN'] });
  const police = institution(db, { name: STORY.police, kind: 'police_force', code: 'wessex', aliases: [STORY.sharedAlias] });
  const trust = institution(db, { name: STORY.trust, kind: 'mental_health_trust', code: 'RZ1', region: 'South East', aliases: [STORY.sharedAlias] });
  const mercia = institution(db, { name: STORY.mercia, kind: 'police_force', code: 'mercia' });
  const borsetshire = institution(db, { name: STORY.borsetshire, kind: 'police_force', code: 'borsetshire' });
  const downland = institution(db, { name: STORY.downland, kind: 'mental_health_trust', code: 'RZ2', region: 'South East' });
  const fenland = institution(db, { name: STORY.fenland, kind: 'mental_health_trust', code: 'RZ3', region: 'East of England' });
  const icb = institution(db, { name: STORY.icb, kind: 'icb', code: 'QZ1', region: 'South East' });
  const closed = institution(db, { name: STORY.closed, kind: 'mental_health_trust', code: 'RZ0', region: 'South East', active: false });

  const dns = { title: 'National Health Board silent over the scheme', url: 'https://news.example.org/2021/05/06/silent', publisher: 'Example News', publishedOn: '2021-05-06' } as const;
  const petition = contact(db, national, {
    date: '2021-04-23',
    channel: 'petition',
    from: STORY.campaigner,
    dueOn: '2021-05-10',
    summary: 'Petition asking the National Health Board to close the scheme and commission an independent review of it.',
    source: { title: 'Close the scheme: the petition', url: 'https://campaign.example.org/petition', publisher: STORY.campaigner, publishedOn: '2021-04-23' },
  });
  const pressEnquiry = contact(db, national, {
    date: '2021-04-23',
    channel: 'press_enquiry',
    from: 'Example News',
    dueOn: '2021-05-10',
    summary: 'Asked the National Health Board to respond to the call to close the scheme; repeated attempts followed.',
    source: dns,
  });
  const networkStatement = response(db, network, {
    date: '2021-05-06',
    responseType: 'statement',
    summary: 'The network’s director said a review of the scheme might be needed, without saying it would take part.',
    source: dns,
  });
  const policeStatement = response(db, police, {
    date: '2021-05-06',
    responseType: 'statement',
    summary: 'Wessex Police said it would commission an independent review of WHIPP, its local scheme.',
    quote: STORY.policeQuote,
    positions: { review: 'committed' },
    source: dns,
  });
  const trustStatement = response(db, trust, {
    date: '2021-05-06',
    responseType: 'statement',
    summary: 'The trust said it was considering how the campaign’s concerns relate to its use of the scheme.',
    quote: STORY.trustQuote,
    positions: { review: 'considering' },
    source: dns,
  });
  const milestoneId = milestone(db, null, {
    date: '2021-05-06',
    time: '11:30',
    summary: 'Example News reports that the National Health Board has not commented, nearly 13 days after it was first approached.',
    source: dns,
  });
  const merciaLetter = contact(db, mercia, {
    date: '2026-11-02',
    channel: 'letter',
    from: STORY.campaigner,
    summary: 'Letter asking Mercia Police to close the scheme and commission an independent review.',
    dueOn: '2026-11-16',
    source: { title: 'Letter to Mercia Police, 2 November 2026', url: 'https://campaign.example.org/letters/mercia', publisher: STORY.campaigner, publishedOn: '2026-11-02' },
  });
  return {
    national, network, police, trust, mercia, borsetshire, downland, fenland, icb, closed,
    events: { petition, pressEnquiry, networkStatement, policeStatement, trustStatement, milestone: milestoneId, merciaLetter },
  };
}
