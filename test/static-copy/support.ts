/** What the static copy's tests share: a story to export, the export itself, and reading what it wrote. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { addDays } from '../../src/domain/calendar.js';
import { exportStaticCopy, type StaticExportOptions } from '../../src/static-copy/site.js';
import { contact, FIXTURE_DATA, institution, milestone, response, type MadeInstitution } from '../factories.js';
import { dom, TEST_NOW, type TestApp } from '../helpers.js';

export interface Story {
  police: MadeInstitution;
  trust: MadeInstitution;
  quiet: MadeInstitution;
  /** The police force's approaches, oldest first (enough for two pages of the timeline). */
  approaches: number[];
  statement: number;
  milestone: number;
}

/**
 * A police force approached 55 times from 1 March 2021 and silent since; a trust that committed
 * to halting the scheme; a body never approached; a campaign-wide milestone. Every event is a
 * late entry (written in 2026), so the corrections list has two pages too.
 */
export function buildStory(t: TestApp): Story {
  const db = t.app.tracker.db;
  const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire' });
  const trust = institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1', region: 'South East' });
  const quiet = institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', code: 'ambridge', country: 'Wales' });
  const approaches = Array.from({ length: 55 }, (_, i) =>
    contact(db, police, { date: addDays('2021-03-01', i), channel: i % 5 === 0 ? 'foi' : 'email', summary: `Approach number ${i + 1} to Borsetshire Police about the scheme.` }),
  );
  const statement = response(db, trust, {
    date: '2021-05-06', summary: 'The trust said it would close the scheme.', quote: 'We will close the scheme & review it.', positions: { halt: 'committed', review: 'considering' },
  });
  const made = milestone(db, null, { date: '2021-05-07', time: '11:30', summary: 'The Felpersham Gazette reported the campaign’s first results.' });
  return { police, trust, quiet, approaches, statement, milestone: made };
}

export const COPY_URL = 'https://copy.example.org/tracker';
export const LIVE_URL = 'https://live.example.org';

/** Exports the test app's database to a folder, as `npm run export` does. */
export function exportCopy(t: TestApp, dir: string, options: Partial<StaticExportOptions> & { baseUrl?: string } = {}) {
  const { baseUrl = COPY_URL, ...rest } = options;
  const config = loadConfig({ DATABASE_PATH: t.databasePath, BASE_URL: baseUrl, DATA_DIR: FIXTURE_DATA, LOG_REQUESTS: 'false' });
  return exportStaticCopy({ config, dir, now: TEST_NOW, liveUrl: null, ...rest });
}

/** Every file under a folder, as paths relative to it with forward slashes. */
export function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

/** Each file's SHA-256, to see which an export changed. */
export function hashes(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

export const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');

/** Every link of a page: `href`, `src` and forms' `action`. */
export function linksOf(html: string): { element: string; attribute: string; value: string }[] {
  const doc = dom(html);
  const links: { element: string; attribute: string; value: string }[] = [];
  for (const attribute of ['href', 'src', 'action']) {
    for (const element of doc.querySelectorAll(`[${attribute}]`)) links.push({ element: element.tagName.toLowerCase(), attribute, value: element.getAttribute(attribute)! });
  }
  return links;
}

export type Resolution = 'in the copy' | 'live' | 'elsewhere' | `broken: ${string}`;

/**
 * Where a link of a file of the copy leads, as a static host serving the copy at `baseUrl` would
 * answer it: a file of the copy (a folder meaning its index.html), the live tracker, another site.
 */
export function resolveLink(dir: string, file: string, value: string, baseUrl = COPY_URL, liveUrl = LIVE_URL): Resolution {
  if (value.startsWith('#')) return 'in the copy';
  if (value.startsWith('/')) return `broken: root-relative ${value}`;
  let target: string;
  if (/^https?:/.test(value)) {
    if (value.startsWith(`${liveUrl}/`) || value === liveUrl) return 'live';
    if (!value.startsWith(`${baseUrl}/`)) return 'elsewhere';
    const url = new URL(value);
    if (url.search) return `broken: a query on the copy ${value}`;
    target = decodeURIComponent(url.pathname.slice(new URL(`${baseUrl}/`).pathname.length));
  } else {
    const url = new URL(value, `http://copy.invalid/${path.posix.dirname(file)}/`);
    if (url.search) return `broken: a query on the copy ${value}`;
    target = decodeURIComponent(url.pathname.slice(1));
  }
  if (target === '' || target.endsWith('/')) target += 'index.html';
  return fs.existsSync(path.join(dir, target)) && fs.statSync(path.join(dir, target)).isFile() ? 'in the copy' : `broken: ${value} from ${file}`;
}
