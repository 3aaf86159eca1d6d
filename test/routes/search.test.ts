/**
 * Searching the timeline (SQLite FTS5), on a story these tests build: a petition to a national
 * board, a police force committing to a review, a trust considering it (known by another name,
 * FCP), a campaign-wide report whose summary holds markup, a draft that must never be found, and
 * a later approach. Each indexed field is found; searches combine with every filter; pages keep
 * the search; a search pinned to an old revision finds what that revision said, and a correction
 * or a rename is found at once; hostile searches are answered 200 or a clear 400, never 500;
 * matches are marked, escaped; the feeds take the same search and filters; an older database
 * gets its index when migrated.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/db/client.js';
import { instantOf } from '../../src/domain/calendar.js';
import { highlight, parseSearch } from '../../src/domain/search.js';
import { readTimelineFilter } from '../../src/tracker/timeline-filter.js';
import { countTimelineRows, timelineRows } from '../../src/db/queries/events.js';
import { currentRevision, now, reading, timeline } from '../../src/tracker/tracker.js';
import { contact, FIXTURE_DATA, institution, milestone, response } from '../factories.js';
import { dom, makeApp, signedIn, tempDir, words, type TestApp } from '../helpers.js';
import type { Client } from '../session.js';

async function buildStory(t: TestApp) {
  const db = t.app.tracker.db;
  const board = institution(db, { name: 'National Scheme Board', kind: 'nhs_england' });
  const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire' });
  const trust = institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', region: 'South East', aliases: ['FCP', 'Felpersham Crisis Partnership'] });
  const petition = contact(db, board, {
    date: '2021-04-23', channel: 'petition', from: 'Scheme Survivors Coalition', dueOn: '2021-05-10',
    summary: 'Petition asking the board to close the scheme.',
    source: { title: 'Survivors launch their appeal', url: 'https://news.example.org/appeal', publisher: 'Ambridge Observer', publishedOn: '2021-04-23' },
  });
  const statement = response(db, police, {
    date: '2021-05-06', summary: 'Borsetshire Police said it would commission a review.',
    quote: 'We will commission an independent review of the partnership.', positions: { review: 'committed' },
    source: { title: 'Force answers campaigners', url: 'https://news.example.org/force', publisher: 'Wessex Chronicle', publishedOn: '2021-05-06' },
  });
  const considering = response(db, trust, {
    date: '2021-05-06', summary: 'The trust is considering a review of the café scheme.',
    quote: 'We are considering how the concerns relate to our service.', positions: { review: 'considering' }, source: null,
  });
  const report = milestone(db, null, { date: '2021-05-10', summary: 'A <script>alert(1)</script> report & “review” of the scheme was published.', source: null });
  const draft = response(db, police, { date: '2021-05-07', status: 'draft', summary: 'Zeppelin review, never published.' });
  const later = contact(db, police, { date: '2026-11-16', channel: 'email', from: 'Local campaigners', summary: 'Asked Borsetshire Police when its review would start.', source: null });
  return { bodies: { board, police, trust }, events: { petition, statement, considering, report, draft, later } };
}

let t: TestApp;
let story: Awaited<ReturnType<typeof buildStory>>;
beforeAll(async () => {
  t = await makeApp({ dataDir: FIXTURE_DATA });
  story = await buildStory(t);
});
afterAll(async () => t.close());

const get = (url: string, app: TestApp = t) => app.app.inject({ method: 'GET', url });
const all = (root: ParentNode | null | undefined, selector: string) => [...(root?.querySelectorAll(selector) ?? [])];
/** The events a page lists, by id, in the order shown. */
const eventIds = (doc: Document) => all(doc, 'article.event').map((a) => Number(/^event-(\d+)-title$/.exec(a.getAttribute('aria-labelledby') ?? '')?.[1]));
/** The ids of the events the API's timeline gives. */
const apiIds = async (query: string, app: TestApp = t): Promise<number[]> => {
  const res = await get(`/api/timeline?${query}`, app);
  expect(res.statusCode, `/api/timeline?${query}: ${res.body}`).toBe(200);
  return (res.json().events as { id: number }[]).map((e) => e.id);
};
const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe('what a search finds', () => {
  it.each<[string, string, (keyof Awaited<ReturnType<typeof buildStory>>['events'])[]]>([
    ['summary', 'petition', ['petition']],
    ['quote', 'independent', ['statement']],
    ['source title', 'appeal', ['petition']],
    ['source publisher', 'chronicle', ['statement']],
    ['sender', 'coalition', ['petition']],
    ['institution name', 'national', ['petition']],
    ['institution other name', 'FCP', ['considering']],
    ['institution other name (a phrase of it)', '"crisis partnership"', ['considering']],
    ['several words, each anywhere, in any order', 'scheme board close', ['petition']],
    ['a word in one field and the institution’s name', 'borsetshire commission', ['statement']],
    ['a phrase, its words together and in order', '"independent review"', ['statement']],
    ['a phrase out of order', '"review independent"', []],
    ['words without regard to case or accents', 'CAFE', ['considering']],
    ['a word with an accent', 'café', ['considering']],
    ['the start of a word', 'consid*', ['considering']],
    ['alternatives', 'appeal OR chronicle', ['statement', 'petition']],
    ['a word left out', 'review -police', ['report', 'considering']],
    ['a phrase left out', 'scheme -"close the scheme"', ['report', 'considering']],
    ['a hyphenated word as a phrase', 'Felpersham-Crisis', ['considering']],
    ['markup typed as words', '<script>', ['report']],
    ['never a draft', 'zeppelin', []],
  ])('finds a match in the %s (%s)', async (_what, text, expected) => {
    expect(await apiIds(q(text))).toEqual(expected.map((name) => story.events[name]));
  });

  it('finds what the page finds, newest first', async () => {
    const doc = dom((await get(`/timeline?${q('review')}`)).body);
    const { events } = story;
    expect(eventIds(doc)).toEqual([events.later, events.report, events.considering, events.statement]);
    expect(await apiIds(q('review'))).toEqual(eventIds(doc));
    expect(words(doc.querySelector('.results-count'))).toBe('4 published events match “review”.');
    expect(doc.querySelector('title')?.textContent).toContain('Timeline: “review”');
  });

  it.each<[string, (keyof Awaited<ReturnType<typeof buildStory>>['events'])[]]>([
    ['type=response', ['considering', 'statement']],
    ['type=contact', ['later']],
    ['kind=police_force', ['later', 'statement']],
    ['kind=mental_health_trust', ['considering']],
    ['region=South+East', ['considering']],
    ['ask=review', ['considering', 'statement']],
    ['ask=halt', []],
    ['institution=borsetshire-police', ['later', 'statement']],
    ['from=2021-05-07', ['later', 'report']],
    ['to=2021-05-06', ['considering', 'statement']],
    ['from=6/5/2021&to=6+May+2021', ['considering', 'statement']],
    ['from=2021-05-07&to=2021-05-10', ['report']],
    ['type=response&kind=police_force&from=2021-05-01&to=2021-05-31&institution=borsetshire-police&ask=review', ['statement']],
  ])('combines the search with %s', async (filter, expected) => {
    const ids = expected.map((name) => story.events[name]);
    expect(await apiIds(`${q('review')}&${filter}`)).toEqual(ids);
    const res = await get(`/timeline?${q('review')}&${filter}`);
    expect(res.statusCode).toBe(200);
    const doc = dom(res.body);
    expect(eventIds(doc)).toEqual(ids);
    expect(words(doc.querySelector('#results-count'))).toBe(
      ids.length === 0 ? 'No published event matches “review” with these filters.' : `${ids.length} published event${ids.length === 1 ? ' matches' : 's match'} “review” with these filters.`,
    );
  });

  it('takes the new filters without a search too, and counts what they match', async () => {
    expect(await apiIds('institution=felpersham-mental-health-nhs-trust')).toEqual([story.events.considering]);
    const doc = dom((await get('/timeline?from=2021-05-01&to=2021-05-31')).body);
    expect(eventIds(doc)).toEqual([story.events.report, story.events.considering, story.events.statement]);
    expect(words(doc.querySelector('.results-count'))).toBe('3 published events match these filters.');
    // Without a search or a filter, no count.
    expect(dom((await get('/timeline')).body).querySelector('.results-count')).toBeNull();
  });

  it('says so when nothing matches', async () => {
    const doc = dom((await get(`/timeline?${q('submarine')}`)).body);
    expect(eventIds(doc)).toEqual([]);
    expect(words(doc.querySelector('form.filters + p'))).toBe('No published event matches “submarine”.');
  });

  it('reads the search as at the moment asked: a later event is not found before it happened', async () => {
    expect(await apiIds(`${q('borsetshire')}&as_of=2021-06-01`)).toEqual([story.events.statement]);
    expect(await apiIds(`${q('borsetshire')}`)).toEqual([story.events.later, story.events.statement]);
  });
});

