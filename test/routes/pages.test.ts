import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { makeApp, TEST_NOW, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => t.close());

const page = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, html: res.body, headers: res.headers };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the overview page', () => {
  it('shows the campaign, its asks, the counts, the longest silences and the scorecard as at 11:30 on 6 May 2021', async () => {
    const { status, html, headers } = await page('/?as_of=2021-05-06T11:30');
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const words = text(html);
    expect(html).toContain('<html lang="en-GB">');
    expect(words).toContain('Halt SIM');
    expect(words).toContain('Independent review');
    expect(words).toContain('1 of 4 institutions involved has committed to “Independent review”');
    expect(words).toMatch(/NHS England : 13 days without comment \(8 working days\) , first approached 23 April 2021/);
    expect(words).toContain('You are viewing the tracker as it stood at 11:30 on 6 May 2021');
    expect(html).toMatch(/<caption id="scorecard-caption">/);
    expect(html).toContain('href="/institutions/surrey-police?as_of=2021-05-06T11%3A30"');
  });

  it('counts from 4 involved institutions: 1 committed, 1 considering, 2 with no position on the review', async () => {
    const { html } = await page('/?as_of=2021-05-06T11:30');
    const review = html.slice(html.indexOf('<h3>Independent review</h3>'));
    const cells = [...review.matchAll(/stance--(\w+)">[^<]+<\/span>\s*<\/th><td>(\d+) of (\d+)<\/td>/g)].slice(0, 5).map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(cells).toEqual([['done', 0, 4], ['committed', 1, 4], ['considering', 1, 4], ['refused', 0, 4], ['none', 2, 4]]);
  });

  it('says plainly when nothing had happened yet', async () => {
    const { html } = await page('/?as_of=2021-01-01');
    expect(text(html)).toContain('No institution has been approached or has stated a position yet.');
  });

  it('shows figures as at now by default, without a past-view banner', async () => {
    const { html } = await page('/');
    expect(text(html)).toContain('Figures as at 12:00 on 22 November 2026');
    expect(html).not.toContain('as-of--past');
  });
});

describe('the directory', () => {
  it('lists every institution, and filters by kind, region, stance and approach', async () => {
    expect(text((await page('/institutions')).html)).toMatch(/140 institutions shown/);
    expect(text((await page('/institutions?kind=police_force')).html)).toMatch(/44 institutions shown/);
    const se = text((await page('/institutions?kind=mental_health_trust&region=South+East')).html);
    expect(se).toMatch(/6 institutions shown/);
    expect(se).toContain('Surrey and Borders Partnership NHS Foundation Trust');
    expect(text((await page('/institutions?stance_review=committed')).html)).toMatch(/1 institution shown.*Surrey Police/);
    expect(text((await page('/institutions?approached=yes')).html)).toMatch(/1 institution shown.*NHS England/);
    expect(text((await page('/institutions?q=shipp')).html)).toMatch(/2 institutions shown/);
  });

  it('sorts by days without comment, longest first', async () => {
    const { html } = await page('/institutions?sort=silence&as_of=2021-05-06T11:30');
    const first = /<th scope="row"[^>]*><a [^>]+>([^<]+)</.exec(html.slice(html.indexOf('<tbody')));
    expect(first?.[1]).toBe('NHS England');
  });

  it('refuses an unknown stance or kind with a 400 page', async () => {
    expect((await page('/institutions?stance_review=maybe')).status).toBe(400);
    expect((await page('/institutions?kind=charity')).status).toBe(400);
  });
});

