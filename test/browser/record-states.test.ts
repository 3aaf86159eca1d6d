/**
 * The states of the record that issue-level rules add, in a real browser with axe-core (see
 * support.ts): a clock past the end of the bank holiday list (the degraded notice, working days
 * "not available"), a record not updated for weeks (the staleness note), overdue tiers with the
 * due date explained (the disclosure open), /changes listing what became late and long overdue,
 * the admins' bank holidays page with its banner and an upload refused. Each at 320 and 1280 px:
 * no axe violation, no horizontal overflow, a screenshot in test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { contact, FIXTURE_DATA, institution, user } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { instantOf } from '../../src/domain/calendar.js';
import { bodyText, checkLayout, launchBrowser, openPage, WIDTHS } from './support.js';

/** The longest institution name in the reference directory, to try the layout at 320 px. */
const LONG_NAME = 'Hertfordshire Partnership University NHS Foundation Trust';

interface Case {
  name: string;
  url: string;
  signedIn?: boolean;
  status: number;
  shows: string[];
  /** Something to do on the page before it is checked (open a disclosure, submit a form). */
  act?: (page: Page) => Promise<void>;
}

let t: TestApp;
let base: string;
let browser: Browser;
let ids: { trust: string; police: string; chase: number };
const login = { email: '', password: '' };

beforeAll(async () => {
  // 1 February 2028: the bank holiday list (to 31 December 2027) has run out, and the latest event is weeks old.
  t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2028-02-01', '12:00') });
  const db = t.app.tracker.db;
  const trust = institution(db, { name: LONG_NAME, kind: 'mental_health_trust' });
  const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
  contact(db, police, { date: '2027-10-01', channel: 'foi', dueOn: '2027-10-29' });
  const chase = contact(db, trust, { date: '2027-12-01', channel: 'email', dueOn: '2027-12-15' });
  ids = { trust: trust.slug, police: police.slug, chase };
  const admin = await user(db, { role: 'admin' });
  Object.assign(login, { email: admin.email, password: admin.password });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const STALE = 'The record was last updated on 1 December 2027; replies after that may not be recorded.';
const NO_WORKING_DAYS = 'Working-day figures are not available: the bank holiday list ends on 31 December 2027.';

const cases = (): Case[] => [
  { name: 'degraded-home', url: '/', status: 200, shows: [NO_WORKING_DAYS, STALE, 'working days not available: the bank holiday list ends on 31 December 2027'] },
  { name: 'degraded-institution', url: `/institutions/${ids.trust}`, status: 200, shows: [`${LONG_NAME}: 62 days without comment`, STALE, 'Long overdue since 1 January 2028'] },
  {
    name: 'due-date-explained',
    url: `/events/${ids.chase}`,
    status: 200,
    shows: ['How the reply due date was worked out', 'Working day 10', 'Skipped: Saturday'],
    act: async (page) => {
      await page.locator('details.due-explained summary').click();
    },
  },
  { name: 'changes-overdue', url: '/changes?from=2027-12-01&to=2028-01-31', status: 200, shows: ['Became long overdue (1)', 'Became late (1)', `${LONG_NAME}: the approach of 1 December 2027`] },
  { name: 'admin-calendar-banner', url: '/admin', signedIn: true, status: 200, shows: ['The bank holiday list has run out.', 'Long overdue since'] },
  { name: 'admin-holidays', url: '/admin/holidays', signedIn: true, status: 200, shows: ['Bank holidays', 'The list has run out.', 'Add the next years'] },
  {
    name: 'admin-holidays-refused',
    url: '/admin/holidays',
    signedIn: true,
    status: 400,
    shows: ['There is a problem', 'The file cannot be used', 'The JSON has no “england-and-wales” list of events'],
    act: async (page) => {
      await page.getByLabel(/The list \(JSON or CSV/).setInputFiles({ name: 'bank-holidays.json', mimeType: 'application/json', buffer: Buffer.from('{"scotland": {"events": []}}') });
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Add the holidays' }).click()]);
    },
  },
];

describe('states of the record', () => {
  test.each(WIDTHS)('at %i px: every state shows what it must, with no axe violation and no overflow', async (width) => {
    const { context, page } = await openPage(browser, width);
    try {
      let signedIn = false;
      for (const c of cases()) {
        if (c.signedIn && !signedIn) {
          await page.goto(base + '/login');
          await page.getByLabel('Email address').fill(login.email);
          await page.getByLabel('Password').fill(login.password);
          await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
          signedIn = true;
        }
        const response = await page.goto(base + c.url, { waitUntil: 'load' });
        let status = response?.status();
        if (c.act) {
          const answer = page.waitForResponse((r) => r.request().resourceType() === 'document', { timeout: 2000 }).catch(() => null);
          await c.act(page);
          status = (await answer)?.status() ?? status;
        }
        expect(status, c.name).toBe(c.status);
        const text = await bodyText(page);
        for (const shown of c.shows) expect(text, c.name).toContain(shown);
        await checkLayout(page, `states-${c.name}`, width);
      }
    } finally {
      await context.close();
    }
  });
});
