/**
 * npm run bench: the time and peak memory of importing a spreadsheet of 100,000 events with
 * `npm run import` (bench/import.ts); then, on a database of 150 institutions and 100,000 events,
 * requests per second, p50 and p99 of `/`, `/timeline` (first and 1,000th page), an institution's
 * page, `/api/institutions` and `/api/timeline`, beside a route of the same process sending the
 * same bytes from a fixed buffer: from the render cache, and rendered afresh by a second server
 * with it off (RENDER_CACHE_MB=0), with each server's peak resident memory meanwhile; each asked
 * as a browser asks (compressed) and uncompressed, after two seconds of the same load not counted;
 * then how long the first `/` takes after each of a few changes, two abuse scenarios, and the
 * static copy of the whole site (`npm run export`), its time, size and peak memory, and again into the
 * same folder after one more approach (the files it writes again). The servers are built and
 * started as `npm start` builds and starts the tracker (bench/server.ts as the entry). The load
 * comes from wrk (Debian's package) when installed, else autocannon. Not a test: it reports, it
 * does not assert.
 *
 * Switches: BENCH_ONLY=import (the import alone), BENCH_EVENTS (100000), BENCH_SECONDS (10 per
 * measure), BENCH_CONNECTIONS (50), BENCH_CACHE (`both`, `on` or `off`: which servers to measure),
 * BENCH_PAGES (names of the pages to measure, comma-separated: `/`, `/timeline`, …; all by
 * default), BENCH_DB (a database built before, with BENCH_KEEP: no build), BENCH_KEEP,
 * BENCH_BUILD_ONLY, BENCH_ONLY_ABUSE, BENCH_NO_ABUSE, BENCH_NO_EXPORT.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { build as esbuild } from 'esbuild';
import { buildAll, OPTIONS as BUILD_OPTIONS } from '../src/build.mjs';
import { PROJECT_ROOT } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { addDays } from '../src/domain/calendar.js';
import { CHANNELS, RESPONSE_TYPES, STANCES } from '../src/domain/vocabulary.js';
import { insertEvent } from '../src/records/events.js';
import { insertInstitutions } from '../src/records/institutions.js';
import { Revision, syncEvent } from '../src/records/revisions.js';
import { loadCalendar } from '../src/records/reference-data.js';
import { seedIfEmpty } from '../src/records/seed.js';
import { createUser } from '../src/records/users.js';
import { measureImport, npmScript, random } from './import.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const INSTITUTIONS = 150;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CACHE = (process.env.BENCH_CACHE ?? 'both') as 'both' | 'on' | 'off';
const dataDir = path.join(PROJECT_ROOT, 'data');

const EDITOR = { email: 'bench@example.org', password: 'benchmark password 1' };

async function buildDatabase(file: string): Promise<void> {
  const started = Date.now();
  const db = openDatabase(file);
  const calendar = loadCalendar(dataDir);
  const now = Date.now();
  seedIfEmpty(db, dataDir, calendar, now);
  const existing = (db.$client.prepare('SELECT count(*) AS n FROM institutions').get() as { n: number }).n;
  insertInstitutions(
    db,
    Array.from({ length: INSTITUTIONS - existing }, (_, i) => ({
      name: `Benchmark Body ${i + 1}`, kind: 'other' as const, code: null, region: null, country: 'England', website: null, active: true, aliases: [],
    })),
    now,
  );
  const ids = (db.$client.prepare('SELECT id FROM institutions').all() as { id: number }[]).map((r) => r.id);
  const asks = (db.$client.prepare('SELECT id FROM asks').all() as { id: number }[]).map((r) => r.id);
  const rnd = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  // The events arrive as the record grows, 100 to a revision; then 1,000 of them are corrected,
  // one revision each, so that old revisions have versions to tell apart.
  const actor = { userId: null, name: 'benchmark' };
  db.transaction((tx) => {
    let revision = new Revision(tx, actor, 'event.import', now);
    for (let i = 0; i < EVENTS; i++) {
      if (i % 100 === 0) revision = new Revision(tx, actor, 'event.import', now);
      const date = addDays('2018-01-02', Math.floor(rnd() * 3200));
      const roll = rnd();
      const type = roll < 0.6 ? 'contact' : roll < 0.9 ? 'response' : 'milestone';
      const channel = type === 'contact' ? pick(CHANNELS) : null;
      const id = insertEvent(
        tx,
        {
          type,
          institutionId: type === 'milestone' && rnd() < 0.5 ? null : pick(ids),
          date,
          time: rnd() < 0.3 ? `${String(9 + Math.floor(rnd() * 8)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}` : null,
          channel,
          fromName: type === 'contact' ? 'Benchmark Campaign' : null,
          responseType: type === 'response' ? pick(RESPONSE_TYPES) : null,
          answersEventId: null,
          summary: `Benchmark event ${i}: a summary of about the length campaigners write, saying what was asked or answered and by whom.`,
          quote: type === 'response' && rnd() < 0.5 ? 'We are considering the concerns raised and will respond in due course.' : null,
          dueOn: channel ? calendar.addWorkingDays(date, channel === 'foi' ? 20 : 10) : null,
          status: rnd() < 0.97 ? 'published' : 'draft',
          positions: type !== 'contact' && rnd() < 0.3 ? [{ askId: pick(asks), stance: pick(STANCES) }] : [],
          sources: [{ title: 'Benchmark source', url: `https://example.org/source/${i}`, publisher: 'Example', publishedOn: date }],
          createdBy: 'benchmark',
        },
        now,
      );
      syncEvent(tx, id, revision);
    }
    const published = (db.$client.prepare("SELECT id FROM events WHERE status = 'published' ORDER BY id").all() as { id: number }[]).map((r) => r.id);
    const update = db.$client.prepare('UPDATE events SET summary = ? WHERE id = ?');
    for (let i = 0; i < 1000; i++) {
      const id = pick(published);
      update.run(`Corrected benchmark event ${id}: the summary now says more exactly what was asked or answered.`, id);
      syncEvent(tx, id, new Revision(tx, actor, 'event.update', now, 'A clearer summary.', id));
    }
  });
  await createUser(db, { email: EDITOR.email, name: 'Bench Editor', role: 'editor', password: EDITOR.password }, { userId: null, name: 'bench' }, now);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  console.log(`Built ${EVENTS.toLocaleString('en-GB')} events over ${INSTITUTIONS} institutions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Where the pages measured start: the cursor of the timeline's 1,000th page, and a revision half-way. */
