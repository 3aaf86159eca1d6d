/**
 * The JSON API and its OpenAPI document, on a story these tests build: a national body
 * approached twice on Friday 23 April 2021 that only acknowledged; a network approached on
 * 26 April that commented on 6 May; a police force that committed to the review and a trust
 * considering it, sharing a local scheme name (BISP); a Welsh force, a closed trust, an ICB; a
 * draft that must never show; a force approached and chased this week.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { contact, FIXTURE_DATA, institution, milestone, response } from '../factories.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { dom, makeApp, words, type TestApp } from '../helpers.js';

async function buildStory() {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const bodies = {
    board: institution(db, { name: 'National Scheme Board', kind: 'nhs_england', country: 'England' }),
    network: institution(db, { name: 'Scheme Founders Network', kind: 'other', aliases: ['SFN'] }),
    police: institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire', aliases: ['BISP'] }),
    trust: institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1', region: 'South East', aliases: ['BISP'] }),
    welsh: institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', code: 'ambridge', country: 'Wales' }),
    westshire: institution(db, { name: 'Westshire Police', kind: 'police_force', code: 'westshire' }),
    midsomer: institution(db, { name: 'Midsomer Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ2', region: 'Midlands' }),
    closed: institution(db, { name: 'Old Borchester Mental Health Trust', kind: 'mental_health_trust', code: 'RZ3', region: 'South East', active: false }),
    icb: institution(db, { name: 'Borsetshire Integrated Care Board', kind: 'icb', code: 'QZ1', region: 'South East' }),
  };
  const { board, network, police, trust, welsh, westshire } = bodies;
  const events = {
    petition: contact(db, board, { date: '2021-04-23', channel: 'petition', from: 'Scheme Survivors Coalition', dueOn: '2021-05-10', summary: 'Petition asking the National Scheme Board to close the scheme.' }),
    enquiry: contact(db, board, { date: '2021-04-23', channel: 'press_enquiry', from: 'Felpersham Gazette', dueOn: '2021-05-10', summary: 'Asked the National Scheme Board to answer the petition.' }),
    asked: contact(db, network, { date: '2021-04-26', channel: 'email', dueOn: '2021-05-11', summary: 'Asked the Scheme Founders Network whether it would support a review.' }),
    // An acknowledgement is not a comment: it does not stop the clock.
    ack: response(db, board, { date: '2021-04-28', responseType: 'acknowledgement', summary: 'The board acknowledged the petition.' }),
    founders: response(db, network, { date: '2021-05-06', summary: 'The network’s founder said a review was needed.' }),
    committed: response(db, police, {
      date: '2021-05-06', summary: 'Borsetshire Police said it would commission a review of BISP.',
      quote: 'With our partners, we will commission an independent review of BISP.', positions: { review: 'committed' },
      source: { title: 'Force to review BISP', url: null, publisher: 'Felpersham Gazette', publishedOn: '2021-05-06' },
    }),
    considering: response(db, trust, { date: '2021-05-06', summary: 'The trust is considering the concerns.', quote: 'We are considering how the concerns relate to BISP.', positions: { review: 'considering' } }),
    report: milestone(db, null, { date: '2021-05-06', time: '11:30', summary: 'The Felpersham Gazette reports that the National Scheme Board has not commented.' }),
    draft: response(db, welsh, { date: '2021-05-05', status: 'draft', positions: { review: 'done' }, summary: 'Draft: Ambridge Constabulary ended the scheme.' }),
    // Monday 16 November 2026, chased on Friday 20 November: as at 12:00 on Sunday 22 November, 6 days and 4 working days.
    recent: contact(db, westshire, { date: '2026-11-16', channel: 'email', dueOn: '2026-11-30', summary: 'Asked Westshire Police whether it runs the scheme.' }),
    chase: contact(db, westshire, { date: '2026-11-20', channel: 'phone', dueOn: '2026-12-04', summary: 'Chased Westshire Police by phone.' }),
  };
  return { t, bodies, events };
}

type EventName = keyof Awaited<ReturnType<typeof buildStory>>['events'];
let story: Awaited<ReturnType<typeof buildStory>>;
let t: TestApp;
beforeAll(async () => {
  story = await buildStory();
  t = story.t;
});
afterAll(async () => t.close());

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
};
type Institution = { slug: string; name: string; kind: string; country: string | null; active: boolean; silence: unknown; positions: Record<string, { stance: string }> };
const bySlug = (body: { institutions: Institution[] }) => Object.fromEntries(body.institutions.map((i) => [i.slug, i]));
const ids = (body: { events: { id: number }[] }) => body.events.map((e) => e.id);
const none = { stance: 'none', since: null, eventId: null };

describe('GET /api/institutions', () => {
  it('reproduces the worked example as at 11:30 on 6 May 2021, with exactly the contract fields', async () => {
    const { bodies, events } = story;
    const { status, body } = await get('/api/institutions?as_of=2021-05-06T11:30');
    expect(status).toBe(200);
    expect(body.asOf).toBe('2021-05-06T10:30:00.000Z');
    const all = bySlug(body);
    expect(all[bodies.board.slug]).toEqual({
      slug: bodies.board.slug,
      name: 'National Scheme Board',
      kind: 'nhs_england',
      code: null,
      region: null,
      country: 'England',
      aliases: [],
      active: true,
      url: `https://tracker.example.org/institutions/${bodies.board.slug}`,
      email: null,
      positions: { halt: none, review: none },
      // Friday 23 April to Thursday 6 May 2021: 13 days; 8 working days, as Monday 3 May was a bank holiday.
      silence: { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 2, lastContact: '2021-04-23' },
    });
    expect(all[bodies.police.slug]).toMatchObject({ aliases: ['BISP'], code: 'borsetshire', kind: 'police_force', positions: { halt: none, review: { stance: 'committed', since: '2021-05-06', eventId: events.committed } }, silence: null });
    expect(all[bodies.trust.slug]).toMatchObject({ aliases: ['BISP'], region: 'South East', positions: { halt: none, review: { stance: 'considering', since: '2021-05-06', eventId: events.considering } }, silence: null });
    expect(all[bodies.network.slug]).toMatchObject({ code: null, region: null, aliases: ['SFN'], positions: { halt: none, review: none }, silence: null });
    expect(all[bodies.welsh.slug]).toMatchObject({ positions: { halt: none, review: none }, silence: null });
  });

  it.each([
    // Monday 26 April to Wednesday 5 May 2021: 9 days, 6 working days (not the bank holiday of 3 May).
    ['2021-05-05', 'network', { since: '2021-04-26', calendarDays: 9, workingDays: 6, unansweredContacts: 1, lastContact: '2021-04-26' }],
    // Its statement of 6 May 2021 ended it.
    ['2021-05-06', 'network', null],
    // The acknowledgement of 28 April did not stop the clock.
    ['2021-04-30', 'board', { since: '2021-04-23', calendarDays: 7, workingDays: 5, unansweredContacts: 2, lastContact: '2021-04-23' }],
    // At the test clock: first approached on Monday 16 November 2026, chased on Friday 20 November.
    [undefined, 'westshire', { since: '2026-11-16', calendarDays: 6, workingDays: 4, unansweredContacts: 2, lastContact: '2026-11-20' }],
    ['2026-11-19T12:00', 'westshire', { since: '2026-11-16', calendarDays: 3, workingDays: 3, unansweredContacts: 1, lastContact: '2026-11-16' }],
  ] as const)('as at %s, the silence of %s', async (asOf, who, silence) => {
    const { body } = await get(`/api/institutions${asOf ? `?as_of=${asOf}` : ''}`);
    expect(bySlug(body)[story.bodies[who].slug]!.silence).toEqual(silence);
  });

  it('holds the whole directory: every kind, country and status as it was built', async () => {
    const { body } = await get('/api/institutions');
    expect(body.asOf).toBe('2026-11-22T12:00:00.000Z');
    expect(body.institutions.map((i: Institution) => [i.name, i.kind, i.country, i.active])).toEqual([
      ['Ambridge Constabulary', 'police_force', 'Wales', true],
      ['Borsetshire Integrated Care Board', 'icb', 'England', true],
      ['Borsetshire Police', 'police_force', 'England', true],
      ['Felpersham Mental Health NHS Trust', 'mental_health_trust', 'England', true],
      ['Midsomer Mental Health NHS Trust', 'mental_health_trust', 'England', true],
      ['National Scheme Board', 'nhs_england', 'England', true],
      ['Old Borchester Mental Health Trust', 'mental_health_trust', 'England', false],
      ['Scheme Founders Network', 'other', 'England', true],
      ['Westshire Police', 'police_force', 'England', true],
    ]);
  });

  it.each([
    ['kind=police_force', ['Ambridge Constabulary', 'Borsetshire Police', 'Westshire Police']],
    ['kind=mental_health_trust&region=South%20East', ['Felpersham Mental Health NHS Trust', 'Old Borchester Mental Health Trust']],
    ['region=South%20East', ['Borsetshire Integrated Care Board', 'Felpersham Mental Health NHS Trust', 'Old Borchester Mental Health Trust']],
    ['kind=icb&region=Midlands', []],
  ])('filters by %s', async (filter, names) => {
    const { body } = await get(`/api/institutions?${filter}`);
    expect(body.institutions.map((i: Institution) => i.name)).toEqual(names);
  });

  it('shows no figures before anything happened, and leaves drafts out', async () => {
    const { body } = await get('/api/institutions?as_of=2021-04-22');
    expect(body.institutions).toHaveLength(9);
    for (const i of body.institutions as Institution[]) {
      expect(i.silence, i.slug).toBeNull();
      expect(i.positions, i.slug).toEqual({ halt: none, review: none });
    }
    // The draft "done" of 5 May 2021 never counts.
    expect(bySlug((await get('/api/institutions')).body)[story.bodies.welsh.slug]!.positions).toEqual({ halt: none, review: none });
  });

  it.each([
    ['/api/institutions?as_of=yesterday', 'as_of'],
    ['/api/institutions?as_of=2021-02-30', 'as_of'],
    ['/api/institutions?as_of=2099-01-01', 'as_of'],
    ['/api/institutions?as_of=2026-11-22T12:02', 'as_of'],
    ['/api/institutions?kind=charity', 'kind'],
    ['/api/timeline?limit=0', 'limit'],
    ['/api/timeline?limit=201', 'limit'],
    ['/api/timeline?type=rumour', 'type'],
    ['/api/timeline?before=yesterday', 'before'],
    ['/api/timeline?ask=abolish', 'ask'],
    ['/api/events/abc', 'id'],
  ])('%s is a 400 naming %s', async (url, parameter) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'Bad Request', statusCode: 400, parameter });
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'parameter', 'statusCode']);
    expect(body.message).toBeTruthy();
  });
});

describe('GET /api/institutions/:slug', () => {
  it('gives the institution and its events, newest first', async () => {
    const { bodies, events } = story;
    const { status, body } = await get(`/api/institutions/${bodies.board.slug}?as_of=2021-05-06T11:30`);
    expect(status).toBe(200);
    expect(body.asOf).toBe('2021-05-06T10:30:00.000Z');
    expect(body.institution.silence).toEqual({ since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 2, lastContact: '2021-04-23' });
    expect(body.events.map((e: { type: string; responseType: string | null }) => [e.type, e.responseType])).toEqual([['response', 'acknowledgement'], ['contact', null], ['contact', null]]);
    expect(ids(body)).toEqual([events.ack, events.enquiry, events.petition]);
  });

  it('finds aliases, quotes and positions in the record', async () => {
    const { body } = await get(`/api/institutions/${story.bodies.police.slug}`);
    expect(body.institution.aliases).toEqual(['BISP']);
    expect(ids(body)).toEqual([story.events.committed]);
    expect(body.events[0].quote).toBe('With our partners, we will commission an independent review of BISP.');
    expect(body.events[0].positions).toEqual({ review: 'committed' });
  });

  it('gives an institution with nothing on record, without its drafts', async () => {
    const { status, body } = await get(`/api/institutions/${story.bodies.welsh.slug}`);
    expect(status).toBe(200);
    expect(body.events).toEqual([]);
    expect(body.institution).toMatchObject({ name: 'Ambridge Constabulary', country: 'Wales', silence: null });
  });

  it('is a 404 for an unknown slug', async () => {
    const { status, body } = await get('/api/institutions/ministry-of-magic');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'Not Found', statusCode: 404, parameter: 'slug' });
  });
});

describe('GET /api/timeline', () => {
  it('lists the published events newest first with the contract fields', async () => {
    const { events } = story;
    const { body } = await get('/api/timeline?as_of=2021-05-06T23:00');
    expect(body.asOf).toBe('2021-05-06T22:00:00.000Z');
    expect(ids(body)).toEqual([events.report, events.considering, events.committed, events.founders, events.ack, events.asked, events.enquiry, events.petition]);
    expect(body.next).toBeNull();
    const [first] = body.events;
    expect(first).toEqual({
      id: events.report,
      type: 'milestone',
      institution: null,
      occurredAt: '2021-05-06T10:30:00.000Z',
      date: '2021-05-06',
      channel: null,
      from: null,
      responseType: null,
      summary: 'The Felpersham Gazette reports that the National Scheme Board has not commented.',
      quote: null,
      positions: {},
      sources: [expect.objectContaining({ url: 'https://news.example.org/story', publisher: 'Example News', publishedOn: '2021-05-06' })],
      dueOn: null,
      lateOn: null,
      longOverdueOn: null,
      url: `https://tracker.example.org/events/${events.report}`,
    });
    const dates = body.events.map((e: { occurredAt: string }) => e.occurredAt);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('pages with a cursor: every event once, in order, across a tie, and the next link keeps the filters', async () => {
    const { events } = story;
    const pages: number[][] = [];
    let url: string | null = '/api/timeline?limit=3&as_of=2021-06-01';
    while (url) {
      const { body } = await get(url.replace('https://tracker.example.org', ''));
      pages.push(ids(body));
      url = body.next;
      if (url) expect(url).toMatch(/^https:\/\/tracker\.example\.org\/api\/timeline\?as_of=2021-06-01&limit=3&before=/);
    }
    // The three statements of 6 May 2021 share a moment: the first page ends between them.
    expect(pages).toEqual([[events.report, events.considering, events.committed], [events.founders, events.ack, events.asked], [events.enquiry, events.petition]]);
    const { body: all } = await get('/api/timeline?as_of=2021-06-01');
    expect(pages.flat()).toEqual(ids(all));
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const { body } = await get('/api/timeline?limit=8&as_of=2021-06-01');
    expect(body.events).toHaveLength(8);
    expect(body.next).toBeNull();
    const { body: short } = await get('/api/timeline?limit=7&as_of=2021-06-01');
    expect(short.next).toMatch(/limit=7/);
  });

  it.each<[string, EventName[]]>([
    ['type=response', ['considering', 'committed', 'founders', 'ack']],
    ['type=contact', ['chase', 'recent', 'asked', 'enquiry', 'petition']],
    ['type=milestone', ['report']],
    ['kind=police_force', ['chase', 'recent', 'committed']],
    ['kind=mental_health_trust', ['considering']],
    ['kind=nhs_england', ['ack', 'enquiry', 'petition']],
    ['region=South%20East', ['considering']],
    ['ask=review', ['considering', 'committed']],
    ['ask=halt', []],
    ['type=contact&kind=police_force&as_of=2026-11-19', ['recent']],
  ])('filters by %s', async (filter, expected) => {
    const { body } = await get(`/api/timeline?${filter}`);
    expect(ids(body)).toEqual(expected.map((name) => story.events[name]));
  });

  it('keeps the filters in the next page', async () => {
    const { body } = await get('/api/timeline?type=contact&kind=police_force&limit=1');
    expect(ids(body)).toEqual([story.events.chase]);
    expect(body.next).toMatch(/^https:\/\/tracker\.example\.org\/api\/timeline\?type=contact&kind=police_force&limit=1&before=/);
    const next = await get(body.next.replace('https://tracker.example.org', ''));
    expect(ids(next.body)).toEqual([story.events.recent]);
    expect(next.body.next).toBeNull();
  });

  it('shows nothing before the first event', async () => {
    const { body } = await get('/api/timeline?as_of=2021-04-22T23:59');
    expect(body.events).toEqual([]);
    expect(body.next).toBeNull();
  });
});

describe('GET /api/events/:id and /api/campaign', () => {
  it('gives one event with its sources', async () => {
    const { events, bodies } = story;
    const { status, body } = await get(`/api/events/${events.committed}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      asOf: '2026-11-22T12:00:00.000Z',
      // The latest revision, with nothing revised since.
      revision: currentRevision(t.app.tracker),
      revisedSince: [],
      // A campaign that has not ended.
      campaign: { endedOn: null, recordKept: true, lastUpdatedOn: '2026-11-20', stale: false },
      calendar: { holidaysUntil: '2027-12-31', workingDaysAvailable: true },
      event: {
        id: events.committed,
        type: 'response',
        institution: bodies.police.slug,
        // A date without a time is the start of that London day: midnight BST.
        occurredAt: '2021-05-05T23:00:00.000Z',
        date: '2021-05-06',
        channel: null,
        from: null,
        responseType: 'statement',
        summary: 'Borsetshire Police said it would commission a review of BISP.',
        quote: 'With our partners, we will commission an independent review of BISP.',
        positions: { review: 'committed' },
        sources: [{ title: 'Force to review BISP', url: null, publisher: 'Felpersham Gazette', publishedOn: '2021-05-06' }],
        dueOn: null,
        lateOn: null,
        longOverdueOn: null,
        url: `https://tracker.example.org/events/${events.committed}`,
      },
    });
  });

  it('gives an approach with its channel, sender and reply due date', async () => {
    const { body } = await get(`/api/events/${story.events.petition}`);
    expect(body.event).toMatchObject({ type: 'contact', channel: 'petition', from: 'Scheme Survivors Coalition', responseType: null, dueOn: '2021-05-10', occurredAt: '2021-04-22T23:00:00.000Z' });
  });

  it('is a 404 for an unknown event, a draft, and one that had not happened as at as_of', async () => {
    const unknown = await get(`/api/events/${story.events.chase + 1000}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.parameter).toBe('id');
    expect((await get(`/api/events/${story.events.draft}`)).status).toBe(404);
    const later = await get(`/api/events/${story.events.committed}?as_of=2021-05-05T23:59`);
    expect(later.status).toBe(404);
    expect(later.body.message).toMatch(/had not happened/);
    expect((await get(`/api/events/${story.events.committed}?as_of=2021-05-06T00:00`)).status).toBe(200);
  });

  it('describes the campaign and its asks', async () => {
    const { body } = await get('/api/campaign');
    expect(body).toEqual({
      asOf: '2026-11-22T12:00:00.000Z',
      revision: currentRevision(t.app.tracker),
      revisedSince: [],
      title: 'Fixture campaign: who will close the scheme?',
      summary: 'A campaign made up for the tests. It asks public bodies to close a scheme and to review it.',
      asks: [
        { slug: 'halt', title: 'Close the scheme', description: 'Close the scheme at once.' },
        { slug: 'review', title: 'Independent review', description: 'Commission an independent review of the scheme.' },
      ],
      campaign: { endedOn: null, recordKept: true, lastUpdatedOn: '2026-11-20', stale: false },
      calendar: { holidaysUntil: '2027-12-31', workingDaysAvailable: true },
      endedOn: null,
      outcome: null,
    });
  });

  it('reports health once the database is open and migrated', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI document with every API route, each taking as_of', async () => {
    const { body: doc } = await get('/api/openapi.json');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/campaign', '/api/events/{id}', '/api/institutions', '/api/institutions/{slug}', '/api/timeline']);
    for (const path of Object.keys(doc.paths)) {
      expect(doc.paths[path].get.parameters.some((p: { name: string }) => p.name === 'as_of'), path).toBe(true);
    }
  });

  it('describes the fields every answer holds', async () => {
    const { body: doc } = await get('/api/openapi.json');
    const answer = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
    const institutions = answer('/api/institutions');
    expect(Object.keys(institutions.properties).sort()).toEqual(['asOf', 'calendar', 'campaign', 'institutions', 'revisedSince', 'revision']);
    const { body } = await get('/api/institutions');
    expect(Object.keys(institutions.properties.institutions.items.properties).sort()).toEqual(Object.keys(body.institutions[0]).sort());
    const timeline = answer('/api/timeline');
    const { body: events } = await get('/api/timeline');
    expect(Object.keys(timeline.properties.events.items.properties).sort()).toEqual(Object.keys(events.events[0]).sort());
  });

  it('is listed on a readable page with every route and its parameters, with the licence', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api' });
    const doc = dom(res.body);
    const { body: openapi } = await get('/api/openapi.json');
    expect([...doc.querySelectorAll('main section h2 code')].map((c) => words(c))).toEqual(Object.keys(openapi.paths).map((p) => `GET ${p}`));
    for (const section of doc.querySelectorAll('main section')) {
      expect([...section.querySelectorAll('tbody th code')].map((c) => words(c)), words(section.querySelector('h2'))).toContain('as_of');
    }
    expect(words(doc.querySelector('main h1 + p'))).toContain('licensed CC BY 4.0');
    const about = dom((await t.app.inject({ method: 'GET', url: '/about' })).body);
    expect(words(about.querySelector('a[href="https://creativecommons.org/licenses/by/4.0/"]'))).toBe('Creative Commons Attribution 4.0 licence (CC BY 4.0)');
  });
});
