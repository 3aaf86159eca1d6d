/**
 * Large downloads written a page at a time: the next page is read only when the client has
 * taken the last one, and other requests get their turn between pages, so neither memory nor
 * the event loop depends on how large the record is.
 */
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

export function pagedBody<T>(pages: Generator<T>, render: (page: T, index: number) => string, opening = '', closing = ''): Readable {
  async function* chunks(): AsyncGenerator<string> {
    try {
      if (opening) yield opening;
      let index = 0;
      for (const page of pages) {
        yield render(page, index++);
        await nextTurn();
      }
      if (closing) yield closing;
    } finally {
      // A client that goes away closes the pages (and the snapshot they read).
      pages.return(undefined);
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 });
}

/**
 * A Content-Disposition that always downloads: the name as plain ASCII (anything else, quotes
 * and backslashes as underscores) and in full as UTF-8 (RFC 6266, RFC 5987).
 */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
