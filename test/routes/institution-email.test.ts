/** Institutions' email addresses: edited by admins, carried by the spreadsheet and the import, public only when marked so. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { institutions } from '../../src/db/schema.js';
import { importInstitutionsCsv } from '../../src/records/csv-import.js';
import { emailProblem } from '../../src/records/institutions.js';
import { contact, institution } from '../factories.js';
import { csvFile, csvRecords, dom, makeApp, signedIn, tempDir, TEST_NOW, words, type TestApp } from '../helpers.js';
import { exportCopy, filesUnder } from '../static-copy/support.js';

let t: TestApp;
const db = () => t.app.tracker.db;
const row = (slug: string) => db().select().from(institutions).where(eq(institutions.slug, slug)).get()!;

describe('the address itself', () => {
  it.each([
    ['foi@trust.nhs.uk', null],
    ['press.office+sim@police.example.org', null],
    ['FOI@Trust.NHS.UK', null],
    ['foi@trust', /like foi@trust\.nhs\.uk/],
    ['Press Office <press@trust.nhs.uk>', /like foi@trust\.nhs\.uk/],
    ['a@trust.nhs.uk, b@trust.nhs.uk', /one email address only/],
    ['a@trust.nhs.uk; b@trust.nhs.uk', /one email address only/],
    ['foi@trust.nhs.uk\r\nBcc: victim@example.net', /on one line/],
    ['foi@trust.nhs.uk\nBcc: x', /on one line/],
    [`${'a'.repeat(250)}@trust.nhs.uk`, /254 characters or fewer/],
    ['foi@-trust.nhs.uk', /like foi@trust\.nhs\.uk/],
    ['"quoted"@trust.nhs.uk', /like foi@trust\.nhs\.uk/],
  ])('%j', (email, problem) => {
    const found = emailProblem(email);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe('the admins’ form', () => {
  beforeEach(async () => {
    t = await makeApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('saves one address and whether it is public, and says what is wrong beside the field, keeping the values', async () => {
    const trust = institution(db(), { name: 'Form Trust', kind: 'mental_health_trust' });
    const { client } = await signedIn(t, 'admin');
    const form = dom((await client.get(`/admin/institutions/${trust.slug}/edit`)).body);
    expect(form.querySelector('label[for="email"]')).not.toBeNull();
    expect(form.querySelector('label[for="email_public"]')).not.toBeNull();
    const base = { _csrf: await client.csrf(`/admin/institutions/${trust.slug}/edit`), name: 'Form Trust', kind: 'mental_health_trust', active: 'true' };

    const bad = await client.post(`/admin/institutions/${trust.slug}`, { ...base, email: 'a@trust.nhs.uk, b@trust.nhs.uk', email_public: 'false' });
    expect(bad.statusCode).toBe(400);
    const page = dom(bad.body);
    expect(words(page.querySelector('#email-error'))).toContain('Enter one email address only');
    expect(page.querySelector('.error-summary a[href="#email"]')).not.toBeNull();
    expect(page.querySelector('#email')!.getAttribute('value')).toBe('a@trust.nhs.uk, b@trust.nhs.uk');
    expect(row(trust.slug).email).toBeNull();

    const publicWithout = await client.post(`/admin/institutions/${trust.slug}`, { ...base, email: '', email_public: 'true' });
    expect(publicWithout.statusCode).toBe(400);
    expect(words(dom(publicWithout.body).querySelector('#email_public-error'))).toContain('Give an email address to make public');

    expect((await client.post(`/admin/institutions/${trust.slug}`, { ...base, email: ' foi@form.nhs.uk ', email_public: 'false' })).statusCode).toBe(303);
    expect(row(trust.slug)).toMatchObject({ email: 'foi@form.nhs.uk', emailPublic: false });
    const again = dom((await client.get(`/admin/institutions/${trust.slug}/edit`)).body);
    expect(again.querySelector('#email')!.getAttribute('value')).toBe('foi@form.nhs.uk');

    // Editors cannot change the directory.
    const { client: editor } = await signedIn(t, 'editor');
    expect((await editor.get(`/admin/institutions/${trust.slug}/edit`)).statusCode).toBe(403);
  });
});

describe('the institutions spreadsheet and the import', () => {
  beforeEach(async () => {
    t = await makeApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('exports email and email_public, and a re-upload or an import changes them; a file without the columns keeps them', async () => {
    const trust = institution(db(), { name: 'Sheet Trust', kind: 'mental_health_trust', email: 'foi@sheet.nhs.uk', emailPublic: true });
    const { client } = await signedIn(t, 'admin');
    const { header, rows } = csvRecords((await client.get('/admin/export/institutions.csv')).body);
    expect(header).toEqual(['slug', 'name', 'kind', 'code', 'region', 'country', 'aliases', 'website', 'email', 'email_public']);
    expect(rows.find((r) => r.slug === trust.slug)).toMatchObject({ email: 'foi@sheet.nhs.uk', email_public: 'true' });

    const changed = importInstitutionsCsv(db(), csvFile(header, [{ ...rows[0]!, email: 'press@sheet.nhs.uk', email_public: 'false' }]), { now: TEST_NOW });
    expect(changed.problems).toEqual([]);
    expect(row(trust.slug)).toMatchObject({ email: 'press@sheet.nhs.uk', emailPublic: false });

    const without = ['slug', 'name', 'kind'];
    const kept = importInstitutionsCsv(db(), csvFile(without, [{ slug: trust.slug, name: 'Sheet Trust', kind: 'mental_health_trust' }]), { now: TEST_NOW });
    expect(kept.problems).toEqual([]);
    expect(row(trust.slug)).toMatchObject({ email: 'press@sheet.nhs.uk', emailPublic: false });

    const added = importInstitutionsCsv(db(), csvFile(['name', 'kind', 'email', 'email_public'], [{ name: 'New Trust', kind: 'mental_health_trust', email: 'foi@new.nhs.uk', email_public: 'yes' }]), { now: TEST_NOW });
    expect(added.problems).toEqual([]);
    expect(row('new-trust')).toMatchObject({ email: 'foi@new.nhs.uk', emailPublic: true });

    const refused = importInstitutionsCsv(db(), csvFile(['name', 'kind', 'email'], [{ name: 'Bad Trust', kind: 'other', email: 'foi@bad.nhs.uk\nBcc: x@example.net' }]), { now: TEST_NOW });
    expect(refused.problems).toEqual([expect.objectContaining({ column: 'email' })]);
  });
});

describe('where the address is shown', () => {
  beforeEach(async () => {
    t = await makeApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const PRIVATE = 'secret-foi@private.nhs.uk';
  const PUBLIC = 'press@open.nhs.uk';

  it('shows a public address on the institution’s page and in the API, and a private one nowhere public', async () => {
    const hidden = institution(db(), { name: 'Private Trust', kind: 'mental_health_trust', email: PRIVATE });
    const shown = institution(db(), { name: 'Open Trust', kind: 'mental_health_trust', email: PUBLIC, emailPublic: true });
    const eventId = contact(db(), hidden, { date: '2026-11-02' });
    contact(db(), shown, { date: '2026-11-02' });

    const page = dom((await t.app.inject(`/institutions/${shown.slug}`)).body);
    expect(page.querySelector(`a[href="mailto:${PUBLIC}"]`)).not.toBeNull();
    expect((await t.app.inject(`/api/institutions/${shown.slug}`)).json().institution.email).toBe(PUBLIC);
    expect((await t.app.inject('/api/institutions')).json().institutions.find((i: { slug: string }) => i.slug === hidden.slug).email).toBeNull();

    const urls = [
      '/', '/institutions', `/institutions/${hidden.slug}`, `/institutions/${hidden.slug}/feed.atom`, '/feed.atom', '/feed.rss', '/feed.json',
      '/api/institutions', `/api/institutions/${hidden.slug}`, '/api/timeline', `/api/events/${eventId}`, `/events/${eventId}`, '/timeline',
      '/data/institutions.csv', '/data/events.csv', '/data/events.json', '/changes', '/changes.json', `/embed/institutions/${hidden.slug}`,
      '/embed/scorecard', `/badges/${hidden.slug}.svg`, '/about', '/corrections', '/api/openapi.json',
    ];
    for (const url of urls) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBeLessThan(400);
      expect(res.body, url).not.toContain(PRIVATE);
    }

    // The static copy, written from the same routes.
    const dir = tempDir('static-email-');
    try {
      await exportCopy(t, dir);
      const files = filesUnder(dir);
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).not.toContain(PRIVATE);
      expect(files.some((file) => fs.readFileSync(path.join(dir, file), 'utf8').includes(PUBLIC))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