describe('an institution page', () => {
  it('shows who they are, their positions with the quote that set them, and their history', async () => {
    const { status, html } = await page('/institutions/surrey-police');
    expect(status).toBe(200);
    const words = text(html);
    expect(words).toContain('Other names and local schemes SHIPP');
    expect(words).toMatch(/Independent review: Committed/);
    expect(words).toContain('Since 6 May 2021');
    expect(words).toContain('“Together with all of our partners involved, we will look at the concerns raised');
    expect(words).toContain('No approach to Surrey Police is on record');
  });

  it('shows the silence figure with its definition', async () => {
    const words = text((await page('/institutions/nhs-england?as_of=2021-05-06T11:30')).html);
    expect(words).toContain('NHS England: 13 days without comment (8 working days)');
    expect(words).toContain('2 approaches unanswered');
    expect(words).toContain('Counted from the earliest approach that has not been followed by a statement or FOI response');
  });

  it('says when an institution was never approached', async () => {
    expect(text((await page('/institutions/cheshire-constabulary')).html)).toContain('Not approached.');
  });

  it('is a helpful 404 for an unknown slug', async () => {
    const { status, html } = await page('/institutions/ministry-of-magic');
    expect(status).toBe(404);
    expect(text(html)).toContain('Browse the directory');
  });
});

describe('the timeline and event pages', () => {
  it('groups events by month, newest first, and filters', async () => {
    const words = text((await page('/timeline')).html);
    expect(words).toMatch(/May 2021.*April 2021/);
    const responses = text((await page('/timeline?type=response')).html);
    expect(responses).toContain('Surrey Police');
    expect(responses).not.toContain('Petition to NHS England');
  });

  it('pages with Older events and Newest events links', async () => {
    const first = await page('/timeline?limit=4');
    const next = /href="(\/timeline\?limit=4&amp;before=[^"]+)" rel="next"/.exec(first.html)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const second = await page(next!);
    expect(text(second.html)).toContain('Petition to NHS England');
    expect(second.html).toContain('Newest events');
    expect(second.html).not.toContain('rel="next"');
  });

  it('shows an event on its permanent page, and 404s one that had not happened yet', async () => {
    const { html } = await page('/events/1');
    const words = text(html);
    expect(words).toContain('Approach: NHS England');
    expect(words).toContain('Friday 23 April 2021');
    expect(words).toContain('Reply due by 10 May 2021');
    expect(words).toContain('https://tracker.example.org/events/1');
    expect((await page('/events/1?as_of=2021-04-01')).status).toBe(404);
    expect((await page('/events/12345')).status).toBe(404);
  });
});

describe('the about page', () => {
  it('defines each figure and says where the directory comes from', async () => {
    const words = text((await page('/about')).html);
    expect(words).toContain('Days without comment');
    expect(words).toContain('Monday 3 May 2021 was a bank holiday');
    expect(words).toMatch(/Police forces 44 0/);
    expect(words).toMatch(/Mental health trusts 48 4/);
    expect(words).toContain('2018 to 2027');
  });
});

describe('errors', () => {
  it('explains a malformed as_of with the accepted formats', async () => {
    const { status, html } = await page('/timeline?as_of=last+tuesday');
    expect(status).toBe(400);
    expect(text(html)).toContain('2021-05-06T11:30');
  });

  it('is a helpful 404 page', async () => {
    const { status, html } = await page('/no-such-page');
    expect(status).toBe(404);
    expect(text(html)).toContain('There is no page at this address');
  });
});

describe('output is escaped', () => {
  it('prints markup in a summary and quote as text', async () => {
    const result = importEventsCsv(
      t.app.tracker.db,
      'institution,date,type,response_type,summary,quote,source_title,source_url\n' +
        'Cheshire Constabulary,2021-07-01,response,statement,<script>alert(1)</script> said,"<img src=x onerror=alert(2)>",<b>Source</b>,https://example.org/?a=1&b=2\n',
      { calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test' },
    );
    expect(result.problems).toEqual([]);
    const { html } = await page('/institutions/cheshire-constabulary');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; said');
    expect(html).toContain('&lt;b&gt;Source&lt;/b&gt;');
    expect(html).toContain('href="https://example.org/?a=1&amp;b=2"');
  });
});
