/** Markup kept as bytes: a page's marks replaced by the parts they stand for, each made once. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { digestOf, PageBytes } from '../../src/render/fragments.js';

const joined = (bytes: PageBytes, html: string): string => {
  const page = bytes.join(html);
  return typeof page === 'string' ? page : page.toString('utf8');
};

describe('PageBytes', () => {
  it('joins a page’s own text with the parts it kept, characters of every width intact', () => {
    const bytes = new PageBytes();
    const chart = {};
    const table = {};
    const html = `<h2>“Halt SIM” – over time</h2>${bytes.keep(chart, () => '<svg><text>Cwm Taf Morgannwg ’s 😀</text></svg>')}<p>·</p>${bytes.keep(table, () => '<table><caption>“Independent review”</caption></table>')}<p>end</p>`;
    const page = bytes.join(html);
    expect(Buffer.isBuffer(page)).toBe(true);
    expect((page as Buffer).toString('utf8')).toBe('<h2>“Halt SIM” – over time</h2><svg><text>Cwm Taf Morgannwg ’s 😀</text></svg><p>·</p><table><caption>“Independent review”</caption></table><p>end</p>');
  });

  it('leaves a page that kept nothing as it is', () => {
    const html = '<p>“nothing kept”</p>';
    expect(new PageBytes().join(html)).toBe(html);
  });

  it('draws a part once for what it shows and which part it is, whichever page asks', () => {
    const shown = {};
    let draws = 0;
    const draw = (text: string) => () => {
      draws++;
      return text;
    };
    const first = new PageBytes();
    const one = `${first.keep(shown, draw('<p>wide</p>'), 'wide')}${first.keep(shown, draw('<p>narrow</p>'), 'narrow')}${first.keep(shown, draw('<p>wide again</p>'), 'wide')}`;
    expect(joined(first, one)).toBe('<p>wide</p><p>narrow</p><p>wide</p>');
    const second = new PageBytes();
    expect(joined(second, second.keep(shown, draw('<p>redrawn</p>'), 'narrow'))).toBe('<p>narrow</p>');
    expect(draws).toBe(2);
    const other = new PageBytes();
    expect(joined(other, other.keep({}, draw('<p>another</p>'), 'narrow'))).toBe('<p>another</p>');
    expect(draws).toBe(3);
  });

  it('places a part wherever its mark is, however often, even in escaped text', () => {
    const bytes = new PageBytes();
    const mark = bytes.keep({}, () => '<b>x</b>');
    expect(joined(bytes, `${mark}&amp;${mark}${mark}`)).toBe('<b>x</b>&amp;<b>x</b><b>x</b>');
  });

  it('leaves alone text that looks like a mark without its random word', () => {
    const bytes = new PageBytes();
    const mark = bytes.keep({}, () => '<b>x</b>');
    const forged = '\u0000AAAAAAAAAAAAAAAA:0\u0000';
    expect(joined(bytes, `${forged}${mark}${forged}`)).toBe(`${forged}<b>x</b>${forged}`);
  });

  it('refuses to keep markup that holds another part’s mark (it would name a part of another page)', () => {
    const bytes = new PageBytes();
    const inner = bytes.keep({}, () => '<i>inner</i>');
    expect(() => bytes.keep({}, () => `<div>${inner}</div>`)).toThrow(/mark of another part/);
  });

  it('refuses a page that holds a mark it did not keep', () => {
    const one = new PageBytes();
    const two = new PageBytes();
    const mark = one.keep({}, () => '<b>one</b>');
    two.keep({}, () => '<b>two</b>');
    const stray = mark.replace(':0', ':7');
    expect(() => two.join(stray)).toThrow(/mark of no part/);
  });

  it('makes the same bytes as the whole page made as one string, for any parts and text', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.oneof(text.map((t) => ({ text: t })), fc.record({ part: fc.integer({ min: 0, max: 3 }), markup: text })), { maxLength: 12 }), (pieces) => {
        const shown = [{}, {}, {}, {}];
        const drawn = new Map<number, string>();
        const bytes = new PageBytes();
        let html = '';
        let whole = '';
        for (const piece of pieces) {
          if ('text' in piece) {
            html += piece.text;
            whole += piece.text;
          } else {
            const markup = drawn.get(piece.part) ?? piece.markup;
            drawn.set(piece.part, markup);
            html += bytes.keep(shown[piece.part]!, () => piece.markup);
            whole += markup;
          }
        }
        expect(Buffer.from(bytes.join(html)).equals(Buffer.from(whole))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a page the same digest each time it is made the same way, and another when any byte differs', () => {
    const chart = {};
    const make = (text: string, part = '') => {
      const bytes = new PageBytes();
      return bytes.join(`<p>${text}</p>${bytes.keep(chart, () => '<svg>“chart”</svg>', part)}<p>end</p>`) as Buffer;
    };
    const page = make('a');
    expect(digestOf(make('a')).equals(digestOf(page))).toBe(true);
    expect(digestOf(make('b')).equals(digestOf(page))).toBe(false);
    expect(digestOf(make('a', 'other')).equals(digestOf(page))).toBe(true);
    const other = {};
    const bytes = new PageBytes();
    const redrawn = bytes.join(`<p>a</p>${bytes.keep(other, () => '<svg>“chart!”</svg>')}<p>end</p>`) as Buffer;
    expect(digestOf(redrawn).equals(digestOf(page))).toBe(false);
    // Any other body: the SHA-256 of its bytes.
    const copy = Buffer.from(page);
    expect(digestOf(copy).equals(createHash('sha256').update(copy).digest())).toBe(true);
  });

  it('never gives two joined pages with different bytes the same digest, however the text and parts fall', () => {
    const text = fc.string({ unit: 'grapheme-ascii', maxLength: 6 });
    const pieces = fc.array(fc.oneof(text.map((t) => ({ text: t })), fc.record({ part: fc.integer({ min: 0, max: 2 }) })), { minLength: 1, maxLength: 6 });
    const shown = [{}, {}, {}];
    const markup = ['<b>', '</b>', 'b>'];
    const page = (list: ({ text: string } | { part: number })[]) => {
      const bytes = new PageBytes();
      const html = list.map((p) => ('text' in p ? p.text : bytes.keep(shown[p.part]!, () => markup[p.part]!))).join('');
      // A page with no part is sent as its string: give it one empty part, so that every page here is joined.
      const joined = bytes.join(`${html}${bytes.keep(shown[0]!, () => markup[0]!, 'end')}`);
      return joined as Buffer;
    };
    fc.assert(
      fc.property(pieces, pieces, (one, two) => {
        const a = page(one);
        const b = page(two);
        if (!a.equals(b)) expect(digestOf(a).equals(digestOf(b))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
