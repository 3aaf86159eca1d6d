/**
 * What journalists and other sites use: citations, time travel, what changed, badges, embeds and
 * sharing metadata, on a story these tests build. A national body is approached twice on Friday
 * 23 April 2021 and comments only on 14 June; a network approached on 26 April comments on 6 May;
 * a police force commits to the review on 6 May and a trust considers it, then refuses on 10 June;
 * a force is approached on Monday 16 November 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution, milestone, response } from '../factories.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { dom, makeApp, shown, words, type TestApp } from '../helpers.js';

const SITE = 'Fixture campaign: who will close the scheme?';
const LONG_NAME = 'Borsetshire, Felpersham and Westshire Integrated Mental Health and Wellbeing Partnership NHS Foundation Trust';

async function buildStory() {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const bodies = {
    board: institution(db, { name: 'National Scheme Board', kind: 'nhs_england' }),
    network: institution(db, { name: 'Scheme Founders Network', kind: 'other', aliases: ['SFN'] }),
    police: institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire', aliases: ['BISP'] }),
    trust: institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1', region: 'South East', aliases: ['BISP'] }),
    welsh: institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', code: 'ambridge', country: 'Wales' }),
    westshire: institution(db, { name: 'Westshire Police', kind: 'police_force', code: 'westshire' }),
    long: institution(db, { name: LONG_NAME, kind: 'mental_health_trust', code: 'RZ9', region: 'South East' }),
    hostile: institution(db, { name: 'Loxley "Quoted" <Body> & Co', kind: 'other' }),
  };
  const { board, network, police, trust, westshire } = bodies;
  const events = {
    petition: contact(db, board, { date: '2021-04-23', channel: 'petition', from: 'Scheme Survivors Coalition', summary: 'Petition asking the National Scheme Board to close the scheme.' }),
    // No full stop: the citation adds one.
    enquiry: contact(db, board, { date: '2021-04-23', channel: 'press_enquiry', from: 'Felpersham Gazette', summary: 'Asked the National Scheme Board to answer the petition' }),
    asked: contact(db, network, { date: '2021-04-26', channel: 'email', summary: 'Asked the Scheme Founders Network whether it would support a review.' }),
    founders: response(db, network, { date: '2021-05-06', summary: 'The network’s founder said a review was needed.' }),
    committed: response(db, police, { date: '2021-05-06', summary: 'Borsetshire Police said it would commission a review of BISP.', quote: 'With our partners, we will commission an independent review of BISP.', positions: { review: 'committed' } }),
    considering: response(db, trust, { date: '2021-05-06', summary: 'The trust is considering the concerns.', quote: 'We are considering how the concerns relate to BISP.', positions: { review: 'considering' } }),
    report: milestone(db, null, { date: '2021-05-06', time: '11:30', summary: 'The Felpersham Gazette reports that the National Scheme Board has not commented.' }),
    refusal: response(db, trust, { date: '2021-06-10', summary: 'The trust will not commission a review.', positions: { review: 'refused' } }),
    boardReply: response(db, board, { date: '2021-06-14', summary: 'The National Scheme Board said it would reply to the petition in time.' }),
    recent: contact(db, westshire, { date: '2026-11-16', channel: 'email', summary: 'Asked Westshire Police whether it runs the scheme.' }),
  };
  return { t, bodies, events };
}

let story: Awaited<ReturnType<typeof buildStory>>;
let t: TestApp;
beforeAll(async () => {
  story = await buildStory();
  t = story.t;
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const page = async (url: string) => dom((await get(url)).body);
/** The revision a citation made now pins: the latest. */
const rev = () => currentRevision(t.app.tracker);
const citation = (doc: Document) => words(doc.querySelector('#citation-text'));
const section = (doc: Document, heading: string) => [...doc.querySelectorAll('main h2')].find((h) => words(h).startsWith(heading));
/** The items listed under a heading of /changes, up to the next heading. */
const listedUnder = (doc: Document, heading: string) => {
  const h = section(doc, heading);
  const items: string[] = [];
  for (let e = h?.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) {
    if (e.tagName === 'UL') items.push(...[...e.querySelectorAll('li')].map((li) => words(li)));
    if (e.tagName === 'ARTICLE') items.push(words(e.querySelector('.event-title')));
  }
  return { heading: words(h), items };
};

