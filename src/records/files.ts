/**
 * The file store: bytes kept under FILES_DIR as `<first two hex digits>/<SHA-256>`, written
 * atomically (a temporary name in FILES_DIR/.incoming, fsync, rename) and stored once however many
 * times they arrive. Attachments and raw messages (`.eml`) are kept here alike.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { storedName } from '../domain/files.js';

/** How many first bytes are kept aside to tell a file's type. */
export const HEAD_BYTES = 4100;

/** Where the bytes of this SHA-256 live (the same path the sender reads to attach a letter's files). */
export function storedPath(filesDir: string, sha256: string): string {
  return path.join(filesDir, storedName(sha256));
}

/** Bytes received into a temporary file, not yet kept. */
export interface Incoming {
  tempPath: string;
  sha256: string;
  size: number;
  /** The first HEAD_BYTES bytes, to tell the type by. */
  head: Buffer;
  /** Whether the stream went on past the limit (then only the first `limit` bytes were written). */
  tooLarge: boolean;
}

const incomingDir = (filesDir: string) => path.join(filesDir, '.incoming');

function tempName(filesDir: string): string {
  fs.mkdirSync(incomingDir(filesDir), { recursive: true });
  return path.join(incomingDir(filesDir), `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
}

/**
 * Streams bytes into a temporary file under FILES_DIR, hashing as they come, never holding more
 * than a chunk in memory. Past `limit` bytes it stops writing and reads the rest away (the sender
 * is told after), marking the result `tooLarge`.
 */
export async function receive(filesDir: string, source: Readable | AsyncIterable<Buffer | Uint8Array>, limit: number): Promise<Incoming> {
  const tempPath = tempName(filesDir);
  const hash = crypto.createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let tooLarge = false;
  const fd = fs.openSync(tempPath, 'wx', 0o600);
  try {
    for await (const chunk of source as AsyncIterable<Buffer | Uint8Array>) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (tooLarge) continue;
      const room = limit - size;
      const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
      if (bytes.length > room) tooLarge = true;
      if (part.length === 0) continue;
      hash.update(part);
      if (headLength < HEAD_BYTES) {
        head.push(part.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(part.length, HEAD_BYTES - headLength);
      }
      let written = 0;
      while (written < part.length) written += fs.writeSync(fd, part, written);
      size += part.length;
    }
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  return { tempPath, sha256: hash.digest('hex'), size, head: Buffer.concat(head), tooLarge };
}

/** Keeps received bytes under their SHA-256 (once: when they are already there, the copy is dropped). Returns the SHA-256. */
export function keep(filesDir: string, incoming: Incoming): string {
  const target = storedPath(filesDir, incoming.sha256);
  if (fs.existsSync(target)) {
    fs.rmSync(incoming.tempPath, { force: true });
    return incoming.sha256;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(incoming.tempPath, target);
  syncFolder(path.dirname(target));
  return incoming.sha256;
}

/** Drops received bytes that are not to be kept. */
export function drop(incoming: Incoming | null | undefined): void {
  if (incoming) fs.rmSync(incoming.tempPath, { force: true });
}

/** Keeps bytes held in memory (an attachment parsed out of a message). Returns the SHA-256. */
export function keepBytes(filesDir: string, bytes: Buffer): string {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const target = storedPath(filesDir, sha256);
  if (fs.existsSync(target)) return sha256;
  const tempPath = tempName(filesDir);
  const fd = fs.openSync(tempPath, 'wx', 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(tempPath, target);
  syncFolder(path.dirname(target));
  return sha256;
}

/** Whether the bytes of this SHA-256 are kept. */
export function isStored(filesDir: string, sha256: string): boolean {
  return fs.existsSync(storedPath(filesDir, sha256));
}

/** The rename is on disk once its folder is synced. */
function syncFolder(folder: string): void {
  try {
    const fd = fs.openSync(folder, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems cannot sync a folder; the file itself was synced.
  }
}
