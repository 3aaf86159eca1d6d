/**
 * What hostile input, abuse and other sites must not achieve: each test names one way in and
 * fails if it opens again. Every app here runs on its own fixture data (test/factories.ts).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import semver from 'semver';
import { loadConfig, parseTrustProxy, PROJECT_ROOT } from '../src/config.js';
import { safeNext } from '../src/routes/auth.js';
import { neutraliseCell, restoreCell } from '../src/domain/spreadsheets.js';
import fc from 'fast-check';
import { FIXTURE_DATA, institution, contact, user, type MadeInstitution } from './factories.js';
import { makeApp, withoutColumns, type TestApp } from './helpers.js';
import { Client } from './session.js';

const dom = (html: string) => parseHTML(html).document;
/** What a textarea shows (the DOM library keeps its entities). */
const shown = (textarea: Element) => dom(`<p>${textarea.innerHTML}</p>`).querySelector('p')!.textContent!;

describe('numbers that are not numbers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
  });
  afterAll(() => t.close());

  it.each(['/timeline', '/api/timeline'])('%s refuses infinite limits with a 400 naming the parameter', async (route) => {
    for (const value of ['1e309', 'Infinity', '-Infinity', '-1e309']) {
      const res = await t.app.inject({ method: 'GET', url: `${route}?limit=${value}` });
      expect(res.statusCode, `${route}?limit=${value}`).toBe(400);
      if (route.startsWith('/api')) expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', parameter: 'limit' });
      else expect(dom(res.body).querySelector('main')!.textContent).toContain('“limit”');
    }
  });
});

describe('the address to go to after signing in', () => {
  it.each([
    ['/admin/events/new?type=contact', '/admin/events/new?type=contact'],
    ['/✓', '/%E2%9C%93'],
    ['/admin?q=caf\u00e9#top', '/admin?q=caf%C3%A9#top'],
    ['//evil.example.org/', '/admin'],
    ['/\\evil.example.org', '/admin'],
    ['https://evil.example.org/', '/admin'],
    ['/admin\r\nSet-Cookie: x=1', '/admin'],
    ['/admin\u0000', '/admin'],
    ['javascript:alert(1)', '/admin'],
    ['', '/admin'],
    [42, '/admin'],
  ])('next=%j goes to %s', (next, expected) => expect(safeNext(next)).toBe(expected));

  it('signs in and redirects to a non-ASCII next address without a server error', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const u = await user(t.app.tracker.db);
    const client = new Client(t.app);
    const page = await client.get('/login?next=/%E2%9C%93');
    expect(page.statusCode).toBe(200);
    const _csrf = dom(page.body).querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const res = await client.post('/login', { _csrf, email: u.email, password: u.password, next: '/✓' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/%E2%9C%93');
    await t.close();
  });
});

describe('time travel takes the dates people type', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    contact(t.app.tracker.db, body, { date: '2021-04-23' });
  });
  afterAll(() => t.close());

  it.each([
    ['6 May 2021', 'the end of 6 May 2021'],
    ['6/5/2021', 'the end of 6 May 2021'],
    ['6 May 2021 11:30', '11:30 on 6 May 2021'],
  ])('as_of=%s shows the tracker as at %s', async (value, label) => {
    const res = await t.app.inject({ method: 'GET', url: `/institutions/borsetshire-police?as_of=${encodeURIComponent(value)}` });
    expect(res.statusCode).toBe(200);
    expect(dom(res.body).querySelector('.as-of')!.textContent!.replace(/\s+/g, ' ')).toContain(`as it stood at ${label}`);
  });

  it('shows a bad moment again in the form, with the problem beside the field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/institutions/borsetshire-police?as_of=31+April+2021' });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.title).toMatch(/^Error: /);
    const input = doc.querySelector('main input#as_of')!;
    expect(input.getAttribute('value')).toBe('31 April 2021');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(doc.querySelector('#as_of-error')!.textContent).toContain('is not a real date');
    expect(doc.querySelector('.error-summary a[href="#as_of"]')).not.toBeNull();
    expect(doc.querySelector('main form')!.getAttribute('action')).toBe('/institutions/borsetshire-police');
  });

  it('refuses a /changes period in the future with the form and the problem beside the field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/changes?to=2100-01-01' });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.querySelector('#to-error')!.textContent).toContain('is in the future');
    expect(doc.querySelector('input#to')!.getAttribute('value')).toBe('2100-01-01');
    expect(doc.querySelector('main')!.textContent).not.toMatch(/data\/|\.csv/);
  });

  it('takes a /changes period in the forms’ own formats', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/changes?from=20+April+2021&to=30/4/2021' });
    expect(res.statusCode).toBe(200);
    expect(dom(res.body).querySelector('.lead')!.textContent).toContain('From the start of 20 April 2021 to the end of 30 April 2021');
  });
});

