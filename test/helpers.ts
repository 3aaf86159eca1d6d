/** Builds a real app on a fresh SQLite file in a temporary folder; and what tests share to read its pages. */
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { parseHTML } from 'linkedom';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { loadConfig, PROJECT_ROOT } from '../src/config.js';
import { instantOf } from '../src/domain/calendar.js';
import { user } from './factories.js';
import { Client } from './session.js';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  databasePath: string;
  close: () => Promise<void>;
}

/** 12:00 on 22 November 2026, London: the clock the tests run at unless they say otherwise. */
export const TEST_NOW = instantOf('2026-11-22', '12:00');

/** A port on 127.0.0.1 that nothing listens on (for a server a test starts: nginx, Dovecot). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every field of a form on a page, as a browser would post it (ticked boxes, chosen options, text). */
export function formFields(html: string, selector: string): Record<string, string[]> {
  const form = dom(html).querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string) => (fields[name] ??= []).push(value);
  for (const input of form.querySelectorAll('input[name]')) {
    const type = input.getAttribute('type');
    if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
    add(input.getAttribute('name')!, input.getAttribute('value') ?? '');
  }
  for (const select of form.querySelectorAll('select[name]')) {
    const chosen = select.querySelector('option[selected]') ?? select.querySelector('option');
    add(select.getAttribute('name')!, chosen?.getAttribute('value') ?? '');
  }
  for (const area of form.querySelectorAll('textarea[name]')) add(area.getAttribute('name')!, shown(area));
  return fields;
}

export function tempDir(prefix = 'tracker-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface MakeAppOptions {
  now?: number;
  /** A clock the test moves itself (instead of `now`). */
  clock?: () => number;
  env?: Record<string, string>;
  /** Where the shipped data comes from: the fixture campaign (test/fixtures/data) unless a test says otherwise. */
  dataDir?: string;
  /** Where the app's log goes (standard output unless given). */
  logStream?: NodeJS.WritableStream;
}

export async function makeApp(options: MakeAppOptions = {}): Promise<TestApp> {
  const dir = tempDir();
  const databasePath = path.join(dir, 'tracker.db');
  const config = loadConfig({
    DATABASE_PATH: databasePath,
    BASE_URL: 'https://tracker.example.org',
    LOG_REQUESTS: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters',
    DATA_DIR: options.dataDir ?? FIXTURE_DATA,
    ...options.env,
  });
  const now = options.now ?? TEST_NOW;
  const app = await buildApp(config, { now: options.clock ?? (() => now), ...(options.logStream ? { logStream: options.logStream } : {}) });
  await app.ready();
  return {
    app,
    dir,
    databasePath,
    close: async () => {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The data a fresh installation ships (data/): only test/shipped-data.test.ts uses it. */
export const SHIPPED_DATA = path.join(PROJECT_ROOT, 'data');

/** The fixture data directory every other test runs on: a made-up campaign (asks `halt` and `review`), an empty directory, the real bank holidays. */
export const FIXTURE_DATA = path.join(PROJECT_ROOT, 'test', 'fixtures', 'data');

/** A page's document, to look for elements and their text. */
export const dom = (html: string): Document => parseHTML(html).document as unknown as Document;

/** What a textarea shows (the DOM library keeps its entities). */
export const shown = (textarea: Element): string => dom(`<p>${textarea.innerHTML}</p>`).querySelector('p')!.textContent!;

/** The visible words of an element, white space collapsed. */
export const words = (element: Element | null | undefined): string => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A browser-like client signed in as a new user of that role (made with the factory). */
export async function signedIn(t: TestApp, role: 'admin' | 'editor' = 'editor', remoteAddress?: string): Promise<{ client: Client; user: { id: number; email: string; password: string } }> {
  const made = await user(t.app.tracker.db, { role });
  const client = new Client(t.app, remoteAddress ? { remoteAddress } : {});
  const res = await client.signIn(made.email, made.password);
  if (res.statusCode !== 303) throw new Error(`could not sign in: ${res.statusCode}`);
  return { client, user: made };
}

/** The campaign form's fields as the page fills them in, with its CSRF token. */
export async function campaignForm(admin: Client): Promise<Record<string, string>> {
  const doc = dom((await admin.get('/admin/campaign')).body);
  const fields: Record<string, string> = {};
  for (const input of doc.querySelectorAll('form[action="/admin/campaign"] input[name]')) fields[input.getAttribute('name')!] = input.getAttribute('value') ?? '';
  for (const textarea of doc.querySelectorAll('form[action="/admin/campaign"] textarea[name]')) fields[textarea.getAttribute('name')!] = shown(textarea);
  return fields;
}

/** A CSV file's rows by column name, in the order of the file, and its header. */
export function csvRecords(csv: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...rest] = parse(csv) as string[][];
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** Rows by column name as a CSV file with this header, cells written as given (formulas already neutralised stay so). */
export const csvFile = (header: string[], rows: Record<string, string>[]): string => stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]);

/** The CSV file without these columns: a download taken to another tracker, whose ids and slugs mean nothing there. */
export function withoutColumns(csv: string, ...columns: string[]): string {
  const { header, rows } = csvRecords(csv);
  return csvFile(header.filter((h) => !columns.includes(h)), rows);
}
