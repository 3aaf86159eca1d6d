/**
 * The tracker on the benchmark database, plus two routes of the app that send a fixed buffer
 * through its router and hooks: `/bench/fixed/:bytes`, that many bytes of `x`, and
 * `/bench/same?path=…&encoding=…`, the very bytes, type and encoding of that page as first sent
 * (the honest comparison: a load generator decodes plain ASCII faster than a page's own UTF-8).
 * And a plain Node server (node:http, no framework) in the same process, on a port of its own,
 * that answers `/?path=…&encoding=…` with the page's bytes and all its headers as first sent: the
 * ceiling for those bytes from Node.
 */
import http, { type OutgoingHttpHeaders } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const app = await buildApp(loadConfig());
const buffers = new Map<number, Buffer>();
// Not an answer about the record: sent as it is, without the render cache or its headers.
app.get<{ Params: { bytes: string } }>('/bench/fixed/:bytes', { config: { answer: false } }, async (request, reply) => {
  const bytes = Number(request.params.bytes);
  let buffer = buffers.get(bytes);
  if (!buffer) buffers.set(bytes, (buffer = Buffer.alloc(bytes, 'x')));
  return reply.type('text/html; charset=utf-8').send(buffer);
});
/** Headers of each connection or message, which Node writes itself. */
const NODE_OWN = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
interface Copy {
  body: Buffer;
  /** Every header the page was sent with (but Node's own), its length as sent. */
  headers: OutgoingHttpHeaders;
}
const copies = new Map<string, Copy | Promise<Copy>>();
/**
 * The page at `path` as first sent when asked with `encoding` (Accept-Encoding): its bytes in the
 * form sent (brotli, say), and its headers; once made, without waiting (so that the plain server
 * sends it as plain Node would).
 */
function copyOf(path: string, encoding: string | null): Copy | Promise<Copy> {
  const key = `${path}\n${encoding ?? ''}`;
  let copy = copies.get(key);
  if (!copy) {
    copy = app.inject({ url: path, headers: encoding ? { 'accept-encoding': encoding } : {} }).then((page) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(page.headers)) if (!NODE_OWN.has(name) && value !== undefined) headers[name] = value;
      headers['content-length'] = page.rawPayload.length;
      const made = { body: page.rawPayload, headers };
      copies.set(key, made);
      return made;
    });
    copies.set(key, copy);
  }
  return copy;
}
app.get<{ Querystring: { path: string; encoding?: string } }>('/bench/same', { config: { answer: false } }, async (request, reply) => {
  const copy = await copyOf(request.query.path, request.query.encoding ?? null);
  // A body already encoded is not compressed again (@fastify/compress leaves it).
  const encoding = copy.headers['content-encoding'];
  if (encoding) reply.header('content-encoding', encoding);
  return reply.type(String(copy.headers['content-type'])).send(copy.body);
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });

const plain = http.createServer((request, response) => {
  const query = new URL(request.url ?? '/', 'http://x').searchParams;
  const send = (copy: Copy) => {
    response.writeHead(200, copy.headers);
    response.end(copy.body);
  };
  const copy = copyOf(query.get('path') ?? '/', query.get('encoding'));
  if (copy instanceof Promise) void copy.then(send);
  else send(copy);
});
await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
process.send?.({
  address: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
  plain: `http://127.0.0.1:${(plain.address() as { port: number }).port}`,
});
process.on('disconnect', () => {
  plain.close();
  void app.close().then(() => process.exit(0));
});

// The longest the event loop was held up, since the last time the benchmark asked.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on('message', (message: string) => {
  if (message !== 'event-loop') return;
  process.send?.({ longestBlockMs: Math.round(delay.max / 1e6) });
  delay.reset();
});