describe('uploads that do not fit the form', () => {
  it('answers a multipart upload with more fields than the form sends with a 413, not a 500', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const u = await user(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(u.email, u.password);
    const _csrf = await client.csrf('/admin/spreadsheets');
    for (const extra of [9, 12, 40]) {
      const fields: Record<string, string> = { _csrf, kind: 'events' };
      for (let i = 0; i < extra; i++) fields[`field${i}`] = 'x';
      const res = await client.upload('/admin/spreadsheets/preview', fields, { name: 'a.csv', field: 'file', content: 'institution,date,type,summary\n' });
      expect(res.statusCode, `${extra} extra fields`).toBe(413);
      expect(res.body).toContain('more fields or files than the form sends');
    }
    await t.close();
  });
});

describe('who the client is: X-Forwarded-For', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['1', 1],
    ['127.0.0.1', ['127.0.0.1']],
    ['127.0.0.1, 10.0.0.0/8, ::1', ['127.0.0.1', '10.0.0.0/8', '::1']],
  ])('TRUST_PROXY=%j is %j', (text, expected) => expect(parseTrustProxy(text)).toEqual(expected));

  it.each(['true', 'yes', '10.0.0.0/33', '0', 'proxy.example.org'])('TRUST_PROXY=%j stops start-up with a message', (text) => {
    expect(() => loadConfig({ TRUST_PROXY: text })).toThrow(/TRUST_PROXY/);
  });

  it('is ignored by default, so rotating it does not evade the rate limit', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      codes.push((await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).statusCode);
    }
    expect(codes.filter((c) => c === 429)).toHaveLength(3);
    await t.close();
  });

  it('is ignored by default, so rotating it does not evade the sign-in throttle', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const u = await user(t.app.tracker.db);
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const client = new Client(t.app);
      const _csrf = await client.csrf('/login');
      const res = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i}`, cookie: client.cookieHeader() },
        payload: new URLSearchParams({ _csrf, email: u.email, password: `wrong guess ${i}` }).toString(),
      });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    await t.close();
  });

  it('is honoured from a configured proxy: each client behind it has its own rate limit', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '127.0.0.1' } });
    const get = (client: string) => t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': client } });
    const codes = [];
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.1', '203.0.113.1']) codes.push((await get(client)).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
    await t.close();
  });
});

describe('slow clients', () => {
  it('drops a connection whose body trickles in, within the request timeout', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { REQUEST_TIMEOUT_SECONDS: '2' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    socket.write('POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
    const timer = setInterval(() => socket.writable && socket.write('a'), 300);
    const closed = await new Promise<number>((resolve) => {
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    clearInterval(timer);
    expect(closed).toBeGreaterThanOrEqual(1500);
    expect(closed).toBeLessThan(8000);
    await t.close();
  });
});

describe('the installed packages', () => {
  it('all support the Node.js version the README promises', () => {
    const promised = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const oldest = semver.minVersion(promised)!.version;
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${oldest.replace(/\.0$/, '')}`);
    const refused: string[] = [];
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir)) {
        const folder = path.join(dir, name);
        if (name.startsWith('@')) {
          walk(folder);
          continue;
        }
        const manifest = path.join(folder, 'package.json');
        if (!fs.existsSync(manifest)) continue;
        const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string; version: string; engines?: { node?: string } };
        const range = pkg.engines?.node;
        if (range && !semver.satisfies(oldest, range)) refused.push(`${pkg.name}@${pkg.version} needs Node ${range}`);
        if (fs.existsSync(path.join(folder, 'node_modules'))) walk(path.join(folder, 'node_modules'));
      }
    };
    walk(path.join(PROJECT_ROOT, 'node_modules'));
    expect(refused).toEqual([]);
  });
});

