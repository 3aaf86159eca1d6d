/**
 * Every public answer (pages, the JSON API, CSV, feeds, badges, charts, embeds) is the same for
 * every reader until the record changes, or, as at now, until the minute its label shows does. So
 * each is rendered once, kept in memory with its brotli and gzip forms, and sent again as it is:
 *
 * - kept under its address (path and query, without the tracking parameters shared links carry,
 *   such as `utm_source` or `fbclid`: `request.address`), a token of the record (recordToken: any write by this
 *   process, any commit by another, such as `npm run import`, and the bank holiday list), and its
 *   moment: the minute for an answer as at now, none for one whose `as_of` is pinned. A change is
 *   seen by the next request; what was kept under an older token is dropped;
 * - in at most RENDER_CACHE_MB of memory (answers and their compressed forms counted by their
 *   bytes), the least recently used dropped first; 0 turns the cache off;
 * - never for a signed-in campaigner (or any browser carrying the session cookie), the workspace,
 *   an answer that sets a cookie, an error, or a download streamed from a snapshot;
 * - while one request renders an answer, others asking for the same one wait for it instead of
 *   rendering it again;
 * - an answer kept is written straight to the socket, with the headers it was first sent with:
 *   the handler, the onSend hooks and serialisation are not run again;
 * - once the app has sent it so to an address, the HTTP server sends it again to the next request
 *   for that address before the app sees the request at all (`fastLane`).
 *
 * Every public answer also gets HTTP caching headers that let browsers, nginx and CDNs keep it
 * safely: a strong ETag (If-None-Match is answered 304), `Vary: accept-encoding`, and
 * Cache-Control: `public, max-age=31536000, immutable` when both `as_of` and `rev` are pinned (the
 * record at a revision, as at a moment, never changes); `public, max-age=CACHE_MAX_AGE_SECONDS,
 * stale-while-revalidate=300` otherwise; `private, no-store` for the workspace and signed-in
 * campaigners; `no-store` for errors. `X-Render-Cache` says what the cache did: `hit`, `miss`,
 * `bypass` (not kept: a signed-in campaigner, a session cookie, a streamed download) or `off`.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { othersCommitted, recordToken, recordTokenWith } from '../tracker/tracker.js';
import { isWorkspaceUrl } from './as-of.js';
import { chooseEncoding, compress, type Encoding } from './compression.js';
import { carriesSession } from './sessions.js';
import { TurnReading } from './turn-reading.js';
import { digestOf } from '../render/fragments.js';

declare module 'fastify' {
  interface FastifyInstance {
    renderCache: RenderCache;
    /**
     * Sends an answer kept in the cache straight from the HTTP server, before the app sees the
     * request, when it can (see `fastLane`); returns false to let the app answer.
     */
    fastLane: (request: IncomingMessage, response: ServerResponse) => boolean;
    /** The fast lane's reading of other connections' commits, shared within a turn of the event loop (null when the lane is off). */
    turnReading: TurnReading | null;
  }
  interface FastifyRequest {
    /** What the render cache knows of this request (undefined for what is not a public answer). */
    renderCacheState: RequestState | undefined;
  }
  interface FastifyContextConfig {
    /**
     * Query parameters that can mean "up to now" (the end of /changes' period): an answer that
     * gives one is as at now, even with `as_of` pinned.
     */
    nowParameters?: string[];
    /** False for a route that answers nothing about the record (a stylesheet, the health check): neither kept nor given caching headers here. */
    answer?: boolean;
  }
}

/** Cache-Control of an answer pinned to a moment and a revision: it never changes. */
export const PINNED = 'public, max-age=31536000, immutable';
/** Cache-Control of an answer as at now, for `maxAge` seconds (then served while a fresh one is fetched). */
export const asAtNow = (maxAge: number): string => `public, max-age=${maxAge}, stale-while-revalidate=300`;
/** Cache-Control of the workspace and of anything shown to a signed-in campaigner. */
export const PRIVATE = 'private, no-store';
/** Cache-Control of errors and refusals: asked again, answered again. */
export const NOT_KEPT = 'no-store';

/** Addresses that are not answers about the record: static files (cached by their own rules) and the health check. */
const NOT_ANSWERS = /^\/(static\/|healthz$|favicon\.ico$)/;

/**
 * Headers each request sets for itself, or this plugin does: never kept with an answer. Among them
 * the rate limit's count, which is of the request that rendered the answer: one sent from the cache
 * is not counted (see README), so it says nothing of the rate limit rather than a stale count.
 */