describe('cite this', () => {
  it('gives a ready sentence on an institution page whose link reproduces the same figure', async () => {
    const { board } = story.bodies;
    const doc = await page(`/institutions/${board.slug}?as_of=2021-05-06T11:30`);
    const link = `https://tracker.example.org/institutions/${board.slug}?as_of=2021-05-06T10:30:00Z&rev=${rev()}`;
    const sentence = citation(doc);
    expect(sentence).toBe(
      'As at 11:30 on 6 May 2021 (UK time), as recorded at 12:00 on 22 November 2026, National Scheme Board had not commented 13 days (8 working days) after it was first approached on 23 April 2021. ' +
        `Source: ${SITE}, ${link}`,
    );
    expect(doc.querySelector('.citation a')?.getAttribute('href')).toBe(link);
    expect(citation(await page(link.replace('https://tracker.example.org', '')))).toBe(sentence);
    const api = (await get(`/api/institutions/${board.slug}?as_of=2021-05-06T10:30:00Z`)).json();
    expect(sentence).toContain(`${api.institution.silence.calendarDays} days (${api.institution.silence.workingDays} working days)`);
  });

  it('cites positions when there is no silence, and says when none was stated', async () => {
    const { police, welsh } = story.bodies;
    expect(citation(await page(`/institutions/${police.slug}?as_of=2021-05-07`))).toBe(
      `At the end of 7 May 2021 (UK time), as recorded at 12:00 on 22 November 2026, Borsetshire Police’s position was: Independent review: Committed (since 6 May 2021). Source: ${SITE}, https://tracker.example.org/institutions/${police.slug}?as_of=2021-05-07T22:59:59.999Z&rev=${rev()}`,
    );
    expect(citation(await page(`/institutions/${welsh.slug}`))).toBe(
      `As at 12:00 on 22 November 2026 (UK time), as recorded at 12:00 on 22 November 2026, Ambridge Constabulary had stated no position on “Close the scheme” or “Independent review”. Source: ${SITE}, https://tracker.example.org/institutions/${welsh.slug}?as_of=2026-11-22T12:00:00Z&rev=${rev()}`,
    );
  });

  it('cites events by their words, and the headline counts', async () => {
    const { events } = story;
    expect(citation(await page(`/events/${events.committed}`))).toBe(
      `On 6 May 2021: Borsetshire Police said: “With our partners, we will commission an independent review of BISP.” Source: ${SITE}, https://tracker.example.org/events/${events.committed}?as_of=2026-11-22T12:00:00Z&rev=${rev()}`,
    );
    expect(citation(await page(`/events/${events.enquiry}`))).toBe(
      `On 23 April 2021: Asked the National Scheme Board to answer the petition. Source: ${SITE}, https://tracker.example.org/events/${events.enquiry}?as_of=2026-11-22T12:00:00Z&rev=${rev()}`,
    );
    expect(citation(await page(`/events/${events.report}`))).toBe(
      `On 6 May 2021: The Felpersham Gazette reports that the National Scheme Board has not commented. Source: ${SITE}, https://tracker.example.org/events/${events.report}?as_of=2026-11-22T12:00:00Z&rev=${rev()}`,
    );
    expect(citation(await page('/?as_of=2021-05-06T11:30'))).toBe(
      'As at 11:30 on 6 May 2021 (UK time), as recorded at 12:00 on 22 November 2026: None of the 4 institutions involved has stated a position on “Close the scheme”; 1 of 4 institutions involved has committed to “Independent review”. ' +
        `Source: ${SITE}, https://tracker.example.org/?as_of=2021-05-06T10:30:00Z&rev=${rev()}`,
    );
    // After the trust's refusal of 10 June 2021, and the approach of 16 November 2026: 5 involved.
    expect(citation(await page('/'))).toBe(
      'As at 12:00 on 22 November 2026 (UK time), as recorded at 12:00 on 22 November 2026: None of the 5 institutions involved has stated a position on “Close the scheme”; 1 of 5 institutions involved has committed to “Independent review”. ' +
        `Source: ${SITE}, https://tracker.example.org/?as_of=2026-11-22T12:00:00Z&rev=${rev()}`,
    );
  });

  it('offers a copy button only where JavaScript runs', async () => {
    const doc = await page(`/institutions/${story.bodies.board.slug}`);
    const button = doc.querySelector('button.copy-button[data-copy-target="citation-text"]');
    expect(button?.getAttribute('type')).toBe('button');
    expect(button?.hasAttribute('hidden')).toBe(true);
    expect(words(button)).toBe('Copy the citation');
    const script = doc.querySelector('head script');
    expect([script?.getAttribute('src'), script?.hasAttribute('defer')]).toEqual(['/static/copy.js', true]);
    expect((await get('/static/copy.js')).statusCode).toBe(200);
  });
});