describe('pages of a search', () => {
  it('follow the keyset cursor, newest first, keeping the search and every filter', async () => {
    const seen: number[] = [];
    let url: string | null = `/api/timeline?${q('review scheme OR commission OR start')}&from=2021-01-01&limit=1`;
    const nexts: string[] = [];
    while (url) {
      const body = (await get(url.replace('https://tracker.example.org', ''))).json() as { events: { id: number }[]; next: string | null };
      seen.push(...body.events.map((e) => e.id));
      url = body.next;
      if (url) nexts.push(url);
    }
    const { events } = story;
    expect(seen).toEqual([events.later, events.report, events.considering, events.statement]);
    for (const next of nexts) expect(next).toMatch(/^https:\/\/tracker\.example\.org\/api\/timeline\?q=review\+scheme\+OR\+commission\+OR\+start&from=2021-01-01&limit=1&before=/);
  });

  it('on the page, with Older events and Newest events links that keep the search', async () => {
    const first = dom((await get(`/timeline?${q('review')}&kind=police_force&limit=1`)).body);
    expect(eventIds(first)).toEqual([story.events.later]);
    const older = first.querySelector('nav.pager a[rel="next"]')!.getAttribute('href')!;
    expect(older).toMatch(/^\/timeline\?q=review&kind=police_force&limit=1&before=/);
    const second = dom((await get(older)).body);
    expect(eventIds(second)).toEqual([story.events.statement]);
    expect(words(second.querySelector('.results-count'))).toBe('2 published events match “review” with these filters.');
    expect(second.querySelector('nav.pager a:not([rel])')?.getAttribute('href')).toBe('/timeline?q=review&kind=police_force&limit=1');
    expect(second.querySelector('nav.pager a[rel="next"]')).toBeNull();
  });

  it('offers the search as a feed and as JSON', async () => {
    const doc = dom((await get(`/timeline?${q('review')}&type=response`)).body);
    const links = all(doc, '.timeline-feeds a').map((a) => [words(a), a.getAttribute('href')]);
    expect(links).toEqual([
      ['Atom feed', '/feed.atom?q=review&type=response'],
      ['the same as JSON', '/api/timeline?q=review&type=response'],
    ]);
  });
});