const OWN_HEADERS = new Set([
  'content-length',
  'set-cookie',
  'etag',
  'cache-control',
  'vary',
  'content-encoding',
  'x-render-cache',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
]);

type Headers = Record<string, string | number | string[] | undefined>;

/** One answer as first rendered, with its compressed forms as they are made. */
export interface Answer {
  key: string;
  token: string;
  /** The minute of an answer as at now; null when its moment is pinned. */
  minute: number | null;
  /** Headers the handler set (and removed), replayed on every answer from the cache. */
  headers: Headers;
  removed: string[];
  body: Buffer;
  /** The body's digest (render/fragments.ts `digestOf`), shortened: the ETag of each form adds its encoding. */
  hash: string;
  encoded: Partial<Record<Encoding, Buffer>>;
  encoding: Partial<Record<Encoding, Promise<Buffer>>>;
  bytes: number;
  kept: boolean;
  /** The addresses, exactly as asked, this answer was sent from the cache to (the fast lane's). */
  urls: string[];
}

/** An answer as the app sent it from the cache to an address exactly as asked: what the fast lane sends again. */
interface Sent {
  answer: Answer;
  /** Its headers as sent, but for those of each form (ETag, encoding, length) and the rate limit's. */
  headers: OutgoingHttpHeaders;
  /**
   * The whole headers of each form (`identity`, `br`, `gzip`; `304` plus its encoding when not
   * modified), made once: one object per answer sent, made afresh for each request, was kept
   * alive long enough by the socket to be promoted to the old generation, and so put off every
   * answer with a full garbage collection every few hundred milliseconds.
   */
  forms: Map<string, OutgoingHttpHeaders>;
}

/** How many addresses (the same page with different tracking parameters, say) the fast lane knows for one answer. */
const URLS_PER_ANSWER = 4;

/** What the cache knows of a request for a public answer. */
interface RequestState {
  key: string | null;
  token: string | null;
  minute: number | null;
  /** The reply's headers before the handler ran, to tell which the handler set. */
  before: Headers;
  /** Sent from the cache already. */
  served: boolean;
  /** Set when this request renders an answer others wait for. */
  settle?: (answer: Answer | null) => void;
}

