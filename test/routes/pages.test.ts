/**
 * Every public page, on a story these tests build: a national body approached twice on Friday
 * 23 April 2021 and silent since; a network approached on 26 April that commented on 6 May
 * without stating a position; a police force that committed to the review and a trust that is
 * considering it, both running a local scheme called BISP; never-approached and closed
 * institutions of each kind; a draft that must never show; one approach made last Monday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, FIXTURE_DATA, institution, milestone, response } from '../factories.js';
import { currentRevision } from '../../src/tracker/tracker.js';
import { dom, makeApp, words, type TestApp } from '../helpers.js';

async function buildStory() {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  const db = t.app.tracker.db;
  const board = institution(db, { name: 'National Scheme Board', kind: 'nhs_england', country: 'England' });
  const network = institution(db, { name: 'Scheme Founders Network', kind: 'other', aliases: ['SFN'] });
  const police = institution(db, { name: 'Borsetshire Police', kind: 'police_force', code: 'borsetshire', aliases: ['BISP'] });
  const trust = institution(db, { name: 'Felpersham Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ1', region: 'South East', aliases: ['BISP'] });
  const welsh = institution(db, { name: 'Ambridge Constabulary', kind: 'police_force', code: 'ambridge', country: 'Wales' });
  const westshire = institution(db, { name: 'Westshire Police', kind: 'police_force', code: 'westshire' });
  const midsomer = institution(db, { name: 'Midsomer Mental Health NHS Trust', kind: 'mental_health_trust', code: 'RZ2', region: 'Midlands' });
  const closed = institution(db, { name: 'Old Borchester Mental Health Trust', kind: 'mental_health_trust', code: 'RZ3', region: 'South East', active: false });
  const icb = institution(db, { name: 'Borsetshire Integrated Care Board', kind: 'icb', code: 'QZ1', region: 'South East' });

  // Reply due 10 working days after Friday 23 April 2021: Monday 3 May 2021 was a bank holiday, so 10 May.
  const petition = contact(db, board, {
    date: '2021-04-23', channel: 'petition', from: 'Scheme Survivors Coalition', dueOn: '2021-05-10',
    summary: 'Petition asking the National Scheme Board to close the scheme and commission an independent review.',
  });
  const enquiry = contact(db, board, { date: '2021-04-23', channel: 'press_enquiry', from: 'Felpersham Gazette', dueOn: '2021-05-10', summary: 'Asked the National Scheme Board to answer the petition.' });
  const asked = contact(db, network, { date: '2021-04-26', channel: 'email', dueOn: '2021-05-11', summary: 'Asked the Scheme Founders Network whether it would support a review.' });
  const founders = response(db, network, { date: '2021-05-06', summary: 'The network’s founder said a review was needed.' });
  const committed = response(db, police, {
    date: '2021-05-06', summary: 'Borsetshire Police said it would commission a review of BISP.',
    quote: 'With our partners, we will commission an independent review of BISP.', positions: { review: 'committed' },
  });
  const considering = response(db, trust, {
    date: '2021-05-06', summary: 'The trust said it was considering the campaign’s concerns.',
    quote: 'We are considering how the concerns relate to BISP.', positions: { review: 'considering' },
  });
  const report = milestone(db, null, { date: '2021-05-06', time: '11:30', summary: 'The Felpersham Gazette reports that the National Scheme Board has not commented, 13 days after it was first approached.' });
  const draft = response(db, welsh, { date: '2021-05-05', status: 'draft', positions: { review: 'done', halt: 'done' }, summary: 'Draft: Ambridge Constabulary ended the scheme.' });
  // Monday 16 November 2026: as at 12:00 on Sunday 22 November 2026, 6 days and 4 working days.
  const recent = contact(db, westshire, { date: '2026-11-16', channel: 'email', dueOn: '2026-11-30', summary: 'Asked Westshire Police whether it runs the scheme.' });
  return {
    t,
    bodies: { board, network, police, trust, welsh, westshire, midsomer, closed, icb },
    events: { petition, enquiry, asked, founders, committed, considering, report, draft, recent },
  };
}

let story: Awaited<ReturnType<typeof buildStory>>;
let t: TestApp;
beforeAll(async () => {
  story = await buildStory();
  t = story.t;
});
afterAll(async () => t.close());

const page = async (url: string, app: TestApp = t) => {
  const res = await app.app.inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, doc: dom(res.body) };
};
const section = (doc: Document, heading: string) => doc.querySelector(`section[aria-labelledby="${heading}"]`);
const all = (root: ParentNode | null | undefined, selector: string) => [...(root?.querySelectorAll(selector) ?? [])];
/** Each row of a scorecard: its cells' words. */
const scorecardRows = (doc: Document) => all(doc, 'table.scorecard tbody tr').map((tr) => [...tr.children].map((cell) => words(cell)));
const scorecardNames = (doc: Document) => all(doc, 'table.scorecard tbody th a').map((a) => words(a));
/** The events listed on a page, by id, in the order shown. */
const eventIds = (root: ParentNode | null) => all(root, 'article.event').map((a) => Number(/^event-(\d+)-title$/.exec(a.getAttribute('aria-labelledby') ?? '')?.[1]));
/** A definition list's terms and descriptions. */
const facts = (doc: Document) => Object.fromEntries(all(doc, 'dl.facts > div').map((d) => [words(d.querySelector('dt')), words(d.querySelector('dd'))]));
/** Each count card: its headline, and each rung's label, stance and "n of m". */
const countCards = (doc: Document) =>
  Object.fromEntries(
    all(doc, '.count-card').map((card) => [
      words(card.querySelector('h3')),
      {
        headline: words(card.querySelector('.headline')),
        rows: all(card, 'tbody tr').map((tr) => [words(tr.querySelector('th')), tr.querySelector('.stance')?.className, words(tr.querySelector('td'))]),
      },
    ]),
  );

