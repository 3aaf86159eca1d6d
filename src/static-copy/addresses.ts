/**
 * Where each address of the tracker lives in the static copy, and links rewritten so that they
 * work when the copy is served from any folder of any host.
 *
 * Pages are folders with an `index.html` (`/institutions/nhs-england` →
 * `institutions/nhs-england/index.html`, linked as `institutions/nhs-england/`); JSON answers
 * of the API get `.json` (`/api/institutions` → `api/institutions.json`); feeds, spreadsheets,
 * images, styles and scripts keep their names. Every host serves these with the right type.
 * Pages of a list that the server reads with a cursor (`/timeline?before=…`) are numbered
 * folders or files (`timeline/page/2/`, `api/timeline/page/2.json`).
 */
import path from 'node:path';

/** Names that keep their own extension (and so their type) in the copy. */
const KEEPS_ITS_NAME = /\.(svg|atom|rss|json|csv|css|js|ico|txt|xml)$/;

/** The file of a path (no query) in the copy. */
export function fileOf(pathname: string): string {
  if (pathname === '/') return 'index.html';
  const rest = pathname.slice(1).replace(/\/+$/, '');
  if (KEEPS_ITS_NAME.test(rest)) return rest;
  if (rest.startsWith('api/')) return `${rest}.json`;
  return `${rest}/index.html`;
}

/** How a file is linked to: a page by its folder (`institutions/x/`, or `` for the overview), any other file by its name. */
export function addressOf(file: string): string {
  if (file === 'index.html') return '';
  return file.endsWith('/index.html') ? file.slice(0, -'index.html'.length) : file;
}

/** The link from one file of the copy to another, relative to the folder the first is served from. */
export function relativeLink(fromFile: string, toFile: string): string {
  const fromDir = path.posix.dirname(`/${fromFile}`);
  const target = addressOf(toFile);
  if (target === '' || target.endsWith('/')) {
    const relative = path.posix.relative(fromDir, `/${target}`);
    return relative === '' ? './' : `${relative}/`;
  }
  return path.posix.relative(fromDir, `/${target}`);
}

/** What the copy holds, and what it says about itself. */
export interface Holdings {
  /** The file the copy holds for a local address (path and query, as sent), or null. */
  fileFor(url: string): string | null;
  /** The copy's own address (BASE_URL), without a trailing slash. */
  baseUrl: string;
  /** The live tracker, where what needs the server goes; null when there is none. */
  liveUrl: string | null;
  /** The file that says something is not in the copy (used when there is no live tracker). */
  unavailable: string;
  /** Whether a query of only `as_of` and `rev` names the moment and revision the copy shows. */
  isOwnPin(query: URLSearchParams): boolean;
}

/** Counts what could not be found in the copy (sent to the live tracker, or to the page that says it is not here). */
export interface Misses {
  count: number;
  examples: string[];
}

export const newMisses = (): Misses => ({ count: 0, examples: [] });

function missed(misses: Misses, url: string): void {
  misses.count++;
  if (misses.examples.length < 5 && !misses.examples.includes(url)) misses.examples.push(url);
}

type Target = { file: string; hash: string } | { absolute: string };

/** Where a local address (path, query and fragment) leads in the copy. */
function targetOf(url: string, holdings: Holdings, misses: Misses): Target {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const local = hashAt === -1 ? url : url.slice(0, hashAt);
  const found = holdings.fileFor(local === '' ? '/' : local);
  if (found !== null) return { file: found, hash };
  const [pathname = '/', query = ''] = local.split('?', 2);
  const params = new URLSearchParams(query);
  // A permanent link pinned to the moment and revision the copy shows: the live tracker keeps it
  // for ever; without one, the copy's own page shows the same thing for now.
  if (query !== '' && holdings.isOwnPin(params)) {
    if (holdings.liveUrl) return { absolute: `${holdings.liveUrl}${local}${hash}` };
    const own = holdings.fileFor(pathname);
    if (own !== null) return { file: own, hash };
  }
  missed(misses, local);
  if (holdings.liveUrl) return { absolute: `${holdings.liveUrl}${local}${hash}` };
  return { file: holdings.unavailable, hash: '' };
}

const decodeHtml = (text: string) => text.replace(/&(amp|quot|#39|#34|lt|gt);/g, (_m, name: string) => ({ amp: '&', quot: '"', '#39': "'", '#34': '"', lt: '<', gt: '>' })[name]!);
const encodeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An HTML page of the copy: root-relative links (`href="/…"`, `src="/…"`) made relative to the
 * page's own folder, forms sent to the live tracker, and absolute links to BASE_URL pointed at
 * the copy's files.
 */
export function rewritePage(html: string, ownFile: string, holdings: Holdings, misses: Misses): string {
  const local = html.replace(/(\s(?:href|src|action))="(\/(?!\/)[^"]*)"/g, (_m, attribute: string, value: string) => {
    const url = decodeHtml(value);
    if (attribute.trim() === 'action') {
      // A form sends a query the copy cannot answer: it goes to the live tracker (pages show
      // no such form when there is none).
      return `${attribute}="${encodeHtml(`${holdings.liveUrl ?? holdings.baseUrl}${url}`)}"`;
    }
    const target = targetOf(url, holdings, misses);
    const link = 'file' in target ? `${relativeLink(ownFile, target.file)}${target.hash}` : target.absolute;
    return `${attribute}="${encodeHtml(link)}"`;
  });
  return rewriteAbsolute(local, 'markup', holdings, misses);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The characters that end an address in text: white space, quotes, angle brackets, commas, closing brackets, backslashes. */
const ADDRESS_END = `\\s"'<>,)\\]\\\\`;

/**
 * Absolute addresses on BASE_URL, wherever they are (links, citations, JSON, feeds, CSV),
 * pointed at the copy's files: `…/institutions/x` → `…/institutions/x/`, `…/api/campaign` →
 * `…/api/campaign.json`. In markup (HTML, XML) `&amp;` and the other entities are read as such.
 */
export function rewriteAbsolute(text: string, kind: 'markup' | 'plain', holdings: Holdings, misses: Misses): string {
  const base = holdings.baseUrl;
  const pattern = new RegExp(`${escapeRegExp(base)}(?![\\w.-])([/?#][^${ADDRESS_END}]*)?`, 'g');
  return text.replace(pattern, (match: string, rest: string | undefined) => {
    let address = rest ?? '';
    let after = '';
    if (kind === 'markup') {
      // An entity other than &amp; ends the address (a quote or bracket, escaped).
      const end = address.search(/&(quot|#39|#34|lt|gt);/);
      if (end !== -1) [address, after] = [address.slice(0, end), address.slice(end)];
    }
    // Sentence punctuation after an address is not part of it.
    const trailing = /[.:;!?]+$/.exec(address)?.[0] ?? '';
    if (trailing) [address, after] = [address.slice(0, -trailing.length), trailing + after];
    const url = kind === 'markup' ? decodeHtml(address) : address;
    if (url === '' || url === '/') return `${base}/${after}`;
    const target = targetOf(url.startsWith('/') ? url : `/${url}`, holdings, misses);
    const mapped = 'file' in target ? `${base}/${addressOf(target.file)}${target.hash}` : target.absolute;
    return (kind === 'markup' ? encodeHtml(mapped) : mapped) + after || match;
  });
}

/** The place in a chunk of streamed text after which an address may have been cut (the last comma or line end). */
export function safeEnd(text: string): number {
  return Math.max(text.lastIndexOf(','), text.lastIndexOf('\n')) + 1;
}