describe('the favicon', () => {
  it('answers /favicon.ico and every page links the icon', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const icon = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.body).toContain('<svg');
    const href = dom((await t.app.inject({ method: 'GET', url: '/' })).body).querySelector('link[rel="icon"]')!.getAttribute('href')!;
    expect((await t.app.inject({ method: 'GET', url: href })).statusCode).toBe(200);
    await t.close();
  });
});

describe('sign-in lock-out cannot be turned against the owner', () => {
  const MINUTE = 60_000;
  const at = 1_700_000_000_000;

  it('counts failures per account and address, per address, and per account, each with its own ceiling', async () => {
    const { openDatabase } = await import('../src/db/client.js');
    const { lockedMinutes, recordFailure, recordSuccess } = await import('../src/records/sign-in.js');
    const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'sign-in-'));
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    const fail = (email: string, ip: string, n: number, now = at) => {
      for (let i = 0; i < n; i++) recordFailure(db, email, ip, now);
    };

    // Five failures lock that account from that address only.
    fail('owner@example.org', '198.51.100.1', 5);
    expect(lockedMinutes(db, 'owner@example.org', '198.51.100.1', at, false)).toBe(15);
    expect(lockedMinutes(db, 'owner@example.org', '192.0.2.7', at, false)).toBe(0);
    expect(lockedMinutes(db, 'other@example.org', '198.51.100.1', at, false)).toBe(0);
    // The lock ends after 15 minutes.
    expect(lockedMinutes(db, 'owner@example.org', '198.51.100.1', at + 15 * MINUTE + 1, false)).toBe(0);

    // Twenty failures from one address lock the address, whatever account it tries next.
    for (let i = 0; i < 20; i++) fail(`nobody${i}@example.org`, '203.0.113.5', 1);
    expect(lockedMinutes(db, 'someone@example.org', '203.0.113.5', at, false)).toBe(15);

    // Fifty failures on one account from many addresses lock it, but not on a browser its owner used before.
    for (let i = 0; i < 50; i++) fail('target@example.org', `10.0.${Math.floor(i / 4)}.${i % 4}`, 1);
    expect(lockedMinutes(db, 'target@example.org', '192.0.2.99', at, false)).toBe(15);
    expect(lockedMinutes(db, 'target@example.org', '192.0.2.99', at, true)).toBe(0);

    // The owner's sign-in reports the failed attempts and clears the account's count.
    expect(recordSuccess(db, 'target@example.org', '192.0.2.99', at)).toEqual({ count: 50, since: at });
    expect(lockedMinutes(db, 'target@example.org', '192.0.2.98', at, false)).toBe(0);
    expect(recordSuccess(db, 'target@example.org', '192.0.2.99', at)).toBeNull();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets the owner sign in from their own address while a guesser is locked out, and tells them', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const owner = await user(t.app.tracker.db);
    const guesser = new Client(t.app, { remoteAddress: '203.0.113.66' });
    for (let i = 0; i < 5; i++) expect((await guesser.signIn(owner.email, `guess ${i}`)).statusCode).toBe(401);
    expect((await guesser.signIn(owner.email, owner.password)).statusCode).toBe(429);

    const ownerBrowser = new Client(t.app, { remoteAddress: '192.0.2.10' });
    const res = await ownerBrowser.signIn(owner.email, owner.password);
    expect(res.statusCode).toBe(303);
    const page = dom((await ownerBrowser.get('/admin')).body);
    expect(page.querySelector('[role="status"]')!.textContent).toMatch(/There were 5 failed attempts to sign in to your account since/);
    // Told once.
    expect(dom((await ownerBrowser.get('/admin')).body).body.textContent).not.toMatch(/failed attempts/);
    await t.close();
  });
});

describe('changing a password', () => {
  it('ends every other session of the account, and keeps the one that changed it', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const u = await user(t.app.tracker.db);
    const here = new Client(t.app);
    const elsewhere = new Client(t.app, { remoteAddress: '192.0.2.44' });
    expect((await here.signIn(u.email, u.password)).statusCode).toBe(303);
    expect((await elsewhere.signIn(u.email, u.password)).statusCode).toBe(303);
    expect((await elsewhere.get('/admin')).statusCode).toBe(200);

    const _csrf = await here.csrf('/admin/password');
    const fresh = 'a brand new long passphrase';
    const res = await here.post('/admin/password', { _csrf, current: u.password, password: fresh, confirm: fresh });
    expect(res.statusCode).toBe(303);

    expect((await here.get('/admin')).statusCode).toBe(200);
    const signedOut = await elsewhere.get('/admin');
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toMatch(/^\/login/);
    await t.close();
  });
});