describe('the overview page', () => {
  it('shows the campaign, its asks, the counts, the longest silence and the scorecard as at 11:30 on 6 May 2021', async () => {
    const { status, headers, doc } = await page('/?as_of=2021-05-06T11:30');
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(doc.documentElement.getAttribute('lang')).toBe('en-GB');
    expect(words(doc.querySelector('h1'))).toBe('Fixture campaign: who will close the scheme?');
    expect(all(doc, '.asks li').map(words)).toEqual(['Close the scheme. Close the scheme at once.', 'Independent review. Commission an independent review of the scheme.']);
    const cards = countCards(doc);
    expect(cards['Independent review']!.headline).toBe('1 of 4 institutions involved has committed to “Independent review”.');
    expect(cards['Close the scheme']!.headline).toBe('None of the 4 institutions involved has stated a position on “Close the scheme”.');
    expect(all(section(doc, 'silence-heading'), 'ol.silences li').map(words)).toEqual(['National Scheme Board: 13 days without comment (8 working days), first approached 23 April 2021']);
    expect(words(doc.querySelector('.as-of--past strong'))).toBe('You are viewing the tracker as it stood at 11:30 on 6 May 2021');
    expect(doc.querySelector('.as-of--past time')?.getAttribute('datetime')).toBe('2021-05-06T10:30:00.000Z');
    expect(words(doc.querySelector('caption#scorecard-caption'))).toBe('Every institution approached or on record, with its position on each ask');
    const { bodies } = story;
    expect(scorecardRows(doc)).toEqual([
      ['Borsetshire Police', 'Police force', 'No position', 'Committed', 'Not approached', '6 May 2021'],
      ['Felpersham Mental Health NHS Trust', 'Mental health trust', 'No position', 'Considering', 'Not approached', '6 May 2021'],
      ['National Scheme Board', 'NHS England', 'No position', 'No position', '13 days (8 working days)', '23 April 2021'],
      ['Scheme Founders Network', 'Other body', 'No position', 'No position', 'Not waiting', '6 May 2021'],
    ]);
    expect(all(doc, 'table.scorecard tbody th a').map((a) => a.getAttribute('href'))).toEqual(
      [bodies.police, bodies.trust, bodies.board, bodies.network].map((b) => `/institutions/${b.slug}?as_of=2021-05-06T11%3A30`),
    );
    const { events } = story;
    expect(eventIds(section(doc, 'latest-heading'))).toEqual([events.report, events.considering, events.committed, events.founders, events.asked]);
  });

  it('counts out of the 4 institutions involved: 1 committed, 1 considering, 2 with no position on the review', async () => {
    const cards = countCards((await page('/?as_of=2021-05-06T11:30')).doc);
    expect(cards['Independent review']!.rows).toEqual([
      ['Done', 'stance stance--done', '0 of 4'],
      ['Committed', 'stance stance--committed', '1 of 4'],
      ['Considering', 'stance stance--considering', '1 of 4'],
      ['Refused', 'stance stance--refused', '0 of 4'],
      ['No position', 'stance stance--none', '2 of 4'],
    ]);
    expect(cards['Close the scheme']!.rows.map((r) => r[2])).toEqual(['0 of 4', '0 of 4', '0 of 4', '0 of 4', '4 of 4']);
  });

  it('says plainly when nothing had happened yet', async () => {
    const { doc } = await page('/?as_of=2021-01-01');
    expect(words(section(doc, 'counts-heading')?.querySelector('p'))).toBe('No institution has been approached or has stated a position yet.');
    expect(words(section(doc, 'silence-heading')?.querySelector('p'))).toBe('No institution is waiting to comment on an approach.');
    expect(words(section(doc, 'scorecard-heading')?.querySelector('p'))).toBe('Nothing to show yet.');
    expect(words(section(doc, 'latest-heading')?.querySelector('p'))).toBe('Nothing has been recorded yet.');
    expect(all(doc, '.count-card')).toHaveLength(0);
    const about = (await page('/about?as_of=2021-01-01')).doc;
    expect(words(section(about, 'events-heading')?.querySelector('p'))).toBe('No event is on record yet.');
  });

  it('describes the record on /about from the record itself, as at the moment', async () => {
    const { doc } = await page('/about?as_of=2021-05-06T11:30');
    expect(words(section(doc, 'events-heading')?.querySelector('p'))).toMatch(/^The record holds \d+ published events, from 23 April 2021 to 6 May 2021\. Each names its source/);
  });

  it('shows figures as at now by default, without a past-view banner', async () => {
    const { doc } = await page('/');
    expect(words(doc.querySelector('.as-of p'))).toBe(`Figures as at 12:00 on 22 November 2026 (UK time), as recorded at revision ${currentRevision(t.app.tracker)} (12:00 on 22 November 2026).`);
    expect(doc.querySelector('.as-of')?.className).toBe('as-of');
    expect(countCards(doc)['Independent review']!.headline).toBe('1 of 5 institutions involved has committed to “Independent review”.');
    // 23 April 2021 to 22 November 2026: 2,039 days. Westshire Police, approached on Monday 16 November: 6 days, 4 of them working days.
    const silences = all(section(doc, 'silence-heading'), 'ol.silences li').map(words);
    expect(silences).toHaveLength(2);
    expect(silences[0]).toMatch(/^National Scheme Board: 2,039 days without comment \([\d,]+ working days\), first approached 23 April 2021$/);
    expect(silences[1]).toBe('Westshire Police: 6 days without comment (4 working days), first approached 16 November 2026');
    expect(scorecardRows(doc).find((r) => r[0] === 'Westshire Police')).toEqual(['Westshire Police', 'Police force', 'No position', 'No position', '6 days (4 working days)', '16 November 2026']);
    expect(all(doc, 'table.scorecard tbody th a').map((a) => a.getAttribute('href'))).toContain(`/institutions/${story.bodies.westshire.slug}`);
  });
});