describe('the search form', () => {
  it('is a labelled search box with the filters, keeping what was searched for', async () => {
    const doc = dom((await get(`/timeline?${q('  independent   review ')}&institution=borsetshire-police&from=2021-05-01`)).body);
    const form = doc.querySelector('form.filters')!;
    expect(form.getAttribute('role')).toBe('search');
    const box = form.querySelector('input#q')!;
    expect(box.getAttribute('type')).toBe('search');
    expect(box.getAttribute('name')).toBe('q');
    expect(box.getAttribute('value')).toBe('independent review');
    expect(words(form.querySelector('label[for="q"]'))).toBe('Search events');
    expect(box.getAttribute('aria-describedby')).toBe('q-hint');
    expect(words(doc.querySelector('#q-hint'))).toContain('Put a phrase in "double quotes"');
    expect(form.querySelector('#institution option[selected]')?.getAttribute('value')).toBe('borsetshire-police');
    // The institutions on record, by name.
    expect(all(form, '#institution option').map((o) => words(o))).toEqual(['All institutions', 'Borsetshire Police', 'Felpersham Mental Health NHS Trust', 'National Scheme Board']);
    expect(form.querySelector('input#from')?.getAttribute('value')).toBe('2021-05-01');
    for (const id of ['q', 'type', 'kind', 'region', 'ask', 'institution', 'from', 'to']) expect(form.querySelector(`label[for="${id}"]`), id).not.toBeNull();
  });

  it('keeps a pinned moment and revision in the form', async () => {
    const rev = currentRevision(t.app.tracker);
    const form = dom((await get(`/timeline?as_of=2021-06-01&rev=${rev}`)).body).querySelector('form.filters')!;
    expect(form.querySelector('input[type="hidden"][name="as_of"]')?.getAttribute('value')).toBe('2021-06-01');
    expect(form.querySelector('input[type="hidden"][name="rev"]')?.getAttribute('value')).toBe(String(rev));
  });

  it.each<[string, string, string]>([
    ['q=%2A%5E%28%29', 'q', 'Type a word or a number to search for: “*^()” has none'],
    [`q=${'a'.repeat(201)}`, 'q', 'Keep the search to 200 characters or fewer (it has 201)'],
    [`q=${Array.from({ length: 21 }, (_, i) => `w${i}`).join('+')}`, 'q', 'Search for 20 words and phrases at most (this search has 21)'],
    ['from=31/04/2021', 'from', 'The “from” date: 31/04/2021 is not a real date'],
    ['to=yesterday', 'to', 'Enter the “to” date like 2021-04-23, 23/4/2021 or 23 April 2021'],
    ['from=2021-05-07&to=2021-05-06', 'to', 'The “to” date is before the “from” date'],
    ['institution=nowhere', 'institution', 'No institution has the address “nowhere”'],
    ['ask=abolish', 'ask', '“abolish” is not one of the campaign’s asks'],
  ])('refuses %s with a 400, the message beside the field and in the summary', async (query, field, message) => {
    const res = await get(`/timeline?${query}`);
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    expect(doc.querySelector('title')?.textContent).toMatch(/^Error: Timeline/);
    expect(all(doc, '.error-summary li a').map((a) => [words(a), a.getAttribute('href')])).toEqual([[message, `#${field}`]]);
    const control = doc.querySelector(`#${field}`)!;
    expect(control.getAttribute('aria-invalid')).toBe('true');
    expect(control.getAttribute('aria-describedby')).toContain(`${field}-error`);
    expect(words(doc.querySelector(`#${field}-error`))).toBe(`Error: ${message}`);
    expect(doc.querySelector('article.event')).toBeNull();
    // The API says the same, naming the parameter.
    const api = await get(`/api/timeline?${query}`);
    expect(api.statusCode).toBe(400);
    expect(api.json()).toEqual({ error: 'Bad Request', statusCode: 400, message: `${message}.`, parameter: field });
  });
});

