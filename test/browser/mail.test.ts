/**
 * The inbox, one message and an event's attachments page (with its error state) in real Chromium:
 * no axe violation, no horizontal overflow, at 320 and 1280 CSS px (see support.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inboundMessages } from '../../src/db/schema.js';
import { keepBytes } from '../../src/records/files.js';
import { contact, institution, user } from '../factories.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';
import { bodyText, checkLayout, launchBrowser, openPage, WIDTHS } from './support.js';

let t: TestApp;
let base: string;
let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
let eventId: number;
let messageId: number;
let tmp: string;

beforeAll(async () => {
  t = await makeApp();
  const db = t.app.tracker.db;
  const trust = institution(db, { name: 'Lakeside Mental Health NHS Foundation Trust', kind: 'mental_health_trust' });
  eventId = contact(db, trust, { date: '2026-11-02', summary: 'Asked Lakeside to halt SIM and review it' });
  const raw = Buffer.from(
    ['From: A Very Long Sender Name Indeed <a.very.long.address.for.a.narrow.screen@some-nhs-trust.example>', 'To: campaign@example.org', 'Subject: Our response to your letter about Serenity Integrated Mentoring', 'Date: Thu, 19 Nov 2026 09:00:00 +0000', 'Message-ID: <browser-1@example.org>', 'Content-Type: text/html; charset=utf-8', '', '<p>Dear campaigners,</p><p>See https://www.example.org/a/very/long/address/that/should/wrap/on/a/narrow/screen/without/overflowing</p><script>alert(1)</script>', ''].join('\r\n'),
  );
  const sha256 = keepBytes(t.app.config.filesDir, raw);
  messageId = db.insert(inboundMessages).values({ sha256, size: raw.length, folder: 'INBOX', uid: 1, receivedAt: TEST_NOW, fromAddress: 'a.very.long.address.for.a.narrow.screen@some-nhs-trust.example', fromName: 'A Very Long Sender Name Indeed', toAddresses: 'campaign@example.org', subject: 'Our response to your letter about Serenity Integrated Mentoring', status: 'unmatched', createdAt: TEST_NOW }).returning({ id: inboundMessages.id }).get().id;
  const made = await user(db, { role: 'editor' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  const { context, page } = await openPage(browser, 1280);
  await page.goto(base + '/login');
  await page.getByLabel('Email address').fill(made.email);
  await page.getByLabel('Password').fill(made.password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Sign in' }).click()]);
  signedIn = await context.storageState();
  await context.close();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-upload-'));
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function at(width: number, url: string, work: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await openPage(browser, width, 900, { storageState: signedIn });
  try {
    const res = await page.goto(base + url);
    expect(res?.status()).toBe(200);
    await work(page);
  } finally {
    await context.close();
  }
}

describe.each(WIDTHS)('at %i px', (width) => {
  test('the inbox', () =>
    at(width, '/admin/inbox', async (page) => {
      expect(await page.locator('h1').innerText()).toBe('Inbox');
      expect(await bodyText(page)).toContain('Our response to your letter about Serenity Integrated Mentoring');
      await checkLayout(page, 'mail-inbox', width);
    }));

  test('a message, shown as text', () =>
    at(width, `/admin/inbox/${messageId}`, async (page) => {
      expect(await page.locator('pre.message-text').innerText()).toContain('Dear campaigners,');
      expect(await page.locator('pre.message-text a, script:not([src])').count()).toBe(0);
      await checkLayout(page, 'mail-message', width);
    }));

  test('a message filed with no approach chosen: the error beside the field', () =>
    at(width, `/admin/inbox/${messageId}`, async (page) => {
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'File as a draft reply' }).click()]);
      expect(response.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.locator('#approach-error').innerText()).toContain('Choose the approach this message answers');
      await checkLayout(page, 'mail-message-error', width);
    }));

  test('an event’s attachments, and the error of a refused file', () =>
    at(width, `/admin/events/${eventId}/attachments`, async (page) => {
      expect(await page.getByLabel('File', { exact: true }).count()).toBe(1);
      await checkLayout(page, 'mail-attachments', width);
      const disguised = path.join(tmp, `report-${width}.pdf`);
      fs.writeFileSync(disguised, '<!DOCTYPE html><html><script>alert(1)</script></html>');
      await page.getByLabel('File', { exact: true }).setInputFiles(disguised);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Attach the file' }).click()]);
      expect(response.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.locator('#file-error').innerText()).toContain('web page or other markup');
      await checkLayout(page, 'mail-attachments-error', width);
    }));
});
