/**
 * Compression (brotli or gzip, as the client accepts) with @fastify/compress. The render cache
 * (render-cache.ts) compresses the public answers it keeps itself, with the same choices and
 * settings, so that each is compressed once; @fastify/compress compresses everything else (the
 * workspace, the streamed downloads, the static files).
 */
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import fp from 'fastify-plugin';
import fastifyCompress from '@fastify/compress';
import { negotiate } from '@fastify/accept-negotiator';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Slots } from './slots.js';

export type Encoding = 'br' | 'gzip';

/** The encodings offered, in the order preferred. */
const ENCODINGS: Encoding[] = ['br', 'gzip'];
/** Smaller answers are sent as they are: compressing them saves too little. */
export const COMPRESS_AT_BYTES = 1024;
/** Brotli's quality 4: nearly gzip's speed for clearly smaller files (its default, 11, is far too slow to serve). */
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

/** The encoding to send a body of `bytes` in to the client that sent these headers, or null to send it as it is. */
export function chooseEncoding(headers: IncomingHttpHeaders, bytes: number): Encoding | null {
  const accepted = headers['accept-encoding'];
  if (bytes < COMPRESS_AT_BYTES || typeof accepted !== 'string') return null;
  // As @fastify/compress reads the header: `*` and x-gzip stand for gzip.
  return negotiate(accepted.toLowerCase().replace(/\*|x-gzip/g, 'gzip'), ENCODINGS) as Encoding | null;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * How many answers are compressed at once (as many as libuv's thread pool runs by default). Each
 * compressor holds a few megabytes of its own while it works: fifty readers of pages not in the
 * cache, compressed all at once, held several hundred. The others wait their turn.
 */
export const COMPRESSING_AT_ONCE = 4;
const compressions = new Slots(COMPRESSING_AT_ONCE);

/** How many compressions are running and how many wait. */
export const compressing = (): { running: number; waiting: number } => compressions.counts();

/**
 * The body compressed, off the event loop (in libuv's thread pool), a few at a time. Brotli is
 * told the body's size, so that it holds no larger a window than the body needs.
 */
export async function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  // Without limits on the queue or the wait, a slot always comes.
  const release = (await compressions.acquire())!;
  try {
    return await (encoding === 'br'
      ? brotli(body, { params: { ...BROTLI.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : gzip(body));
  } finally {
    release();
  }
}

export default fp(async function compression(app: FastifyInstance) {
  await app.register(fastifyCompress, { global: true, encodings: ENCODINGS, threshold: COMPRESS_AT_BYTES, brotliOptions: BROTLI });
});
