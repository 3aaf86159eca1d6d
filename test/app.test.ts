import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError, loadConfig, PROJECT_ROOT } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { makeApp, tempDir, TEST_NOW } from './helpers.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', baseUrl: 'http://127.0.0.1:3000' });
    expect(config.databasePath).toBe(path.join(PROJECT_ROOT, 'data', 'tracker.db'));
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ BASE_URL: 'tracker.example.org' }, /BASE_URL/],
    [{ BASE_URL: 'ftp://tracker.example.org' }, /BASE_URL/],
    [{ HOST: 'bad host' }, /HOST/],
    [{ DATABASE_PATH: ' ' }, /DATABASE_PATH/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('drops a trailing slash from BASE_URL', () => {
    expect(loadConfig({ BASE_URL: 'https://tracker.example.org/' }).baseUrl).toBe('https://tracker.example.org');
  });
});

describe('first start', () => {
  it('loads the directory and the documented events once, and never again', async () => {
    const t = await makeApp();
    const counts = () => t.app.tracker.db.$client.prepare('SELECT (SELECT count(*) FROM institutions) AS i, (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM asks) AS a').get();
    expect(counts()).toEqual({ i: 140, e: 6, a: 2 });
    await t.app.close();
    const again = await buildApp(loadConfig({ DATABASE_PATH: t.databasePath, LOG_REQUESTS: 'false' }), { now: () => TEST_NOW });
    const n = again.tracker.db.$client.prepare('SELECT (SELECT count(*) FROM institutions) AS i, (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM asks) AS a').get();
    expect(n).toEqual({ i: 140, e: 6, a: 2 });
    await again.close();
    fs.rmSync(t.dir, { recursive: true, force: true });
  });

  it('never touches a database that already holds data', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tracker.db');
    const db = openDatabase(file);
    db.$client.prepare("INSERT INTO institutions (slug, name, kind, created_at) VALUES ('only-one', 'Only One', 'other', 0)").run();
    db.$client.close();
    const app = await buildApp(loadConfig({ DATABASE_PATH: file, LOG_REQUESTS: 'false' }), { now: () => TEST_NOW });
    expect(app.tracker.db.$client.prepare('SELECT count(*) AS n FROM institutions').get()).toEqual({ n: 1 });
    expect(app.tracker.db.$client.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite with WAL, foreign keys and a busy timeout', async () => {
    const t = await makeApp();
    const sqlite = t.app.tracker.db.$client;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    await t.close();
  });
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy with no inline script, and refuses framing', async () => {
    const t = await makeApp();
    for (const url of ['/', '/api/institutions', '/no-such-page']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
    const html = (await t.app.inject({ method: 'GET', url: '/' })).body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    await t.close();
  });

  it('limits the rate of requests per address', async () => {
    const t = await makeApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    await t.close();
  });

  it('hides internal errors', async () => {
    const t = await makeApp();
    t.app.tracker.db.$client.prepare('DROP TABLE event_sources').run();
    const res = await t.app.inject({ method: 'GET', url: '/timeline' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Something went wrong');
    expect(res.body).not.toMatch(/event_sources|SqliteError|at .*\.ts/);
    const api = await t.app.inject({ method: 'GET', url: '/api/timeline' });
    expect(api.statusCode).toBe(500);
    expect(api.json().message).not.toMatch(/event_sources/);
    await t.close();
  });
});

describe('the server process', () => {
  it('serves, then closes gracefully on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', BASE_URL: '', DATABASE_PATH: path.join(dir, 'tracker.db'), LOG_REQUESTS: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const res = await fetch(`${address}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    // With no user yet, it prints the exact command for this database, and its real address.
    await expect.poll(() => output).toContain(`DATABASE_PATH=${path.join(dir, 'tracker.db')} npm run user:add -- --email`);
    expect(output).toContain(`sign in at ${address}/login`);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs as one process under npm start, so that SIGTERM to npm stops the server', async () => {
    const dir = tempDir();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', BASE_URL: 'http://127.0.0.1', DATABASE_PATH: path.join(dir, 'tracker.db'), LOG_REQUESTS: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
      npm.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.includes('Server listening at'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { pid: number }).pid);
        }
      });
    });
    const alive = (p: number) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(pid)).toBe(true);
    const exited = new Promise((resolve) => npm.on('exit', resolve));
    npm.kill('SIGTERM');
    await exited;
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start with a bad setting, saying which', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: 'abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be a whole number');
  });
});
