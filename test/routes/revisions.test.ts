/**
 * Revisions of the public record, tried as a journalist and a campaigner would: a figure cited
 * with a pinned link, then a late statement, two corrected dates and a deletion; the pinned link
 * keeps its figure and says what was revised since, the unpinned one shows the new figure. Also
 * /corrections (page, JSON, feed), /changes between revisions, feeds that tell readers about a
 * correction, the revision parameter refused when wrong, and the migration of a record made
 * before revisions were kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/db/client.js';
import { instantOf } from '../../src/domain/calendar.js';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { contact, FIXTURE_DATA, institution, type MadeInstitution } from '../factories.js';
import { dom, makeApp, signedIn, tempDir, TEST_NOW, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';

const AS_OF = '2021-05-06T10:30:00Z';

/** A page's main content without the "revised since" notice: what a pinned link must reproduce. */
function mainOf(html: string): string {
  const doc = dom(html);
  doc.querySelector('.revised-notice')?.remove();
  return doc.querySelector('main')!.innerHTML.trim();
}

/** An API answer without `revisedSince`: what a pinned link must reproduce. */
function answerOf(body: string): unknown {
  const { revisedSince: _, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
}

/** Posts an event's edit form as a browser would: every field as the form shows it, with the changes typed in. */
async function editEvent(client: Client, id: number, changes: Record<string, string>) {
  const form = dom((await client.get(`/admin/events/${id}/edit`)).body).querySelector(`form[action="/admin/events/${id}"]`)!;
  const fields: Record<string, string> = {};
  for (const input of form.querySelectorAll('input[name], textarea[name]')) fields[input.getAttribute('name')!] = input.tagName === 'TEXTAREA' ? input.textContent ?? '' : input.getAttribute('value') ?? '';
  for (const select of form.querySelectorAll('select[name]')) fields[select.getAttribute('name')!] = select.querySelector('option[selected]')?.getAttribute('value') ?? '';
  return client.post(`/admin/events/${id}`, { ...fields, ...changes });
}

describe('a citation, then a late entry, two corrections and a deletion', () => {
  let t: TestApp;
  let clock = TEST_NOW;
  let board: MadeInstitution;
  let petition: number;
  let enquiry: number;
  let statement: number;
  let client: Client;
  /** The citation's link (path and query), the revision it pins, and what it showed. */
  let cited: { link: string; rev: number; main: string; api: unknown };
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const revisions: Record<'statement' | 'petition' | 'enquiry' | 'deleted', number> = { statement: 0, petition: 0, enquiry: 0, deleted: 0 };

  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA, clock: () => clock });
    const db = t.app.tracker.db;
    board = institution(db, { name: 'National Scheme Board', kind: 'nhs_england' });
    petition = contact(db, board, { date: '2021-04-23', channel: 'petition', dueOn: '2021-05-10', summary: 'Petition asking the board to close the scheme.' });
    enquiry = contact(db, board, { date: '2021-04-23', channel: 'press_enquiry', dueOn: '2021-05-10', summary: 'A newspaper asked the board to answer the petition.' });
    ({ client } = await signedIn(t, 'editor'));

    // A journalist cites the figure.
    const page = dom((await get(`/institutions/${board.slug}?as_of=${AS_OF}`)).body);
    const url = page.querySelector('.citation a')!.getAttribute('href')!;
    const link = url.replace('https://tracker.example.org', '');
    const rev = currentRevision(t.app.tracker);
    cited = { link, rev, main: mainOf((await get(link)).body), api: answerOf((await get(`/api/institutions/${board.slug}?as_of=${AS_OF}&rev=${rev}`)).body) };

    // A day later, a campaigner logs a statement the board made on 30 April 2021.
    clock = instantOf('2026-11-23', '09:00');
    const _csrf = await client.csrf('/admin/events/new?type=response');
    const logged = await client.post('/admin/events', {
      _csrf, type: 'response', institution: board.slug, date: '2021-04-30', response_type: 'statement',
      summary: 'The board said it was looking at the scheme.', source_title: 'Statement to the newspaper', status: 'published',
    });
    expect(logged.statusCode).toBe(303);
    statement = Number(/\/events\/(\d+)/.exec(logged.headers.location as string)![1]);
    revisions.statement = currentRevision(t.app.tracker);
  });
  afterAll(async () => t.close());

  it('cites the figure with a link that pins the moment and the revision, and says when that revision was recorded', async () => {
    expect(cited.link).toBe(`/institutions/${board.slug}?as_of=${AS_OF}&rev=${cited.rev}`);
    const doc = dom((await get(cited.link)).body);
    expect(words(doc.querySelector('#citation-text'))).toBe(
      'As at 11:30 on 6 May 2021 (UK time), as recorded at 12:00 on 22 November 2026, National Scheme Board had not commented 13 days (8 working days) after it was first approached on 23 April 2021. ' +
        `Source: Fixture campaign: who will close the scheme?, https://tracker.example.org${cited.link}`,
    );
  });

  it('after the late statement, the pinned link shows the same page with a notice, and the unpinned one the new figure', async () => {
    const res = await get(cited.link);
    expect(res.statusCode).toBe(200);
    expect(mainOf(res.body)).toBe(cited.main);
    const notice = dom(res.body).querySelector('.revised-notice')!;
    expect(notice.getAttribute('role')).toBe('region');
    expect(words(notice.querySelector('p'))).toBe(
      `The record has been revised since this link was made. This page shows it as it stood at revision ${cited.rev} (12:00 on 22 November 2026, UK time); it is now at revision ${revisions.statement} (09:00 on 23 November 2026). What has changed in what this page shows:`,
    );
    expect([...notice.querySelectorAll('li')].map((li) => words(li))).toEqual([
      `A response from National Scheme Board of 30 April 2021 was added late, on 23 November 2026. (revision ${revisions.statement}; see it now)`,
    ]);
    const links = [...notice.querySelectorAll('a')].map((a) => [words(a), a.getAttribute('href')]);
    expect(links).toEqual([
      ['see it now', `/events/${statement}`],
      ['See the figures as the record stands now', `/institutions/${board.slug}?as_of=${encodeURIComponent(AS_OF)}`],
      [`What changed since revision ${cited.rev}`, `/changes?from_rev=${cited.rev}&to_rev=${revisions.statement}&as_of=${encodeURIComponent(AS_OF)}`],
      ['All corrections', '/corrections'],
    ]);
    // The same moment at the latest revision: the board had commented.
    const now = dom((await get(`/institutions/${board.slug}?as_of=${AS_OF}`)).body);
    expect(words(now.querySelector('#citation-text'))).toContain('National Scheme Board had stated no position on “Close the scheme” or “Independent review”.');
    expect(now.querySelector('.revised-notice')).toBeNull();
  });

  it('the pinned API answer is the same, says its revision, and lists what was revised since', async () => {
    const res = await get(`/api/institutions/${board.slug}?as_of=${AS_OF}&rev=${cited.rev}`);
    expect(answerOf(res.body)).toEqual(cited.api);
    const body = res.json();
    expect(body.revision).toBe(cited.rev);
    expect(body.institution.silence).toMatchObject({ calendarDays: 13, workingDays: 8 });
    expect(body.revisedSince).toEqual([
      {
        revision: revisions.statement, recordedAt: '2026-11-23T09:00:00.000Z', note: null, subject: 'event', kind: 'added', late: true,
        description: 'A response from National Scheme Board of 30 April 2021 was added late, on 23 November 2026.',
        eventId: statement, institution: board.slug, url: `https://tracker.example.org/events/${statement}`, fields: [],
      },
    ]);
    const latest = (await get(`/api/institutions/${board.slug}?as_of=${AS_OF}`)).json();
    expect(latest.revision).toBe(revisions.statement);
    expect(latest.revisedSince).toEqual([]);
    expect(latest.institution.silence).toBeNull();
  });

  it('compares the two revisions in /changes, as a page and as JSON', async () => {
    const query = `from_rev=${cited.rev}&to_rev=${revisions.statement}&as_of=${encodeURIComponent(AS_OF)}`;
    const json = (await get(`/changes.json?${query}`)).json();
    expect(json.mode).toBe('revisions');
    expect(json.from).toEqual({ asOf: '2021-05-06T10:30:00.000Z', revision: cited.rev });
    expect(json.to).toEqual({ asOf: '2021-05-06T10:30:00.000Z', revision: revisions.statement });
    expect(json.record.map((c: { description: string }) => c.description)).toEqual(['A response from National Scheme Board of 30 April 2021 was added late, on 23 November 2026.']);
    expect(json.silencesEnded).toEqual([{ institution: { slug: board.slug, name: 'National Scheme Board' }, since: '2021-04-23', calendarDays: 13, workingDays: 8 }]);
    expect(json.silencesBegun).toEqual([]);
    expect(json.events).toEqual([]);
    const page = dom((await get(`/changes?${query}`)).body);
    expect(words(page.querySelector('h1'))).toBe('What changed');
    expect(words(page.querySelector('.lead'))).toBe(
      `What was added, corrected, deleted or restored in the record from revision ${cited.rev} to revision ${revisions.statement}, and how that moved the figures as at 11:30 on 6 May 2021 (UK time).`,
    );
    expect([...page.querySelectorAll('.change-heading')].map((h) => words(h))).toEqual([`Added late: revision ${revisions.statement}, 09:00 on 23 November 2026`]);
    const ended = [...page.querySelectorAll('h2')].find((h) => words(h).startsWith('Silences ended'))!;
    expect(words(ended)).toBe('Silences ended (1)');
  });

  describe('then the two approaches are corrected to 26 April and the statement deleted', () => {
    beforeAll(async () => {
      for (const [name, id] of [['petition', petition], ['enquiry', enquiry]] as const) {
        clock += 3_600_000;
        const res = await editEvent(client, id, { date: '26 April 2021', correction_note: 'The approaches were made on 26 April, not 23 April.' });
        expect(res.statusCode).toBe(303);
        revisions[name] = currentRevision(t.app.tracker);
      }
      clock += 3_600_000;
      const _csrf = await client.csrf(`/admin/events/${statement}/edit`);
      const deleted = await client.post(`/admin/events/${statement}/delete`, { _csrf, note: 'The statement was about another scheme.' });
      expect(deleted.statusCode).toBe(303);
      revisions.deleted = currentRevision(t.app.tracker);
    });

    it('the unpinned link says 10 days (7 working days); the pinned one still says 13, and lists every revision since', async () => {
      const now = dom((await get(`/institutions/${board.slug}?as_of=${AS_OF}`)).body);
      expect(words(now.querySelector('#citation-text'))).toContain('National Scheme Board had not commented 10 days (7 working days) after it was first approached on 26 April 2021.');
      const res = await get(cited.link);
      expect(mainOf(res.body)).toBe(cited.main);
      const notice = dom(res.body).querySelector('.revised-notice')!;
      expect([...notice.querySelectorAll('li')].map((li) => words(li))).toEqual([
        `The response from National Scheme Board of 30 April 2021 was deleted. The reason given: “The statement was about another scheme.” (revision ${revisions.deleted})`,
        `The approach to National Scheme Board of 23 April 2021 was corrected: its date from 23 April 2021 to 26 April 2021; its reply due date from 10 May 2021 to 11 May 2021. The reason given: “The approaches were made on 26 April, not 23 April.” (revision ${revisions.enquiry}; see it now)`,
        `The approach to National Scheme Board of 23 April 2021 was corrected: its date from 23 April 2021 to 26 April 2021; its reply due date from 10 May 2021 to 11 May 2021. The reason given: “The approaches were made on 26 April, not 23 April.” (revision ${revisions.petition}; see it now)`,
        `A response from National Scheme Board of 30 April 2021 was added late, on 23 November 2026. (revision ${revisions.statement}; see it now)`,
      ]);
      const api = await get(`/api/institutions/${board.slug}?as_of=${AS_OF}&rev=${cited.rev}`);
      expect(answerOf(api.body)).toEqual(cited.api);
      expect(api.json().revisedSince.map((c: { revision: number; kind: string }) => [c.revision, c.kind])).toEqual([
        [revisions.deleted, 'deleted'], [revisions.enquiry, 'corrected'], [revisions.petition, 'corrected'], [revisions.statement, 'added'],
      ]);
      expect(api.json().revisedSince[1].fields).toEqual([
        { field: 'date', before: '2021-04-23', after: '2021-04-26' },
        { field: 'reply due date', before: '2021-05-10', after: '2021-05-11' },
      ]);
    });

    it('an event page pinned before its correction shows it as it was, with the correction in the notice', async () => {
      const pinned = dom((await get(`/events/${petition}?rev=${cited.rev}`)).body);
      expect(words(pinned.querySelector('.facts'))).toContain('Friday 23 April 2021');
      expect([...pinned.querySelectorAll('.revised-notice li')].map((li) => words(li).split(':')[0])).toEqual(['The approach to National Scheme Board of 23 April 2021 was corrected']);
      const current = dom((await get(`/events/${petition}`)).body);
      expect(words(current.querySelector('.facts'))).toContain('Monday 26 April 2021');
      const change = current.querySelector('.corrections-notice .change')!;
      expect(words(change.querySelector('.change-heading'))).toBe(`Corrected: revision ${revisions.petition}, 10:00 on 23 November 2026`);
      expect([...change.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => words(c)))).toEqual([
        ['date', '23 April 2021', '26 April 2021'],
        ['reply due date', '10 May 2021', '11 May 2021'],
      ]);
      // The deleted statement: gone now, still there at the revision that had it.
      expect((await get(`/events/${statement}`)).statusCode).toBe(404);
      expect((await get(`/events/${statement}?rev=${revisions.statement}`)).statusCode).toBe(200);
    });

    it('lists every change to published material on /corrections, newest first, with its revision, time, note and fields', async () => {
      const doc = dom((await get('/corrections')).body);
      const changes = [...doc.querySelectorAll('.change')].map((c) => ({
        heading: words(c.querySelector('.change-heading')),
        note: words(c.querySelector('.change-note')),
        fields: [...c.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => words(cell)).join(' | ')),
      }));
      expect(changes).toEqual([
        { heading: `Deleted: revision ${revisions.deleted}, 12:00 on 23 November 2026`, note: 'Reason given: The statement was about another scheme.', fields: [] },
        { heading: `Corrected: revision ${revisions.enquiry}, 11:00 on 23 November 2026`, note: 'Reason given: The approaches were made on 26 April, not 23 April.', fields: ['date | 23 April 2021 | 26 April 2021', 'reply due date | 10 May 2021 | 11 May 2021'] },
        { heading: `Corrected: revision ${revisions.petition}, 10:00 on 23 November 2026`, note: 'Reason given: The approaches were made on 26 April, not 23 April.', fields: ['date | 23 April 2021 | 26 April 2021', 'reply due date | 10 May 2021 | 11 May 2021'] },
        { heading: `Added late: revision ${revisions.statement}, 09:00 on 23 November 2026`, note: '', fields: [] },
        // The two approaches were logged in 2026 about 2021: late entries too.
        { heading: `Added late: revision ${revisions.statement - 1}, 12:00 on 22 November 2026`, note: '', fields: [] },
        { heading: `Added late: revision ${revisions.statement - 2}, 12:00 on 22 November 2026`, note: '', fields: [] },
      ]);
      // At the citation's revision, the list stops there.
      const then = dom((await get(`/corrections?rev=${cited.rev}`)).body);
      expect([...then.querySelectorAll('.change-heading')].map((h) => words(h).split(':')[0])).toEqual(['Added late', 'Added late']);
    });

    it('gives the same list as JSON and as an Atom feed', async () => {
      const json = (await get('/corrections.json')).json();
      expect(json.revision).toBe(revisions.deleted);
      expect(json.next).toBeNull();
      expect(json.corrections.map((c: { revision: number; kind: string; note: string | null }) => [c.revision, c.kind, c.note])).toEqual([
        [revisions.deleted, 'deleted', 'The statement was about another scheme.'],
        [revisions.enquiry, 'corrected', 'The approaches were made on 26 April, not 23 April.'],
        [revisions.petition, 'corrected', 'The approaches were made on 26 April, not 23 April.'],
        [revisions.statement, 'added', null],
        [revisions.statement - 1, 'added', null],
        [revisions.statement - 2, 'added', null],
      ]);
      expect(json.corrections[0]).toMatchObject({ recordedAt: '2026-11-23T12:00:00.000Z', eventId: statement, institution: board.slug, url: null });
      const feed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse((await get('/corrections.atom')).body).feed;
      expect(feed.updated).toBe('2026-11-23T12:00:00.000Z');
      expect(feed.entry.map((e: { title: { '#text': string } }) => e.title['#text'])).toEqual([
        `Deleted (revision ${revisions.deleted}): The response from National Scheme Board of 30 April 2021 was deleted.`,
        `Corrected (revision ${revisions.enquiry}): The approach to National Scheme Board of 23 April 2021 was corrected: its date from 23 April 2021 to 26 April 2021; its reply due date from 10 May 2021 to 11 May 2021.`,
        `Corrected (revision ${revisions.petition}): The approach to National Scheme Board of 23 April 2021 was corrected: its date from 23 April 2021 to 26 April 2021; its reply due date from 10 May 2021 to 11 May 2021.`,
        `Added late (revision ${revisions.statement}): A response from National Scheme Board of 30 April 2021 was added late, on 23 November 2026.`,
        `Added late (revision ${revisions.statement - 1}): An approach to National Scheme Board of 23 April 2021 was added late, on 22 November 2026.`,
        `Added late (revision ${revisions.statement - 2}): An approach to National Scheme Board of 23 April 2021 was added late, on 22 November 2026.`,
      ]);
      expect(feed.entry[0].link['@href']).toBe(`https://tracker.example.org/corrections?rev=${revisions.deleted}#change-${revisions.deleted}-1`);
    });

    it('the feeds show a corrected event as updated when it was corrected, so it reappears in feed readers', async () => {
      const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
      const feed = parser.parse((await get('/feed.atom')).body).feed;
      const entry = [feed.entry].flat().find((e: { id: string }) => e.id === `https://tracker.example.org/events/${petition}`);
      expect(entry.updated).toBe('2026-11-23T10:00:00.000Z');
      expect(entry.published).toBe('2021-04-25T23:00:00.000Z');
      // The feed's newest revision: the second correction (the deleted statement is no longer in it).
      expect(feed.updated).toBe('2026-11-23T11:00:00.000Z');
      const json = (await get('/feed.json')).json();
      const item = json.items.find((i: { id: string }) => i.id === `https://tracker.example.org/events/${petition}`);
      expect(item.date_modified).toBe('2026-11-23T10:00:00.000Z');
      expect(item.date_published).toBe('2021-04-25T23:00:00.000Z');
    });
  });
});

