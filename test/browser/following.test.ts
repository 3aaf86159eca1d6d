/**
 * Following by email in a real browser with axe-core (see support.ts), at 320 and 1280 px: the
 * follow form, its error state, the "check your inbox" page, the confirmation page, the manage
 * page, unsubscribing and the unsubscribed page, and the admins' counts. No axe violation, no
 * horizontal overflow, a screenshot of each in test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { institution, user } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { bodyText, checkLayout, launchBrowser, openPage, WIDTHS } from './support.js';

const LONG_NAME = 'Hertfordshire Partnership University NHS Foundation Trust';

let t: TestApp;
let base: string;
let browser: Browser;
let slug: string;
const login = { email: '', password: '' };

beforeAll(async () => {
  // Mail is on (nothing is delivered here: the confirmation link is read from the outbox).
  t = await makeApp({ env: { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Test Campaign <campaign@example.org>' } });
  slug = institution(t.app.tracker.db, { name: LONG_NAME, kind: 'mental_health_trust' }).slug;
  const admin = await user(t.app.tracker.db, { role: 'admin' });
  Object.assign(login, { email: admin.email, password: admin.password });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The confirmation link queued for an address. */
function confirmationPath(email: string): string {
  const row = t.app.tracker.db.$client.prepare("SELECT text FROM outbox WHERE kind = 'confirm' AND to_address = ? ORDER BY id DESC").get(email) as { text: string };
  return /\/follow\/confirm\/[A-Za-z0-9_-]+/.exec(row.text)![0];
}

async function submit(page: Page, button: string): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().resourceType() === 'document' && r.request().method() === 'POST'), page.getByRole('button', { name: button }).click()]);
  await page.waitForLoadState('load');
  return response.status();
}

describe('following by email', () => {
  test.each(WIDTHS)('at %i px: follow, confirm, manage and unsubscribe, with no axe violation and no overflow', async (width) => {
    const { context, page } = await openPage(browser, width);
    const email = `reader${width}@example.net`;
    try {
      await page.goto(`${base}/follow?institution=${slug}`);
      expect(await bodyText(page)).toContain(`Follow ${LONG_NAME} by email`);
      await checkLayout(page, 'follow-form', width);

      await page.getByLabel('Your email address').fill('not an address');
      expect(await submit(page, `Follow ${LONG_NAME}`)).toBe(400);
      expect(await bodyText(page)).toContain('There is a problem Enter an email address like name@example.org');
      await checkLayout(page, 'follow-form-error', width);

      await page.getByLabel('Your email address').fill(email);
      await page.getByLabel('A weekly summary (Monday mornings)').check();
      await submit(page, `Follow ${LONG_NAME}`);
      expect(await bodyText(page)).toContain('Check your inbox');
      await checkLayout(page, 'follow-sent', width);

      const confirm = confirmationPath(email);
      await page.goto(base + confirm);
      expect(await bodyText(page)).toContain(`Confirm that you want to follow ${LONG_NAME}`);
      await checkLayout(page, 'follow-confirm', width);

      await submit(page, 'Confirm');
      expect(await bodyText(page)).toContain(`Thank you: you now follow ${LONG_NAME}.`);
      await checkLayout(page, 'follow-manage', width);

      const token = confirm.split('/').pop()!;
      await page.goto(`${base}/follow/unsubscribe/${token}`);
      await checkLayout(page, 'follow-unsubscribe', width);
      expect(await submit(page, 'Unsubscribe')).toBe(200);
      expect(await bodyText(page)).toContain('You have unsubscribed');
      await checkLayout(page, 'follow-unsubscribed', width);

      await page.goto(`${base}/follow/manage/${token}`);
      expect(await bodyText(page)).toContain('This link does not work');
      await checkLayout(page, 'follow-link-gone', width);

      await page.goto(base + '/login');
      await page.getByLabel('Email address').fill(login.email);
      await page.getByLabel('Password').fill(login.password);
      await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.goto(`${base}/admin/followers`);
      expect(await bodyText(page)).toContain('Delete every subscription of an address');
      await checkLayout(page, 'admin-followers', width);
    } finally {
      await context.close();
    }
  });
});
