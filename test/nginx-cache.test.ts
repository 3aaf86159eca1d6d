/**
 * nginx with proxy_cache in front of the running tracker, configured as the README's "Behind
 * nginx" and deploy/nginx.conf say: it keeps what the tracker's Cache-Control lets it keep, and
 * nothing else. A pinned page is served from nginx's cache even after the record changes; a page
 * as at now is fetched again once its max-age (CACHE_MAX_AGE_SECONDS, 1 s here) has passed; the
 * workspace and a signed-in campaigner's pages are never kept. nginx (Debian's package, which
 * .ci/run installs) runs as a child of the test, on loopback, from a temporary directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, institution, user, type MadeInstitution } from './factories.js';
import { dom, freePort, makeApp, TEST_NOW, words, type TestApp } from './helpers.js';

function findNginx(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const file = path.join(dir, 'nginx');
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error('nginx is not installed: this test runs nginx in front of the tracker. Install it with `apt-get install -y nginx` (as .ci/run does).');
}


/** The caching part of deploy/nginx.conf, around a tracker at `upstream`. */
function nginxConf(dir: string, port: number, upstream: string): string {
  const runAsRoot = process.getuid?.() === 0 ? 'user root;' : '';
  return `
${runAsRoot}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=tracker:1m max_size=50m inactive=1d use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_cache tracker;
      proxy_cache_bypass $cookie_tracker_session;
      proxy_no_cache $cookie_tracker_session;
      proxy_cache_lock on;
      proxy_cache_use_stale updating error timeout http_502 http_503 http_504;
      proxy_cache_background_update on;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}

describe('nginx with proxy_cache in front of the tracker', () => {
  let t: TestApp;
  let nginx: ChildProcess;
  let dir: string;
  let proxy: string;
  let direct: string;
  let clock = TEST_NOW;
  let body: MadeInstitution;
  let nginxLog = '';

  const through = (url: string, headers: Record<string, string> = {}) => fetch(`${proxy}${url}`, { headers, redirect: 'manual' });
  const read = async (res: Response) => ({ status: res.status, cache: res.headers.get('x-cache-status'), control: res.headers.get('cache-control'), etag: res.headers.get('etag'), body: await res.text() });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    const binary = findNginx();
    t = await makeApp({ clock: () => clock, env: { CACHE_MAX_AGE_SECONDS: '1' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    direct = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    body = institution(t.app.tracker.db, { name: 'Proxied Trust' });
    contact(t.app.tracker.db, body, { date: '2026-11-02', summary: 'The first approach' });

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-nginx-'));
    const port = await freePort();
    proxy = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir, port, direct));
    const check = spawnSync(binary, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx refused the configuration:\n${check.stderr}`);
    nginx = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
    for (let tries = 0; ; tries++) {
      try {
        if ((await fetch(`${proxy}/healthz`)).ok) break;
      } catch {
        if (tries > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start:\n${nginxLog}`);
        await sleep(50);
      }
    }
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves a page pinned to a moment and a revision from its cache, even after the record changes', async () => {
    const rev = (t.app.tracker.db.$client.prepare('SELECT max(id) AS n FROM revisions').get() as { n: number }).n;
    const url = `/institutions/${body.slug}?as_of=2026-11-20T12:00&rev=${rev}`;
    const first = await read(await through(url));
    expect([first.status, first.cache, first.control]).toEqual([200, 'MISS', 'public, max-age=31536000, immutable']);
    const second = await read(await through(url));
    expect([second.cache, second.body]).toEqual(['HIT', first.body]);
    // A later approach, dated before the moment: the tracker's own page now says the record was revised since.
    contact(t.app.tracker.db, body, { date: '2026-11-10', summary: 'An approach logged late' });
    const fresh = await read(await fetch(`${direct}${url}`));
    expect(fresh.etag).not.toBe(first.etag);
    expect(fresh.body).toContain('The record has been revised since this link was made.');
    expect(first.body).not.toContain('The record has been revised since this link was made.');
    // nginx keeps what it was told it may keep for ever.
    const kept = await read(await through(url));
    expect([kept.cache, kept.etag, kept.body]).toEqual(['HIT', first.etag, first.body]);
  });

  it('refreshes a page as at now once its max-age has passed', async () => {
    const label = (html: string) => words(dom(html).querySelector('.as-of'));
    clock = TEST_NOW;
    const first = await read(await through('/'));
    expect([first.status, first.cache, first.control]).toEqual([200, 'MISS', 'public, max-age=1, stale-while-revalidate=300']);
    expect(label(first.body)).toContain('12:00');
    expect((await read(await through('/'))).cache).toBe('HIT');
    // A minute later the tracker's answer says 12:01; nginx still holds the 12:00 one until its max-age ends.
    clock = TEST_NOW + 61_000;
    const held = await read(await through('/'));
    expect([held.cache, label(held.body)]).toEqual(['HIT', label(first.body)]);
    await sleep(1_500);
    const seen: string[] = [];
    let refreshed: Awaited<ReturnType<typeof read>> | null = null;
    for (let tries = 0; tries < 40 && !refreshed; tries++) {
      const res = await read(await through('/'));
      seen.push(res.cache ?? '');
      if (label(res.body).includes('12:01')) refreshed = res;
      else await sleep(100);
    }
    // Expired: fetched again (in the background, while the stale answer is sent once), then kept anew.
    expect(refreshed, `statuses seen: ${seen.join(', ')}`).not.toBeNull();
    expect(seen.some((s) => ['EXPIRED', 'STALE', 'UPDATING'].includes(s)), seen.join(', ')).toBe(true);
    expect((await read(await through('/'))).cache).toMatch(/^(HIT|REVALIDATED|EXPIRED|STALE)$/);
    clock = TEST_NOW;
  });

  it('never keeps the workspace, the sign-in page, errors or a signed-in campaigner’s pages', async () => {
    for (const url of ['/admin', '/login', '/institutions/no-such-body', '/admin/campaign']) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await read(await through(url))).cache);
      expect([url, ...statuses]).toEqual([url, 'MISS', 'MISS', 'MISS']);
    }
    // Signing in through nginx, as a browser does.
    const made = await user(t.app.tracker.db, { role: 'editor', name: 'Proxied Editor' });
    const login = await through('/login');
    const loginCookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const signedIn = await fetch(`${proxy}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: made.email, password: made.password }),
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('tracker_session='))!;
    for (const url of ['/admin', '/']) {
      for (let i = 0; i < 2; i++) {
        const res = await read(await through(url, { cookie }));
        expect([url, res.status, res.cache, res.control]).toEqual([url, 200, 'BYPASS', 'private, no-store']);
        expect(res.body).toContain('Proxied Editor');
      }
    }
    // Readers never get the campaigner's page, from nginx or the tracker.
    for (let i = 0; i < 2; i++) {
      const reader = await read(await through('/'));
      expect(reader.status).toBe(200);
      expect(reader.body).not.toContain('Proxied Editor');
      expect(reader.body).not.toMatch(/name="_csrf"/);
    }
  });
});