describe('the revision parameter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA });
    contact(t.app.tracker.db, institution(t.app.tracker.db, { name: 'Wessex Police' }), { date: '2021-05-01' });
  });
  afterAll(async () => t.close());

  it.each([
    ['abc', 'The revision must be a whole number'],
    ['0', 'The revision must be a whole number'],
    ['-1', 'The revision must be a whole number'],
    ['1.5', 'The revision must be a whole number'],
    ['999999', 'There is no revision 999999 yet'],
  ])('refuses rev=%s with a 400 naming the parameter', async (value, message) => {
    const api = await t.app.inject({ method: 'GET', url: `/api/campaign?rev=${value}` });
    expect(api.statusCode).toBe(400);
    expect(api.json().parameter).toBe('rev');
    expect(api.json().message).toContain(message.startsWith('The revision') ? 'revision' : message);
    const page = await t.app.inject({ method: 'GET', url: `/timeline?rev=${value}` });
    expect(page.statusCode).toBe(400);
    expect(words(dom(page.body).querySelector('main'))).toContain(message.startsWith('The revision') ? 'revision' : message);
  });

  it('shows which revision a page reads, and keeps it in its links', async () => {
    const latest = currentRevision(t.app.tracker);
    const doc = dom((await t.app.inject({ method: 'GET', url: `/timeline?rev=${latest}` })).body);
    expect(words(doc.querySelector('.as-of p'))).toContain(`as recorded at revision ${latest} (12:00 on 22 November 2026)`);
    const eventLink = doc.querySelector('main a[href^="/events/"]')!.getAttribute('href');
    expect(eventLink).toMatch(new RegExp(`[?&]rev=${latest}$`));
  });

  it('is explained on /about, linked from /corrections', async () => {
    const corrections = dom((await t.app.inject({ method: 'GET', url: '/corrections' })).body);
    expect(corrections.querySelector('main a[href="/about#revisions"]')?.textContent).toBe('How revisions work');
    const about = dom((await t.app.inject({ method: 'GET', url: '/about' })).body);
    const heading = about.querySelector('#revisions')!;
    expect(words(heading)).toBe('Revisions: figures that hold for ever');
    const explained = words(heading.nextElementSibling) + ' ' + words(heading.nextElementSibling!.nextElementSibling);
    expect(explained).toContain(`The record is now at revision ${currentRevision(t.app.tracker)}.`);
    expect(explained).toContain('Add &rev= to any address');
  });
});

