/** Where each address goes in the static copy, and links rewritten to work from any folder. */
import { describe, expect, it } from 'vitest';
import { addressOf, fileOf, newMisses, relativeLink, rewriteAbsolute, rewritePage, safeEnd, type Holdings } from '../../src/static-copy/addresses.js';
import { stampForms, withoutStamp } from '../../src/static-copy/stamp.js';
import { instantOf } from '../../src/domain/calendar.js';

const BASE = 'https://copy.example.org/tracker';

function holdings(liveUrl: string | null = null): Holdings {
  const files = new Map([
    ['/', 'index.html'], ['/about', 'about/index.html'], ['/institutions/nhs-england', 'institutions/nhs-england/index.html'],
    ['/timeline', 'timeline/index.html'], ['/timeline?before=1620297000000.42', 'timeline/page/2/index.html'], ['/api/campaign', 'api/campaign.json'],
    ['/static/site.css', 'static/site.css'], ['/not-in-this-copy', 'not-in-this-copy/index.html'],
  ]);
  return {
    fileFor: (url) => files.get(url) ?? null,
    baseUrl: BASE,
    liveUrl,
    unavailable: 'not-in-this-copy/index.html',
    isOwnPin: (q) => q.get('rev') === '7' && [...q.keys()].every((k) => k === 'rev' || k === 'as_of'),
  };
}

describe('the files of the copy', () => {
  it.each([
    ['/', 'index.html'],
    ['/institutions', 'institutions/index.html'],
    ['/institutions/nhs-england', 'institutions/nhs-england/index.html'],
    ['/api', 'api/index.html'],
    ['/api/institutions', 'api/institutions.json'],
    ['/api/timeline/page/2', 'api/timeline/page/2.json'],
    ['/api/openapi.json', 'api/openapi.json'],
    ['/institutions/nhs-england/feed.atom', 'institutions/nhs-england/feed.atom'],
    ['/feed.rss', 'feed.rss'],
    ['/data/events.csv', 'data/events.csv'],
    ['/badges/nhs-england.svg', 'badges/nhs-england.svg'],
    ['/static/copy.js', 'static/copy.js'],
  ])('%s is %s', (url, file) => expect(fileOf(url)).toBe(file));

  it('links pages by their folder and other files by name, relative to the folder a page is served from', () => {
    expect(addressOf('index.html')).toBe('');
    expect(addressOf('events/5/index.html')).toBe('events/5/');
    expect(addressOf('feed.atom')).toBe('feed.atom');
    expect(relativeLink('index.html', 'index.html')).toBe('./');
    expect(relativeLink('index.html', 'institutions/x/index.html')).toBe('institutions/x/');
    expect(relativeLink('events/5/index.html', 'index.html')).toBe('../../');
    expect(relativeLink('events/5/index.html', 'events/5/index.html')).toBe('./');
    expect(relativeLink('events/5/index.html', 'static/site.css')).toBe('../../static/site.css');
    expect(relativeLink('timeline/page/2/index.html', 'timeline/index.html')).toBe('../../');
    expect(relativeLink('about/index.html', 'feed.atom')).toBe('../feed.atom');
  });
});

