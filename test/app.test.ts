import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError, loadConfig, PROJECT_ROOT } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/client.js';
import { DEFAULT_EVENTS_FILE } from '../src/records/reference-data.js';
import { contact, FIXTURE_DATA, institution, milestone, response } from './factories.js';
import { dom, makeApp, tempDir, TEST_NOW, words } from './helpers.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', baseUrl: 'http://127.0.0.1:3000', rateLimitPerMinute: 600, logRequests: true });
    expect(config.databasePath).toBe(path.join(PROJECT_ROOT, 'data', 'tracker.db'));
    expect(config.dataDir).toBe(path.join(PROJECT_ROOT, 'data'));
    expect(config).toMatchObject({ renderCacheBytes: 64 * 1024 * 1024, nowMaxAgeSeconds: 60 });
    expect(loadConfig({ RENDER_CACHE_MB: '0', CACHE_MAX_AGE_SECONDS: '2' })).toMatchObject({ renderCacheBytes: 0, nowMaxAgeSeconds: 2 });
  });

  it('reads the shipped data from DATA_DIR, as an absolute path', () => {
    expect(loadConfig({ DATA_DIR: FIXTURE_DATA }).dataDir).toBe(FIXTURE_DATA);
    expect(loadConfig({ DATA_DIR: 'elsewhere/data' }).dataDir).toBe(path.resolve('elsewhere/data'));
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ BASE_URL: 'tracker.example.org' }, /BASE_URL/],
    [{ BASE_URL: 'ftp://tracker.example.org' }, /BASE_URL/],
    [{ HOST: 'bad host' }, /HOST/],
    [{ DATABASE_PATH: ' ' }, /DATABASE_PATH/],
    [{ RENDER_CACHE_MB: 'lots' }, /RENDER_CACHE_MB/],
    [{ RENDER_CACHE_MB: '5000' }, /RENDER_CACHE_MB/],
    [{ CACHE_MAX_AGE_SECONDS: '-1' }, /CACHE_MAX_AGE_SECONDS/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('has mail off by default, and reads its settings', () => {
    expect(loadConfig({}).mail).toEqual({ smtpUrl: null, imapUrl: null, imapFolder: 'INBOX', from: null, replyAddressPattern: null, worker: true, pollSeconds: 60 });
    const mail = loadConfig({ SMTP_URL: 'smtps://u:p@smtp.example.org:465', IMAP_URL: 'imaps://u:p@imap.example.org', MAIL_FROM: 'Campaign <campaign+old@example.org>', IMAP_FOLDER: 'Replies', MAIL_WORKER: 'off', MAIL_POLL_SECONDS: '30' }).mail;
    expect(mail).toEqual({ smtpUrl: 'smtps://u:p@smtp.example.org:465', imapUrl: 'imaps://u:p@imap.example.org', imapFolder: 'Replies', from: 'Campaign <campaign+old@example.org>', replyAddressPattern: 'campaign+{token}@example.org', worker: false, pollSeconds: 30 });
    expect(loadConfig({ MAIL_FROM: 'campaign@example.org', MAIL_REPLY_ADDRESS: 'replies-{token}@mail.example.org' }).mail.replyAddressPattern).toBe('replies-{token}@mail.example.org');
    expect(loadConfig({ DATABASE_PATH: '/srv/tracker/tracker.db' }).filesDir).toBe('/srv/tracker/files');
    expect(loadConfig({ FILES_DIR: 'elsewhere/files', MAX_ATTACHMENT_MB: '5' })).toMatchObject({ filesDir: path.resolve('elsewhere/files'), maxAttachmentBytes: 5 * 1024 * 1024 });
  });

  it.each([
    [{ SMTP_URL: 'mail.example.org' }, /SMTP_URL/],
    [{ SMTP_URL: 'http://mail.example.org', MAIL_FROM: 'a@b.org' }, /SMTP_URL/],
    [{ IMAP_URL: 'pop3://mail.example.org', MAIL_FROM: 'a@b.org' }, /IMAP_URL/],
    [{ SMTP_URL: 'smtp://mail.example.org' }, /MAIL_FROM must be set/],
    [{ MAIL_FROM: 'not an address' }, /MAIL_FROM/],
    [{ MAIL_FROM: 'a@b.org', MAIL_REPLY_ADDRESS: 'replies@b.org' }, /MAIL_REPLY_ADDRESS/],
    [{ MAIL_WORKER: 'maybe' }, /MAIL_WORKER/],
    [{ MAIL_POLL_SECONDS: '0' }, /MAIL_POLL_SECONDS/],
    [{ MAX_ATTACHMENT_MB: '500' }, /MAX_ATTACHMENT_MB/],
  ])('refuses the mail setting %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a mail password in its message', () => {
    expect(() => loadConfig({ SMTP_URL: 'ftp://user:hunter2@mail.example.org' })).toThrow(/ftp:\/\/user:…@mail.example.org/);
    expect(() => loadConfig({ SMTP_URL: 'ftp://user:hunter2@mail.example.org' })).not.toThrow(/hunter2/);
  });

  it('drops a trailing slash from BASE_URL', () => {
    expect(loadConfig({ BASE_URL: 'https://tracker.example.org/' }).baseUrl).toBe('https://tracker.example.org');
  });
});