describe('time travel', () => {
  const hidden = (doc: Document) => [...doc.querySelectorAll('form.time-travel-form input[type="hidden"]')].map((i) => [i.getAttribute('name'), i.getAttribute('value')]);

  it('offers a control on every page that keeps the filters', async () => {
    const doc = await page('/institutions?kind=police_force&sort=silence');
    expect(words(doc.querySelector('details.time-travel summary'))).toBe('See the tracker as it stood at another moment');
    expect(doc.querySelector('details.time-travel')?.hasAttribute('open')).toBe(false);
    expect(doc.querySelector('form.time-travel-form')?.getAttribute('action')).toBe('/institutions');
    expect(doc.querySelector('form.time-travel-form')?.getAttribute('method')).toBe('get');
    expect(hidden(doc)).toEqual([['kind', 'police_force'], ['sort', 'silence']]);
    for (const url of ['/', '/timeline', '/about', '/charts', `/institutions/${story.bodies.board.slug}`, `/events/${story.events.petition}`, '/changes', '/corrections', '/api']) {
      expect((await page(url)).querySelector('form.time-travel-form input[name="as_of"]'), url).not.toBeNull();
    }
  });

  it('shows the moment asked in the open control, without the page cursor', async () => {
    const doc = await page('/timeline?type=response&limit=2&as_of=2021-05-06');
    expect(doc.querySelector('details.time-travel')?.hasAttribute('open')).toBe(true);
    expect(hidden(doc)).toEqual([['type', 'response'], ['limit', '2']]);
    expect(doc.querySelector('form.time-travel-form #as_of')?.getAttribute('value')).toBe('2021-05-06');
  });

  it('links back to now with the filters kept', async () => {
    const doc = await page('/institutions?kind=police_force&as_of=2021-05-06');
    const back = doc.querySelector('.as-of--past a');
    expect(words(back)).toBe('Show the tracker as it is now');
    expect(back?.getAttribute('href')).toBe('/institutions?kind=police_force');
  });
});