describe('records that could become unreachable', () => {
  it('refuses a name longer than the limit beside the field, from the form and from a CSV, and saves nothing', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const admin = await user(t.app.tracker.db, { role: 'admin' });
    const client = new Client(t.app);
    await client.signIn(admin.email, admin.password);
    const count = () => (t.app.tracker.db.$client.prepare('SELECT count(*) AS n FROM institutions').get() as { n: number }).n;
    const before = count();
    const _csrf = await client.csrf('/admin/institutions/new');
    const res = await client.post('/admin/institutions', { _csrf, name: 'N'.repeat(20_000), kind: 'other', active: 'true' });
    expect(res.statusCode).toBe(400);
    expect(dom(res.body).querySelector('#name-error')!.textContent).toContain('Keep the name to 200 characters or fewer (it has 20,000)');
    const upload = await client.upload('/admin/spreadsheets/preview', { _csrf: await client.csrf('/admin/spreadsheets'), kind: 'institutions' }, {
      name: 'long.csv',
      field: 'file',
      content: `name,kind\n${'L'.repeat(10_001)},other\n`,
    });
    expect(upload.statusCode).toBe(400);
    expect(upload.body).toContain('Keep the name to 200 characters or fewer (it has 10,001)');
    expect(count()).toBe(before);
    await t.close();
  });

  it.each([
    ['summary', 2000],
    ['quote', 20_000],
    ['from', 200],
    ['source_title', 500],
    ['source_url', 2000],
    ['source_publisher', 200],
  ])('refuses an event whose %s is longer than %i characters', async (field, limit) => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const editor = await user(t.app.tracker.db);
    const body = institution(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const type = field === 'from' ? 'contact' : 'response';
    const _csrf = await client.csrf(`/admin/events/new?type=${type}`);
    const long = field === 'source_url' ? `https://example.org/${'a'.repeat(limit)}` : 'x'.repeat(limit + 1);
    const res = await client.post('/admin/events', {
      _csrf, type, institution: body.slug, date: '2021-05-06', summary: 'An event', source_title: 'A source', status: 'draft',
      ...(type === 'contact' ? { channel: 'email' } : { response_type: 'statement' }),
      [field]: long,
    });
    expect(res.statusCode).toBe(400);
    expect(dom(res.body).querySelector(`#${field}-error`)!.textContent).toMatch(/characters or fewer/);
    expect((t.app.tracker.db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);
    await t.close();
  });

  it('keeps every address short, so the longest name allowed still has a page, an edit form, a badge, an embed and a feed', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const admin = await user(t.app.tracker.db, { role: 'admin' });
    const client = new Client(t.app);
    await client.signIn(admin.email, admin.password);
    const name = `The ${'Very '.repeat(38)}Long Partnership NHS Foundation Trust`.slice(0, 200);
    const res = await client.post('/admin/institutions', { _csrf: await client.csrf('/admin/institutions/new'), name, kind: 'mental_health_trust', active: 'true' });
    expect(res.statusCode).toBe(303);
    const { slug } = t.app.tracker.db.$client.prepare('SELECT slug FROM institutions WHERE name = ?').get(name) as { slug: string };
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).toMatch(/^the-very-very-.*[a-z]$/);
    for (const url of [`/institutions/${slug}`, `/admin/institutions/${slug}/edit`, `/badges/${slug}.svg`, `/embed/institutions/${slug}`, `/institutions/${slug}/feed.atom`]) {
      expect((await client.get(url)).statusCode, url).toBe(200);
    }
    // It can be renamed through the workspace.
    const renamed = await client.post(`/admin/institutions/${slug}`, { _csrf: await client.csrf(`/admin/institutions/${slug}/edit`), name: 'Shorter Trust', kind: 'mental_health_trust', active: 'true' });
    expect(renamed.statusCode).toBe(303);
    await t.close();
  });

  it('shortens the over-long addresses an older database already holds', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { drizzle } = await import('drizzle-orm/better-sqlite3');
    const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
    const { applyMigrations, MIGRATIONS_DIR } = await import('../src/db/client.js');
    const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'migrate-'));
    // The migrations as they stood before slugs were capped.
    const old = path.join(dir, 'migrations');
    fs.cpSync(MIGRATIONS_DIR, old, { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(old, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0003');
    fs.writeFileSync(path.join(old, 'meta/_journal.json'), JSON.stringify(journal));
    const sqlite = new Database(path.join(dir, 'old.db'));
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: old });
    const long = 'a'.repeat(300);
    sqlite.prepare("INSERT INTO institutions (slug, name, kind, created_at) VALUES (?, ?, 'other', 0), ('short-one', 'Short One', 'other', 0)").run(long, long);
    applyMigrations(db as never);
    const slugs = (sqlite.prepare('SELECT id, slug FROM institutions ORDER BY id').all() as { id: number; slug: string }[]).map((r) => r.slug);
    expect(slugs).toEqual([`${'a'.repeat(60)}-1`, 'short-one']);
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('spreadsheet formulas in exported CSV', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindent', "'\tindent"],
    ['\rreturn', "'\rreturn"],
    ["'=already quoted", "''=already quoted"],
    ["'plain quote", "'plain quote"],
    ['NHS England', 'NHS England'],
    ['', ''],
  ])('%j is written as %j', (value, written) => {
    expect(neutraliseCell(value)).toBe(written);
    expect(restoreCell(written)).toBe(value);
  });

  it('round-trips any text', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", 'a', ' ', '1') }), (value) => restoreCell(neutraliseCell(value)) === value));
  });

  it('neutralises every cell of every CSV download, and an edited export imports back unchanged', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = t.app.tracker.db;
    const hostile = institution(db, { name: '=cmd|calc!A1', code: '@X1', region: '-North', aliases: ['+Alias'] });
    contact(db, hostile, { summary: '=HYPERLINK("http://evil.example","click")', from: '+44 20 7946 0000' });
    const editor = await user(db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const { parse } = await import('csv-parse/sync');
    const downloads: Record<string, string> = {};
    for (const url of ['/data/institutions.csv', '/data/events.csv', '/admin/export/events.csv', '/admin/export/institutions.csv']) {
      const res = await client.get(url);
      expect(res.statusCode, url).toBe(200);
      downloads[url] = res.body;
      const cells = (parse(res.body) as string[][]).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c)), url).toEqual([]);
      expect(cells, url).toContain(url.includes('institutions') ? "'=cmd|calc!A1" : "'=HYPERLINK(\"http://evil.example\",\"click\")");
    }
    await t.close();

    // Into a fresh tracker: the institutions, then the events (without the slugs and ids, which
    // name nothing there), exactly as they were.
    const fresh = await makeApp({ dataDir: FIXTURE_DATA });
    const admin = await user(fresh.app.tracker.db, { role: 'admin' });
    const other = new Client(fresh.app);
    await other.signIn(admin.email, admin.password);
    for (const [kind, url, key] of [['institutions', '/admin/export/institutions.csv', 'slug'], ['events', '/admin/export/events.csv', 'id']] as const) {
      const content = withoutColumns(downloads[url]!, key);
      const preview = await other.upload('/admin/spreadsheets/preview', { _csrf: await other.csrf('/admin/spreadsheets'), kind }, { name: `${kind}.csv`, field: 'file', content });
      expect(preview.statusCode, preview.body.slice(0, 500)).toBe(200);
      expect((await other.post('/admin/spreadsheets/confirm', { _csrf: await other.csrf('/admin/spreadsheets') })).statusCode).toBe(303);
    }
    const row = fresh.app.tracker.db.$client
      .prepare('SELECT i.name, i.code, i.region, e.summary, e.from_name AS fromName FROM events e JOIN institutions i ON i.id = e.institution_id')
      .get();
    expect(row).toEqual({ name: '=cmd|calc!A1', code: '@X1', region: '-North', summary: '=HYPERLINK("http://evil.example","click")', fromName: '+44 20 7946 0000' });
    const alias = fresh.app.tracker.db.$client.prepare('SELECT alias FROM institution_aliases').get();
    expect(alias).toEqual({ alias: '+Alias' });
    await fresh.close();
  });
});