/**
 * A data directory of the test's own: the fixture campaign and bank holidays, with a small
 * made-up directory (two police forces, a current and a closed trust, an ICB, two other
 * institutions, an other name shared by two of them) and three documented events.
 */
function madeUpDataDir(): string {
  const dir = tempDir('tracker-data-');
  fs.cpSync(FIXTURE_DATA, dir, { recursive: true });
  const write = (file: string, lines: string[]) => fs.writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`);
  write('police_forces.csv', ['id,name,country,kind', 'wessex,Wessex Police,England,territorial', 'mercia,Mercia Police,Wales,territorial']);
  write('mental_health_trusts.csv', [
    'ods_code,name,region,notes',
    'RZZ,Wessex Partnership NHS Foundation Trust,South West,src:made up',
    'RZY,Old Mercia Mental Health NHS Trust,Midlands,CLOSED 2020: merged (made up)',
  ]);
  write('icbs.csv', ['ods_code,name,region', 'QZZ,NHS Wessex Integrated Care Board,South West']);
  write('other_institutions.csv', [
    'name,kind,code,region,country,aliases,website',
    'National Scheme Board,nhs_england,,,England,,https://board.example.org',
    'Intensive Support Network,other,,,,ISN,',
  ]);
  write('aliases.csv', ['institution,code,alias,source', 'Wessex Police,wessex,WISP,made up', 'Wessex Partnership NHS Foundation Trust,RZZ,WISP,made up']);
  write(DEFAULT_EVENTS_FILE, [
    'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review',
    'National Scheme Board,2021-04-23,,contact,petition,,Fixture Coalition,Petition asking the board to close the scheme,,The petition,,Fixture Coalition,2021-04-23,published,,',
    ',2021-05-01,,milestone,,,,Day of action,,Press release,,Fixture Coalition,,published,,',
    'wessex,2021-05-06,,response,,statement,,Wessex Police will review the scheme,,News story,https://news.example.org/story,Example News,2021-05-06,published,,committed',
  ]);
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function counts(db: Db) {
  return db.$client
    .prepare('SELECT (SELECT count(*) FROM campaign) AS c, (SELECT count(*) FROM asks) AS a, (SELECT count(*) FROM institutions) AS i, (SELECT count(*) FROM institution_aliases) AS n, (SELECT count(*) FROM events) AS e')
    .get();
}

const start = (databasePath: string, dataDir: string) => buildApp(loadConfig({ DATABASE_PATH: databasePath, DATA_DIR: dataDir, LOG_REQUESTS: 'false' }), { now: () => TEST_NOW });

describe('first start', () => {
  it('loads the campaign of the fixture data (an empty directory, no events) once', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    expect(counts(t.app.tracker.db)).toEqual({ c: 1, a: 2, i: 0, n: 0, e: 0 });
    const campaign = (await t.app.inject({ method: 'GET', url: '/api/campaign' })).json();
    expect(campaign).toMatchObject({ title: 'Fixture campaign: who will close the scheme?', asks: [{ slug: 'halt', title: 'Close the scheme' }, { slug: 'review', title: 'Independent review' }] });
    await t.app.close();
    const again = await start(t.databasePath, FIXTURE_DATA);
    expect(counts(again.tracker.db)).toEqual({ c: 1, a: 2, i: 0, n: 0, e: 0 });
    await again.close();
    fs.rmSync(t.dir, { recursive: true, force: true });
  });

  it('loads the directory and the documented events once, and never again', async () => {
    const data = madeUpDataDir();
    const t = await makeApp({ dataDir: data });
    const db = t.app.tracker.db;
    expect(counts(db)).toEqual({ c: 1, a: 2, i: 7, n: 3, e: 3 });
    const directory = db.$client.prepare('SELECT name, kind, code, region, country, active FROM institutions ORDER BY name').all();
    expect(directory).toEqual([
      { name: 'Intensive Support Network', kind: 'other', code: null, region: null, country: null, active: 1 },
      { name: 'Mercia Police', kind: 'police_force', code: 'mercia', region: null, country: 'Wales', active: 1 },
      { name: 'NHS Wessex Integrated Care Board', kind: 'icb', code: 'QZZ', region: 'South West', country: 'England', active: 1 },
      { name: 'National Scheme Board', kind: 'nhs_england', code: null, region: null, country: 'England', active: 1 },
      { name: 'Old Mercia Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZY', region: 'Midlands', country: 'England', active: 0 },
      { name: 'Wessex Partnership NHS Foundation Trust', kind: 'mental_health_trust', code: 'RZZ', region: 'South West', country: 'England', active: 1 },
      { name: 'Wessex Police', kind: 'police_force', code: 'wessex', region: null, country: 'England', active: 1 },
    ]);
    const aliases = db.$client.prepare('SELECT i.name, a.alias FROM institution_aliases a JOIN institutions i ON i.id = a.institution_id ORDER BY i.name').all();
    expect(aliases).toEqual([
      { name: 'Intensive Support Network', alias: 'ISN' },
      { name: 'Wessex Partnership NHS Foundation Trust', alias: 'WISP' },
      { name: 'Wessex Police', alias: 'WISP' },
    ]);
    // The documented events count: approached on Friday 23 April 2021, as at 11:30 on Thursday 6 May 2021 (3 May a bank holiday).
    const api = (await t.app.inject({ method: 'GET', url: '/api/institutions?as_of=2021-05-06T11:30' })).json();
    const bySlug = new Map((api.institutions as { slug: string; silence: unknown; positions: Record<string, { stance: string }> }[]).map((i) => [i.slug, i]));
    expect(bySlug.get('national-scheme-board')!.silence).toEqual({ since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' });
    expect(bySlug.get('wessex-police')!.positions.review!.stance).toBe('committed');
    await t.app.close();

    // Files changed after the first start are never loaded: the database already holds data.
    fs.appendFileSync(path.join(data, 'police_forces.csv'), 'anglia,Anglia Police,England,territorial\n');
    fs.appendFileSync(path.join(data, DEFAULT_EVENTS_FILE), 'Mercia Police,2021-06-01,,contact,email,,Fixture Coalition,Asked Mercia Police,,Email,,,,published,,\n');
    const again = await start(t.databasePath, data);
    expect(counts(again.tracker.db)).toEqual({ c: 1, a: 2, i: 7, n: 3, e: 3 });
    await again.close();
    fs.rmSync(t.dir, { recursive: true, force: true });
  });

  it.each([
    ['an institution', (db: Db) => void institution(db, { name: 'Only One' }), { c: 0, a: 0, i: 1, n: 0, e: 0 }],
    ['a campaign', (db: Db) => void db.$client.prepare("INSERT INTO campaign (id, title, summary) VALUES (1, 'Another campaign', 'Set up by hand.')").run(), { c: 1, a: 0, i: 0, n: 0, e: 0 }],
    ['a campaign-wide event', (db: Db) => void milestone(db, null, { date: '2021-05-01', summary: 'Day of action' }), { c: 0, a: 0, i: 0, n: 0, e: 1 }],
  ])('never touches a database that already holds %s', async (_what, fill, expected) => {
    const data = madeUpDataDir();
    const dir = tempDir();
    const file = path.join(dir, 'tracker.db');
    const db = openDatabase(file);
    fill(db);
    db.$client.close();
    const app = await start(file, data);
    expect(counts(app.tracker.db)).toEqual(expected);
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops with the bad rows of the documented events named, and loads nothing, so that a corrected file loads next time', async () => {
    const data = madeUpDataDir();
    const eventsFile = path.join(data, DEFAULT_EVENTS_FILE);
    const good = fs.readFileSync(eventsFile, 'utf8');
    fs.appendFileSync(eventsFile, 'Ministry of Magic,2021-06-01,,contact,owl,,,Asked the ministry,,Letter,,,,published,,\n');
    const dir = tempDir();
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'tracker.db');
    const failure = await start(file, data).then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(failure).toContain(`${DEFAULT_EVENTS_FILE} has bad rows:\n`);
    expect(failure).toContain('line 5, column “institution”: no institution has the slug, code, name or alias “Ministry of Magic”');
    expect(failure).toContain('line 5, column “channel”: “owl” is not a channel');
    const db = openDatabase(file);
    expect(counts(db)).toEqual({ c: 0, a: 0, i: 0, n: 0, e: 0 });
    db.$client.close();
    fs.writeFileSync(eventsFile, good);
    const app = await start(file, data);
    expect(counts(app.tracker.db)).toEqual({ c: 1, a: 2, i: 7, n: 3, e: 3 });
    await app.close();
  });

  it('opens SQLite with WAL, foreign keys and a busy timeout', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const sqlite = t.app.tracker.db.$client;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    await t.close();
  });
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy with no inline script, and refuses framing', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = t.app.tracker.db;
    // Enough of a record for the overview to show its scorecard, charts and citation.
    const board = institution(db, { name: 'Scheme Board', kind: 'nhs_england' });
    const force = institution(db, { name: 'Wessex Police', kind: 'police_force' });
    contact(db, board, { date: '2026-10-01' });
    contact(db, force, { date: '2026-10-02' });
    response(db, force, { date: '2026-10-09', responseType: 'statement', quote: 'We will review it.', positions: { review: 'committed' } });
    for (const url of ['/', '/api/institutions', '/no-such-page', `/institutions/${force.slug}`]) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
    for (const [url, heading] of [['/', 'Fixture campaign: who will close the scheme?'], [`/institutions/${force.slug}`, 'Wessex Police']] as const) {
      const doc = dom((await t.app.inject({ method: 'GET', url })).body);
      expect(words(doc.querySelector('h1'))).toBe(heading);
      // Every script is a file from the site itself; no element carries inline style or an inline handler.
      const scripts = [...doc.querySelectorAll('script')];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        expect(script.getAttribute('src'), script.outerHTML).toMatch(/^\/static\//);
        expect(script.textContent!.trim()).toBe('');
      }
      expect([...doc.querySelectorAll('[style]')].map((e) => e.outerHTML)).toEqual([]);
      const handlers = [...doc.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName} ${a.name}`));
      expect(handlers).toEqual([]);
    }
    await t.close();
  });

  it('limits the rate of requests per address', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { RATE_LIMIT_PER_MINUTE: '3' } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    // Another address has its own allowance.
    expect((await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.7' })).statusCode).toBe(200);
    await t.close();
  });

  it('hides internal errors', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const body = institution(t.app.tracker.db, { name: 'Wessex Police', kind: 'police_force' });
    contact(t.app.tracker.db, body, { date: '2026-10-01', source: { title: 'A letter', url: 'https://example.org/letter' } });
    expect((await t.app.inject({ method: 'GET', url: '/timeline' })).statusCode).toBe(200);
    t.app.tracker.db.$client.prepare('DROP TABLE event_version_sources').run();
    const res = await t.app.inject({ method: 'GET', url: '/timeline' });
    expect(res.statusCode).toBe(500);
    const doc = dom(res.body);
    expect(words(doc.querySelector('h1'))).toBe('Something went wrong');
    expect(words(doc.querySelector('main'))).toContain('The tracker could not answer this request. Please try again later.');
    expect(res.body).not.toMatch(/event_version_sources|SqliteError|at .*\.ts/);
    const api = await t.app.inject({ method: 'GET', url: '/api/timeline' });
    expect(api.statusCode).toBe(500);
    expect(api.json().message).toBe('The tracker could not answer this request. Please try again later.');
    expect(api.body).not.toMatch(/event_version_sources|SqliteError|at .*\.ts/);
    await t.close();
  });
});