describe('what changed', () => {
  const changes = (query: string) => page(`/changes?${query}`);

  it('lists exactly the events in range, the positions that moved and the silences begun', async () => {
    const doc = await changes('from=2021-04-01&to=2021-05-07');
    expect(words(doc.querySelector('main .lead'))).toBe('From the start of 1 April 2021 to the end of 7 May 2021 (UK time).');
    expect(listedUnder(doc, 'New approaches')).toEqual({
      heading: 'New approaches (3)',
      items: ['Approach (email): Scheme Founders Network', 'Approach (press enquiry): National Scheme Board', 'Approach (petition): National Scheme Board'],
    });
    expect(listedUnder(doc, 'Replies')).toEqual({
      heading: 'Replies (3)',
      items: ['Response (statement): Felpersham Mental Health NHS Trust', 'Response (statement): Borsetshire Police', 'Response (statement): Scheme Founders Network'],
    });
    expect(listedUnder(doc, 'Milestones')).toEqual({ heading: 'Milestones (1)', items: ['Milestone: Campaign-wide'] });
    expect(listedUnder(doc, 'Positions that moved')).toEqual({
      heading: 'Positions that moved (2)',
      items: [
        'Borsetshire Police, on “Independent review”: moved up from No position to Committed (the statement)',
        'Felpersham Mental Health NHS Trust, on “Independent review”: moved up from No position to Considering (the statement)',
      ],
    });
    // 23 April to the end of 7 May 2021: 14 days, 9 working days (Monday 3 May was a bank holiday).
    expect(listedUnder(doc, 'Silences begun')).toEqual({ heading: 'Silences begun (1)', items: ['National Scheme Board: approached on 23 April 2021, 14 days without comment (9 working days) by the end of the period'] });
    expect(listedUnder(doc, 'Silences ended')).toEqual({ heading: 'Silences ended (0)', items: [] });
  });

  it('starts a period given as a date at the beginning of that day', async () => {
    const doc = await changes('from=2021-05-06&to=2021-05-07');
    expect(words(doc.querySelector('main .lead'))).toBe('From the start of 6 May 2021 to the end of 7 May 2021 (UK time).');
    expect(listedUnder(doc, 'Replies').heading).toBe('Replies (3)');
    expect(listedUnder(doc, 'New approaches').heading).toBe('New approaches (0)');
    // Scheme Founders Network was waiting at the end of 5 May: 9 days, 6 working days since Monday 26 April.
    expect(listedUnder(doc, 'Silences ended')).toEqual({ heading: 'Silences ended (1)', items: ['Scheme Founders Network commented, after 9 days without comment (6 working days) at the start of the period'] });
    expect(listedUnder(await changes('from=2021-04-23&to=2021-04-24'), 'New approaches').heading).toBe('New approaches (2)');
  });

  it('leaves out what happened before the period', async () => {
    const doc = await changes('from=2021-04-24&to=2021-05-07');
    expect(listedUnder(doc, 'New approaches')).toEqual({ heading: 'New approaches (1)', items: ['Approach (email): Scheme Founders Network'] });
    expect(listedUnder(doc, 'Replies').heading).toBe('Replies (3)');
    expect(listedUnder(doc, 'Silences begun')).toEqual({ heading: 'Silences begun (0)', items: [] });
  });

  it('shows positions moving down and silences ending', async () => {
    const doc = await changes('from=2021-06-01&to=2021-06-30');
    expect(listedUnder(doc, 'Positions that moved')).toEqual({
      heading: 'Positions that moved (1)',
      items: ['Felpersham Mental Health NHS Trust, on “Independent review”: moved down from Considering to Refused (the statement)'],
    });
    const moved = section(doc, 'Positions that moved')?.nextElementSibling;
    expect(moved?.querySelector('a:last-child')?.getAttribute('href')).toBe(`/events/${story.events.refusal}`);
    // 23 April to 31 May 2021: 38 days, 24 working days (3 May and 31 May were bank holidays).
    expect(listedUnder(doc, 'Silences ended')).toEqual({ heading: 'Silences ended (1)', items: ['National Scheme Board commented, after 38 days without comment (24 working days) at the start of the period'] });
    expect(listedUnder(doc, 'Replies').items).toEqual(['Response (statement): National Scheme Board', 'Response (statement): Felpersham Mental Health NHS Trust']);
  });

  it('covers the last seven days by default', async () => {
    const doc = await changes('');
    expect(words(doc.querySelector('main .lead'))).toBe('From 12:00 on 15 November 2026 to 12:00 on 22 November 2026 (UK time).');
    expect(listedUnder(doc, 'New approaches')).toEqual({ heading: 'New approaches (1)', items: ['Approach (email): Westshire Police'] });
    expect(listedUnder(doc, 'Silences begun')).toEqual({ heading: 'Silences begun (1)', items: ['Westshire Police: approached on 16 November 2026, 6 days without comment (4 working days) by the end of the period'] });
    expect(listedUnder(doc, 'Positions that moved')).toEqual({ heading: 'Positions that moved (0)', items: [] });
  });

  it.each([
    ['from=soon', 'from', null],
    ['from=2021-05-07&to=2021-04-01', 'from', 'The start of the period must come before its end.'],
    ['to=2026-11-23', 'to', '“2026-11-23” is in the future; the tracker shows what was known up to now.'],
  ])('refuses %s, naming the field', async (query, field, message) => {
    const res = await get(`/changes?${query}`);
    expect(res.statusCode).toBe(400);
    const doc = dom(res.body);
    const link = doc.querySelector('.error-summary li a');
    expect(link?.getAttribute('href')).toBe(`#${field}`);
    if (message) expect(words(link)).toBe(message);
    expect(doc.querySelector(`#${field}`)?.getAttribute('aria-invalid')).toBe('true');
  });
});

