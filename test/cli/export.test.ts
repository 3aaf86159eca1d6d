/**
 * npm run export -- DIR: the static copy of the public site, on a story these tests build (see
 * test/static-copy.ts): every kind of page and file present, links that work from any folder,
 * forms sent to the live tracker or replaced, one revision throughout, and a second export that
 * writes only what changed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { setEventDeleted } from '../../src/records/log-events.js';
import { MANIFEST } from '../../src/static-copy/site.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { contact, FIXTURE_DATA } from '../factories.js';
import { dom, makeApp, shown, tempDir, TEST_NOW, words, type TestApp } from '../helpers.js';
import { buildStory, COPY_URL, exportCopy, filesUnder, hashes, linksOf, LIVE_URL, read, resolveLink, type Story } from '../static-copy/support.js';

let t: TestApp;
let story: Story;
let dir: string;
let report: Awaited<ReturnType<typeof exportCopy>>;

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  story = buildStory(t);
  dir = path.join(tempDir('tracker-copy-'), 'site');
  report = await exportCopy(t, dir);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

const pages = () => filesUnder(dir).filter((f) => f.endsWith('.html'));

describe('the static copy', () => {
  it('holds every kind of page and file, at addresses a static host serves with the right type', () => {
    const files = new Set(filesUnder(dir));
    const { police, trust, quiet } = story;
    const expected = [
      'index.html', 'institutions/index.html', 'timeline/index.html', 'timeline/page/2/index.html', 'about/index.html', 'corrections/index.html',
      'corrections/page/2/index.html', 'charts/index.html', 'changes/index.html', 'api/index.html', 'not-in-this-copy/index.html',
      'api/campaign.json', 'api/institutions.json', 'api/timeline.json', 'api/timeline/page/2.json', 'api/openapi.json', 'changes.json',
      'corrections.json', 'corrections/page/2.json', 'feed.atom', 'feed.rss', 'feed.json', 'corrections.atom',
      'data/institutions.csv', 'data/events.csv', 'data/events.json',
      'charts/positions/halt.svg', 'charts/positions/review.svg', 'charts/kinds/halt.svg', 'charts/kinds/review.svg', 'charts/silences.svg',
      'embed/scorecard/index.html', 'static/site.css', 'static/print.css', 'static/stances.css', 'static/copy.js', 'static/favicon.svg', MANIFEST,
    ];
    for (const i of [police, trust, quiet]) {
      expected.push(`institutions/${i.slug}/index.html`, `institutions/${i.slug}/feed.atom`, `api/institutions/${i.slug}.json`, `badges/${i.slug}.svg`, `embed/institutions/${i.slug}/index.html`);
    }
    for (const id of [...story.approaches, story.statement, story.milestone]) expected.push(`events/${id}/index.html`, `api/events/${id}.json`);
    // The police force's history, 55 approaches, is on two pages of its own.
    expected.push(`institutions/${police.slug}/page/2/index.html`);
    expect(expected.filter((f) => !files.has(f))).toEqual([]);
    // Nothing else: no third timeline page, no page of the workspace.
    expect([...files].filter((f) => !expected.includes(f))).toEqual([]);
    expect(report).toMatchObject({ written: files.size - 1, unchanged: 0, removed: 0, files: files.size - 1, revision: currentRevision(t.app.tracker), asOf: new Date(TEST_NOW).toISOString() });
    expect(report.misses.count).toBe(0);

    // Each file is what the app answers, its links rewritten.
    const event = dom(read(dir, `events/${story.statement}/index.html`));
    expect(words(event.querySelector('h1'))).toBe('Response: Felpersham Mental Health NHS Trust');
    expect(event.querySelector('blockquote')!.textContent).toContain('We will close the scheme & review it.');
    const api = JSON.parse(read(dir, `api/institutions/${trust.slug}.json`));
    expect(api.institution.positions.halt.stance).toBe('committed');
    expect(JSON.parse(read(dir, 'api/timeline.json')).events).toHaveLength(50);
    expect(JSON.parse(read(dir, 'api/timeline/page/2.json')).events).toHaveLength(7);
    expect(read(dir, 'data/events.csv').split('\n').filter(Boolean)).toHaveLength(58);
    expect(JSON.parse(read(dir, 'data/events.json')).events).toHaveLength(57);
    expect(read(dir, `badges/${police.slug}.svg`)).toContain('<svg');
    // Every event of the police force's history once, over its two pages, newest first.
    const listed = (file: string) => [...dom(read(dir, file)).querySelectorAll('article.event h3 a')].map((a) => Number(/events\/(\d+)\/$/.exec(a.getAttribute('href') ?? '')?.[1]));
    const first = listed(`institutions/${police.slug}/index.html`);
    const second = listed(`institutions/${police.slug}/page/2/index.html`);
    expect([first.length, second.length]).toEqual([50, 5]);
    expect([...first, ...second]).toEqual([...story.approaches].reverse());
  });

  it('links only to its own files, relative to each page, or to BASE_URL’s addresses of them', () => {
    const problems: string[] = [];
    let relative = 0;
    for (const file of pages()) {
      for (const { value } of linksOf(read(dir, file))) {
        const where = resolveLink(dir, file, value);
        if (where.startsWith('broken')) problems.push(where);
        if (where === 'live') problems.push(`live link without LIVE_URL: ${value} in ${file}`);
        if (!/^(https?:|#)/.test(value)) relative++;
      }
    }
    expect(problems).toEqual([]);
    expect(relative).toBeGreaterThan(1000);

    // From a page two folders down: the overview, a style sheet, an institution, the next page of a list.
    const links = (file: string) => linksOf(read(dir, file)).map((l) => l.value);
    expect(links(`events/${story.statement}/index.html`)).toEqual(expect.arrayContaining(['../../', '../../static/site.css', `../../institutions/${story.trust.slug}/`, '../../timeline/']));
    expect(links('timeline/index.html')).toContain('page/2/');
    expect(links('timeline/page/2/index.html')).toEqual(expect.arrayContaining(['../../../', '../../', '../../../static/site.css']));
    expect(links(`institutions/${story.police.slug}/index.html`)).toContain('page/2/#history-heading');
    expect(links(`institutions/${story.police.slug}/page/2/index.html`)).toContain('../../#history-heading');
    expect(links('corrections/index.html')).toEqual(expect.arrayContaining(['page/2/', '../corrections.json', '../corrections.atom']));
    expect(links('index.html')).toEqual(expect.arrayContaining(['static/site.css', 'institutions/', `events/${story.milestone}/`, 'feed.atom']));

    // Absolute links (Open Graph, citations, embed codes, the API's url and next) name the copy's files.
    const overview = dom(read(dir, 'index.html'));
    expect(overview.querySelector('meta[property="og:url"]')!.getAttribute('content')).toBe(`${COPY_URL}/`);
    expect(shown(overview.querySelector('#embed-code')!)).toContain(`src="${COPY_URL}/embed/scorecard/"`);
    const police = dom(read(dir, `institutions/${story.police.slug}/index.html`));
    expect(shown(police.querySelector('#badge-code')!)).toContain(`${COPY_URL}/badges/${story.police.slug}.svg`);
    expect(words(police.querySelector('#citation-text'))).toContain(`Source: Fixture campaign: who will close the scheme?, ${COPY_URL}/institutions/${story.police.slug}/`);
    const timeline = JSON.parse(read(dir, 'api/timeline.json'));
    expect(timeline.next).toBe(`${COPY_URL}/api/timeline/page/2.json`);
    expect(JSON.parse(read(dir, 'api/timeline/page/2.json')).next).toBeNull();
    expect(JSON.parse(read(dir, 'corrections.json')).next).toBe(`${COPY_URL}/corrections/page/2.json`);
    const institutions = JSON.parse(read(dir, 'api/institutions.json')).institutions as { url: string }[];
    const events = (JSON.parse(read(dir, 'data/events.json')).events as { url: string }[]).map((e) => e.url);
    const feedLinks = [...read(dir, 'feed.atom').matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).filter((u) => u.startsWith(COPY_URL));
    expect(feedLinks.length).toBeGreaterThan(50);
    for (const url of [...institutions.map((i) => i.url), ...timeline.events.map((e: { url: string }) => e.url), ...events, ...feedLinks]) {
      expect(resolveLink(dir, 'index.html', url), url).toBe('in the copy');
    }
    expect(read(dir, 'data/institutions.csv')).toContain(`${COPY_URL}/institutions/${story.police.slug}/`);
  });

  it('replaces the forms that need the server with a sentence, when there is no live tracker', () => {
    for (const file of pages()) {
      const doc = dom(read(dir, file));
      expect(doc.querySelectorAll('form').length, file).toBe(0);
      if (!file.startsWith('embed/')) expect(words(doc.querySelector('.static-note')), file).toContain('not available in this copy');
    }
    const timeline = dom(read(dir, 'timeline/index.html'));
    expect(words(timeline.querySelector('.filters'))).toBe('Search and filter Searching and filtering the timeline need the live tracker: they are not available in this copy. Every published event is listed below, newest first.');
    expect(words(dom(read(dir, 'institutions/index.html')).querySelector('.filters'))).toContain('Filtering and sorting the directory need the live tracker');
    expect(words(dom(read(dir, 'changes/index.html')).querySelector('.filters'))).toContain('needs the live tracker');
    expect(words(dom(read(dir, 'not-in-this-copy/index.html')).querySelector('h1'))).toBe('Not in this copy');
    // The footer does not invite readers to add ?as_of= to the copy's addresses.
    expect(words(dom(read(dir, 'about/index.html')).querySelector('footer'))).not.toContain('as_of');
  });

  it('sends forms and pinned links to the live tracker when LIVE_URL is set', async () => {
    const live = path.join(path.dirname(dir), 'live');
    const made = await exportCopy(t, live, { liveUrl: LIVE_URL });
    expect(made.misses).toEqual({ count: 0, examples: [] });
    const forms = [];
    for (const file of filesUnder(live).filter((f) => f.endsWith('.html'))) {
      const doc = dom(read(live, file));
      for (const form of doc.querySelectorAll('form')) forms.push(`${file}: ${form.getAttribute('action')}`);
      for (const { value } of linksOf(read(live, file))) expect(resolveLink(live, file, value), `${value} in ${file}`).not.toMatch(/^broken/);
    }
    expect(forms).toEqual(expect.arrayContaining([
      `timeline/index.html: ${LIVE_URL}/timeline`, `institutions/index.html: ${LIVE_URL}/institutions`, `changes/index.html: ${LIVE_URL}/changes`,
      `events/${story.statement}/index.html: ${LIVE_URL}/events/${story.statement}`,
    ]));
    expect(forms.every((f) => f.includes(`: ${LIVE_URL}/`))).toBe(true);
    const rev = currentRevision(t.app.tracker);
    const citation = dom(read(live, 'index.html')).querySelector('.citation .hint a')!.getAttribute('href');
    expect(citation).toBe(`${LIVE_URL}/?as_of=2026-11-22T12:00:00Z&rev=${rev}`);
    expect(JSON.parse(read(live, 'api/openapi.json')).servers).toEqual([{ url: LIVE_URL }]);
    expect(fs.existsSync(path.join(live, 'not-in-this-copy'))).toBe(false);
  });

  it('shows one revision in every file, however the record changes while it is written', async () => {
    const rev = currentRevision(t.app.tracker);
    const pinned = path.join(path.dirname(dir), 'pinned');
    let during: number | null = null;
    const made = await exportCopy(t, pinned, {
      progressEvery: 40,
      // A campaigner logs an approach while the export runs.
      onProgress: () => {
        during ??= contact(t.app.tracker.db, story.quiet, { date: '2021-06-01', summary: 'An approach logged during the export.' });
      },
    });
    expect(during).not.toBeNull();
    expect(currentRevision(t.app.tracker)).toBe(rev + 1);
    expect(made.revision).toBe(rev);
    expect(JSON.parse(read(pinned, MANIFEST))).toMatchObject({ revision: rev, asOf: '2026-11-22T12:00:00.000Z' });
    for (const file of filesUnder(pinned)) {
      const text = read(pinned, file);
      expect(text, file).not.toContain('An approach logged during the export');
      if (file.endsWith('.html') && !file.startsWith('embed/')) expect(words(dom(text).querySelector('.as-of')), file).toContain(`as recorded at revision ${rev} (`);
      if (file.startsWith('api/') && file.endsWith('.json') && file !== 'api/openapi.json') expect(JSON.parse(text).revision, file).toBe(rev);
    }
    expect(fs.existsSync(path.join(pinned, `events/${during}`))).toBe(false);
    // The event logged meanwhile is for the next export.
    setEventDeleted(t.app.tracker.db, during!, true, 'Logged by mistake', { userId: null, name: 'test' }, TEST_NOW);
  });

  it('writes only the files that changed after one new event, says how many, and removes what is gone', async () => {
    const copy = path.join(path.dirname(dir), 'incremental');
    await exportCopy(t, copy);
    const before = hashes(copy);
    const unrelated = `events/${story.statement}/index.html`;
    const unrelatedMtime = fs.statSync(path.join(copy, unrelated)).mtimeMs;
    const oldRevision = currentRevision(t.app.tracker);

    const added = contact(t.app.tracker.db, story.trust, { date: '2021-06-30', summary: 'Asked the trust when the scheme would close.' });
    const second = await exportCopy(t, copy);
    const after = hashes(copy);
    const changed = [...after.keys()].filter((f) => f !== MANIFEST && before.get(f) !== after.get(f));
    expect(second.written).toBe(changed.length);
    expect(second.unchanged).toBe(after.size - 1 - changed.length);
    expect(second.removed).toBe(0);
    expect(changed).toEqual(expect.arrayContaining([
      `events/${added}/index.html`, `api/events/${added}.json`, `institutions/${story.trust.slug}/index.html`, 'index.html', 'timeline/index.html', 'api/timeline.json', 'data/events.csv',
    ]));
    // An older event, another institution and the styles are as the first export left them,
    // still saying the revision they were written at (nothing they show has changed since).
    for (const file of [unrelated, `events/${story.approaches[0]}/index.html`, `institutions/${story.quiet.slug}/index.html`, `api/events/${story.statement}.json`, 'static/site.css']) {
      expect(changed, file).not.toContain(file);
    }
    expect(fs.statSync(path.join(copy, unrelated)).mtimeMs).toBe(unrelatedMtime);
    expect(words(dom(read(copy, unrelated)).querySelector('.as-of'))).toContain(`revision ${oldRevision} (`);
    expect(words(dom(read(copy, 'index.html')).querySelector('.as-of'))).toContain(`revision ${oldRevision + 1} (`);
    expect(changed.length).toBeLessThan(after.size / 3);

    // The new event deleted: its page and its answer go, and their folder.
    setEventDeleted(t.app.tracker.db, added, true, 'Logged twice', { userId: null, name: 'test' }, TEST_NOW);
    const third = await exportCopy(t, copy);
    expect(third.removed).toBe(2);
    expect(fs.existsSync(path.join(copy, `events/${added}`))).toBe(false);
    expect(fs.existsSync(path.join(copy, `api/events/${added}.json`))).toBe(false);
    const manifest = JSON.parse(read(copy, MANIFEST));
    expect(Object.keys(manifest.files).sort()).toEqual(filesUnder(copy).filter((f) => f !== MANIFEST));
    for (const [file, entry] of Object.entries(manifest.files as Record<string, { sha256: string; bytes: number }>)) {
      expect(entry.sha256, file).toBe(hashes(copy).get(file));
    }

    // Nothing changed: nothing written. With no file to write, the export still lets the event
    // loop turn after each file, four being made at once (Node lets go of a finished answer only
    // on a later turn: an export that never let it turn held every answer until it ran out of memory).
    let turns = 0;
    let turning = true;
    const turn = () => {
      turns++;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    const fourth = await exportCopy(t, copy);
    turning = false;
    expect(fourth).toMatchObject({ written: 0, removed: 0, unchanged: manifest.files ? Object.keys(manifest.files).length : 0 });
    expect(turns).toBeGreaterThanOrEqual(Math.floor(fourth.unchanged / 4));
  });
});

describe('npm run export', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/cli/export.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATA_DIR: FIXTURE_DATA, BASE_URL: COPY_URL, LIVE_URL: '', ...env },
      encoding: 'utf8',
    });

  it('writes the copy and says how many files it wrote, then that one changed', () => {
    const target = path.join(path.dirname(dir), 'cli');
    const env = { DATABASE_PATH: t.databasePath, BASE_URL: COPY_URL };
    const first = run([target], env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^\\d+ files written, 0 unchanged, 0 removed in ${target.replace(/[/\\.]/g, '\\$&')}\\n`));
    expect(first.stdout).toMatch(/The copy shows revision \d+ as at .*: \d+ files, [\d.]+ MB, made in [\d.]+ s\./);
    const again = run([target], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^\d+ files? written, [1-9]\d* unchanged, 0 removed/);
  }, 60_000);

  it('says how to use it, and refuses a missing database or a live tracker at the copy’s own address', () => {
    const usage = run([], {});
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run export -- DIR');
    const nowhere = run([path.join(path.dirname(dir), 'x')], { DATABASE_PATH: path.join(path.dirname(dir), 'missing.db') });
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain('There is no database');
    const same = run([path.join(path.dirname(dir), 'y')], { DATABASE_PATH: t.databasePath, BASE_URL: COPY_URL, LIVE_URL: COPY_URL });
    expect(same.status).toBe(1);
    expect(same.stderr).toContain('LIVE_URL (https://copy.example.org/tracker) must be another address');
  }, 60_000);
});
