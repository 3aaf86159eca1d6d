/**
 * The static copy of the public site (npm run export -- DIR): every page, API answer, feed,
 * open data file, badge, chart and embed, rendered by the app itself (`inject`, the same routes
 * that serve readers) and written as files that any host can serve from any folder.
 *
 * The app reads the record from one snapshot taken when it is ready, with its clock stopped at
 * the export's moment, so every file shows the same moment and revision however long the export
 * takes and whatever campaigners write meanwhile. Files go out a few at a time, each page read,
 * rewritten and written before the next is asked for, so memory does not grow with the record.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate } from 'node:timers/promises';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { PUBLIC_DIR } from '../plugins/views.js';
import { plural } from '../render/format.js';
import { revisionInfo } from '../tracker/revisions.js';
import { fileOf, newMisses, rewriteAbsolute, rewritePage, safeEnd, type Holdings, type Misses } from './addresses.js';
import { sha256, StaticFolder, MANIFEST } from './output.js';
import { stampForms, withoutStamp, type Stamp } from './stamp.js';

export { MANIFEST };

export interface StaticExportOptions {
  config: Config;
  /** The folder to write (created if need be). */
  dir: string;
  /** The live tracker (LIVE_URL): default, the configuration's. */
  liveUrl?: string | null;
  /** The export's moment (epoch ms): default, now. */
  now?: number;
  /** How many files are rendered and written at once. */
  concurrency?: number;
  /** Told how many files are done, every `progressEvery` files (10,000). */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface StaticExportReport {
  written: number;
  unchanged: number;
  removed: number;
  /** Every file of the copy, and their size in bytes. */
  files: number;
  bytes: number;
  revision: number;
  asOf: string;
  /** Links to what the copy does not hold (sent to the live tracker, or to the page that says it is not here). */
  misses: Misses;
  seconds: number;
}

/** "3 files written, 204 unchanged, 1 removed" */
export const summary = (r: Pick<StaticExportReport, 'written' | 'unchanged' | 'removed'>): string =>
  `${plural(r.written, 'file')} written, ${r.unchanged.toLocaleString('en-GB')} unchanged, ${r.removed.toLocaleString('en-GB')} removed`;

/** The pages and files there is one of. */
const SINGLE = [
  '/', '/institutions', '/about', '/charts', '/changes', '/api', '/embed/scorecard',
  '/api/campaign', '/api/institutions', '/api/openapi.json', '/changes.json',
  '/feed.atom', '/feed.rss', '/feed.json', '/corrections.atom', '/charts/silences.svg',
  '/data/institutions.csv', '/data/events.csv', '/data/events.json', '/static/stances.css',
];

/** The page that says something is not in the copy (only when there is no live tracker to send readers to). */
const UNAVAILABLE = '/not-in-this-copy';

/** Whole-record downloads: streamed to their files rather than held in memory. */
const STREAMED = new Set(['/data/events.csv', '/data/events.json']);

/** One of each per institution, per event, per ask (`{}` stands for its slug or id). */
const FAMILIES = {
  institution: ['/institutions/{}', '/institutions/{}/feed.atom', '/api/institutions/{}', '/badges/{}.svg', '/embed/institutions/{}'],
  event: ['/events/{}', '/api/events/{}'],
  ask: ['/charts/positions/{}.svg', '/charts/kinds/{}.svg'],
} as const;
type Family = keyof typeof FAMILIES;

/**
 * Lists that the server pages with a cursor (`?before=`): the copy numbers their pages. Each
 * institution's history is one too (`/institutions/{}`, then `/institutions/{}/page/2`).
 */
const SEQUENCES = [
  { first: '/timeline', page: (n: number) => `/timeline/page/${n}` },
  { first: '/api/timeline', page: (n: number) => `/api/timeline/page/${n}` },
  { first: '/corrections', page: (n: number) => `/corrections/page/${n}` },
  { first: '/corrections.json', page: (n: number) => `/corrections/page/${n}.json` },
];