describe('imports of any size', () => {
  const HEADER = 'institution,date,type,summary';

  it('keeps the first 200 problems of a file of millions of bad rows, and stops counting at 10,000', async () => {
    const { importEventsCsv, MAX_PROBLEMS_KEPT, MAX_PROBLEMS_COUNTED, moreProblems } = await import('../src/records/csv-import.js');
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const bad = Buffer.from(`${HEADER}\n${'x\n'.repeat(2_600_000)}`);
    const report = importEventsCsv(t.app.tracker.db, bad, { calendar: t.app.tracker.calendar, now: t.app.now(), createdBy: 'test', dryRun: true });
    expect(report.problems).toHaveLength(MAX_PROBLEMS_KEPT);
    expect(report.problems[0]).toEqual({ line: 2, column: null, reason: 'the row has 1 values but the header has 4' });
    expect(report.problemCount).toBe(MAX_PROBLEMS_COUNTED);
    expect(report.checkStopped).toBe(true);
    expect(moreProblems(report)).toBe('… and at least 9,800 more problems not listed: the check stopped after 10,000 without reading the rest of the file');
    await t.close();
  });

  it('counts every problem of a file with fewer than 10,000', async () => {
    const { importEventsCsv, moreProblems } = await import('../src/records/csv-import.js');
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const report = importEventsCsv(t.app.tracker.db, `${HEADER},status\n${'nobody,2021-05-06,contact,Asked,draft\n'.repeat(450)}`, { calendar: t.app.tracker.calendar, now: t.app.now(), createdBy: 'test', dryRun: true });
    expect(report.problemCount).toBe(900); // no such institution, and no channel, on each row
    expect(report.checkStopped).toBe(false);
    expect(moreProblems(report)).toBe('… and 700 more problems not listed');
    await t.close();
  });

  it('shows a bounded report of a hostile upload, keeps nothing waiting, and writes nothing', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const editor = await user(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const content = Buffer.from(`${HEADER}\n${'x\n'.repeat(2_000_000)}`);
    const res = await client.upload('/admin/spreadsheets/preview', { _csrf: await client.csrf('/admin/spreadsheets'), kind: 'events' }, { name: 'bad.csv', field: 'file', content });
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.querySelectorAll('.error-summary li')).toHaveLength(200);
    expect(doc.querySelector('.error-summary h3')!.textContent).toBe('Nothing was imported: the file has 10,000 problems');
    expect(doc.querySelector('.error-summary')!.textContent).toContain('at least 9,800 more problems not listed');
    const count = (table: string) => (t.app.tracker.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('pending_imports')).toBe(0);
    expect(count('events')).toBe(0);
    await t.close();
  });

  it('keeps a checked file server-side under an id, not in the session, for its uploader only, for an hour', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z');
    const t = await makeApp({ dataDir: FIXTURE_DATA, clock: () => now });
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Borsetshire Police' });
    const editor = await user(db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const rows = Array.from({ length: 2000 }, (_, i) => `${body.slug},2021-05-06,milestone,Milestone number ${i} with a summary long enough to notice in a session,draft`);
    const csv = `${HEADER},status\n${rows.join('\n')}\n`;
    const csrfFor = () => client.csrf('/admin/spreadsheets');
    const preview = await client.upload('/admin/spreadsheets/preview', { _csrf: await csrfFor(), kind: 'events' }, { name: 'good.csv', field: 'file', content: csv });
    expect(preview.statusCode).toBe(200);
    expect(dom(preview.body).querySelector('main')!.textContent).toContain('All 2,000 rows can be imported');
    const sessions = db.$client.prepare('SELECT data FROM sessions').all() as { data: string }[];
    expect(Math.max(...sessions.map((s) => s.data.length))).toBeLessThan(1000);
    expect(sessions.some((s) => s.data.includes('Milestone number'))).toBe(false);
    const waiting = db.$client.prepare('SELECT user_id AS userId, kind, length(content) AS bytes FROM pending_imports').all();
    expect(waiting).toEqual([{ userId: editor.id, kind: 'events', bytes: Buffer.byteLength(csv) }]);

    // After an hour it is gone, and confirming says so.
    now += 61 * 60_000;
    const late = await client.post('/admin/spreadsheets/confirm', { _csrf: await csrfFor() });
    expect(late.statusCode).toBe(400);
    expect(dom(late.body).querySelector('#file-error')!.textContent).toContain('There is no checked file waiting');
    expect((db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);

    // Checked again and confirmed in time, it is written once.
    expect((await client.upload('/admin/spreadsheets/preview', { _csrf: await csrfFor(), kind: 'events' }, { name: 'good.csv', field: 'file', content: csv })).statusCode).toBe(200);
    const done = await client.post('/admin/spreadsheets/confirm', { _csrf: await csrfFor() });
    expect(done.statusCode).toBe(303);
    expect((db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(2000);
    expect((db.$client.prepare('SELECT count(*) AS n FROM pending_imports').get() as { n: number }).n).toBe(0);
    await t.close();
  });

  it('shows a file that is too large on the form, beside the file field', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA, env: { MAX_UPLOAD_MB: '1' } });
    const editor = await user(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const res = await client.upload('/admin/spreadsheets/preview', { _csrf: await client.csrf('/admin/spreadsheets'), kind: 'events' }, { name: 'big.csv', field: 'file', content: Buffer.alloc(1024 * 1024 + 10, 'a') });
    expect(res.statusCode).toBe(413);
    const doc = dom(res.body);
    expect(doc.querySelector('h1')!.textContent).toBe('Spreadsheets');
    expect(doc.querySelector('#file-error')!.textContent).toContain('The file is too large: upload a CSV of at most 1 MB');
    expect(doc.querySelector('.error-summary a[href="#file"]')).not.toBeNull();
    await t.close();
  });
});

