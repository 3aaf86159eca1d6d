/**
 * The mailbox reader: reads the campaign's mailbox over IMAP (imapflow), the new messages of the
 * configured folder by UID after its cursor, keeps each raw message whole in the file store and
 * files it (records/inbound). It never deletes or moves mail. A changed UIDVALIDITY rereads the
 * folder; messages already read are recognised by their bytes and skipped.
 */
import fs from 'node:fs';
import { ImapFlow } from 'imapflow';
import type { Db } from '../db/client.js';
import { messageLimits } from '../domain/files.js';
import { drop, keep, receive, storedPath } from '../records/files.js';
import { alreadyRead, advanceCursor, cursorOf, fileMessage, refuseMessage, type Arrival } from '../records/inbound.js';
import { readHeadersOnly, readMessage } from './parse.js';

export interface ReaderOptions {
  imapUrl: string;
  folder: string;
  filesDir: string;
  replyAddressPattern: string | null;
  maxAttachmentBytes: number;
  /** How many messages one round reads at most (the rest next round). */
  batch?: number;
}

export interface ReadResult {
  read: number;
  filed: number;
  unmatched: number;
  refused: number;
  duplicates: number;
}

/** Connection settings from IMAP_URL (`imaps://user:password@host:993`, `imap://…:143`). */
export function imapSettings(imapUrl: string) {
  const url = new URL(imapUrl);
  const secure = url.protocol === 'imaps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false as const,
    // A plain connection on loopback (tests, a local server) needs no TLS upgrade.
    doSTARTTLS: secure ? undefined : url.hostname === '127.0.0.1' || url.hostname === 'localhost' ? false : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  };
}

/** Reads the new messages of the folder once, filing each. */
export async function readMailbox(db: Db, options: ReaderOptions, now: () => number, log: { warn: (o: object, m: string) => void }): Promise<ReadResult> {
  const result: ReadResult = { read: 0, filed: 0, unmatched: 0, refused: 0, duplicates: 0 };
  const limits = messageLimits(options.maxAttachmentBytes);
  const client = new ImapFlow(imapSettings(options.imapUrl));
  client.on('error', (error: Error) => log.warn({ err: error }, 'mailbox connection error'));
  await client.connect();
  try {
    const lock = await client.getMailboxLock(options.folder, { readOnly: true });
    try {
      const mailbox = client.mailbox;
      if (!mailbox) return result;
      const uidValidity = String(mailbox.uidValidity);
      const cursor = cursorOf(db, options.folder);
      // A new UIDVALIDITY: the UIDs mean other messages now; read the folder again from the start.
      const after = cursor && cursor.uidValidity === uidValidity ? cursor.lastUid : 0;
      if (mailbox.exists === 0) {
        advanceCursor(db, options.folder, uidValidity, after, now());
        return result;
      }
      const listed = await client.fetchAll(`${after + 1}:*`, { uid: true, size: true, internalDate: true }, { uid: true });
      const fresh = listed.filter((m) => m.uid > after).sort((a, b) => a.uid - b.uid).slice(0, options.batch ?? 200);
      // Nothing new: the cursor stays, but says when the folder was last read (for /healthz).
      if (fresh.length === 0) advanceCursor(db, options.folder, uidValidity, after, now());
      for (const entry of fresh) {
        const arrivedAt = Math.min(now(), entry.internalDate instanceof Date && Number.isFinite(entry.internalDate.getTime()) ? entry.internalDate.getTime() : now());
        const size = entry.size ?? 0;
        const headersOnly = size > limits.keep;
        // Absurdly large: only its headers are fetched and kept. Otherwise it is streamed whole to the file store.
        const download = headersOnly
          ? await client.fetchOne(String(entry.uid), { uid: true, headers: true }, { uid: true }).then((m) => (m && m.headers ? [m.headers] : []))
          : (await client.download(String(entry.uid), undefined, { uid: true, maxBytes: limits.keep })).content ?? [];
        const incoming = await receive(options.filesDir, download as AsyncIterable<Buffer>, limits.keep);
        result.read += 1;
        if (alreadyRead(db, incoming.sha256) !== null) {
          drop(incoming);
          advanceCursor(db, options.folder, uidValidity, entry.uid, now());
          result.duplicates += 1;
          continue;
        }
        const sha256 = keep(options.filesDir, incoming);
        const arrival: Arrival = { folder: options.folder, uid: entry.uid, arrivedAt, sha256, size: headersOnly ? size : incoming.size };
        const raw = () => fs.readFileSync(storedPath(options.filesDir, sha256));
        const at = { uidValidity };
        let outcome: string;
        if (headersOnly || incoming.size > limits.parse) {
          const headers = await readHeadersOnly(raw().subarray(0, 64 * 1024), arrivedAt);
          const why = headersOnly
            ? `The message is ${Math.round(size / 1024 / 1024)} MB, far over the limit: only its headers were kept. Open it in the mailbox itself.`
            : `The message is ${Math.round(incoming.size / 1024 / 1024)} MB, over the ${Math.round(limits.parse / 1024 / 1024)} MB a message may be to be filed: it is kept whole, not filed.`;
          outcome = refuseMessage(db, arrival, headers, why, now(), at).outcome;
        } else {
          let message;
          try {
            message = await readMessage(raw(), { replyAddressPattern: options.replyAddressPattern, arrivedAt, maxAttachmentBytes: options.maxAttachmentBytes });
          } catch (error) {
            const headers = await readHeadersOnly(raw().subarray(0, 64 * 1024), arrivedAt);
            outcome = refuseMessage(db, arrival, headers, `The message could not be read: ${(error as Error).message}`, now(), at).outcome;
            count(result, outcome);
            continue;
          }
          outcome = fileMessage(db, options.filesDir, arrival, message, now(), at).outcome;
        }
        count(result, outcome);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return result;
}

function count(result: ReadResult, outcome: string): void {
  if (outcome === 'filed') result.filed += 1;
  else if (outcome === 'unmatched') result.unmatched += 1;
  else if (outcome === 'refused') result.refused += 1;
  else result.duplicates += 1;
}