describe('the directory', () => {
  const everyone = [
    'Ambridge Constabulary', 'Borsetshire Integrated Care Board', 'Borsetshire Police', 'Felpersham Mental Health NHS Trust', 'Midsomer Mental Health NHS Trust',
    'National Scheme Board', 'Old Borchester Mental Health Trust', 'Scheme Founders Network', 'Westshire Police',
  ];
  it.each<[string, string[]]>([
    ['', everyone],
    ['kind=police_force', ['Ambridge Constabulary', 'Borsetshire Police', 'Westshire Police']],
    ['kind=mental_health_trust&region=South+East', ['Felpersham Mental Health NHS Trust', 'Old Borchester Mental Health Trust']],
    ['region=Midlands', ['Midsomer Mental Health NHS Trust']],
    ['stance_review=committed', ['Borsetshire Police']],
    ['stance_review=considering', ['Felpersham Mental Health NHS Trust']],
    ['stance_review=none&kind=police_force', ['Ambridge Constabulary', 'Westshire Police']],
    ['stance_review=committed&as_of=2021-05-05', []],
    ['approached=yes', ['National Scheme Board', 'Scheme Founders Network', 'Westshire Police']],
    ['approached=yes&as_of=2021-05-06T11%3A30', ['National Scheme Board', 'Scheme Founders Network']],
    ['approached=no', ['Ambridge Constabulary', 'Borsetshire Integrated Care Board', 'Borsetshire Police', 'Felpersham Mental Health NHS Trust', 'Midsomer Mental Health NHS Trust', 'Old Borchester Mental Health Trust']],
    ['q=bisp', ['Borsetshire Police', 'Felpersham Mental Health NHS Trust']],
    ['q=Borsetshire', ['Borsetshire Integrated Care Board', 'Borsetshire Police']],
    ['q=rz2', ['Midsomer Mental Health NHS Trust']],
    ['q=sfn', ['Scheme Founders Network']],
    ['q=nowhere', []],
  ])('/institutions?%s lists exactly %j', async (query, names) => {
    const { status, doc } = await page(`/institutions?${query}`);
    expect(status).toBe(200);
    expect(words(doc.querySelector('#results-heading'))).toBe(`${names.length} institution${names.length === 1 ? '' : 's'} shown`);
    expect(scorecardNames(doc)).toEqual(names);
    if (names.length === 0) expect(words(doc.querySelector('#results-heading + p'))).toBe('No institution matches these filters.');
  });

  it('says how many institutions the directory holds, and keeps the chosen filters in the form', async () => {
    const { doc } = await page('/institutions?kind=mental_health_trust&region=South+East&stance_review=considering&approached=no&sort=activity&q=fel');
    expect(words(doc.querySelector('main h1 + p'))).toBe('The directory holds 9 institutions: NHS England, 3 mental health trusts, 3 police forces, 1 integrated care board and 1 other body. Where the directory comes from.');
    expect(doc.querySelector('form.filters #kind option[selected]')?.getAttribute('value')).toBe('mental_health_trust');
    expect(doc.querySelector('form.filters #region option[selected]')?.getAttribute('value')).toBe('South East');
    expect(all(doc, 'form.filters #region option').map((o) => o.getAttribute('value'))).toEqual(['', 'Midlands', 'South East']);
    expect(doc.querySelector('form.filters #stance_review option[selected]')?.getAttribute('value')).toBe('considering');
    expect(doc.querySelector('form.filters #approached option[selected]')?.getAttribute('value')).toBe('no');
    expect(doc.querySelector('form.filters #sort option[selected]')?.getAttribute('value')).toBe('activity');
    expect(doc.querySelector('form.filters #q')?.getAttribute('value')).toBe('fel');
    expect(scorecardNames(doc)).toEqual(['Felpersham Mental Health NHS Trust']);
  });

  it('marks closed institutions', async () => {
    const rows = scorecardRows((await page('/institutions?region=South+East')).doc);
    expect(rows.map((r) => r[0])).toEqual(['Borsetshire Integrated Care Board', 'Felpersham Mental Health NHS Trust', 'Old Borchester Mental Health Trust closed']);
  });

  it('sorts by days without comment, longest first, then by name', async () => {
    const then = scorecardNames((await page('/institutions?sort=silence&as_of=2021-05-06T11:30')).doc);
    expect(then).toEqual(['National Scheme Board', ...everyone.filter((n) => n !== 'National Scheme Board')]);
    const now = scorecardNames((await page('/institutions?sort=silence')).doc);
    expect(now).toEqual(['National Scheme Board', 'Westshire Police', ...everyone.filter((n) => n !== 'National Scheme Board' && n !== 'Westshire Police')]);
  });

  it('sorts by last activity, latest first, ties and the never-active by name', async () => {
    const rows = scorecardRows((await page('/institutions?sort=activity')).doc).map((r) => [r[0], r[r.length - 1]]);
    expect(rows).toEqual([
      ['Westshire Police', '16 November 2026'],
      ['Borsetshire Police', '6 May 2021'],
      ['Felpersham Mental Health NHS Trust', '6 May 2021'],
      ['Scheme Founders Network', '6 May 2021'],
      ['National Scheme Board', '23 April 2021'],
      ['Ambridge Constabulary', 'None'],
      ['Borsetshire Integrated Care Board', 'None'],
      ['Midsomer Mental Health NHS Trust', 'None'],
      ['Old Borchester Mental Health Trust closed', 'None'],
    ]);
  });

  it.each([
    ['/institutions?stance_review=maybe', 'stance_review'],
    ['/institutions?kind=charity', 'kind'],
    ['/institutions?sort=size', 'sort'],
  ])('refuses %s with a 400 page', async (url, parameter) => {
    const { status, doc } = await page(url);
    expect(status).toBe(400);
    expect(words(doc.querySelector('main h1'))).toBe('There is a problem with the address');
    expect(words(doc.querySelector('main p'))).toContain(parameter === 'stance_review' ? '“maybe” is not a position' : `“${parameter}”`);
  });
});