describe('links rewritten', () => {
  it('makes root-relative links relative, keeping fragments, and sends what the copy lacks to the live tracker or the page that says so', () => {
    const html = '<a href="/">x</a> <link href="/static/site.css"> <a href="/about#silence">y</a> <a href="/timeline?before=1620297000000.42">older</a> <a href="/changes?from=2021-05-01&amp;to=2021-05-06">z</a> <a href="https://news.example.org/x">s</a>';
    const misses = newMisses();
    expect(rewritePage(html, 'events/5/index.html', holdings(), misses)).toBe(
      '<a href="../../">x</a> <link href="../../static/site.css"> <a href="../../about/#silence">y</a> <a href="../../timeline/page/2/">older</a> <a href="../../not-in-this-copy/">z</a> <a href="https://news.example.org/x">s</a>',
    );
    expect(misses).toEqual({ count: 1, examples: ['/changes?from=2021-05-01&to=2021-05-06'] });
    const live = rewritePage(html, 'events/5/index.html', holdings('https://live.example.org'), newMisses());
    expect(live).toContain('<a href="https://live.example.org/changes?from=2021-05-01&amp;to=2021-05-06">z</a>');
  });

  it('sends forms to the live tracker', () => {
    expect(rewritePage('<form method="get" action="/timeline">', 'timeline/index.html', holdings('https://live.example.org'), newMisses())).toBe('<form method="get" action="https://live.example.org/timeline">');
  });

  it('points BASE_URL’s addresses at the copy’s files, in markup and in plain text, and leaves other sites alone', () => {
    const misses = newMisses();
    expect(rewriteAbsolute(`"url":"${BASE}/institutions/nhs-england","api":"${BASE}/api/campaign","next":"${BASE}/timeline?before=1620297000000.42","home":"${BASE}"`, 'plain', holdings(), misses)).toBe(
      `"url":"${BASE}/institutions/nhs-england/","api":"${BASE}/api/campaign.json","next":"${BASE}/timeline/page/2/","home":"${BASE}/"`,
    );
    // An embed code, escaped in a page: the address ends at the escaped quote.
    expect(rewriteAbsolute(`&lt;a href=&quot;${BASE}/institutions/nhs-england&quot;&gt;`, 'markup', holdings(), misses)).toBe(`&lt;a href=&quot;${BASE}/institutions/nhs-england/&quot;&gt;`);
    // A sentence ending with an address; a CSV cell.
    expect(rewriteAbsolute(`See ${BASE}/about. Then`, 'plain', holdings(), misses)).toBe(`See ${BASE}/about/. Then`);
    expect(rewriteAbsolute(`x,${BASE}/about,y`, 'plain', holdings(), misses)).toBe(`x,${BASE}/about/,y`);
    // Another site that starts the same way is not the copy.
    expect(rewriteAbsolute(`${BASE}-old/about https://elsewhere.example.org/tracker/about`, 'plain', holdings(), misses)).toBe(`${BASE}-old/about https://elsewhere.example.org/tracker/about`);
    expect(misses.count).toBe(0);
  });

  it('sends a permanent link pinned to the copy’s own moment to the live tracker, or else to the copy’s page', () => {
    const pinned = `${BASE}/institutions/nhs-england?as_of=2021-05-06T10:30:00Z&amp;rev=7`;
    expect(rewriteAbsolute(pinned, 'markup', holdings('https://live.example.org'), newMisses())).toBe('https://live.example.org/institutions/nhs-england?as_of=2021-05-06T10:30:00Z&amp;rev=7');
    expect(rewriteAbsolute(pinned, 'markup', holdings(), newMisses())).toBe(`${BASE}/institutions/nhs-england/`);
    // Pinned to another revision, it needs the server.
    expect(rewriteAbsolute(`${BASE}/institutions/nhs-england?rev=6`, 'plain', holdings(), newMisses())).toBe(`${BASE}/not-in-this-copy/`);
  });

  it('finds where streamed text can be cut without cutting an address', () => {
    expect(safeEnd('a,b,"https://x')).toBe(4);
    expect(safeEnd('line\nnext')).toBe(5);
    expect(safeEnd('no end')).toBe(0);
  });
});

describe('the stamp blanked for comparing', () => {
  it('blanks every way a moment and revision are written, and nothing else', () => {
    const asOf = instantOf('2026-11-22', '12:00');
    const forms = stampForms({ asOf, rev: 42, recordedAt: instantOf('2026-11-22', '11:58'), lastUpdatedOn: '2026-11-20' });
    const page = 'Figures as at <time datetime="2026-11-22T12:00:00.000Z">12:00 on 22 November 2026</time>, as recorded at revision 42 (11:58 on 22 November 2026). ?as_of=2026-11-22T12:00:00Z&amp;rev=42 revision 420 rev=4 from_rev=42';
    const blanked = withoutStamp(page, forms);
    expect(blanked).not.toMatch(/12:00|11:58|revision 42\b|[?;]rev=42/);
    expect(blanked).toContain('revision 420');
    expect(blanked).toContain('from_rev=42');
    expect(withoutStamp('{"asOf":"2026-11-22T12:00:00.000Z","revision":42,"campaign":{"lastUpdatedOn":"2026-11-20"}}', forms)).toBe('{"asOf":"\u0000as-of\u0000","revision":\u0000rev\u0000,"campaign":{"lastUpdatedOn":\u0000last-updated\u0000}}');
    expect(withoutStamp('x,2026-11-22T12:00:00.000Z,42,y', forms)).toBe('x,\u0000as-of\u0000,\u0000rev\u0000,y');
  });

  it('compares a page alike whether or not it was made in the minute of the last change', () => {
    const banner = (asOf: string, recorded: string, rev: number) => `Figures as at ${asOf} (UK time), as recorded at revision ${rev} (${recorded}).`;
    const before = stampForms({ asOf: instantOf('2026-11-22', '12:20'), rev: 41, recordedAt: instantOf('2026-11-22', '12:19'), lastUpdatedOn: null });
    const after = stampForms({ asOf: instantOf('2026-11-22', '12:36'), rev: 42, recordedAt: instantOf('2026-11-22', '12:36'), lastUpdatedOn: null });
    expect(withoutStamp(banner('12:36 on 22 November 2026', '12:36 on 22 November 2026', 42), after)).toBe(withoutStamp(banner('12:20 on 22 November 2026', '12:19 on 22 November 2026', 41), before));
  });
});