function benchmarkPoints(file: string): { deepCursor: string; oldRevision: number } {
  const db = openDatabase(file);
  const events = (db.$client.prepare("SELECT count(*) AS n FROM events WHERE status = 'published' AND deleted_at IS NULL").get() as { n: number }).n;
  const deep = db.$client
    .prepare("SELECT occurred_at AS at, id FROM events WHERE status = 'published' AND deleted_at IS NULL ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET ?")
    .get(Math.min(999 * 50 - 1, Math.floor(events / 2))) as { at: number; id: number };
  const oldRevision = (db.$client.prepare('SELECT max(id) / 2 AS r FROM revisions').get() as { r: number }).r;
  db.$client.close();
  return { deepCursor: `${deep.at}.${deep.id}`, oldRevision };
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * The load generator: wrk (Debian's package `wrk`), written in C, when it is installed: on a
 * machine whose cores the server shares, a generator in Node (autocannon, the fallback) takes
 * as much of the CPU as the server and decodes every body it reads.
 */
const WRK = spawnSync('wrk', ['--version']).error === undefined;
/** What a browser sends: the answers as most readers get them. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

/** wrk's durations (`850.00us`, `4.35ms`, `1.20s`, `2.00m`) in milliseconds. */
function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`Unreadable duration from wrk: ${text}`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
}

/** Requests per second, p50 and p99 of `url` at CONNECTIONS connections for `seconds`, asking with `encoding` (Accept-Encoding) or none. */
async function measure(url: string, encoding: string | null, seconds = SECONDS): Promise<Measure> {
  if (!WRK) {
    const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, timeout: 30, headers: encoding ? { 'accept-encoding': encoding } : {} });
    if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers`);
    // Requests cut off when the measure ends, or timed out: counted, not fatal.
    if (result.errors > 0) console.log(`${url}: ${result.errors} requests failed (${result.timeouts} timed out)`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  }
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '30s', '--latency', ...(encoding ? ['-H', `accept-encoding: ${encoding}`] : []), url];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (non2xx) throw new Error(`${url}: ${non2xx[1]} non-2xx answers`);
  // Requests cut off when the measure ends, or timed out: counted, not fatal.
  const errors = /Socket errors: (.*)/.exec(output);
  if (errors) console.log(`${url}: socket errors (${errors[1]})`);
  const field = (re: RegExp) => {
    const m = re.exec(output);
    if (!m) throw new Error(`Unreadable output from wrk:\n${output}`);
    return m[1]!;
  };
  return { rps: Number(field(/Requests\/sec:\s+([\d.]+)/)), p50: wrkMs(field(/ 50%\s+(\S+)/)), p99: wrkMs(field(/ 99%\s+(\S+)/)) };
}

/** The bytes of the answer to `url` as sent (compressed when asked with `encoding`), not decoded. */
function sentBytes(url: string, encoding: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve(bytes));
      })
      .once('error', reject);
  });
}

/** A process's resident memory in MB (VmRSS); 0 once it has ended. */
function residentMb(pid: number): number {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return rss ? Number(rss[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The peak resident memory of each process while `work` runs, sampled every 20 ms, in MB. */
async function peakResident<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; peaks: number[] }> {
  const peaks = pids.map(residentMb);
  const sample = () => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i]!, residentMb(pid))));
  const timer = setInterval(sample, 20);
  try {
    const result = await work();
    sample();
    return { result, peaks: peaks.map(Math.round) };
  } finally {
    clearInterval(timer);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-bench-'));

// The commands built as `npm run import` finds them after `npm start` (or an earlier run): the
// import is measured, not the build it makes when the sources have changed.
await buildAll();
// The import first, on a machine otherwise idle: it has a database of its own.
const imported = await measureImport(dir, IMPORT_ROWS, dataDir);
const importRow =
  `| ${imported.rows.toLocaleString('en-GB')} events (${imported.megabytes.toFixed(0)} MB) into a fresh database with the shipped directory | ` +
  `${imported.seconds.toFixed(1)} s | ${imported.peakMb} MB |`;
const printImport = () => {
  console.log(`\nImport (npm run import -- events FILE: the whole command, time and peak resident memory; ${os.cpus().length} cores, Node ${process.version}):\n`);
  console.log('| Spreadsheet | Time | Peak memory |');
  console.log('| --- | --- | --- |');
  console.log(importRow);
};
console.log(imported.output);
printImport();
if (process.env.BENCH_ONLY === 'import') {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const file = path.join(dir, 'bench.db');
if (process.env.BENCH_DB) {
  // A database built before (BENCH_KEEP), copied so that the changes measured below leave it as it was.
  fs.copyFileSync(process.env.BENCH_DB, file);
  console.log(`Using the database built before at ${process.env.BENCH_DB}`);
} else {
  await buildDatabase(file);
}
if (process.env.BENCH_KEEP) {
  fs.copyFileSync(file, process.env.BENCH_KEEP);
  console.log(`Kept the database at ${process.env.BENCH_KEEP}`);
  if (process.env.BENCH_BUILD_ONLY) process.exit(0);
}
const { deepCursor, oldRevision } = benchmarkPoints(file);

/**
 * The benchmark's server built as `npm start` builds the tracker (src/build.mjs: esbuild, the same
 * options), with bench/server.ts as its entry, so that what is measured is what runs.
 */
async function buildServer(): Promise<string> {
  const outdir = path.join(PROJECT_ROOT, 'dist', 'bench');
  await esbuild({ ...BUILD_OPTIONS, entryPoints: [path.join(PROJECT_ROOT, 'bench/server.ts')], outdir });
  return path.join(outdir, 'server.js');
}
const serverScript = await buildServer();
/** Node's options as `npm start` gives them (the heap's sizes). */
const serverNodeOptions = (() => {
  const start = npmScript('start');
  const command = /exec node (.*) dist\/server\.js/.exec(start);
  if (!command) throw new Error(`Unexpected start script: ${start}`);
  return command[1]!.split(' ').filter(Boolean);
})();

/** The tracker on the benchmark database, in a process of its own; its render cache on or off. */
async function startServer(cache: boolean) {
  const child = fork(serverScript, {
    execArgv: serverNodeOptions,
    env: {
      ...process.env, DATABASE_PATH: file, LOG_REQUESTS: 'false', RATE_LIMIT_PER_MINUTE: '100000000', BASE_URL: 'http://127.0.0.1',
      ...(cache ? {} : { RENDER_CACHE_MB: '0' }),
    },
  });
  const at = await new Promise<{ address: string; plain: string }>((resolve) => child.once('message', resolve));
  return { child, address: at.address, plain: at.plain };
}

// The cached server also serves the fixed buffers, the changes and the abuse scenarios.
const cachedServer = await startServer(CACHE !== 'off');
const server = cachedServer.child;
const address = cachedServer.address;
const uncached = CACHE === 'both' ? await startServer(false) : null;

const pages = [
  ['/', '/'],
  ['/timeline (first page)', '/timeline'],
  ['/timeline (1,000th page)', `/timeline?before=${deepCursor}`],
  ['/institutions/nhs-england', '/institutions/nhs-england'],
  ['/api/institutions', '/api/institutions'],
  ['/api/timeline (first page)', '/api/timeline'],
  ['/api/timeline (1,000th page)', `/api/timeline?before=${deepCursor}`],
  [`/institutions/nhs-england at revision ${oldRevision}`, `/institutions/nhs-england?as_of=2026-01-01&rev=${oldRevision}`],
  [`/timeline at revision ${oldRevision}`, `/timeline?as_of=2026-01-01&rev=${oldRevision}`],
] as const;

const only = process.env.BENCH_PAGES?.split(',').map((p) => p.trim());
/** The two ways the pages are asked for: as browsers ask (each answer's brotli form), and as a client that takes no compression. */
const ASKED = [
  { name: `as a browser asks (Accept-Encoding: ${BROWSER_ENCODINGS}: brotli)`, encoding: BROWSER_ENCODINGS },
  { name: 'uncompressed (no Accept-Encoding)', encoding: null },
] as const;
const rows: string[][] = ASKED.map(() => []);
const ratio = (rps: number, fixed: number) => `${(rps / fixed).toFixed(rps / fixed < 0.1 ? 3 : 2)}×`;
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;
const cell = (m: Measure, plain: Measure, route: Measure) => `${m.rps.toFixed(0)} (${ratio(m.rps, plain.rps)}; ${ratio(m.rps, route.rps)}) | ${ms(m.p50)} | ${ms(m.p99)}`;
const servers = [cachedServer.child.pid!, ...(uncached ? [uncached.child.pid!] : [])];
/** Measures `url` after two seconds of the same load, not counted (the first answers render it, the code warms up). */
const warmMeasure = async (url: string, encoding: string | null) => {
  await measure(url, encoding, 2);
  return measure(url, encoding);
};
const { peaks: servedPeaks } = await peakResident(servers, async () => {
  for (const [a, asked] of ASKED.entries()) {
    for (const [name, url] of process.env.BENCH_ONLY_ABUSE ? [] : pages.filter(([name]) => !only || only.some((o) => name === o || name.startsWith(`${o} `)))) {
      const size = await sentBytes(address + url, asked.encoding);
      // The same bytes as the page, in the same form, from a buffer: sent as they are, never compressed again.
      const query = `path=${encodeURIComponent(url)}${asked.encoding ? `&encoding=${encodeURIComponent(asked.encoding)}` : ''}`;
      const fixed = await warmMeasure(`${address}/bench/same?${query}`, asked.encoding);
      // The same bytes and headers from a plain Node server: the ratios are to this one.
      const plain = await warmMeasure(`${cachedServer.plain}/?${query}`, asked.encoding);
      const first = await warmMeasure(address + url, asked.encoding);
      const second = uncached ? await warmMeasure(uncached.address + url, asked.encoding) : null;
      const cells = [first, second].filter((m) => m !== null).map((m) => cell(m, plain, fixed));
      rows[a]!.push(`| ${name} | ${size < 10_240 ? (size / 1024).toFixed(1) : (size / 1024).toFixed(0)} KiB | ${cells.join(' | ')} | ${plain.rps.toFixed(0)} | ${ms(plain.p50)} | ${ms(plain.p99)} | ${fixed.rps.toFixed(0)} | ${ms(fixed.p50)} | ${ms(fixed.p99)} |`);
      console.log(rows[a]![rows[a]!.length - 1]);
    }
  }
});
const heads = [
  ...(CACHE !== 'off' ? ['Render cache: requests/s', 'p50', 'p99'] : []),
  ...(CACHE !== 'on' ? ['Rendered afresh (RENDER_CACHE_MB=0): requests/s', 'p50', 'p99'] : []),
];
const printPages = () => {
  for (const [a, asked] of ASKED.entries()) {
    console.log(`\nRequests per second over ${SECONDS} s with ${CONNECTIONS} connections, ${asked.name}, beside a fixed buffer of the same bytes and headers from a plain Node server and from a route of the app (ratios to each, in that order; ${os.cpus().length} cores, Node ${process.version}, load generator ${WRK ? 'wrk' : 'autocannon'}):\n`);
    console.log(`| Page | Size sent | ${heads.join(' | ')} | Fixed buffer, plain Node: requests/s | p50 | p99 | Fixed buffer, a route of the app: requests/s | p50 | p99 |`);
    console.log(`| --- | --- | ${heads.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- | --- |`);
    for (const row of rows[a]!) console.log(row);
  }
};
printPages();
const servedMemory = `The servers' peak resident memory meanwhile: ${servedPeaks[0]} MB ${CACHE === 'off' ? 'rendering afresh' : 'with the render cache'}${uncached ? `, ${servedPeaks[1]} MB rendering afresh` : ''}`;
console.log(`\n${servedMemory}`);

/** A campaigner's change to the record from another connection (as an import makes one): an approach logged and published. */
function logApproach(db: ReturnType<typeof openDatabase>, i: number): void {
  const institutionId = (db.$client.prepare('SELECT id FROM institutions ORDER BY id LIMIT 1 OFFSET ?').get(i % INSTITUTIONS) as { id: number }).id;
  const now = Date.now();
  db.transaction((tx) => {
    const id = insertEvent(tx, {
      type: 'contact', institutionId, date: new Date(now).toISOString().slice(0, 10), time: null, channel: 'email', fromName: 'Benchmark Campaign',
      responseType: null, answersEventId: null, summary: `An approach logged while the benchmark ran (${i})`, quote: null, dueOn: null,
      status: 'published', positions: [], sources: [{ title: 'Benchmark source', url: null, publisher: null, publishedOn: null }], createdBy: 'benchmark',
    }, now);
    syncEvent(tx, id, new Revision(tx, { userId: null, name: 'benchmark' }, 'event.create', now, null, id));
  });
}

let firstAfterChange = '';
if (!process.env.BENCH_ONLY_ABUSE && (!only || only.includes('/'))) {
  // The first `/` after each change: the figures brought up to date and the page rendered anew.
  const writer = openDatabase(file);
  const times: number[] = [];
  await (await fetch(`${address}/`)).text();
  for (let i = 0; i < 10; i++) {
    logApproach(writer, i);
    const started = performance.now();
    const res = await fetch(`${address}/`);
    await res.text();
    times.push(performance.now() - started);
    if (res.headers.get('x-render-cache') === 'hit') throw new Error('The first / after a change came from the cache');
  }
  writer.$client.close();
  times.sort((a, b) => a - b);
  firstAfterChange = `The first / after each of 10 changes (an approach logged by another connection): median ${times[5]!.toFixed(0)} ms, slowest ${times[9]!.toFixed(0)} ms`;
  console.log(`\n${firstAfterChange}`);
}

/** The server's resident memory in MB, sampled every 20 ms while `work` runs: [peak, at the end]. */
async function peakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  const rss = () => residentMb(server.pid!);
  let peak = rss();
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
  try {
    return { result: await work(), peakMb: Math.round(Math.max(peak, rss())) };
  } finally {
    clearInterval(timer);
  }
}

/** A signed-in editor's cookie. */
async function signIn(): Promise<string> {
  const page = await fetch(`${address}/login`);
  const cookie = page.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${address}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: EDITOR.email, password: EDITOR.password }),
  });
  return res.headers.getSetCookie().find((c) => c.startsWith('tracker_session='))!.split(';')[0]!;
}