describe('an institution page', () => {
  it('shows who they are, their positions with the quote that set them, and their history', async () => {
    const { bodies, events } = story;
    const { status, doc } = await page(`/institutions/${bodies.police.slug}`);
    expect(status).toBe(200);
    expect(words(doc.querySelector('main h1'))).toBe('Borsetshire Police');
    expect(facts(doc)).toEqual({
      Kind: 'Police force',
      'Force id (data.police.uk)': 'borsetshire',
      Country: 'England',
      'Other names and local schemes': 'BISP',
      Status: 'Open',
    });
    const positions = all(section(doc, 'positions-heading'), 'ul.positions > li');
    expect(positions.map((li) => words(li.querySelector('h3')))).toEqual(['Close the scheme: No position', 'Independent review: Committed']);
    expect(words(positions[0]!.querySelector('p'))).toBe('Borsetshire Police has stated no position on this ask.');
    expect(words(positions[1]!.querySelector('p'))).toBe('Since 6 May 2021, as stated in this response.');
    expect(positions[1]!.querySelector('p a')?.getAttribute('href')).toBe(`/events/${events.committed}`);
    expect(words(positions[1]!.querySelector('blockquote'))).toBe('“With our partners, we will commission an independent review of BISP.”');
    expect(words(section(doc, 'silence-heading')?.querySelector('.figure'))).toBe('Not approached. No approach to Borsetshire Police is on record.');
    expect(eventIds(section(doc, 'history-heading'))).toEqual([events.committed]);
  });

  it('shows the silence figure with its definition, and the history newest first', async () => {
    const { bodies, events } = story;
    const { doc } = await page(`/institutions/${bodies.board.slug}?as_of=2021-05-06T11:30`);
    const silence = section(doc, 'silence-heading');
    expect(words(silence?.querySelector('.figure'))).toBe('National Scheme Board: 13 days without comment (8 working days)');
    expect(words(silence?.querySelector('.figure + p'))).toBe('First approached on 23 April 2021 without a comment since; 2 approaches unanswered, the latest on 23 April 2021.');
    expect(words(silence?.querySelector('.definition'))).toMatch(/^Counted from the earliest approach that has not been followed by a statement or FOI response, to 11:30 on 6 May 2021\. /);
    expect(facts(doc)).toEqual({ Kind: 'NHS England', Country: 'England', Status: 'Open' });
    expect(eventIds(section(doc, 'history-heading'))).toEqual([events.enquiry, events.petition]);
  });

  it('says when an institution is not waiting for a comment', async () => {
    const { doc } = await page(`/institutions/${story.bodies.network.slug}?as_of=2021-05-06T11:30`);
    expect(words(section(doc, 'silence-heading')?.querySelector('.figure'))).toBe('Not waiting for a comment. Scheme Founders Network has commented since it was last approached.');
    expect(facts(doc)['Other names and local schemes']).toBe('SFN');
    expect(facts(doc).Kind).toBe('Other body');
  });

  it('says when an institution was never approached, and leaves out drafts', async () => {
    const { doc } = await page(`/institutions/${story.bodies.welsh.slug}`);
    expect(words(section(doc, 'silence-heading')?.querySelector('.figure'))).toBe('Not approached. No approach to Ambridge Constabulary is on record.');
    expect(all(section(doc, 'positions-heading'), 'h3').map(words)).toEqual(['Close the scheme: No position', 'Independent review: No position']);
    expect(words(section(doc, 'history-heading')?.querySelector('p'))).toBe('Nothing is on record for Ambridge Constabulary.');
    expect(facts(doc).Country).toBe('Wales');
  });

  it('shows a closed institution as closed, with its region and code', async () => {
    const { doc } = await page(`/institutions/${story.bodies.closed.slug}`);
    expect(facts(doc)).toEqual({
      Kind: 'Mental health trust',
      'ODS code': 'RZ3',
      'NHS England region': 'South East',
      Country: 'England',
      Status: 'Closed (kept so that older records still match)',
    });
  });

  it('is a helpful 404 for an unknown slug', async () => {
    const { status, doc } = await page('/institutions/ministry-of-magic');
    expect(status).toBe(404);
    expect(words(doc.querySelector('main h1'))).toBe('Page not found');
    expect(words(doc.querySelector('main p'))).toBe('No institution has the address “ministry-of-magic”. Browse the directory of institutions to find it.');
  });
});