describe('badges and embeds', () => {
  const badge = async (url: string) => {
    const res = await get(url);
    return { res, svg: dom(res.body).querySelector('svg') };
  };
  const lines = (svg: Element | null) => [...(svg?.querySelectorAll('text') ?? [])].map((e) => e.textContent);

  it('draws the same figure as the API, for the same moment, kept for ever when pinned', async () => {
    const { board } = story.bodies;
    const api = (await get(`/api/institutions/${board.slug}?as_of=2021-05-06T11:30`)).json();
    const { res, svg } = await badge(`/badges/${board.slug}.svg?as_of=2021-05-06T11:30&rev=${rev()}`);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    // A moment and a revision both pinned: the badge can never change.
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A moment alone reads the latest revision, which a correction may change.
    expect((await badge(`/badges/${board.slug}.svg?as_of=2021-05-06T11:30`)).res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(svg?.querySelector('title')?.textContent).toBe(`National Scheme Board · ${api.institution.silence.calendarDays} days without comment`);
    expect(svg?.getAttribute('role')).toBe('img');
    expect(svg?.getAttribute('aria-label')).toBe('National Scheme Board · 13 days without comment');
    expect(lines(svg)).toEqual(['National Scheme Board', '13 days without comment']);
  });

  it.each([
    ['board', '', 'National Scheme Board · not waiting for a comment'],
    ['westshire', '', 'Westshire Police · 6 days without comment'],
    ['welsh', '', 'Ambridge Constabulary · not approached'],
    ['police', '?ask=review', 'Borsetshire Police · Independent review: Committed'],
    ['trust', '?ask=review', 'Felpersham Mental Health NHS Trust · Independent review: Refused'],
    ['trust', '?ask=review&as_of=2021-06-01', 'Felpersham Mental Health NHS Trust · Independent review: Considering'],
    ['police', '?ask=halt', 'Borsetshire Police · Close the scheme: No position'],
  ] as const)('the badge of %s%s says “%s”', async (who, query, text) => {
    const { res, svg } = await badge(`/badges/${story.bodies[who].slug}.svg${query}`);
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(svg?.getAttribute('aria-label')).toBe(text);
    expect(svg?.querySelector('title')?.textContent).toBe(text);
  });

  it('stacks the words of a long name on several lines rather than growing wider than a phone', async () => {
    const { svg } = await badge(`/badges/${story.bodies.long.slug}.svg`);
    expect(Number(svg?.getAttribute('width'))).toBeLessThanOrEqual(280);
    const text = lines(svg);
    expect(text.length).toBeGreaterThan(2);
    expect(text[text.length - 1]).toBe('not approached');
    expect(text.slice(0, -1).join(' ')).toBe(LONG_NAME);
    expect(svg?.getAttribute('aria-label')).toBe(`${LONG_NAME} · not approached`);
    const short = (await badge(`/badges/${story.bodies.welsh.slug}.svg`)).svg;
    expect(short?.getAttribute('height')).toBe('22');
    expect(Number(svg?.getAttribute('height'))).toBeGreaterThan(22);
  });

  it('refuses an unknown institution or ask', async () => {
    expect((await get('/badges/nowhere.svg')).statusCode).toBe(404);
    expect((await get(`/badges/${story.bodies.board.slug}.svg?ask=abolish`)).statusCode).toBe(400);
  });

  it.each([
    ['/embed/scorecard', true],
    ['/embed/institutions/:board', true],
    ['/', false],
    ['/institutions/:board', false],
    ['/api/campaign', false],
  ])('%s may be framed by any site: %s', async (path, framed) => {
    const res = await get(path.replace(':board', story.bodies.board.slug));
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    if (framed) {
      expect(csp).toContain('frame-ancestors *');
      expect(res.headers['x-frame-options']).toBeUndefined();
    } else {
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('shows an embed code and a badge code on an institution page, and the embed links to the full tracker', async () => {
    const { board } = story.bodies;
    const doc = await page(`/institutions/${board.slug}`);
    expect(shown(doc.querySelector('#embed-code')!)).toBe(
      `<iframe src="https://tracker.example.org/embed/institutions/${board.slug}" title="National Scheme Board on ${SITE}" width="100%" height="360" style="border:0" loading="lazy"></iframe>`,
    );
    expect(shown(doc.querySelector('#badge-code')!)).toBe(
      `<a href="https://tracker.example.org/institutions/${board.slug}"><img src="https://tracker.example.org/badges/${board.slug}.svg" alt="National Scheme Board on ${SITE}"></a>`,
    );
    const embed = await page(`/embed/institutions/${board.slug}?as_of=2021-05-06T11:30`);
    expect(words(embed.querySelector('h1'))).toBe('National Scheme Board');
    expect(words(embed.querySelector('.figure'))).toBe('13 days without comment (8 working days), first approached 23 April 2021.');
    expect([...embed.querySelectorAll('ul.positions li')].map((li) => words(li))).toEqual(['Close the scheme: No position', 'Independent review: No position']);
    const full = embed.querySelector('.embed-footer a');
    expect(full?.getAttribute('href')).toBe(`https://tracker.example.org/institutions/${board.slug}?as_of=2021-05-06T11:30`);
    expect(full?.getAttribute('target')).toBe('_blank');
  });

  it('offers the scorecard to embed, whose links open the tracker in a new tab', async () => {
    const home = await page('/');
    expect(shown(home.querySelector('#embed-code')!)).toBe(`<iframe src="https://tracker.example.org/embed/scorecard" title="Scorecard: ${SITE}" width="100%" height="600" style="border:0" loading="lazy"></iframe>`);
    const embed = await page('/embed/scorecard?as_of=2021-05-06T11:30');
    const links = [...embed.querySelectorAll('table.scorecard tbody th a')];
    expect(links.map((a) => words(a))).toEqual(['Borsetshire Police', 'Felpersham Mental Health NHS Trust', 'National Scheme Board', 'Scheme Founders Network'].map((n) => `${n} (opens the tracker in a new tab)`));
    expect(links.every((a) => a.getAttribute('target') === '_blank' && a.getAttribute('rel') === 'noopener')).toBe(true);
    expect(embed.querySelector('.embed-footer a')?.getAttribute('href')).toBe('https://tracker.example.org/?as_of=2021-05-06T11:30');
  });

  it('escapes every value of the code other sites paste', async () => {
    const { hostile } = story.bodies;
    const doc = await page(`/institutions/${hostile.slug}`);
    const code = shown(doc.querySelector('#embed-code')!);
    expect(code).toBe(
      `<iframe src="https://tracker.example.org/embed/institutions/${hostile.slug}" title="Loxley &quot;Quoted&quot; &lt;Body&gt; &amp; Co on ${SITE}" width="100%" height="360" style="border:0" loading="lazy"></iframe>`,
    );
    // Pasted into another page, it is one frame whose title is the name itself.
    const pasted = dom(`<div>${code}</div>`);
    expect(pasted.querySelectorAll('iframe')).toHaveLength(1);
    expect(pasted.querySelector('iframe')?.getAttribute('title')).toBe(`Loxley "Quoted" <Body> & Co on ${SITE}`);
    const badgeCode = dom(`<div>${shown(doc.querySelector('#badge-code')!)}</div>`);
    expect(badgeCode.querySelectorAll('a > img')).toHaveLength(1);
    expect(badgeCode.querySelector('img')?.getAttribute('alt')).toBe(`Loxley "Quoted" <Body> & Co on ${SITE}`);
    const svg = (await badge(`/badges/${hostile.slug}.svg`)).svg;
    expect(svg?.getAttribute('aria-label')).toBe('Loxley "Quoted" <Body> & Co · not approached');
    expect(lines(svg)).toEqual(['Loxley "Quoted" <Body> & Co', 'not approached']);
  });
});

describe('sharing', () => {
  const meta = (doc: Document, selector: string) => doc.querySelector(selector)?.getAttribute('content');

  it('puts the figure itself in the Open Graph description of an institution page, and advertises the feeds', async () => {
    const { board } = story.bodies;
    const doc = await page(`/institutions/${board.slug}?as_of=2021-05-06T11:30`);
    expect(meta(doc, 'meta[property="og:description"]')).toBe('National Scheme Board: 13 days without comment (8 working days), first approached 23 April 2021');
    expect(meta(doc, 'meta[name="description"]')).toBe('National Scheme Board: 13 days without comment (8 working days), first approached 23 April 2021');
    expect(meta(doc, 'meta[property="og:title"]')).toBe('National Scheme Board');
    expect(meta(doc, 'meta[property="og:site_name"]')).toBe(SITE);
    expect(meta(doc, 'meta[property="og:url"]')).toBe(`https://tracker.example.org/institutions/${board.slug}?as_of=2021-05-06T11:30`);
    expect(meta(doc, 'meta[name="twitter:card"]')).toBe('summary');
    const feeds = [...doc.querySelectorAll('link[rel="alternate"]')].map((l) => [l.getAttribute('type'), l.getAttribute('title'), l.getAttribute('href')]);
    expect(feeds).toEqual([
      ['application/atom+xml', `${SITE} (Atom)`, '/feed.atom'],
      ['application/rss+xml', `${SITE} (RSS)`, '/feed.rss'],
      ['application/feed+json', `${SITE} (JSON Feed)`, '/feed.json'],
      ['application/atom+xml', 'National Scheme Board (Atom)', `/institutions/${board.slug}/feed.atom`],
    ]);
    expect(doc.querySelector('link[rel="stylesheet"][media="print"]')?.getAttribute('href')).toBe('/static/print.css');
  });

  it('describes an institution with no silence by its positions, and the overview by its headline', async () => {
    const police = await page(`/institutions/${story.bodies.police.slug}`);
    expect(meta(police, 'meta[property="og:description"]')).toBe('Borsetshire Police: positions and history');
    const home = await page('/?as_of=2021-05-06T11:30');
    expect(meta(home, 'meta[property="og:description"]')).toBe(citation(home));
  });
});
