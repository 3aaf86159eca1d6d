/**
 * Letters sent from the workspace, in a real browser (Debian's Chromium, axe-core): the letter
 * form, its error state, the preview of every message, the outbox with a failed message, the
 * follow-up queue with a reminder proposed, and the form with sending off. Each at 320 and
 * 1280 CSS px: no axe violation, no horizontal overflow, a screenshot in
 * test-results/screenshots/letters-<name>-<width>.png. Mail goes to an SMTP server on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { instantOf } from '../../src/domain/calendar.js';
import { user, institution } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import { bodyText, checkLayout, launchBrowser, openPage, unexpected, WIDTHS } from './support.js';

const PASSWORD = 'correct horse battery staple';
const MONDAY = instantOf('2026-11-23', '10:00');

let browser: Browser;
let sink: SmtpSink;
let t: TestApp;
let off: TestApp;
let base: string;
let offBase: string;
const clock = { now: MONDAY };

beforeAll(async () => {
  browser = await launchBrowser();
  sink = await startSmtpSink();
  t = await makeApp({ clock: () => clock.now, env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Campaign <campaign@example.org>' } });
  off = await makeApp({ now: MONDAY });
  for (const app of [t, off]) {
    const db = app.app.tracker.db;
    await user(db, { email: 'campaigner@example.org', role: 'admin', password: PASSWORD });
    institution(db, { name: 'Wessex Partnership NHS Foundation Trust', kind: 'mental_health_trust', region: 'South East', email: 'foi@wessex.nhs.uk' });
    institution(db, { name: 'Mercia Partnership NHS Foundation Trust', kind: 'mental_health_trust', region: 'South East', email: 'foi@mercia.nhs.uk' });
    institution(db, { name: 'Fenland NHS Trust With A Very Long Name Indeed For Small Screens', kind: 'mental_health_trust', region: 'South East' });
  }
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  offBase = await off.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await off?.close();
  await sink?.close();
});

async function signIn(page: Page, at: string): Promise<void> {
  await page.goto(at + '/login');
  await page.getByLabel('Email address').fill('campaigner@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL(`${at}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

async function submit(page: Page, name: string | RegExp): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()]);
}

describe('writing, checking and sending a letter', () => {
  test.each(WIDTHS)('at %i px: the form, its error state, the preview, the outbox and a reminder', async (width) => {
    clock.now = MONDAY;
    const { context, page, problems } = await openPage(browser, width);
    try {
      await signIn(page, base);
      await page.goto(base + '/admin/letters/new');
      expect(await bodyText(page)).toContain('{{institution}}');
      await checkLayout(page, `letters-form`, width);

      // Every problem at once, beside its field.
      await page.getByLabel('Subject').fill('About {{instituton}}');
      await submit(page, 'Preview every message');
      expect(await bodyText(page)).toContain('There is a problem');
      expect(await bodyText(page)).toContain('{{instituton}} is not a merge field');
      await checkLayout(page, `letters-form-errors`, width);

      await page.getByLabel('Subject').fill('SIM in {{institution}}');
      await page.getByLabel('Letter', { exact: true }).fill('Dear {{institution}},\n\nPlease reply to {{reply_address}} by {{due_date}}.\n\n{{campaign}}');
      await page.getByLabel('Every open institution of this kind').selectOption('mental_health_trust');
      await submit(page, 'Preview every message');
      const preview = await bodyText(page);
      expect(preview).toContain('Check the letter before sending');
      expect(preview).toContain('Not reachable by email (1)');
      expect(preview).toContain('Dear Mercia Partnership NHS Foundation Trust,');
      await checkLayout(page, `letters-preview`, width);

      sink.refuseNext(1, 550, 'Mailbox unavailable');
      await submit(page, 'Send 2 messages');
      expect(page.url()).toBe(base + '/admin/outbox');
      await t.app.mailWorker.runOnce();
      await page.reload();
      expect(await bodyText(page)).toContain('Failed');
      await checkLayout(page, `letters-outbox`, width);

      // The approach that failed: its page says so and offers to send again.
      await page.getByRole('link', { name: /^The approach/ }).first().click();
      await page.waitForLoadState('load');
      await checkLayout(page, `letters-approach`, width);

      // Two weeks on, the reply is late: the follow-up queue proposes a reminder.
      clock.now = instantOf('2026-12-08', '09:00');
      await page.goto(base + '/admin');
      expect(await bodyText(page)).toContain('Reminders to send');
      await page.getByText('Read the reminder').first().click();
      await checkLayout(page, `letters-follow-up`, width);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test.each(WIDTHS)('at %i px: the letter form with sending off', async (width) => {
    const { context, page, problems } = await openPage(browser, width);
    try {
      await signIn(page, offBase);
      await page.goto(offBase + '/admin/letters/new');
      expect(await bodyText(page)).toContain('Sending is off.');
      await checkLayout(page, `letters-off`, width);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
