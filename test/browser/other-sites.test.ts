/**
 * The tracker as other sites and hard cases meet it, in Debian's Chromium: badges, charts and
 * embeds shown by a page from another origin; every error state checked with axe (WCAG and
 * best-practice rules) at 320 and 1280 px; the longest name on a small screen.
 * Runs on its own fixture data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { contact, FIXTURE_DATA, institution, response, user } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { checkLayout, launchBrowser, openPage, unexpected, WIDTHS } from './support.js';

let t: TestApp;
let broken: TestApp;
let browser: Browser;
let base: string;
let brokenBase: string;
let other: http.Server;
let otherBase: string;
let longSlug: string;
let editor: { email: string; password: string };

const LONG_NAME = 'Hertfordshire Partnership University NHS Foundation Trust';

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const long = institution(db, { name: LONG_NAME, kind: 'mental_health_trust', region: 'East of England' });
  longSlug = long.slug;
  const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
  contact(db, long, { date: '2021-04-23' });
  contact(db, police, { date: '2021-04-23' });
  response(db, police, { date: '2021-05-06', positions: { review: 'committed' } });
  editor = await user(db, { role: 'admin' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

  // A tracker whose database has lost a table: every page that reads events fails with a 500.
  broken = await makeApp({ dataDir: FIXTURE_DATA });
  contact(broken.app.tracker.db, institution(broken.app.tracker.db), { date: '2021-04-23' });
  broken.app.tracker.db.$client.exec('DROP TABLE event_version_sources');
  await broken.app.listen({ port: 0, host: '127.0.0.1' });
  brokenBase = `http://127.0.0.1:${(broken.app.server.address() as AddressInfo).port}`;

  // Another site, on another origin, that shows the tracker's badge, a chart and the scorecard.
  other = http.createServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en-GB"><head><title>A newspaper</title></head><body><main><h1>A newspaper</h1>
      <p><a href="${base}/institutions/${longSlug}"><img id="badge" src="${base}/badges/${longSlug}.svg" alt="Badge"></a></p>
      <p><img id="chart" src="${base}/charts/positions/review.svg" alt="Chart"></p>
      <iframe id="embed" src="${base}/embed/scorecard" title="Scorecard" width="600" height="400"></iframe>
      </main></body></html>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  // localhost rather than 127.0.0.1: another origin, and another site.
  otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => other?.close(resolve));
  await broken?.close();
  await t?.close();
});

describe('a page on another site', () => {
  test('shows the badge and the chart, and frames the scorecard whose links open the tracker in a new tab', async () => {
    const { page, problems, context } = await openPage(browser, 1280);
    await page.goto(`${otherBase}/`);
    for (const id of ['badge', 'chart']) {
      await expect.poll(() => page.locator(`#${id}`).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { message: `${id} shown` }).toBe(true);
    }
    const frame = page.frameLocator('#embed');
    await expect.poll(() => frame.locator('main a').count()).toBeGreaterThan(1);
    for (const target of await frame.locator('main a').evaluateAll((links) => links.map((a) => a.getAttribute('target')))) expect(target).toBe('_blank');
    const [popup] = await Promise.all([context.waitForEvent('page'), frame.getByRole('link', { name: /Borsetshire Police/ }).click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${base}/institutions/borsetshire-police`);
    expect(await popup.locator('h1').innerText()).toBe('Borsetshire Police');
    expect(problems.filter((p) => /Blocked|NotSameOrigin|refused/i.test(p))).toEqual([]);
    await context.close();
  });
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email address').fill(editor.email);
  await page.getByLabel('Password').fill(editor.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin`);
}

interface ErrorState {
  name: string;
  status: number;
  heading: string;
  /** Goes to the state; returns the status of the last document. */
  open: (page: Page) => Promise<number>;
  shows: string;
  signedIn?: boolean;
}

const ERROR_STATES: ErrorState[] = [
  { name: 'error-404', status: 404, heading: 'Page not found', shows: 'There is no page at this address', open: async (page) => (await page.goto(`${base}/no/such/page`))!.status() },
  { name: 'error-400-as-of', status: 400, heading: 'There is a problem with the address', shows: 'is not a real date', open: async (page) => (await page.goto(`${base}/institutions?as_of=31+April+2021`))!.status() },
  { name: 'error-400-limit', status: 400, heading: 'There is a problem with the address', shows: 'The parameter “limit” must be a whole number', open: async (page) => (await page.goto(`${base}/timeline?limit=1e309`))!.status() },
  { name: 'error-500', status: 500, heading: 'Something went wrong', shows: 'The tracker could not answer this request', open: async (page) => (await page.goto(`${brokenBase}/timeline`))!.status() },
  { name: 'changes-future', status: 400, heading: 'What changed', shows: 'is in the future', open: async (page) => (await page.goto(`${base}/changes?to=2100-01-01`))!.status() },
  {
    name: 'audit-bad-date',
    status: 400,
    heading: 'Audit log',
    shows: 'Enter a date like',
    signedIn: true,
    open: async (page) => (await page.goto(`${base}/admin/audit?from=garbage`))!.status(),
  },
  {
    name: 'spreadsheet-problems',
    status: 400,
    heading: 'Spreadsheets',
    shows: 'Nothing was imported: the file has',
    signedIn: true,
    open: async (page) => {
      await page.goto(`${base}/admin/spreadsheets`);
      await page.getByLabel('The file holds').selectOption('events');
      await page.getByLabel(/CSV file/).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`institution,date,type,summary\n${'nobody,31/4/2021,contact,x\n'.repeat(300)}`) });
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/spreadsheets/preview')), page.getByRole('button', { name: 'Check the file' }).click()]);
      await page.waitForLoadState();
      return answer.status();
    },
  },
];

describe.each(ERROR_STATES)('error state $name', (state) => {
  for (const width of WIDTHS) {
    test(`at ${width} px: a clear heading and message, no axe violation, no overflow`, async () => {
      const { page, problems, context } = await openPage(browser, width);
      if (state.signedIn) await signIn(page);
      expect(await state.open(page)).toBe(state.status);
      expect(await page.locator('h1').innerText()).toBe(state.heading);
      expect(await page.locator('main').innerText()).toContain(state.shows);
      await checkLayout(page, state.name, width);
      expect(unexpected(problems, [state.status])).toEqual([]);
      await context.close();
    });
  }
});

describe('the longest name on a small screen', () => {
  test('its institution page does not scroll sideways, and its badge is legible', async () => {
    const { page, context } = await openPage(browser, 320);
    await page.goto(`${base}/institutions/${longSlug}`);
    await checkLayout(page, 'institution-longest-name', 320);
    const badge = await page.locator('.share img').evaluate((img: HTMLImageElement) => ({ shown: img.getBoundingClientRect().width, natural: img.naturalWidth }));
    // Shown at its own size (no shrinking of its 11 px words).
    expect(badge.shown).toBe(badge.natural);
    await context.close();
  });
});