describe('for other sites', () => {
  let t: TestApp;
  let hostile: MadeInstitution;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = t.app.tracker.db;
    hostile = institution(db, { name: 'Evil" onload="alert(1) & Co' });
    contact(db, hostile, { date: '2021-04-23' });
  });
  afterAll(() => t.close());

  it.each(['/badges/SLUG.svg', '/charts/silences.svg', '/charts/positions/review.svg', '/charts/kinds/halt.svg', '/feed.atom', '/feed.rss', '/feed.json', '/institutions/SLUG/feed.atom', '/data/events.csv', '/data/institutions.csv', '/data/events.json', '/api/institutions'])(
    '%s may be used by other sites (Cross-Origin-Resource-Policy: cross-origin)',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url: url.replace('SLUG', hostile.slug) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    },
  );

  it.each(['/', '/institutions/SLUG', '/admin', '/login'])('%s stays same-origin', async (url) => {
    const res = await t.app.inject({ method: 'GET', url: url.replace('SLUG', hostile.slug) });
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('opens the full tracker in a new tab from a framed scorecard', async () => {
    const doc = dom((await t.app.inject({ method: 'GET', url: '/embed/scorecard' })).body);
    const links = [...doc.querySelectorAll('main a')];
    expect(links.length).toBeGreaterThan(1);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener');
    }
  });

  it('offers the scorecard’s embed code on the overview, and escapes every value in the code other sites paste', async () => {
    const home = dom((await t.app.inject({ method: 'GET', url: '/' })).body);
    expect(shown(home.querySelector('#embed-code')!)).toBe(
      '<iframe src="https://tracker.example.org/embed/scorecard" title="Scorecard: Fixture campaign: who will close the scheme?" width="100%" height="600" style="border:0" loading="lazy"></iframe>',
    );
    const page = dom((await t.app.inject({ method: 'GET', url: `/institutions/${hostile.slug}` })).body);
    const pasted = dom(`<div>${shown(page.querySelector('#embed-code')!)}${shown(page.querySelector('#badge-code')!)}</div>`);
    expect(pasted.querySelector('iframe')!.getAttribute('title')).toBe('Evil" onload="alert(1) & Co on Fixture campaign: who will close the scheme?');
    expect(pasted.querySelector('iframe')!.getAttribute('onload')).toBeNull();
    expect(pasted.querySelector('img')!.getAttribute('alt')).toBe('Evil" onload="alert(1) & Co on Fixture campaign: who will close the scheme?');
    expect(pasted.querySelector('img')!.getAttribute('onload')).toBeNull();
  });

  it('draws badges no wider than a small screen, stacking a long name on several lines', async () => {
    const db = t.app.tracker.db;
    const long = institution(db, { name: 'Hertfordshire Partnership University NHS Foundation Trust' });
    contact(db, long, { date: '2021-04-23' });
    const svg = dom((await t.app.inject({ method: 'GET', url: `/badges/${long.slug}.svg` })).body).querySelector('svg')!;
    expect(Number(svg.getAttribute('width'))).toBeLessThanOrEqual(280);
    // The record's latest event is years old: the badge says when it was last updated.
    expect(svg.getAttribute('aria-label')).toBe('Hertfordshire Partnership University NHS Foundation Trust · 2,039 days without comment (record last updated 23 April 2021)');
    const lines = [...svg.querySelectorAll('text')].map((x) => x.textContent);
    expect(lines).toEqual(['Hertfordshire Partnership University NHS', 'Foundation Trust', '2,039 days without comment (record last', 'updated 23 April 2021)']);
    const short = dom((await t.app.inject({ method: 'GET', url: `/badges/${hostile.slug}.svg?ask=review` })).body).querySelector('svg')!;
    expect([...short.querySelectorAll('text')].map((x) => x.textContent)).toEqual(['Evil" onload="alert(1) & Co', 'Independent review: No position']);
    expect(short.getAttribute('onload')).toBeNull();
  });
});