/** The longest the server's event loop was held up since the last call. */
async function longestBlock(): Promise<number> {
  const answer = new Promise<number>((resolve) => {
    const listen = (m: { longestBlockMs?: number }) => {
      if (m.longestBlockMs === undefined) return;
      server.off('message', listen);
      resolve(m.longestBlockMs);
    };
    server.on('message', listen);
  });
  server.send('event-loop');
  return answer;
}

const abuse: string[] = [];
if (!process.env.BENCH_NO_ABUSE) {
  // An editor uploads 5 MB of millions of short bad rows.
  const cookie = await signIn();
  const page = await fetch(`${address}/admin/spreadsheets`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  let bad = 'institution,date,type,summary\n';
  bad += 'x\n'.repeat(Math.floor((5 * 1024 * 1024 - bad.length - 100) / 2));
  const form = new FormData();
  form.set('_csrf', csrf);
  form.set('kind', 'events');
  form.set('file', new Blob([bad], { type: 'text/csv' }), 'bad.csv');
  const started = Date.now();
  const { result: status, peakMb } = await peakMemory(async () => (await fetch(`${address}/admin/spreadsheets/preview`, { method: 'POST', headers: { cookie }, body: form })).status);
  abuse.push(`| An editor uploads 5 MB of ${(bad.split('\n').length - 2).toLocaleString('en-GB')} bad rows | answered ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s | ${peakMb} MB | |`);
}
if (!process.env.BENCH_NO_ABUSE) {
  // 8 readers of every whole-record download at once, while /healthz is asked every 100 ms.
  const cookie = await signIn();
  const downloads = ['/data/events.csv', '/data/events.json', '/admin/export/events.csv'];
  await longestBlock();
  const probe = fork(path.join(PROJECT_ROOT, 'bench/probe.ts'), [address], { execArgv: ['--import', 'tsx'] });
  const probed = new Promise<{ slowest: number; checks: number }>((resolve) => probe.once('message', resolve));
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  const { result: codes, peakMb } = await peakMemory(() =>
    Promise.all(
      downloads.flatMap((url) =>
        Array.from({ length: 8 }, async () => {
          const res = await fetch(`${address}${url}`, { headers: { cookie } });
          await res.arrayBuffer();
          return res.status;
        }),
      ),
    ),
  );
  probe.send('stop');
  const { slowest: slowestHealth, checks: healthChecks } = await probed;
  const tally = Object.entries(codes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {}))
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');
  abuse.push(`| 8 readers of each of ${downloads.join(', ')} at once | ${tally} in ${((Date.now() - started) / 1000).toFixed(1)} s | ${peakMb} MB | ${Math.round(slowestHealth)} ms (of ${healthChecks}); event loop held up at most ${await longestBlock()} ms |`);
}
console.log(`\nAbuse (server's resident memory at its peak; the slowest /healthz meanwhile):\n`);
console.log('| Scenario | Outcome | Peak memory | Slowest /healthz |');
console.log('| --- | --- | --- | --- |');
for (const row of abuse) console.log(row);
server.disconnect();
uncached?.child.disconnect();

