/**
 * One reading of what other connections have committed to the database, shared by the requests
 * the fast lane answers in one turn of the event loop.
 *
 * Reading it costs a read transaction, and in WAL mode a read transaction costs system calls
 * (SQLite locks a read mark in the `-shm` file, and unlocks it): a few microseconds alone, about
 * twenty under load, some two fifths of what a cached answer cost. Under load, the lane answers
 * dozens of requests in one turn, each of which was waiting when the turn began reading.
 *
 * Why sharing keeps "a change is seen by the very next request": a request may use a reading made
 * earlier in the turn only if its first bytes had arrived before that reading was made. So a
 * request sent after a change was committed is never answered from a reading made before it (one
 * sent while the change was being committed may be answered either way, as it would be anyway).
 *
 * - On Linux, libuv asks the kernel once per turn which connections have bytes to read
 *   (`epoll_wait`), then reads each, and Node's HTTP parser emits each request it completes as it
 *   reads; the lane answers each synchronously as it is emitted. libuv asks again within the same
 *   turn only when the kernel has returned 1,024 descriptors at once, which needs at least 1,024
 *   descriptors: so the reading is shared only while the server has had fewer than
 *   `connectionLimit` connections since the last turn began (512 by default, leaving the rest to
 *   the process's other descriptors: the database, the mail worker's few connections).
 * - The first bytes of a connection's first request read in a turn were waiting when the kernel
 *   was asked, so before the reading (made afterwards, in the same turn). Its later requests in
 *   the same turn (pipelined) may have arrived after the reading: each is read afresh.
 * - The reading is forgotten in the same turn's check phase (`setImmediate`), before libuv asks
 *   the kernel again.
 * - This process's own writes are counted for each request (`recordTokenWith`), at no cost.
 *
 * Elsewhere than Linux, and with more connections, each request reads afresh.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export const SHARE_BELOW_CONNECTIONS = 512;

export class TurnReading {
  private mark: string | null = null;
  /** The connections that have had a request seen by the lane since the mark was read. */
  private readonly seen = new Set<Socket>();
  private open = 0;
  /** The most connections open since the last turn began. */
  private peak = 0;
  private readonly shares: boolean;
  /** How many times the mark was read, and how many requests used one read before (for tests and the benchmark). */
  readonly counts = { reads: 0, shared: 0 };

  constructor(
    private readonly read: () => string,
    server: Server,
    private readonly connectionLimit = SHARE_BELOW_CONNECTIONS,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.shares = platform === 'linux';
    server.on('connection', (socket: Socket) => {
      this.open++;
      if (this.open > this.peak) this.peak = this.open;
      socket.once('close', () => this.open--);
    });
  }

  /** The mark for a request on `socket`: the one read earlier in this turn when it may be shared, otherwise read now. */
  markFor(socket: Socket): string {
    if (this.mark !== null && this.peak < this.connectionLimit && !this.seen.has(socket)) {
      this.seen.add(socket);
      this.counts.shared++;
      return this.mark;
    }
    if (this.mark === null && this.shares) setImmediate(this.endTurn);
    this.counts.reads++;
    const mark = this.read();
    if (this.shares) {
      this.mark = mark;
      this.seen.add(socket);
    }
    return mark;
  }

  /**
   * Notes a request on `socket` the lane leaves to the app (a POST, say): a request pipelined
   * after it on the same connection may have arrived after the mark was read.
   */
  passed(socket: Socket): void {
    if (this.mark !== null) this.seen.add(socket);
  }

  private readonly endTurn = (): void => {
    this.mark = null;
    this.seen.clear();
    this.peak = this.open;
  };
}