type Sequence = (typeof SEQUENCES)[number];

/** An institution's page (the first of its history's pages). */
const INSTITUTION_PAGE = /^\/institutions\/[^/?#]+$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the copy holds: its single pages, the pages of each family, and the numbered pages of each list as they are found. */
class Contents {
  readonly single = new Map<string, string>();
  /** The pages of the lists, by the address the server knows them by (`/timeline?before=…`). */
  readonly paged = new Map<string, string>();
  /** The page of corrections that lists each revision's changes (the corrections feed links to them). */
  readonly revisions = new Map<number, string>();
  readonly members: Record<Family, Set<string>> = { institution: new Set(), event: new Set(), ask: new Set() };
  private readonly patterns = (Object.entries(FAMILIES) as [Family, readonly string[]][]).flatMap(([family, paths]) =>
    paths.map((p) => {
      const [before, after] = p.split('{}') as [string, string];
      return { family, pattern: new RegExp(`^${escapeRegExp(before)}([^/?#]+)${escapeRegExp(after)}$`) };
    }),
  );

  add(url: string): void {
    this.single.set(url, fileOf(url));
  }

  fileFor(url: string): string | null {
    const single = this.single.get(url) ?? this.paged.get(url);
    if (single !== undefined) return single;
    // `/corrections?rev=57` (with `#change-57-1`): the list as it stood at revision 57, which
    // starts with that revision's changes; the copy's list holds them on one of its pages.
    const revision = /^\/corrections\?rev=(\d+)$/.exec(url);
    if (revision) return this.revisions.get(Number(revision[1])) ?? null;
    if (url.includes('?')) return null;
    for (const { family, pattern } of this.patterns) {
      const m = pattern.exec(url);
      if (m && this.members[family].has(safeDecode(m[1]!))) return fileOf(url);
    }
    return null;
  }

  /** Every address of every family: each page and file there is one of per institution, event and ask. */
  *familyUrls(): Generator<string> {
    for (const [family, paths] of Object.entries(FAMILIES) as [Family, readonly string[]][]) {
      for (const member of this.members[family]) for (const p of paths) yield p.replace('{}', encodeURIComponent(member));
    }
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export async function exportStaticCopy(options: StaticExportOptions): Promise<StaticExportReport> {
  const started = Date.now();
  const now = options.now ?? started;
  const liveUrl = options.liveUrl === undefined ? options.config.liveUrl : options.liveUrl;
  const baseUrl = options.config.baseUrl;
  if (liveUrl !== null && (liveUrl === baseUrl || liveUrl.startsWith(`${baseUrl}/`))) {
    throw new Error(`LIVE_URL (${liveUrl}) must be another address than the copy's own (BASE_URL, ${baseUrl})`);
  }
  // The export is the app's only client: no rate limit, no request log, and no sign-in (so any session secret will do).
  const config: Config = {
    ...options.config,
    logRequests: false,
    rateLimitPerMinute: Number.MAX_SAFE_INTEGER,
    maxConcurrentExports: 64,
    // Each page is asked for once: keeping the answers would only hold memory.
    renderCacheBytes: 0,
    sessionSecret: options.config.sessionSecret ?? randomBytes(32).toString('hex'),
  };
  const app = await buildApp(config, { now: () => now, staticCopy: { liveUrl } });
  const folder = new StaticFolder(options.dir);
  try {
    await app.ready();
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, payloadAsStream: true });
      if (res.statusCode !== 200) {
        const text = (await collect(res.stream())).toString('utf8').slice(0, 300);
        throw new Error(`${url} answered ${res.statusCode}: ${text}`);
      }
      return res;
    };
    const json = async <T>(url: string): Promise<T> => JSON.parse((await collect((await get(url)).stream())).toString('utf8')) as T;

    // What the copy shows, and what it holds: the campaign's asks, the institutions, and every published event.
    const campaign = await json<{ asOf: string; revision: number; asks: { slug: string }[]; campaign: { lastUpdatedOn: string | null } }>('/api/campaign');
    const asOf = Date.parse(campaign.asOf);
    const stamp: Stamp = {
      asOf,
      rev: campaign.revision,
      recordedAt: revisionInfo(app.tracker, campaign.revision)?.at ?? asOf,
      lastUpdatedOn: campaign.campaign.lastUpdatedOn,
    };
    const contents = new Contents();
    for (const ask of campaign.asks) contents.members.ask.add(ask.slug);
    for (const i of (await json<{ institutions: { slug: string }[] }>('/api/institutions')).institutions) contents.members.institution.add(i.slug);
    for (let url: string | null = '/api/timeline?limit=200'; url !== null; ) {
      const page: { events: { id: number }[]; next: string | null } = await json(url);
      for (const e of page.events) contents.members.event.add(String(e.id));
      url = page.next === null ? null : page.next.slice(baseUrl.length);
    }
    for (const url of SINGLE) contents.add(url);
    for (const name of fs.readdirSync(PUBLIC_DIR)) contents.add(`/static/${name}`);
    if (!liveUrl) contents.add(UNAVAILABLE);
    for (const s of SEQUENCES) contents.paged.set(s.first, fileOf(s.first));

    const iso = new Date(asOf).toISOString();
    const holdings: Holdings = {
      fileFor: (url) => contents.fileFor(url),
      baseUrl,
      liveUrl,
      unavailable: fileOf(UNAVAILABLE),
      isOwnPin: (query) => {
        const keys = [...query.keys()];
        if (keys.length === 0 || keys.some((k) => k !== 'as_of' && k !== 'rev')) return false;
        const pinnedAt = query.get('as_of');
        const pinnedRev = query.get('rev');
        return (pinnedAt === null || pinnedAt === iso || pinnedAt === iso.replace('.000Z', 'Z')) && (pinnedRev === null || pinnedRev === String(stamp.rev));
      },
    };
    const misses = newMisses();
    const forms = stampForms(stamp);
    folder.open();
    let done = 0;
    const progress = () => {
      done++;
      if (options.onProgress && done % (options.progressEvery ?? 10_000) === 0) options.onProgress(done);
    };

    /** Renders one address into its file; `beforeRewrite` reads the text as the app gave it (a list's next page). */
    const render = async (url: string, file: string, beforeRewrite?: (raw: string) => void): Promise<void> => {
      const res = await get(url);
      const type = typeOf(file);
      if (STREAMED.has(url)) {
        const decoder = new StringDecoder('utf8');
        const whole = sha256Stream();
        const compared = sha256Stream();
        let carry = '';
        const emit = (text: string) => {
          const out = Buffer.from(rewriteAbsolute(text, 'plain', holdings, misses));
          whole.update(out);
          compared.update(withoutStamp(out.toString('utf8'), forms));
          return out;
        };
        async function* chunks(): AsyncGenerator<Buffer> {
          for await (const chunk of res.stream()) {
            const text = carry + decoder.write(chunk as Buffer);
            // An address never holds a comma or a line end: the text up to the last of them can be rewritten now.
            const end = safeEnd(text);
            carry = text.slice(end);
            if (end > 0) yield emit(text.slice(0, end));
          }
          const rest = carry + decoder.end();
          if (rest) yield emit(rest);
        }
        await folder.putStream(file, chunks(), () => ({ sha256: whole.digest(), compared: compared.digest() }));
      } else {
        const raw = await collect(res.stream());
        if (type === 'bytes') {
          await folder.put(file, raw, sha256(raw));
        } else {
          let text = raw.toString('utf8');
          beforeRewrite?.(text);
          if (url === '/api/openapi.json' && liveUrl) {
            // The parameters the document describes need the server: it names the live tracker's.
            text = text.replace(`"servers":[{"url":${JSON.stringify(baseUrl)}}]`, `"servers":[{"url":${JSON.stringify(liveUrl)}}]`);
          }
          text = type === 'page' ? rewritePage(text, file, holdings, misses) : rewriteAbsolute(text, type, holdings, misses);
          const stripped = withoutStamp(text, forms);
          const body = Buffer.from(text);
          await folder.put(file, body, stripped === text ? sha256(body) : sha256(stripped));
        }
      }
      progress();
      // The event loop turns after each file: the app and Node let go of a finished answer only on a
      // later turn, and a file unchanged since the last export is not written, so without this an
      // export of an unchanged record would never let the loop turn and would hold every answer
      // until it ran out of memory.
      await setImmediate();
    };

    /** A list paged with cursors: each page names the next (`?before=…`), which becomes the next numbered page. */
    const sequence = async (s: Sequence) => {
      const links = new RegExp(`(?:"|${escapeRegExp(baseUrl)})${escapeRegExp(s.first)}\\?before=([-0-9.]+)`, 'g');
      let url: string | null = s.first;
      for (let n = 1; url !== null; n++) {
        const current: string = url;
        let following: string | null = null;
        const file = fileOf(n === 1 ? s.first : s.page(n));
        await render(current, file, (raw) => {
          // The next page is the one other than this (which names itself, in its Open Graph address).
          following = [...raw.matchAll(links)].map((m) => `${s.first}?before=${m[1]}`).find((u) => u !== current) ?? null;
          if (following) contents.paged.set(following, fileOf(s.page(n + 1)));
          if (s.first === '/corrections') {
            for (const m of raw.matchAll(/ id="change-(\d+)-\d+"/g)) if (!contents.revisions.has(Number(m[1]))) contents.revisions.set(Number(m[1]), file);
          }
        });
        url = following;
      }
    };

    // The lists first (other files link into their pages), then everything else.
    await runAll(SEQUENCES.map((s) => () => sequence(s))[Symbol.iterator](), SEQUENCES.length);
    function* others(): Generator<() => Promise<void>> {
      for (const [url, file] of contents.single) yield () => render(url, file);
      for (const url of contents.familyUrls()) {
        // An institution's page lists its history a page at a time: its later pages are numbered as a list's.
        yield INSTITUTION_PAGE.test(url) ? () => sequence({ first: url, page: (n) => `${url}/page/${n}` }) : () => render(url, fileOf(url));
      }
    }
    await runAll(others(), options.concurrency ?? 4);

    const madeAt = new Date(started).toISOString();
    const { removed, files, bytes } = folder.finish({ asOf: iso, revision: stamp.rev, madeAt });
    return { written: folder.written, unchanged: folder.unchanged, removed, files, bytes, revision: stamp.rev, asOf: iso, misses, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    folder.abandon();
    throw error;
  } finally {
    await app.close();
  }
}

/** How a file's text is rewritten: pages; other markup (feeds, SVG); other text (JSON, CSV); or left as it is (styles, scripts). */
function typeOf(file: string): 'page' | 'markup' | 'plain' | 'bytes' {
  if (file.endsWith('.html')) return 'page';
  if (/\.(atom|rss|svg|xml)$/.test(file)) return 'markup';
  if (/\.(json|csv)$/.test(file)) return 'plain';
  return 'bytes';
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function sha256Stream() {
  const hash = createHash('sha256');
  return { update: (data: string | Buffer) => hash.update(data), digest: () => hash.digest('hex') };
}

/** Runs the tasks a few at a time; the first failure stops the others taking more, and is thrown once all have stopped. */
async function runAll(tasks: Iterator<() => Promise<void>>, concurrency: number): Promise<void> {
  const state: { failure: Error | null } = { failure: null };
  const worker = async () => {
    for (let next = tasks.next(); !next.done && state.failure === null; next = tasks.next()) {
      try {
        await next.value();
      } catch (error) {
        state.failure ??= error instanceof Error ? error : new Error(String(error as string));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (state.failure !== null) throw state.failure;
}