describe('small things a user hits', () => {
  it('titles feeds once escaped: plain text in RSS and JSON Feed, HTML in Atom', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    contact(t.app.tracker.db, institution(t.app.tracker.db, { name: 'Devon & Cornwall Police' }), { channel: 'letter', date: '2021-05-01' });
    const json = (await t.app.inject({ method: 'GET', url: '/feed.json' })).json() as { items: { title: string }[] };
    expect(json.items[0]!.title).toBe('Approach (letter): Devon & Cornwall Police, 1 May 2021');
    const { XMLParser } = await import('fast-xml-parser');
    const xml = new XMLParser({ ignoreAttributes: false, cdataPropName: '#cdata' });
    const rss = xml.parse((await t.app.inject({ method: 'GET', url: '/feed.rss' })).body) as { rss: { channel: { item: { title: { '#cdata': string } } } } };
    expect(rss.rss.channel.item.title['#cdata']).toBe('Approach (letter): Devon & Cornwall Police, 1 May 2021');
    const atom = (await t.app.inject({ method: 'GET', url: '/feed.atom' })).body;
    expect(atom).toContain('<title type="html"><![CDATA[Approach (letter): Devon &amp; Cornwall Police, 1 May 2021]]></title>');
    expect(atom).not.toContain('&amp;amp;');
    await t.close();
  });

  it('says what was saved, on the page the campaigner lands on', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const body = institution(t.app.tracker.db, { name: 'Borsetshire Police' });
    const editor = await user(t.app.tracker.db);
    const client = new Client(t.app);
    await client.signIn(editor.email, editor.password);
    const draft = await client.post('/admin/events', {
      _csrf: await client.csrf('/admin/events/new?type=contact'), type: 'contact', institution: body.slug, date: '6 May 2021', channel: 'email', summary: 'Asked to close the scheme', status: 'draft',
    });
    expect(draft.headers.location).toBe('/admin');
    expect(dom((await client.get('/admin')).body).querySelector('main .notice')!.textContent).toBe('The approach was saved as a draft.');
    const published = await client.post('/admin/events', {
      _csrf: await client.csrf('/admin/events/new?type=response'), type: 'response', institution: body.slug, date: '7 May 2021', response_type: 'statement', summary: 'Said it would think', source_title: 'Letter', status: 'published',
    });
    expect(published.headers.location).toMatch(/^\/events\/\d+$/);
    const landing = dom((await client.get(published.headers.location as string)).body);
    expect(landing.querySelector('main .notice')!.textContent).toBe('The response was published.');
    // Shown once: not again on the next page.
    expect(dom((await client.get('/admin')).body).querySelector('main .notice')).toBeNull();
    await t.close();
  });

  it('serves the stance colours from the one place they are defined', async () => {
    const { STANCE_COLOURS } = await import('../src/render/stances.js');
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const css = (await t.app.inject({ method: 'GET', url: '/static/stances.css' })).body;
    for (const [stance, { ink, fill }] of Object.entries(STANCE_COLOURS)) {
      expect(css).toContain(`.swatch--${stance} { background: ${fill}; }`);
      expect(css).toMatch(new RegExp(`\\.stance--${stance} \\{[^}]*${ink}`));
    }
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'public/site.css'), 'utf8')).not.toMatch(/#(a8231a|1f5f2f|7a4d00|505a5f|0b3d1a|2e7d46)/i);
    await t.close();
  });
});
