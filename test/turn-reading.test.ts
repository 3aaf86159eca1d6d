/**
 * The fast lane's one reading of other connections' commits per turn of the event loop
 * (src/plugins/turn-reading.ts), on a real HTTP server with real connections over loopback.
 * Requests written by this process arrive together: the server cannot read any of them until the
 * test yields, and then reads them in one turn.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnReading } from '../src/plugins/turn-reading.js';

interface Harness {
  reading: TurnReading;
  /** Connections the server has accepted. */
  accepted: () => number;
  /** The marks each request was given, in the order the server saw them. */
  marks: string[];
  port: number;
  close: () => Promise<void>;
}

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

/** A server whose every GET asks the reading for a mark (a POST is passed), reading a counter that `bump` moves (another connection committing). */
async function harness(options: { limit?: number; platform?: NodeJS.Platform } = {}): Promise<Harness & { bump: () => void }> {
  let version = 0;
  const marks: string[] = [];
  const server = http.createServer((request, response) => {
    if (request.method === 'GET') marks.push(reading.markFor(request.socket));
    else reading.passed(request.socket);
    response.end('ok');
  });
  const reading = new TurnReading(() => `v${version}`, server, options.limit, options.platform ?? 'linux');
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const h = {
    reading,
    marks,
    accepted: () => accepted,
    port: (server.address() as net.AddressInfo).port,
    bump: () => version++,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(h);
  return h;
}

/** `count` more connections, each open and accepted by the server (so that their requests are read in the same turn). */
async function connections(h: Harness, count: number): Promise<net.Socket[]> {
  const before = h.accepted();
  const sockets = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Socket>((resolve, reject) => net.connect(h.port, '127.0.0.1').once('connect', function (this: net.Socket) { resolve(this); }).once('error', reject))),
  );
  while (h.accepted() < before + count) await new Promise((resolve) => setImmediate(resolve));
  return sockets;
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const POST = 'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';

/** Writes each connection's requests in one go, all before the server can read any, and waits for `answers` answers in all. */
async function sendTogether(sockets: net.Socket[], requests: string[][], answers: number): Promise<void> {
  let seen = 0;
  await new Promise<void>((resolve) => {
    for (const socket of sockets)
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString().split('HTTP/1.1 200').length - 1;
        if (seen === answers) resolve();
      });
    sockets.forEach((socket, i) => socket.write(requests[i]!.join('')));
  });
  for (const socket of sockets) socket.removeAllListeners('data');
}

describe('one reading of other connections’ commits per turn', () => {
  it('is shared by the first requests of connections read in the same turn', async () => {
    const h = await harness();
    const sockets = await connections(h, 10);
    await sendTogether(sockets, sockets.map(() => [GET('/')]), 10);
    expect(h.reading.counts).toEqual({ reads: 1, shared: 9 });
    expect(new Set(h.marks)).toEqual(new Set(['v0']));
    sockets.forEach((s) => s.destroy());
  });

  it('is read again in the next turn: a commit made between two turns is seen by the very next request', async () => {
    const h = await harness();
    const sockets = await connections(h, 4);
    await sendTogether(sockets, sockets.map(() => [GET('/')]), 4);
    h.bump();
    await sendTogether(sockets.slice(0, 1), [[GET('/')]], 1);
    expect(h.marks).toEqual(['v0', 'v0', 'v0', 'v0', 'v1']);
    expect(h.reading.counts.reads).toBe(2);
    sockets.forEach((s) => s.destroy());
  });

  it('is read afresh for a second request on a connection in the same turn (pipelined: it may have arrived after the reading)', async () => {
    const h = await harness();
    const [socket] = await connections(h, 1);
    await sendTogether([socket!], [[GET('/a'), GET('/b'), GET('/c')]], 3);
    expect(h.reading.counts).toEqual({ reads: 3, shared: 0 });
    socket!.destroy();
  });

  it('is read afresh for a request pipelined after one the lane passed to the app on the same connection', async () => {
    const h = await harness();
    const [first, second] = await connections(h, 2);
    // The first connection's request is read first (the kernel lists ready connections in the order they became ready).
    await sendTogether([first!, second!], [[GET('/')], [POST, GET('/')]], 3);
    expect(h.reading.counts).toEqual({ reads: 2, shared: 0 });
    // Without the POST before it, the second connection's request shares the reading.
    await sendTogether([first!, second!], [[GET('/')], [GET('/')]], 2);
    expect(h.reading.counts).toEqual({ reads: 3, shared: 1 });
    first!.destroy();
    second!.destroy();
  });

  it.each([
    ['with as many connections as the limit (libuv could ask the kernel twice in a turn)', { limit: 4 }, 4],
    ['elsewhere than Linux (where that has not been checked)', { platform: 'darwin' as const }, 2],
  ])('is read for every request %s', async (_case, options, count) => {
    const h = await harness(options);
    const sockets = await connections(h, count);
    await sendTogether(sockets, sockets.map(() => [GET('/')]), count);
    expect(h.reading.counts).toEqual({ reads: count, shared: 0 });
    sockets.forEach((s) => s.destroy());
  });

  it('counts the most connections open in the turn: connections closed since do not lift the limit until the next turn', async () => {
    const h = await harness({ limit: 4 });
    const sockets = await connections(h, 4);
    sockets.slice(2).forEach((s) => s.destroy());
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Four were open when the last turn began: this turn reads for each request.
    await sendTogether(sockets.slice(0, 2), [[GET('/')], [GET('/')]], 2);
    expect(h.reading.counts).toEqual({ reads: 2, shared: 0 });
    // With two open since, the next turn shares.
    await sendTogether(sockets.slice(0, 2), [[GET('/')], [GET('/')]], 2);
    expect(h.reading.counts).toEqual({ reads: 3, shared: 1 });
    sockets.slice(0, 2).forEach((s) => s.destroy());
  });
});