describe('the server process', () => {
  it('serves, then closes gracefully on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', BASE_URL: '', DATABASE_PATH: path.join(dir, 'tracker.db'), DATA_DIR: FIXTURE_DATA, LOG_REQUESTS: 'true' },
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
    expect(await res.json()).toEqual({ status: 'ok', reasons: [], warnings: [] });
    // It serves the campaign of DATA_DIR.
    const campaign = (await (await fetch(`${address}/api/campaign`)).json()) as { title: string };
    expect(campaign.title).toBe('Fixture campaign: who will close the scheme?');
    // With no user yet, it prints the exact command for this database, and its real address.
    await expect.poll(() => output).toContain(`DATABASE_PATH=${path.join(dir, 'tracker.db')} npm run user:add -- --email`);
    expect(output).toContain(`sign in at ${address}/login`);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs as one process under npm start (the server built into dist/), serving the campaign, so that SIGTERM to npm stops the server', async () => {
    const dir = tempDir();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', BASE_URL: 'http://127.0.0.1', DATABASE_PATH: path.join(dir, 'tracker.db'), DATA_DIR: FIXTURE_DATA, LOG_REQUESTS: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const { pid, address } = await new Promise<{ pid: number; address: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
      npm.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.includes('Server listening at'));
        if (line) {
          clearTimeout(timer);
          resolve({ pid: (JSON.parse(line) as { pid: number }).pid, address: /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]! });
        }
      });
    });
    // The built server finds the views, the migrations and the campaign as the sources do.
    const campaign = (await (await fetch(`${address}/api/campaign`)).json()) as { title: string };
    expect(campaign.title).toBe('Fixture campaign: who will close the scheme?');
    const page = await fetch(`${address}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fixture campaign: who will close the scheme?');
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
      env: { ...process.env, PORT: 'abc', DATA_DIR: FIXTURE_DATA },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be a whole number');
  });
});