/** Answers kept in memory up to a number of bytes, the least recently used dropped first. */
export class RenderCache {
  private readonly answers = new Map<string, Answer>();
  private readonly rendering = new Map<string, Promise<Answer | null>>();
  /** Answers by the address exactly as asked, for the fast lane. */
  private readonly sent = new Map<string, Sent>();
  private bytes = 0;
  private token: string | null = null;
  private minute = -1;
  private counts = { hits: 0, fastHits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** A larger answer is not kept, so that one answer cannot push out most of the others. */
  get largestAnswer(): number {
    return Math.floor(this.maxBytes / 8);
  }

  /** Drops what was kept under an older token of the record, and answers as at earlier minutes. */
  advance(token: string, minute: number): void {
    if (token !== this.token) {
      this.token = token;
      this.clear();
    }
    if (minute !== this.minute) {
      this.minute = minute;
      for (const answer of this.answers.values()) if (answer.minute !== null && answer.minute < minute) this.drop(answer);
    }
  }

  get(key: string): Answer | undefined {
    const answer = this.answers.get(key);
    if (answer) this.used(answer);
    return answer;
  }

  /** Most recently used last. */
  private used(answer: Answer): void {
    this.answers.delete(answer.key);
    this.answers.set(answer.key, answer);
  }

  /** Counts an answer sent from the cache. */
  hit(): void {
    this.counts.hits++;
  }

  /** Remembers that a kept answer was sent for this address, exactly as asked, with these headers. */
  sentTo(url: string, answer: Answer, headers: OutgoingHttpHeaders): void {
    if (!answer.kept) return;
    const known = this.sent.get(url);
    if (known?.answer === answer) return;
    if (answer.urls.length >= URLS_PER_ANSWER) return;
    if (known) known.answer.urls = known.answer.urls.filter((u) => u !== url);
    this.sent.set(url, { answer, headers, forms: new Map() });
    answer.urls.push(url);
  }

  /** The answer last sent from the cache to this address exactly as asked, with the headers it was sent with. */
  sentFor(url: string): Sent | undefined {
    return this.sent.get(url);
  }

  /** Whether an answer is still the answer: kept under this token of the record, and as at this minute unless its moment is pinned. */
  static current(answer: Answer, token: string, minute: number): boolean {
    return answer.kept && answer.token === token && (answer.minute === null || answer.minute === minute);
  }

  /** Counts an answer sent by the fast lane (a hit), and marks it used. */
  fastHit(answer: Answer): void {
    this.used(answer);
    this.counts.hits++;
    this.counts.fastHits++;
  }

  /** The answer another request is rendering now, when one is. */
  rendered(key: string): Promise<Answer | null> | undefined {
    return this.rendering.get(key);
  }

  /** Says that this request renders the answer: others asking meanwhile wait for it. Returns how to hand it over. */
  render(key: string): (answer: Answer | null) => void {
    this.counts.misses++;
    let handOver!: (answer: Answer | null) => void;
    const promise = new Promise<Answer | null>((resolve) => (handOver = resolve));
    this.rendering.set(key, promise);
    return (answer) => {
      if (this.rendering.get(key) === promise) this.rendering.delete(key);
      handOver(answer);
    };
  }

  keep(answer: Answer): void {
    if (!this.enabled || answer.token !== this.token || answer.bytes > this.largestAnswer) return;
    const old = this.answers.get(answer.key);
    if (old) this.drop(old);
    answer.kept = true;
    this.answers.set(answer.key, answer);
    this.grew(answer, answer.bytes);
  }

  /** Counts bytes added to a kept answer (a compressed form), dropping the least recently used over the limit. */
  grew(answer: Answer, bytes: number): void {
    if (!answer.kept) return;
    this.bytes += bytes;
    for (const oldest of this.answers.values()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
      this.counts.evictions++;
    }
  }

  private drop(answer: Answer): void {
    if (!answer.kept) return;
    answer.kept = false;
    this.answers.delete(answer.key);
    this.bytes -= answer.bytes;
    for (const url of answer.urls) if (this.sent.get(url)?.answer === answer) this.sent.delete(url);
    answer.urls = [];
  }

  clear(): void {
    for (const answer of this.answers.values()) {
      answer.kept = false;
      answer.urls = [];
    }
    this.answers.clear();
    this.sent.clear();
    this.bytes = 0;
  }

  stats(): { answers: number; addresses: number; bytes: number; maxBytes: number; hits: number; fastHits: number; misses: number; evictions: number } {
    return { answers: this.answers.size, addresses: this.sent.size, bytes: this.bytes, maxBytes: this.maxBytes, ...this.counts };
  }
}

/** A GET of the public site (the workspace, static files and the health check aside). */
function asksForAnswer(request: FastifyRequest): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    request.routeOptions.config.answer !== false &&
    !isWorkspaceUrl(request.url) &&
    !NOT_ANSWERS.test(request.url.split('?', 1)[0]!)
  );
}

/** The answer's moment is pinned: `as_of` given, and no parameter that can mean "up to now". */
function momentPinned(request: FastifyRequest): boolean {
  if (request.asOfRaw === null) return false;
  const query = (request.query ?? {}) as Record<string, unknown>;
  return !(request.routeOptions.config.nowParameters ?? []).some((name) => query[name] !== undefined && query[name] !== '');
}

/** The ETag of one form of an answer. */
const etagOf = (answer: Answer, encoding: Encoding | null): string => `"${answer.hash}${encoding ? `-${encoding}` : ''}"`;