describe('as_of', () => {
  // Approached on Friday 23 April 2021; Monday 3 May 2021 was a bank holiday.
  it.each([
    ['2021-04-23', 'the end of 23 April 2021', 'National Scheme Board: 0 days without comment (0 working days)'],
    ['2021-04-26', 'the end of 26 April 2021', 'National Scheme Board: 3 days without comment (1 working day)'],
    ['2021-05-03', 'the end of 3 May 2021', 'National Scheme Board: 10 days without comment (5 working days)'],
    ['2021-05-04', 'the end of 4 May 2021', 'National Scheme Board: 11 days without comment (6 working days)'],
    ['2021-05-06T00:00', '00:00 on 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['2021-05-06T11:30', '11:30 on 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['2021-05-06T10:30Z', '11:30 on 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['2021-05-06T11:30%2B01:00', '11:30 on 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['6+May+2021+11:30', '11:30 on 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['6/5/2021', 'the end of 6 May 2021', 'National Scheme Board: 13 days without comment (8 working days)'],
    ['2021-04-22', 'the end of 22 April 2021', 'Not approached. No approach to National Scheme Board is on record.'],
  ])('as at %s (%s): %s', async (asOf, label, figure) => {
    const { status, doc } = await page(`/institutions/${story.bodies.board.slug}?as_of=${asOf}`);
    expect(status).toBe(200);
    expect(words(doc.querySelector('.as-of--past strong'))).toBe(`You are viewing the tracker as it stood at ${label}`);
    expect(words(section(doc, 'silence-heading')?.querySelector('.figure'))).toBe(figure);
  });

  it.each([
    ['2021-05-05T23:59', 'Independent review: No position'],
    ['2021-05-06T00:00', 'Independent review: Committed'],
  ])('counts a statement dated 6 May 2021 from the start of that day (as at %s)', async (asOf, stance) => {
    const { doc } = await page(`/institutions/${story.bodies.police.slug}?as_of=${asOf}`);
    expect(all(section(doc, 'positions-heading'), 'h3').map(words)[1]).toBe(stance);
  });

  it('keeps the moment in every local link of a pinned page', async () => {
    const { doc } = await page('/timeline?as_of=2021-05-06');
    const nav = all(doc, 'nav[aria-label="Main"] a').map((a) => a.getAttribute('href'));
    expect(nav).toEqual(['/?as_of=2021-05-06', '/institutions?as_of=2021-05-06', '/timeline?as_of=2021-05-06', '/about?as_of=2021-05-06']);
    expect(all(doc, 'article.event .event-title a').every((a) => a.getAttribute('href')!.endsWith('?as_of=2021-05-06'))).toBe(true);
    expect(all(doc, 'article.event')).toHaveLength(7);
  });

  it('explains a malformed as_of with the accepted formats, and shows it again to correct', async () => {
    const { status, doc } = await page('/timeline?type=response&as_of=last+tuesday');
    expect(status).toBe(400);
    expect(words(doc.querySelector('.error-summary li'))).toContain('2021-05-06T11:30');
    expect(doc.querySelector('form #as_of')?.getAttribute('value')).toBe('last tuesday');
    expect(doc.querySelector('form #as_of')?.getAttribute('aria-invalid')).toBe('true');
    expect(doc.querySelector('form input[type="hidden"][name="type"]')?.getAttribute('value')).toBe('response');
  });

  it('refuses a moment in the future', async () => {
    const { status, doc } = await page('/institutions?as_of=2026-11-23');
    expect(status).toBe(400);
    expect(words(doc.querySelector('.error-summary li'))).toBe('“2026-11-23” is in the future; the tracker shows what was known up to now.');
  });
});

describe('the timeline and event pages', () => {
  it('groups events by month, newest first, and leaves out drafts', async () => {
    const { events } = story;
    const { doc } = await page('/timeline');
    expect(all(doc, 'h2.month').map(words)).toEqual(['November 2026', 'May 2021', 'April 2021']);
    expect(eventIds(doc)).toEqual([events.recent, events.report, events.considering, events.committed, events.founders, events.asked, events.enquiry, events.petition]);
    const titles = all(doc, 'article.event .event-title').map(words);
    expect(titles).toEqual([
      'Approach (email): Westshire Police',
      'Milestone: Campaign-wide',
      'Response (statement): Felpersham Mental Health NHS Trust',
      'Response (statement): Borsetshire Police',
      'Response (statement): Scheme Founders Network',
      'Approach (email): Scheme Founders Network',
      'Approach (press enquiry): National Scheme Board',
      'Approach (petition): National Scheme Board',
    ]);
    expect(all(doc, 'article.event .event-when').map(words)[1]).toBe('11:30, Thursday 6 May 2021');
  });

  it.each<[string, (keyof Awaited<ReturnType<typeof buildStory>>['events'])[]]>([
    ['type=response', ['considering', 'committed', 'founders']],
    ['type=contact', ['recent', 'asked', 'enquiry', 'petition']],
    ['type=milestone', ['report']],
    ['kind=police_force', ['recent', 'committed']],
    ['kind=mental_health_trust', ['considering']],
    ['kind=nhs_england', ['enquiry', 'petition']],
    ['region=South+East', ['considering']],
    ['ask=review', ['considering', 'committed']],
    ['ask=halt', []],
    ['type=response&kind=police_force', ['committed']],
    ['type=contact&as_of=2021-04-25', ['enquiry', 'petition']],
  ])('filters by %s', async (query, expected) => {
    const { status, doc } = await page(`/timeline?${query}`);
    expect(status).toBe(200);
    expect(eventIds(doc)).toEqual(expected.map((name) => story.events[name]));
    if (expected.length === 0) expect(words(doc.querySelector('form.filters + p'))).toBe('No published event matches these filters.');
  });

  it('refuses an unknown ask or type', async () => {
    expect((await page('/timeline?ask=abolish')).status).toBe(400);
    expect((await page('/timeline?type=rumour')).status).toBe(400);
  });

  it('pages with Older events and Newest events links; a last page that is exactly full has no Older link', async () => {
    const { events } = story;
    const first = await page('/timeline?limit=4');
    expect(eventIds(first.doc)).toEqual([events.recent, events.report, events.considering, events.committed]);
    expect(all(first.doc, 'nav.pager a').map(words)).toEqual(['Older events']);
    const next = first.doc.querySelector('nav.pager a[rel="next"]')?.getAttribute('href');
    expect(next).toMatch(/^\/timeline\?limit=4&before=/);
    const second = await page(next!);
    // The three statements of 6 May 2021 share a moment: the page boundary falls between them.
    expect(eventIds(second.doc)).toEqual([events.founders, events.asked, events.enquiry, events.petition]);
    expect(all(second.doc, 'nav.pager a').map((a) => [words(a), a.getAttribute('href')])).toEqual([['Newest events', '/timeline?limit=4']]);
  });

  it('pages through a moment in the past, every event once, keeping the moment and the filters', async () => {
    const seen: number[][] = [];
    let url: string | null | undefined = '/timeline?as_of=2021-06-01&limit=3';
    while (url) {
      const { doc } = await page(url);
      seen.push(eventIds(doc));
      expect(doc.querySelector('.as-of--past time')?.getAttribute('datetime')).toBe('2021-06-01T22:59:59.999Z');
      url = doc.querySelector('nav.pager a[rel="next"]')?.getAttribute('href');
      if (url) expect(url).toMatch(/^\/timeline\?as_of=2021-06-01&limit=3&before=/);
    }
    const { events } = story;
    expect(seen).toEqual([[events.report, events.considering, events.committed], [events.founders, events.asked, events.enquiry], [events.petition]]);
  });

  it('shows an approach on its permanent page, and 404s one that had not happened yet', async () => {
    const { events, bodies } = story;
    const { doc } = await page(`/events/${events.petition}`);
    expect(words(doc.querySelector('main h1'))).toBe('Approach: National Scheme Board');
    expect(facts(doc)).toEqual({
      When: 'Friday 23 April 2021',
      How: 'Petition',
      From: 'Scheme Survivors Coalition',
      'Reply due by': '10 May 2021 Long overdue since 25 May 2021',
      'Permanent link': `https://tracker.example.org/events/${events.petition}`,
    });
    expect(all(doc, '.breadcrumb a').map((a) => a.getAttribute('href'))).toEqual(['/timeline', `/institutions/${bodies.board.slug}`]);
    expect((await page(`/events/${events.petition}?as_of=2021-04-01`)).status).toBe(404);
    expect((await page(`/events/${events.recent + 1000}`)).status).toBe(404);
    expect((await page(`/events/${events.draft}`)).status).toBe(404);
  });

  it('shows a statement with its words, its kind and the positions it states', async () => {
    const { doc } = await page(`/events/${story.events.committed}`);
    expect(words(doc.querySelector('main h1'))).toBe('Response: Borsetshire Police');
    expect(facts(doc)['Kind of response']).toBe('Statement (counts as a comment)');
    expect(words(doc.querySelector('main blockquote'))).toBe('“With our partners, we will commission an independent review of BISP.”');
    const stated = [...doc.querySelectorAll('main h2')].find((h) => words(h) === 'Positions stated');
    expect(all(stated?.nextElementSibling, 'li').map(words)).toEqual(['Independent review: Committed']);
  });

  it('shows a campaign-wide milestone with its time in UK time', async () => {
    const { doc } = await page(`/events/${story.events.report}`);
    expect(words(doc.querySelector('main h1'))).toBe('Milestone: Campaign-wide');
    expect(facts(doc).When).toBe('11:30 (UK time), Thursday 6 May 2021');
    expect(doc.querySelector('dl.facts time')?.getAttribute('datetime')).toBe('2021-05-06T10:30:00.000Z');
    expect((await page(`/events/${story.events.report}?as_of=2021-05-06T11:29`)).status).toBe(404);
    expect((await page(`/events/${story.events.report}?as_of=2021-05-06T11:30`)).status).toBe(200);
  });
});

describe('the about page', () => {
  it('defines each figure, counts the directory by kind and names the years of bank holidays', async () => {
    const { doc } = await page('/about');
    expect(words(doc.querySelector('#silence'))).toBe('Days without comment');
    expect(words(doc.querySelector('#silence + ul + p'))).toContain('Monday 3 May 2021 was a bank holiday');
    expect(words(doc.querySelector('#reply-due + p'))).toMatch(/^An approach’s reply is due on the 10th working day after it was made .* or the 20th working day for a Freedom of Information request/);
    const directory = doc.querySelector('#directory-caption')?.closest('table');
    expect(all(directory, 'tbody tr').map((tr) => [...tr.children].slice(0, 3).map((c) => words(c)))).toEqual([
      ['NHS England', '1', '0'],
      ['Mental health trusts', '2', '1'],
      ['Police forces', '3', '0'],
      ['Integrated care boards', '1', '0'],
      ['Other bodies', '1', '0'],
    ]);
    expect(words(section(doc, 'directory-heading'))).toContain('England and Wales, 2018 to 2027.');
    expect(all(section(doc, 'campaign-heading'), '.asks-list dt').map(words)).toEqual(['Close the scheme', 'Independent review']);
  });
});

describe('errors', () => {
  it('is a helpful 404 page', async () => {
    const { status, doc } = await page('/no-such-page');
    expect(status).toBe(404);
    expect(words(doc.querySelector('main p'))).toBe('There is no page at this address. It may have moved, or the link may be mistyped.');
    expect(all(doc, 'main a').map((a) => a.getAttribute('href'))).toEqual(['/', '/institutions', '/timeline']);
  });
});

describe('output is escaped', () => {
  it('prints markup in a name, a summary, a quote and a source as text', async () => {
    const h = await makeApp({ dataDir: FIXTURE_DATA });
    try {
      const db = h.app.tracker.db;
      const hostile = institution(db, { name: 'Ambridge <i>Police</i> & Crime', kind: 'police_force', aliases: ['<b>AP</b>'] });
      const id = response(db, hostile, {
        date: '2021-07-01',
        summary: '<script>alert(1)</script> said',
        quote: '<img src=x onerror=alert(2)>',
        source: { title: '<b>Source</b>', url: 'https://example.org/?a=1&b=2', publisher: '"Quotes" & <Co>' },
      });
      for (const url of [`/institutions/${hostile.slug}`, `/events/${id}`, '/timeline', '/']) {
        const { status, doc } = await page(url, h);
        expect(status, url).toBe(200);
        // Only the site's own script, and no image other than the badge: nothing the text held became markup.
        expect(all(doc, 'script').map((s) => [s.getAttribute('src'), s.textContent]), url).toEqual([['/static/copy.js', '']]);
        expect(all(doc, 'main img').every((img) => img.getAttribute('src')!.startsWith('/badges/') && !img.hasAttribute('onerror')), url).toBe(true);
        expect(all(doc, 'main b, main i'), url).toHaveLength(0);
        const source = all(doc, 'main a').find((a) => a.getAttribute('href') === 'https://example.org/?a=1&b=2');
        if (url !== '/') expect(words(source), url).toBe('<b>Source</b>');
      }
      const institutionPage = (await page(`/institutions/${hostile.slug}`, h)).doc;
      expect(words(institutionPage.querySelector('main h1'))).toBe('Ambridge <i>Police</i> & Crime');
      expect(institutionPage.querySelector('title')?.textContent).toMatch(/^Ambridge <i>Police<\/i> & Crime – /);
      expect(institutionPage.querySelector('meta[property="og:title"]')?.getAttribute('content')).toBe('Ambridge <i>Police</i> & Crime');
      expect(facts(institutionPage)['Other names and local schemes']).toBe('<b>AP</b>');
      const eventPage = (await page(`/events/${id}`, h)).doc;
      expect(words(eventPage.querySelector('main h2 + p'))).toBe('<script>alert(1)</script> said');
      expect(words(eventPage.querySelector('main blockquote'))).toBe('“<img src=x onerror=alert(2)>”');
      expect(words(all(eventPage, 'main h2').find((h2) => words(h2) === 'Sources')?.nextElementSibling)).toBe('<b>Source</b>, "Quotes" & <Co>');
    } finally {
      await h.close();
    }
  });

  it('shows a hostile as_of back as text', async () => {
    const { status, doc } = await page('/institutions?as_of=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(status).toBe(400);
    expect(doc.querySelector('form #as_of')?.getAttribute('value')).toBe('<script>alert(1)</script>');
    expect(all(doc, 'script').map((s) => s.getAttribute('src'))).toEqual(['/static/copy.js']);
  });
});
