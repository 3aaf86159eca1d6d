import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const decode = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');

describe('cite this', () => {
  it('gives a ready sentence on an institution page whose link reproduces the same figure', async () => {
    const page = (await get('/institutions/nhs-england?as_of=2021-05-06T11:30')).body;
    const sentence = decode(/id="citation-text">([^<]+)</.exec(page)![1]!);
    expect(sentence).toBe(
      'As at 11:30 on 6 May 2021 (UK time), NHS England had not commented 13 days (8 working days) after it was first approached on 23 April 2021. ' +
        'Source: #StopSIM: who has committed to halt and review SIM?, https://tracker.example.org/institutions/nhs-england?as_of=2021-05-06T10:30:00Z',
    );
    const link = sentence.split(', ').pop()!.replace('https://tracker.example.org', '');
    const again = (await get(link)).body;
    expect(decode(/id="citation-text">([^<]+)</.exec(again)![1]!)).toBe(sentence);
    const api = (await get(`/api/institutions/nhs-england?as_of=2021-05-06T10:30:00Z`)).json();
    expect(sentence).toContain(`${api.institution.silence.calendarDays} days (${api.institution.silence.workingDays} working days)`);
  });

  it('cites positions when there is no silence, events by their words, and the headline counts', async () => {
    const surrey = text((await get('/institutions/surrey-police?as_of=2021-05-07')).body);
    expect(surrey).toContain('At the end of 7 May 2021 (UK time), Surrey Police’s position was: Independent review: Committed (since 6 May 2021).');
    const event = decode(text((await get('/events/4')).body));
    expect(event).toContain('On 6 May 2021: Surrey Police said: “Together with all of our partners involved');
    const home = decode(text((await get('/?as_of=2021-05-06T11:30')).body));
    expect(home).toContain('As at 11:30 on 6 May 2021 (UK time): None of the 4 institutions involved has stated a position on “Halt SIM”; 1 of 4 institutions involved has committed to “Independent review”.');
  });

  it('offers a copy button only where JavaScript runs', async () => {
    const page = (await get('/institutions/nhs-england')).body;
    expect(page).toMatch(/<button type="button" class="copy-button" data-copy-target="citation-text"[^>]* hidden>/);
    expect(page).toContain('<script src="/static/copy.js" defer></script>');
    expect((await get('/static/copy.js')).statusCode).toBe(200);
  });
});

describe('time travel', () => {
  it('offers a control on every page that keeps the filters', async () => {
    const page = (await get('/institutions?kind=police_force&sort=silence')).body;
    expect(page).toContain('See the tracker as it stood at another moment');
    expect(page).toMatch(/<form method="get" action="\/institutions" class="time-travel-form">\s*<input type="hidden" name="kind" value="police_force">\s*<input type="hidden" name="sort" value="silence">/);
  });

  it('links back to now with the filters kept', async () => {
    const page = (await get('/institutions?kind=police_force&as_of=2021-05-06')).body;
    expect(page).toContain('href="/institutions?kind=police_force">Show the tracker as it is now');
  });
});

describe('what changed', () => {
  it('lists exactly the seed events in range, the positions that moved and the silences begun', async () => {
    const page = text((await get('/changes?from=2021-04-01&to=2021-05-07')).body);
    expect(page).toContain('New approaches (2)');
    expect(page).toContain('Replies (3)');
    expect(page).toContain('Milestones (1)');
    expect(page).toContain('Positions that moved (2)');
    expect(page).toMatch(/Surrey Police , on “Independent review”: moved up from No position to Committed/);
    expect(page).toMatch(/Silences begun \(1\) NHS England : approached on 23 April 2021/);
    expect(page).toContain('Silences ended (0)');
  });

  it('starts a period given as a date at the beginning of that day', async () => {
    const page = text((await get('/changes?from=2021-05-06&to=2021-05-07')).body);
    expect(page).toContain('From the start of 6 May 2021 to the end of 7 May 2021');
    expect(page).toContain('Replies (3)');
    expect(page).toContain('New approaches (0)');
    expect(text((await get('/changes?from=2021-04-23&to=2021-04-24')).body)).toContain('New approaches (2)');
  });

  it('leaves out what happened before the period', async () => {
    const page = text((await get('/changes?from=2021-04-24&to=2021-05-07')).body);
    expect(page).toContain('New approaches (0)');
    expect(page).toContain('Replies (3)');
    expect(page).toContain('Silences begun (0)');
  });

  it('refuses a bad or back-to-front period', async () => {
    expect((await get('/changes?from=soon')).statusCode).toBe(400);
    expect((await get('/changes?from=2021-05-07&to=2021-04-01')).statusCode).toBe(400);
  });
});

describe('badges and embeds', () => {
  it('draws the same figure as the API, for the same moment', async () => {
    const api = (await get('/api/institutions/nhs-england?as_of=2021-05-06T11:30')).json();
    const badge = await get('/badges/nhs-england.svg?as_of=2021-05-06T11:30');
    expect(badge.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(badge.headers['cache-control']).toBe('public, max-age=86400');
    expect(badge.body).toContain(`<title>NHS England · ${api.institution.silence.calendarDays} days without comment</title>`);
    expect(badge.body).toContain('role="img"');
    const review = await get('/badges/surrey-police.svg?ask=review');
    expect(review.body).toContain('aria-label="Surrey Police · Independent review: Committed"');
    expect((await get('/badges/nowhere.svg')).statusCode).toBe(404);
    expect((await get('/badges/nhs-england.svg?ask=abolish')).statusCode).toBe(400);
  });

  it.each([
    ['/embed/scorecard', true],
    ['/embed/institutions/nhs-england', true],
    ['/', false],
    ['/institutions/nhs-england', false],
    ['/api/campaign', false],
  ])('%s may be framed by any site: %s', async (url, framed) => {
    const res = await get(url);
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

  it('shows an embed code and a link to the full tracker', async () => {
    const page = (await get('/institutions/nhs-england')).body;
    expect(page).toContain('&lt;iframe src=&quot;https://tracker.example.org/embed/institutions/nhs-england&quot;');
    const embed = (await get('/embed/institutions/nhs-england')).body;
    expect(embed).toContain('href="https://tracker.example.org/institutions/nhs-england"');
  });
});

describe('sharing', () => {
  it('puts the figure itself in the Open Graph description of an institution page, and advertises the feeds', async () => {
    const page = decode((await get('/institutions/nhs-england?as_of=2021-05-06T11:30')).body);
    expect(page).toContain('<meta property="og:description" content="NHS England: 13 days without comment (8 working days), first approached 23 April 2021">');
    expect(page).toContain('<meta property="og:title" content="NHS England">');
    expect(page).toContain('<meta name="twitter:card" content="summary">');
    expect(page).toContain('<link rel="alternate" type="application/atom+xml" title="NHS England (Atom)" href="/institutions/nhs-england/feed.atom">');
    expect(page).toContain('<link rel="stylesheet" href="/static/print.css" media="print">');
  });
});