/** If-None-Match names this answer (in any of its forms: they are the same answer, differently encoded). */
function notModified(headers: IncomingHttpHeaders, answer: Answer): boolean {
  const given = headers['if-none-match'];
  if (typeof given !== 'string') return false;
  return given.split(',').some((tag) => {
    const opaque = tag.trim().replace(/^W\//, '');
    return opaque === '*' || opaque.replace(/^"|"$/g, '').replace(/-(br|gzip)$/, '') === answer.hash;
  });
}

/** The form of the answer this client takes, compressed once and kept. */
async function encoded(cache: RenderCache, answer: Answer, encoding: Encoding): Promise<Buffer> {
  const made = answer.encoded[encoding];
  if (made) return made;
  let making = answer.encoding[encoding];
  if (!making) {
    making = answer.encoding[encoding] = compress(answer.body, encoding).then((body) => {
      answer.encoded[encoding] = body;
      answer.bytes += body.length;
      cache.grew(answer, body.length);
      return body;
    });
  }
  return making;
}

/** The form of the answer this client takes: its encoding, its ETag, and its body (null when the client has it already: 304). */
async function formFor(cache: RenderCache, request: FastifyRequest, answer: Answer): Promise<{ encoding: Encoding | null; etag: string; body: Buffer | null }> {
  const encoding = chooseEncoding(request.headers, answer.body.length);
  const etag = etagOf(answer, encoding);
  if (notModified(request.headers, answer)) return { encoding, etag, body: null };
  return { encoding, etag, body: encoding ? await encoded(cache, answer, encoding) : answer.body };
}

/**
 * Sets the reply to send the answer in the form this client takes: 304 with no body when it has
 * it already. Returns the body to send (null for a 304).
 */
async function answerWith(cache: RenderCache, request: FastifyRequest, reply: FastifyReply, answer: Answer): Promise<Buffer | null> {
  const form = await formFor(cache, request, answer);
  reply.header('etag', form.etag);
  if (form.body === null) reply.code(304);
  else if (form.encoding) reply.header('content-encoding', form.encoding);
  return form.body;
}

/**
 * Sends a kept answer straight to the socket: its headers as first sent (the handler's and those
 * the app's onSend hooks added, kept with it) over this request's own (security headers, rate
 * limit, CORS), and its bytes in the form this client takes. The onSend hooks and serialisation
 * are not run again: the answer is the one they made.
 */
async function sendKept(cache: RenderCache, request: FastifyRequest, reply: FastifyReply, answer: Answer): Promise<void> {
  const headers: Headers = Object.assign(reply.getHeaders(), answer.headers);
  for (const name of answer.removed) delete headers[name];
  reply.hijack();
  const { encoding, etag, body } = await formFor(cache, request, answer);
  Object.assign(headers, { vary: 'accept-encoding', 'x-render-cache': 'hit' });
  // Before the headers of this form are added.
  if (request.raw.url !== undefined) cache.sentTo(request.raw.url, answer, { ...headers } as OutgoingHttpHeaders);
  headers.etag = etag;
  if (body === null) {
    reply.raw.writeHead(304, headers as OutgoingHttpHeaders);
    reply.raw.end();
    return;
  }
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = body.length;
  reply.raw.writeHead(200, headers as OutgoingHttpHeaders);
  // HEAD: the headers of GET, no body.
  reply.raw.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * The fast lane: an answer the app has sent from the cache to an address, exactly as asked, is
 * sent again to the next GET or HEAD of that address straight from the HTTP server, before the
 * app routes the request or runs its hooks, when it is still the answer (the record's token: this
 * process's writes counted for each request, other connections' commits read once for the
 * requests read in the same turn of the event loop (`TurnReading`, which says why each of them is
 * still seen by the very next request); the minute unchanged for an answer as at now), the client takes a form of
 * it already made, and carries no session cookie. It is the same answer with the same headers.
 * As with an answer the app sends from the cache, the rate limit does not count it: it costs less
 * than a refusal would. Anything else goes to the app.
 */
function fastLane(app: FastifyInstance, cache: RenderCache, reading: TurnReading): (request: IncomingMessage, response: ServerResponse) => boolean {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  return (request, response) => {
    const sent = closing || request.url === undefined || (request.method !== 'GET' && request.method !== 'HEAD') ? undefined : cache.sentFor(request.url);
    if (!sent || carriesSession(request)) {
      reading.passed(request.socket);
      return false;
    }
    const token = recordTokenWith(app.tracker, reading.markFor(request.socket));
    if (!RenderCache.current(sent.answer, token, Math.floor(app.now() / 60_000))) return false;
    const encoding = chooseEncoding(request.headers, sent.answer.body.length);
    const body = encoding ? sent.answer.encoded[encoding] : sent.answer.body;
    // A form not made yet: the app makes it.
    if (!body) return false;
    cache.fastHit(sent.answer);
    if (notModified(request.headers, sent.answer)) {
      response.writeHead(304, headersOf(sent, encoding, null));
      response.end();
      return true;
    }
    response.writeHead(200, headersOf(sent, encoding, body));
    // HEAD: the headers of GET, no body.
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/** The whole headers of one form of an answer the fast lane sends (`body` null: not modified), made once. */
function headersOf(sent: Sent, encoding: Encoding | null, body: Buffer | null): OutgoingHttpHeaders {
  const name = `${body === null ? '304 ' : ''}${encoding ?? 'identity'}`;
  let headers = sent.forms.get(name);
  if (!headers) {
    headers = { ...sent.headers, etag: etagOf(sent.answer, encoding) };
    if (body !== null) {
      if (encoding) headers['content-encoding'] = encoding;
      headers['content-length'] = body.length;
    }
    sent.forms.set(name, headers);
  }
  return headers;
}

/** The headers a handler set (or changed), and those it removed, from what the reply had before it ran. */
function handlerHeaders(before: Headers, after: Headers): { headers: Headers; removed: string[] } {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(after)) {
    if (OWN_HEADERS.has(name) || value === undefined) continue;
    if (JSON.stringify(before[name]) !== JSON.stringify(value)) headers[name] = value;
  }
  return { headers, removed: Object.keys(before).filter((name) => !(name in after) && !OWN_HEADERS.has(name)) };
}

export default fp(async function renderCache(app: FastifyInstance, options: { maxBytes: number; nowMaxAgeSeconds: number; fastLane?: boolean }) {
  const cache = new RenderCache(options.maxBytes);
  app.decorate('renderCache', cache);
  const reading = options.fastLane === false ? null : new TurnReading(() => othersCommitted(app.tracker), app.server);
  app.decorate('turnReading', reading);
  app.decorate('fastLane', reading ? fastLane(app, cache, reading) : () => false);
  app.decorateRequest('renderCacheState', undefined);
  const nowPolicy = asAtNow(options.nowMaxAgeSeconds);

  // After the moment and revision are read (as-of.ts), before the handler: send the answer kept, if any.
  app.addHook('onRequest', async (request, reply) => {
    if (!asksForAnswer(request)) return;
    const state: RequestState = { key: null, token: null, minute: null, before: {}, served: false };
    request.renderCacheState = state;
    if (cache.enabled && !carriesSession(request)) {
      const token = recordToken(app.tracker);
      const minute = Math.floor(app.now() / 60_000);
      cache.advance(token, minute);
      state.token = token;
      state.minute = momentPinned(request) ? null : minute;
      // Under the address without tracking parameters (as-of.ts): the page is the same without them.
      state.key = `${request.address}\n${token}\n${state.minute ?? 'pinned'}`;
      let answer = cache.get(state.key);
      if (!answer) {
        const rendering = cache.rendered(state.key);
        answer = (rendering && (await rendering)) || undefined;
        if (!answer) state.settle = cache.render(state.key);
      }
      if (answer) {
        cache.hit();
        state.served = true;
        return sendKept(cache, request, reply, answer);
      }
    }
    // To tell, once the handler has run, which headers it set.
    state.before = reply.getHeaders();
  });

  // After every other onSend hook of the app (sessions' cookies included), before compression.
  app.addHook('onSend', async (request, reply, payload) => {
    const state = request.renderCacheState;
    if (state?.served) return payload;
    const handOver = (answer: Answer | null) => {
      state?.settle?.(answer);
      if (state) state.settle = undefined;
    };
    const answers = state !== undefined || asksForAnswer(request);
    if (isWorkspaceUrl(request.url) || (answers && (request.user || reply.hasHeader('set-cookie')))) {
      // The workspace, a signed-in campaigner, a cookie being set: for this browser alone.
      handOver(null);
      reply.header('cache-control', PRIVATE);
      if (answers) reply.header('x-render-cache', 'bypass');
      return payload;
    }
    if (!answers) return payload;
    if (!state || reply.statusCode !== 200) {
      // Refused or failed (a request refused before the cache saw it included): not kept anywhere.
      handOver(null);
      reply.header('cache-control', NOT_KEPT);
      return payload;
    }
    reply.header('cache-control', momentPinned(request) && request.revPinned ? PINNED : nowPolicy).header('vary', 'accept-encoding');
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      // A download streamed from a snapshot: sent as it is made, never kept.
      handOver(null);
      reply.header('x-render-cache', 'bypass');
      return payload;
    }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const { headers, removed } = handlerHeaders(state.before, reply.getHeaders());
    const answer: Answer = {
      key: state.key ?? '',
      token: state.token ?? '',
      minute: state.minute,
      headers: { ...headers, 'cache-control': String(reply.getHeader('cache-control')) },
      removed,
      body,
      hash: digestOf(body).toString('base64url').slice(0, 27),
      encoded: {},
      encoding: {},
      bytes: body.length + 1024,
      kept: false,
      urls: [],
    };
    if (state.key) cache.keep(answer);
    handOver(answer);
    reply.header('x-render-cache', state.key ? 'miss' : cache.enabled ? 'bypass' : 'off');
    return answerWith(cache, request, reply, answer);
  });

  // A request that ends without an answer (aborted, failed) lets those waiting for it render their own.
  const release = async (request: FastifyRequest) => {
    request.renderCacheState?.settle?.(null);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
});