/**
 * `npm run export` of the benchmark database, as an operator runs it (the command itself, without
 * npm in between): its time, size and peak memory; then again into the same folder after one more
 * approach, which writes only the files that changed.
 */
async function measureExport(): Promise<string[]> {
  const target = path.join(dir, 'site');
  const [command, ...args] = npmScript('export').split(' ');
  const run = async () => {
    const started = performance.now();
    const child = spawn(command!, [...args, target], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_PATH: file, BASE_URL: 'https://tracker.example.org', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const { result: code, peaks } = await peakResident([child.pid!], () => new Promise<number | null>((resolve) => child.once('exit', resolve)));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`the export failed (${code}):\n${output}`);
    return { output, seconds, peak: peaks[0]! };
  };
  const first = await run();
  const report = /: ([\d,]+) files, ([\d.,]+) MB/.exec(first.output);
  const writer = openDatabase(file);
  logApproach(writer, 0);
  writer.$client.close();
  const again = await run();
  const counts = /^(.* written, .* unchanged, .* removed)/m.exec(again.output);
  return [
    `Static copy (npm run export) of the benchmark database: ${report ? `${report[1]} files, ${report[2]} MB` : first.output.trim()}, in ${first.seconds.toFixed(0)} s (peak resident memory ${first.peak} MB)`,
    `The same again into the same folder after one more approach: ${counts ? counts[1] : again.output.trim()}, in ${again.seconds.toFixed(0)} s (peak resident memory ${again.peak} MB)`,
  ];
}
const exported = process.env.BENCH_NO_EXPORT || process.env.BENCH_ONLY_ABUSE ? null : await measureExport();
for (const line of exported ?? []) console.log(line);

// Everything together, as the README records it.
printPages();
console.log(`\n${servedMemory}`);
if (firstAfterChange) console.log(firstAfterChange);
for (const line of exported ?? []) console.log(line);
printImport();
fs.rmSync(dir, { recursive: true, force: true });
