/**
 * Markup kept as bytes. A page is made as one string and turned into UTF-8 when it is sent: for
 * the overview's 270 KB that took two fifths of the time to make it. Most of those bytes are the
 * parts drawn once for what they show (a chart's drawing, the table of its figures, the
 * scorecard): a page keeps them as bytes (`PageBytes.keep`) and holds a short mark in their
 * place, and when the page is made its own text is turned into bytes and joined with them.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Markup kept as bytes, with the SHA-256 of those bytes. */
interface Part {
  bytes: Buffer;
  digest: Buffer;
}

/**
 * What `make` makes of `shown` (or of one `part` of it), made once and kept in `store` while
 * `shown` is: markup drawn once as a string (render/charts.ts `drawnOnce`) or as bytes (`PageBytes`).
 */
export function keptFor<T>(store: WeakMap<object, Map<string, T>>, shown: object, part: string, make: () => T): T {
  let parts = store.get(shown);
  if (!parts) store.set(shown, (parts = new Map()));
  let made = parts.get(part);
  if (made === undefined) parts.set(part, (made = make()));
  return made;
}

/** Markup kept as bytes, for what it shows and which part of it (as drawnOnce keeps strings). */
const kept = new WeakMap<object, Map<string, Part>>();

/** The digests of pages joined from kept parts (`PageBytes.join`). */
const joinedDigests = new WeakMap<Buffer, Buffer>();

/**
 * A digest of `body` that changes whenever its bytes do, for its strong ETag: the SHA-256 of its
 * bytes; for a page joined from kept parts, the SHA-256 of its own text and of its parts' digests
 * (each made once, when the part was kept), so that a page's parts are not hashed again for each
 * page made from them. Each piece goes in with its kind and length first, so that two pages with
 * different bytes never give the same input.
 */
export function digestOf(body: Buffer): Buffer {
  return joinedDigests.get(body) ?? createHash('sha256').update(body).digest();
}

const TEXT = 0;
const PART = 1;
/** A piece's kind and length, as the digest of a joined page takes them. */
function pieceHead(kind: number, length: number): Buffer {
  const head = Buffer.allocUnsafe(5);
  head.writeUInt8(kind, 0);
  head.writeUInt32BE(length, 1);
  return head;
}

/**
 * Begins each mark: a NUL and 16 characters drawn at random when the process starts, which no
 * text in the record or in a request can hold but by guessing 96 random bits. A mark is `MARK`,
 * the part's number, `END`.
 */
const MARK = `\u0000${randomBytes(12).toString('base64url')}:`;
const END = '\u0000';

/** The parts one page keeps as bytes, in the order it holds their marks. */
export class PageBytes {
  readonly #parts: Part[] = [];

  /**
   * The mark that stands for the markup `draw` makes of `shown` (or of one `part` of it), made
   * and turned into bytes once while `shown` is kept: `draw` must depend on `shown` and `part`
   * alone, and make plain markup (not another part's mark).
   */
  readonly keep = (shown: object, draw: () => string, part = ''): string => {
    this.#parts.push(
      keptFor(kept, shown, part, () => {
        const markup = draw();
        if (markup.includes(MARK)) throw new Error('Markup kept as bytes holds the mark of another part');
        const bytes = Buffer.from(markup);
        return { bytes, digest: createHash('sha256').update(bytes).digest() };
      }),
    );
    return `${MARK}${this.#parts.length - 1}${END}`;
  };

  /**
   * The page's bytes: `html` with each mark replaced by the part it stands for (`html` itself
   * when it holds none), and its digest kept for `digestOf`.
   */
  join(html: string): string | Buffer {
    if (this.#parts.length === 0) return html;
    const bytes: Buffer[] = [];
    const digest = createHash('sha256');
    const text = (piece: string) => {
      const encoded = Buffer.from(piece);
      bytes.push(encoded);
      digest.update(pieceHead(TEXT, encoded.length)).update(encoded);
    };
    let from = 0;
    for (let at = html.indexOf(MARK); at !== -1; at = html.indexOf(MARK, from)) {
      const end = html.indexOf(END, at + MARK.length);
      const part = this.#parts[Number(html.slice(at + MARK.length, end))];
      if (end === -1 || part === undefined) throw new Error('A page holds a mark of no part it kept');
      text(html.slice(from, at));
      bytes.push(part.bytes);
      digest.update(pieceHead(PART, part.digest.length)).update(part.digest);
      from = end + END.length;
    }
    text(html.slice(from));
    const page = Buffer.concat(bytes);
    joinedDigests.set(page, digest.digest());
    return page;
  }
}