describe('hostile searches', () => {
  const HOSTILE = [
    '"unbalanced', 'unbalanced"', '"', '""', '"""', 'NEAR(', 'NEAR(review scheme, 2)', '*', '**', 'review*', '*review', '^', '^review', 'summary:review',
    'col:term', '{summary quote}:review', 'AND OR', 'OR', 'NOT', 'review AND', 'AND review', 'review OR', 'OR review', 'review NOT scheme', '- review', '-',
    '--review', '-"', '(review', 'review)', '+review', 'review\u0000scheme', '\u0000', 'review\u202escheme', '😀', 'review 😀', '👩‍⚕️ review', '✓',
    "' OR '1'='1' --", '"; DROP TABLE events; --', 'review" OR "1"="1', '\\"review\\"', '%', '_', 'a'.repeat(200), 'a'.repeat(10_000), 'x '.repeat(25),
    'ÉÈ', 'İstanbul', 'ß', '中文', 'العربية', 'review\uFFFFscheme',
  ];

  it.each(HOSTILE.map((h) => [JSON.stringify(h.length > 40 ? `${h.slice(0, 40)}… (${h.length})` : h), h]))('%s is a 200 or a clear 400, never a 500, on the page, the API and the feeds', async (_name, text) => {
    for (const base of ['/timeline', '/api/timeline', '/feed.atom', '/feed.json', `/institutions/${story.bodies.police.slug}/feed.atom`]) {
      const res = await get(`${base}?${q(text)}`);
      expect([200, 400], `${base}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      expect(res.body).not.toMatch(/SqliteError|fts5|syntax error|at .*\.ts:\d+/);
      if (res.statusCode === 400 && base === '/api/timeline') {
        expect(res.json().parameter).toBe('q');
        expect(res.json().message).toMatch(/search/i);
      }
      if (res.statusCode === 400 && base === '/timeline') expect(dom(res.body).querySelector('#q-error')).not.toBeNull();
    }
  });

  it('finds through the noise what it can read', async () => {
    expect(await apiIds(q('(independent review)'))).toEqual([story.events.statement]);
    expect(await apiIds(q('NEAR(independent review, 2)'))).toEqual([]);
    expect(await apiIds(q('summary:petition'))).toEqual([]);
    expect(await apiIds(q('"independent review'))).toEqual([story.events.statement]);
    expect(await apiIds(q('independent\u0000review'))).toEqual([story.events.statement]);
    expect(await apiIds(q('review 😀 petition'))).toEqual([]);
    expect(await apiIds(q('petition 😀'))).toEqual([story.events.petition]);
  });

  it('never fails in the database, whatever is typed (property)', () => {
    const at = now(t.app.tracker, t.app.now());
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('"', '*', '-', ' ', '(', ')', ':', '^', '+', 'OR', 'AND', 'NEAR', 'review', 'é', '\u0000', '😀', 'x', '{', '}') , maxLength: 30 }), (text) => {
        const selection = readTimelineFilter(t.app.tracker, { q: text }, at);
        if (!selection.ok) {
          expect(Object.keys(selection.errors)).toEqual(['q']);
          return;
        }
        timeline(t.app.tracker, at, selection.value.filter, null, 5);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The two ways of answering a search: starting from the events it finds, or walking every event
 * newest first. Random searches and filters, at random revisions, get the same events and counts.
 */
function bothWaysAgree(app: TestApp) {
  const tracker = app.app.tracker;
  const latest = currentRevision(tracker);
  const words = ['review', 'police', 'borsetshire', 'scheme', 'petition', 'fcp', 'loxley', 'consid*', '"independent review"', '"external inquiry"', '-police', 'OR', 'café', 'chronicle', 'national', 'appeal', '-"the scheme"', 'b*'];
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: latest }),
      fc.constantFrom(undefined, 'response', 'contact') as fc.Arbitrary<'response' | 'contact' | undefined>,
      fc.constantFrom(undefined, instantOf('2021-05-01')),
      (typed, rev, type, from) => {
        const at = { asOf: app.app.now(), rev };
        const selection = readTimelineFilter(tracker, { q: typed.join(' ') }, at);
        if (!selection.ok) return;
        const filter = { ...selection.value.filter, type, from };
        const r = reading(tracker, at);
        const fromHits = timelineRows(tracker.db, r, filter, null, 100, Number.MAX_SAFE_INTEGER).map((e) => e.versionId);
        const walking = timelineRows(tracker.db, r, filter, null, 100, 0).map((e) => e.versionId);
        expect(fromHits).toEqual(walking);
        expect(countTimelineRows(tracker.db, r, filter, 100, Number.MAX_SAFE_INTEGER)).toBe(walking.length);
        expect(countTimelineRows(tracker.db, r, filter, 100, 0)).toBe(walking.length);
      },
    ),
    { numRuns: 200 },
  );
}

describe('two ways of answering a search', () => {
  it('give the same events and counts, at every revision (property)', () => bothWaysAgree(t));
});

describe('marks', () => {
  it('marks each match in the summary, quote, sender, sources and institution name', async () => {
    const doc = dom((await get(`/timeline?${q('commission OR chronicle OR borsetshire OR coalition OR appeal')}`)).body);
    const marks = (id: number) => all(doc.querySelector(`article[aria-labelledby="event-${id}-title"]`), 'mark').map((m) => m.textContent);
    expect(marks(story.events.statement)).toEqual(['Borsetshire', 'Borsetshire', 'commission', 'commission', 'Chronicle']);
    expect(marks(story.events.petition)).toEqual(['Coalition', 'appeal']);
  });

  it('marks a phrase and the start of a word, whatever their case and accents', async () => {
    const doc = dom((await get(`/timeline?${q('"independent REVIEW" consid* cafe')}`)).body);
    expect(all(doc, 'main mark').map((m) => m.textContent)).toEqual([]);
    const either = dom((await get(`/timeline?${q('"independent REVIEW" OR consid* OR cafe')}`)).body);
    expect(all(either, 'main mark').map((m) => m.textContent)).toEqual(['considering', 'café', 'considering', 'independent review']);
  });

  it('says which other name of the institution matched', async () => {
    const doc = dom((await get(`/timeline?${q('fcp')}`)).body);
    const other = doc.querySelector(`article[aria-labelledby="event-${story.events.considering}-title"] .event-other-names`)!;
    expect(words(other)).toBe('Also known as FCP');
    expect(other.querySelector('mark')?.textContent).toBe('FCP');
    expect(dom((await get(`/timeline?${q('considering')}`)).body).querySelector('.event-other-names')).toBeNull();
  });

  it('escapes what it marks: markup in a summary stays text', async () => {
    const res = await get(`/timeline?${q('script review')}`);
    const doc = dom(res.body);
    expect(eventIds(doc)).toEqual([story.events.report]);
    expect(doc.querySelector('main script')).toBeNull();
    expect(res.body).toContain('A &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; report &amp; “<mark>review</mark>” of the scheme was published.');
    const summary = doc.querySelector(`article[aria-labelledby="event-${story.events.report}-title"] p:not(.event-when)`)!;
    expect(words(summary)).toBe('A <script>alert(1)</script> report & “review” of the scheme was published.');
    // A search typed as markup is shown again as text, in the box and in the count.
    const typed = await get(`/timeline?${q('<b>review</b>')}`);
    expect(typed.body).not.toContain('<b>review</b>');
    expect(dom(typed.body).querySelector('#q')?.getAttribute('value')).toBe('<b>review</b>');
  });

  it('leaves pages without a search unmarked', async () => {
    for (const url of ['/timeline', `/institutions/${story.bodies.police.slug}`, `/events/${story.events.statement}`, '/']) {
      expect((await get(url)).body, url).not.toContain('<mark>');
    }
  });

  it.each<[string, string, string[]]>([
    ['the whole word only', 'review reviews preview', ['review']],
    ['a prefix', 'review reviews preview', ['review', 'reviews']],
    ['a phrase across punctuation', 'an independent—review, then', ['independent—review']],
    ['accents either way', 'Café cafe CAFÉ', ['Café', 'cafe', 'CAFÉ']],
  ])('highlight: %s', (what, text, marked) => {
    const search = parseSearch(what === 'a prefix' ? 'review*' : what === 'a phrase across punctuation' ? '"independent review"' : what === 'accents either way' ? 'café' : 'review');
    expect(search.ok).toBe(true);
    const segments = highlight(text, search.ok ? search.value : null);
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(marked);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });
});

describe('the feeds', () => {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
  const eventUrl = (id: number) => `https://tracker.example.org/events/${id}`;

  it('take the search and filters: Atom, RSS and JSON Feed', async () => {
    const atom = xml.parse((await get(`/feed.atom?${q('review')}&type=response`)).body).feed;
    expect([atom.entry].flat().map((e: { id: string }) => e.id)).toEqual([story.events.considering, story.events.statement].map(eventUrl));
    expect(atom.title['#text'] ?? atom.title).toBe('Fixture campaign: who will close the scheme? (search: “review”)');
    expect(atom.id).toBe('https://tracker.example.org/timeline?q=review&type=response');
    const self = [atom.link].flat().find((l: { '@rel': string }) => l['@rel'] === 'self');
    expect(self['@href']).toBe('https://tracker.example.org/feed.atom?q=review&type=response');
    const json = (await get(`/feed.json?${q('review')}&institution=borsetshire-police`)).json();
    expect(json.items.map((i: { id: string }) => i.id)).toEqual([story.events.later, story.events.statement].map(eventUrl));
    const rss = xml.parse((await get(`/feed.rss?from=2021-05-07`)).body).rss.channel;
    expect([rss.item].flat().map((i: { link: string }) => i.link)).toEqual([story.events.later, story.events.report].map(eventUrl));
    expect(rss.title).toBe('Fixture campaign: who will close the scheme? (filtered)');
  });

  it('per institution, with the search', async () => {
    const atom = xml.parse((await get(`/institutions/${story.bodies.police.slug}/feed.atom?${q('commission')}`)).body).feed;
    expect([atom.entry].flat().map((e: { id: string }) => e.id)).toEqual([eventUrl(story.events.statement)]);
    const self = [atom.link].flat().find((l: { '@rel': string }) => l['@rel'] === 'self');
    expect(self['@href']).toBe(`https://tracker.example.org/institutions/${story.bodies.police.slug}/feed.atom?q=commission`);
  });

  it('refuse a bad search or filter with a 400', async () => {
    expect((await get(`/feed.atom?${q('^^^')}`)).statusCode).toBe(400);
    expect((await get('/feed.rss?from=31/04/2021')).statusCode).toBe(400);
    expect((await get('/feed.json?institution=nowhere')).statusCode).toBe(400);
  });
});

/** Posts an admin form as a browser would: every field as the form shows it, with the changes typed in. */
async function postForm(client: Client, formUrl: string, action: string, changes: Record<string, string>) {
  const form = dom((await client.get(formUrl)).body).querySelector(`form[action="${action}"]`)!;
  const fields: Record<string, string> = {};
  for (const input of form.querySelectorAll('input[name], textarea[name]')) fields[input.getAttribute('name')!] = input.tagName === 'TEXTAREA' ? (input.textContent ?? '') : (input.getAttribute('value') ?? '');
  for (const select of form.querySelectorAll('select[name]')) fields[select.getAttribute('name')!] = select.querySelector('option[selected]')?.getAttribute('value') ?? '';
  return client.post(action, { ...fields, ...changes });
}

describe('a search at a revision', () => {
  let r: TestApp;
  let admin: Client;
  let made: Awaited<ReturnType<typeof buildStory>>;
  let before: number;
  let corrected: number;
  let renamed: number;

  beforeAll(async () => {
    r = await makeApp({ dataDir: FIXTURE_DATA });
    made = await buildStory(r);
    ({ client: admin } = await signedIn(r, 'admin'));
    before = currentRevision(r.app.tracker);
    // The police's words are corrected: "independent review" becomes "external inquiry".
    const id = made.events.statement;
    const res = await postForm(admin, `/admin/events/${id}/edit`, `/admin/events/${id}`, {
      quote: 'We will commission an external inquiry into the partnership.',
      correction_note: 'The statement promised an external inquiry, not a review.',
    });
    expect(res.statusCode).toBe(303);
    corrected = currentRevision(r.app.tracker);
    // Then the trust is renamed, and loses its other name FCP.
    const slug = made.bodies.trust.slug;
    const renaming = await postForm(admin, `/admin/institutions/${slug}/edit`, `/admin/institutions/${slug}`, {
      name: 'Felpersham and Loxley NHS Foundation Trust', aliases: 'Felpersham Mental Health NHS Trust',
    });
    expect(renaming.statusCode).toBe(303);
    renamed = currentRevision(r.app.tracker);
    expect(renamed).toBeGreaterThan(corrected);
    expect(corrected).toBeGreaterThan(before);
  });
  afterAll(async () => r.close());

  it('finds the corrected words at once, and no longer the old ones', async () => {
    expect(await apiIds(q('"external inquiry"'), r)).toEqual([made.events.statement]);
    expect(await apiIds(q('"independent review"'), r)).toEqual([]);
  });

  it('pinned to the revision before, finds what the record said then, and not what it says now', async () => {
    expect(await apiIds(`${q('"independent review"')}&rev=${before}`, r)).toEqual([made.events.statement]);
    expect(await apiIds(`${q('"external inquiry"')}&rev=${before}`, r)).toEqual([]);
    const doc = dom((await get(`/timeline?${q('"independent review"')}&rev=${before}`, r)).body);
    expect(eventIds(doc)).toEqual([made.events.statement]);
    expect(all(doc, 'main article mark').map((m) => m.textContent)).toEqual(['independent review']);
    // The page says the record has been revised since.
    expect(doc.querySelector('.revised-notice')).not.toBeNull();
  });

  it('finds an institution by the name it had at the revision read', async () => {
    const trust = made.events.considering;
    expect(await apiIds(q('loxley'), r)).toEqual([trust]);
    expect(await apiIds(`${q('loxley')}&rev=${corrected}`, r)).toEqual([]);
    // The old name is now another name of the trust: still found, as the directory says so.
    expect(await apiIds(q('"felpersham mental health"'), r)).toEqual([trust]);
    expect(await apiIds(q('fcp'), r)).toEqual([]);
    expect(await apiIds(`${q('fcp')}&rev=${corrected}`, r)).toEqual([trust]);
    const doc = dom((await get(`/timeline?${q('loxley')}`, r)).body);
    expect(all(doc, 'main article .event-title mark').map((m) => m.textContent)).toEqual(['Loxley']);
  });

  it('answers the same both ways, before and after the correction and the rename (property)', () => bothWaysAgree(r));

  it('keeps one index row per version, in step with the record', () => {
    const db = r.app.tracker.db.$client;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT count(*) AS n FROM event_search')).toBe(count('SELECT count(*) AS n FROM event_versions'));
    expect(count('SELECT count(*) AS n FROM institution_search')).toBe(count('SELECT count(*) AS n FROM institution_versions'));
    expect(count('SELECT count(*) AS n FROM event_versions v LEFT JOIN event_search s ON s.rowid = v.version_id WHERE s.rowid IS NULL OR s.summary <> v.summary')).toBe(0);
    db.exec("INSERT INTO event_search (event_search) VALUES ('integrity-check'); INSERT INTO institution_search (institution_search) VALUES ('integrity-check');");
  });
});

describe('a database made before search', () => {
  it('gets its index when migrated: every version already written is found', async () => {
    const dir = tempDir();
    try {
      const older = path.join(dir, 'migrations');
      fs.cpSync(MIGRATIONS_DIR, older, { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(older, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag.endsWith('_search')));
      fs.writeFileSync(path.join(older, 'meta/_journal.json'), JSON.stringify(journal));
      const file = path.join(dir, 'tracker.db');
      const sqlite = new Database(file);
      migrate(drizzle(sqlite), { migrationsFolder: older });
      const at = instantOf('2026-01-10', '10:00');
      sqlite.exec(`
        INSERT INTO revisions (id, at, actor, action) VALUES (1, ${at}, 'Eddie Editor', 'event.create'), (2, ${at + 1000}, 'Eddie Editor', 'event.update');
        INSERT INTO institutions (id, slug, name, kind, active, created_at) VALUES (1, 'wessex-police', 'Wessex Police', 'police_force', 1, ${at});
        INSERT INTO institution_versions (institution_id, rev_from, slug, name, kind, active, aliases) VALUES (1, 1, 'wessex-police', 'Wessex Police', 'police_force', 1, '["WHIPP"]');
        INSERT INTO event_versions (version_id, event_id, rev_from, rev_to, type, institution_id, occurred_at, occurred_on, has_time, channel, summary)
          VALUES (1, 1, 1, 2, 'contact', 1, ${instantOf('2021-05-01')}, '2021-05-01', 0, 'email', 'A letter about the pilot'),
                 (2, 1, 2, NULL, 'contact', 1, ${instantOf('2021-05-01')}, '2021-05-01', 0, 'email', 'A letter about the programme');
        INSERT INTO event_version_sources (version_id, title, publisher) VALUES (2, 'Campaign letter', 'Wessex Gazette');
      `);
      sqlite.close();

      const upgraded = await makeApp({ dataDir: FIXTURE_DATA, env: { DATABASE_PATH: file } });
      try {
        expect(await apiIds(q('programme gazette whipp'), upgraded)).toEqual([1]);
        expect(await apiIds(q('pilot'), upgraded)).toEqual([]);
        expect(await apiIds(`${q('pilot')}&rev=1`, upgraded)).toEqual([1]);
      } finally {
        await upgraded.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