describe('/corrections a page at a time', () => {
  it('pages through an import of 60 late entries (one revision) without losing or repeating one', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    try {
      const db = t.app.tracker.db;
      const body = institution(db, { name: 'Wessex Police', kind: 'police_force' });
      const before = currentRevision(t.app.tracker);
      const rows = Array.from({ length: 60 }, (_, i) => `${body.slug},2021-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')},contact,email,Letter ${i + 1},A letter`);
      const report = importEventsCsv(db, `institution,date,type,channel,summary,source_title\n${rows.join('\n')}\n`, { calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test' });
      expect(report.written).toBe(60);
      const seen: string[] = [];
      let url: string | null = '/corrections.json';
      let pages = 0;
      while (url) {
        const page: { corrections: { eventId: number }[]; next: string | null } = (await t.app.inject({ method: 'GET', url: url.replace('https://tracker.example.org', '') })).json();
        seen.push(...page.corrections.map((c) => `${c.eventId}`));
        url = page.next;
        pages++;
      }
      expect(pages).toBe(2);
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
      // The HTML pages agree, with a link to the next page.
      const first = dom((await t.app.inject({ method: 'GET', url: '/corrections' })).body);
      expect(first.querySelectorAll('.change')).toHaveLength(50);
      const next = first.querySelector('.pager a')!.getAttribute('href')!;
      expect(next).toBe(`/corrections?before=${currentRevision(t.app.tracker)}.50`);
      const second = dom((await t.app.inject({ method: 'GET', url: next })).body);
      expect(second.querySelectorAll('.change')).toHaveLength(10);
      expect(second.querySelector('.pager a')?.getAttribute('href')).toBe('/corrections');
      // A link made before the import lists the latest 20 of the 60 additions, and says there are more.
      const pinned = dom((await t.app.inject({ method: 'GET', url: `/institutions/${body.slug}?rev=${before}` })).body).querySelector('.revised-notice')!;
      expect(pinned.querySelectorAll('li')).toHaveLength(20);
      expect(words(pinned)).toContain(`These are the latest 20 changes; there are more in what changed since revision ${before}.`);
      const api = (await t.app.inject({ method: 'GET', url: `/api/institutions/${body.slug}?rev=${before}` })).json();
      expect(api.revisedSince).toHaveLength(60);
    } finally {
      await t.close();
    }
  });
});

describe('a record made before revisions were kept', () => {
  it('is migrated to revisions: the public record as it stood, and each old correction note as a revision', async () => {
    const dir = tempDir();
    try {
      // The migrations up to the one that adds revisions.
      const older = path.join(dir, 'migrations');
      fs.cpSync(MIGRATIONS_DIR, older, { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(older, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
      const revisionsAt = journal.entries.findIndex((e) => e.tag.endsWith('_revisions'));
      journal.entries = journal.entries.slice(0, revisionsAt);
      fs.writeFileSync(path.join(older, 'meta/_journal.json'), JSON.stringify(journal));
      const file = path.join(dir, 'tracker.db');
      const sqlite = new Database(file);
      migrate(drizzle(sqlite), { migrationsFolder: older });
      const at = instantOf('2026-01-10', '10:00');
      sqlite.exec(`
        INSERT INTO campaign (id, title, summary) VALUES (1, 'An older campaign', 'Kept before revisions.');
        INSERT INTO asks (id, slug, title, description, sort_order) VALUES (1, 'review', 'Independent review', 'Commission a review.', 1);
        INSERT INTO institutions (id, slug, name, kind, active, created_at) VALUES (1, 'wessex-police', 'Wessex Police', 'police_force', 1, ${at});
        INSERT INTO institution_aliases (institution_id, alias) VALUES (1, 'WHIPP');
        INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (1, 'ed@example.org', 'Eddie Editor', 'editor', 'x', ${at}, ${at});
        INSERT INTO events (id, type, institution_id, occurred_at, occurred_on, channel, summary, status, created_by, created_at, updated_at)
          VALUES (1, 'contact', 1, ${instantOf('2021-05-01')}, '2021-05-01', 'email', 'A letter', 'published', 'Eddie Editor', ${at}, ${at});
        INSERT INTO events (id, type, institution_id, occurred_at, occurred_on, response_type, summary, status, created_by, created_at, updated_at)
          VALUES (2, 'response', 1, ${instantOf('2021-05-06')}, '2021-05-06', 'statement', 'Wessex Police committed to a review', 'published', 'Eddie Editor', ${at}, ${at});
        INSERT INTO event_positions (event_id, ask_id, stance) VALUES (2, 1, 'committed');
        INSERT INTO event_sources (event_id, title) VALUES (2, 'Force statement');
        INSERT INTO events (id, type, institution_id, occurred_at, occurred_on, summary, status, created_by, created_at, updated_at)
          VALUES (3, 'milestone', 1, ${instantOf('2021-05-07')}, '2021-05-07', 'A draft', 'draft', 'Eddie Editor', ${at}, ${at});
        INSERT INTO events (id, type, institution_id, occurred_at, occurred_on, channel, summary, status, created_by, created_at, updated_at, deleted_at)
          VALUES (4, 'contact', 1, ${instantOf('2021-05-02')}, '2021-05-02', 'email', 'Deleted', 'published', 'Eddie Editor', ${at}, ${at}, ${at});
        INSERT INTO corrections (event_id, at, user_id, note) VALUES (2, ${at + 60_000}, 1, 'The statement was on 6 May, not 5 May.');
      `);
      sqlite.close();

      const t = await makeApp({ dataDir: FIXTURE_DATA, env: { DATABASE_PATH: file } });
      try {
        const get = (url: string) => t.app.inject({ method: 'GET', url });
        // The public record is the published, undeleted events, at the latest revision.
        const timeline = (await get('/api/timeline')).json();
        expect(timeline.events.map((e: { id: number }) => e.id)).toEqual([2, 1]);
        expect(timeline.revision).toBe(2);
        const wessex = (await get('/api/institutions/wessex-police')).json().institution;
        expect(wessex).toMatchObject({ name: 'Wessex Police', aliases: ['WHIPP'], positions: { review: { stance: 'committed', since: '2021-05-06', eventId: 2 } } });
        // The old note is a revision of its own, on /corrections, said to have no earlier version.
        const json = (await get('/corrections.json')).json();
        expect(json.corrections).toEqual([
          {
            revision: 1, recordedAt: '2026-01-10T10:01:00.000Z', note: 'The statement was on 6 May, not 5 May.', subject: 'note', kind: 'corrected', late: false,
            description: 'An event was corrected (before the tracker kept every revision, so the earlier version is not shown).',
            eventId: 2, institution: null, url: 'https://tracker.example.org/events/2', fields: [],
          },
        ]);
        const event = dom((await get('/events/2')).body);
        expect(words(event.querySelector('.corrections-notice .change-note'))).toBe('Reason given: The statement was on 6 May, not 5 May.');
        // Nothing was loaded over the existing record.
        expect((await get('/api/campaign')).json().title).toBe('An older campaign');
      } finally {
        await t.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
