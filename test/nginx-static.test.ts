/**
 * The static copy served as a host would serve it: nginx, from a folder under a path prefix
 * (/tracker/), crawled by linkchecker. No link is broken, every page answers 200 as HTML, and
 * every other kind of file answers with its type. nginx and linkchecker come from Debian's
 * packages, which .ci/run installs when they are missing; without them this test fails and says
 * which package to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DATA } from './factories.js';
import { freePort, makeApp, tempDir, type TestApp } from './helpers.js';
import { buildStory, exportCopy, filesUnder, read, type Story } from './static-copy/support.js';

/** A program on the PATH or in the system's folders (nginx lives in /usr/sbin), or null. */
function program(name: string): string | null {
  const folders = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin', '/sbin'];
  for (const folder of folders) {
    const candidate = path.join(folder, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function required(name: string): string {
  const found = program(name);
  if (!found) throw new Error(`${name} is not installed: install Debian's package with "apt-get install -y ${name}" (.ci/run does so when it is missing)`);
  return found;
}


let t: TestApp;
let story: Story;
let work: string;
let site: string;
let base: string;
let linkchecker: string;
let server: ChildProcess | null = null;

beforeAll(async () => {
  const nginx = required('nginx');
  linkchecker = required('linkchecker');
  t = await makeApp({ dataDir: FIXTURE_DATA });
  story = buildStory(t);
  work = tempDir('tracker-nginx-');
  // nginx's workers may run as another user (nobody, when the test runs as root): they read the copy.
  fs.chmodSync(work, 0o755);
  site = path.join(work, 'site');
  const port = await freePort();
  base = `http://127.0.0.1:${port}/tracker`;
  await exportCopy(t, site, { baseUrl: base });

  const conf = path.join(work, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  types { text/csv csv; }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/csv application/json application/atom+xml application/rss+xml image/svg+xml application/javascript;
  access_log ${work}/access.log;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  server {
    listen 127.0.0.1:${port};
    absolute_redirect off;
    # linkchecker waits up to 0.6 s between requests to a server, unless the server answers with
    # this header: then it asks as fast as its maxrequestspersecond allows.
    add_header LinkChecker copy always;
    location /tracker/ {
      alias ${site}/;
      index index.html;
    }
  }
}
`,
  );
  const started = spawn(nginx, ['-p', work, '-e', path.join(work, 'error.log'), '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = started;
  let stderr = '';
  started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let attempt = 0; ; attempt++) {
    if (started.exitCode !== null) throw new Error(`nginx stopped: ${stderr} ${fs.existsSync(path.join(work, 'error.log')) ? read(work, 'error.log') : ''}`);
    try {
      if ((await fetch(`${base}/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (attempt > 100) throw new Error(`nginx did not answer: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const stopped = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await stopped;
  }
  await t?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the static copy served by nginx under /tracker/', () => {
  it('has no broken link: linkchecker crawls every page from the overview', () => {
    const rc = path.join(work, 'linkcheckerrc');
    fs.writeFileSync(rc, '[checking]\nmaxrequestspersecond=1000\nthreads=4\n');
    // Only the copy's own addresses are fetched; the sources' sites are only checked for syntax.
    const run = spawnSync(linkchecker, ['-f', rc, '--no-status', '--verbose', '-o', 'csv', `${base}/`], { encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    // linkchecker's comment lines start with '#'; a '#' inside a line is a link's fragment.
    const rows = parse(run.stdout, { delimiter: ';', comment: '#', comment_no_infix: true, columns: true, relax_column_count: true, skip_empty_lines: true }) as Record<string, string>[];
    const broken = rows.filter((r) => r.valid !== 'True').map((r) => `${r.urlname} (on ${r.parentname}): ${r.result} ${r.warningstring}`);
    expect(broken).toEqual([]);
    expect(run.status, run.stderr).toBe(0);

    // It reached every page that a page links to: all but the embeds (whose addresses are in
    // the embed codes' text) and the page for links to what is not in the copy (none here).
    const fetched = new Set(rows.filter((r) => r.result === '200 OK').map((r) => r.url!.replace(/#.*$/, '')));
    const pages = filesUnder(site).filter((f) => f.endsWith('index.html') && !f.startsWith('embed/') && !f.startsWith('not-in-this-copy/'));
    expect(pages.length).toBeGreaterThan(60);
    expect(pages.map((f) => `${base}/${f.replace(/index\.html$/, '')}`).filter((u) => !fetched.has(u))).toEqual([]);
    for (const file of ['feed.atom', 'static/site.css', `badges/${story.police.slug}.svg`, 'data/events.csv', 'api/campaign.json']) expect(fetched, file).toContain(`${base}/${file}`);
  }, 300_000);

  it('answers every page with 200 as HTML, and every other file with its type', async () => {
    for (const file of filesUnder(site).filter((f) => f.endsWith('index.html'))) {
      const res = await fetch(`${base}/${file.replace(/index\.html$/, '')}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toBe('text/html; charset=utf-8');
      expect(await res.text(), file).toBe(read(site, file));
    }
    const types: Record<string, string> = {
      'api/campaign.json': 'application/json; charset=utf-8',
      [`api/events/${story.statement}.json`]: 'application/json; charset=utf-8',
      'api/timeline/page/2.json': 'application/json; charset=utf-8',
      'feed.atom': 'application/atom+xml; charset=utf-8',
      'feed.rss': 'application/rss+xml; charset=utf-8',
      'feed.json': 'application/json; charset=utf-8',
      'data/events.csv': 'text/csv; charset=utf-8',
      'data/events.json': 'application/json; charset=utf-8',
      [`badges/${story.police.slug}.svg`]: 'image/svg+xml; charset=utf-8',
      'charts/silences.svg': 'image/svg+xml; charset=utf-8',
      'static/site.css': 'text/css; charset=utf-8',
      'static/copy.js': 'application/javascript; charset=utf-8',
    };
    for (const [file, type] of Object.entries(types)) {
      const res = await fetch(`${base}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toBe(type);
      expect(await res.text(), file).toBe(read(site, file));
    }
    // A page's address without its final slash is sent to it, under the prefix.
    const bare = await fetch(`${base}/institutions/${story.police.slug}`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(`/tracker/institutions/${story.police.slug}/`);
  }, 120_000);
});
