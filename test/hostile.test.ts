/**
 * Hostile values in every parameter of every route: each answer is a 2xx, 3xx or 4xx, never a
 * 5xx, and never shows a stack trace or an SQL error. The route list comes from the app itself,
 * so a new route is swept without anyone remembering to add it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution, milestone, response, user } from './factories.js';
import { makeApp, type TestApp } from './helpers.js';
import { Client } from './session.js';

/** Written raw into the address (already percent-encoded where it must be). */
const RAW = ['%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%2e%2e%2f%2e%2e%2f', '%0d%0aX-Injected:%201', '%E2%80%AE', '+', '%2B1'];
/** Encoded with encodeURIComponent. */
const TEXT = [
  '', ' ', '0', '-1', '1.5', '1e309', 'Infinity', '-Infinity', 'NaN', '9'.repeat(40), 'x'.repeat(10_000),
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR '1'='1' --", '../../etc/passwd', '\u0000', '\u202e', '😀',
  'javascript:alert(1)', '{"a":1}', '[]', 'null', 'true', '2021-02-29', '31/04/2021', '2100-01-01', '1970-01-01', '0000-00-00',
  '2021-05-06T25:61', '6 May 2021 99:99', '-1.-1', '1.1.1', '✓', 'review', 'none', 'contact', 'police_force', 'South East',
];
const VALUES = [...RAW, ...TEXT.map((v) => encodeURIComponent(v))];
/** For query parameters, of which there are many: one of each kind of trouble. */
const QUERY_VALUES = [
  ...RAW.slice(0, 6),
  ...['', '-1', '1e309', 'NaN', '9'.repeat(40), 'x'.repeat(10_000), '<script>alert(1)</script>', "' OR '1'='1' --", '\u0000', '😀', '2021-02-29', '2100-01-01', '6 May 2021 99:99', '-1.-1'].map((v) => encodeURIComponent(v)),
];

/** Parameters every route may be sent, beyond those its schema names. */
const EXTRA_QUERY = ['as_of', 'before', 'limit', 'next', 'q', 'unknown'];

let t: TestApp;
let admin: Client;
let slug: string;
let eventId: number;

beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const body = institution(db, { name: 'Borsetshire Police', kind: 'police_force', region: 'South East' });
  slug = body.slug;
  const first = contact(db, body, { date: '2021-04-23' });
  eventId = response(db, body, { date: '2021-05-06', answers: first, positions: { review: 'committed' } });
  milestone(db, null, { date: '2021-05-07', status: 'draft' });
  const made = await user(db, { role: 'admin' });
  admin = new Client(t.app);
  await admin.signIn(made.email, made.password);
});
afterAll(() => t.close());

/** A route's address with each parameter filled: a real value, or the hostile one. */
function fill(url: string, value: string | null): string {
  return url
    .replace(/:slug/g, value ?? slug)
    .replace(/:id/g, value ?? String(eventId))
    .replace(/:ask/g, value ?? 'review')
    .replace(/\*$/, value ?? 'site.css')
    .replace(/:[a-z]+/gi, value ?? 'x');
}

function queryNames(schema: unknown): string[] {
  const properties = (schema as { querystring?: { properties?: Record<string, unknown> } } | undefined)?.querystring?.properties ?? {};
  return [...new Set([...Object.keys(properties), ...EXTRA_QUERY])];
}

function problem(status: number, body: string): string | null {
  if (status >= 500) return `status ${status}`;
  if (/SqliteError|at .*\.ts:\d+|ERR_[A-Z_]+|TypeError|RangeError/.test(body)) return 'a stack trace or an internal error';
  return null;
}

describe('hostile values', () => {
  it('in the path and the query of every GET route answer without a server error', async () => {
    const gets = t.app.routeTable.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(35);
    const failures: string[] = [];
    let sent = 0;
    for (const route of gets) {
      const urls: string[] = [];
      if (route.url.includes(':') || route.url.endsWith('*')) for (const v of VALUES) urls.push(fill(route.url, v));
      const base = fill(route.url, null);
      for (const name of queryNames(route.schema)) {
        for (const v of QUERY_VALUES) urls.push(`${base}?${name}=${v}`);
        urls.push(`${base}?${name}=a&${name}=b`);
      }
      // The workspace is swept signed in (signed out, it only redirects); public pages signed out.
      const signedIn = /^\/(admin|login)/.test(route.url);
      for (const url of urls) {
        const res = signedIn ? await admin.get(url) : await t.app.inject({ method: 'GET', url });
        sent++;
        const why = problem(res.statusCode, res.body);
        if (why) failures.push(`GET ${url.slice(0, 160)}: ${why}`);
      }
    }
    expect(sent).toBeGreaterThan(5000);
    expect(failures.slice(0, 30)).toEqual([]);
  }, 240_000);

  it('in every field of every POST route answer without a server error, signed in with a CSRF token', async () => {
    const posts = t.app.routeTable.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(12);
    // Every field name a form of the tracker sends.
    const fields = [
      'type', 'institution', 'date', 'time', 'channel', 'response_type', 'from', 'summary', 'quote', 'source_title', 'source_url',
      'source_publisher', 'source_date', 'status', 'halt', 'review', 'answers', 'due_on', 'due_override_reason', 'correction_note',
      'institutions', 'select_kind', 'select_region', 'name', 'kind', 'code', 'region', 'country', 'aliases', 'website', 'active',
      'successor', 'title', 'reply_window_default', 'reply_window_foi', 'new_ask_slug', 'new_ask_title', 'new_ask_description',
      'ask_1_title', 'ask_1_description', 'email', 'role', 'password', 'current', 'confirm', 'next',
    ];
    const failures: string[] = [];
    const events = () => (t.app.tracker.db.$client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    for (const route of posts) {
      if (route.url === '/logout') continue;
      for (const value of TEXT) {
        const url = fill(route.url, null);
        const _csrf = await admin.csrf('/admin/password');
        const body = Object.fromEntries(fields.map((f) => [f, value]));
        const res = route.url.includes('spreadsheets/preview')
          ? await admin.upload(url, { _csrf, kind: value }, { name: value || 'x.csv', field: 'file', content: `institution,date,type,summary\n${value},${value},${value},${value}\n` })
          : await admin.post(url, { ...body, _csrf });
        const why = problem(res.statusCode, res.body);
        if (why) failures.push(`POST ${url} with ${JSON.stringify(value).slice(0, 40)}: ${why}`);
      }
    }
    expect(failures.slice(0, 30)).toEqual([]);
    // The hostile values made no event: every one was refused.
    expect(events()).toBe(3);
  }, 120_000);
});
