/**
 * The folder a static copy is written to, kept up to date incrementally.
 *
 * - A manifest (`static-copy.json`) lists every file the last export wrote: its SHA-256, its size,
 *   and the hash it is compared by (its text with the moment and revision blanked, see stamp.ts).
 *   A later export writes only the files whose compared hash differs, and deletes the files it
 *   no longer produces. It never touches a file it did not write.
 * - Each file is written to a temporary name beside it, then renamed over the old one, so that a
 *   reader (or a crash) never sees half a file.
 * - Before a file is replaced its name goes into a journal; the journal is removed once the
 *   manifest is written. After a crash, the next export writes every file the journal names
 *   again (and removes their temporary files), so a file and the manifest never disagree.
 * - A lock file keeps two exports out of the same folder at once.
 *
 * Nothing here grows with the number of files: the last manifest and the files written so far are
 * kept in a temporary SQLite database (on the disk, removed when it is closed) rather than in
 * memory, and the manifest is read and written a line at a time, one file to a line.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { FileList, type ManifestEntry } from './file-list.js';

export const MANIFEST = 'static-copy.json';
const JOURNAL = '.static-copy-journal';
const LOCK = '.static-copy-lock';
const PARTIAL = '.partial';

export type { ManifestEntry };

export interface Manifest {
  /** What the copy shows: its moment (ISO 8601) and revision, and when it was made. */
  asOf: string;
  revision: number;
  madeAt: string;
  files: Record<string, ManifestEntry>;
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

const partialOf = (target: string) => path.join(path.dirname(target), `.${path.basename(target)}${PARTIAL}`);

export type Outcome = 'written' | 'unchanged';

export class StaticFolder {
  /** The last manifest's entries (`before_*`) and this export's (`sha256`…), by file. */
  private files: FileList | null = null;
  /** Files a crashed export may have replaced: written again whatever the manifest says. */
  private readonly suspect = new Set<string>();
  /** Folders lately made (a few: files come folder by folder). */
  private readonly made = new Set<string>();
  private journal = -1;
  private locked = false;
  written = 0;
  unchanged = 0;

  constructor(readonly dir: string) {}

  /** Takes the folder (creating it): the lock, the last manifest, and what a crashed export left. */
  open(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.lock();
    this.files = new FileList();
    const manifestPath = path.join(this.dir, MANIFEST);
    try {
      if (fs.existsSync(manifestPath)) readManifest(manifestPath, this.files);
    } catch (error) {
      this.release();
      throw new Error(`${manifestPath} cannot be read (${error instanceof Error ? error.message : String(error)}): delete it, and the next export writes every file again`);
    }
    const journalPath = path.join(this.dir, JOURNAL);
    if (fs.existsSync(journalPath)) {
      for (const file of fs.readFileSync(journalPath, 'utf8').split('\n')) {
        if (!file) continue;
        this.suspect.add(file);
        fs.rmSync(partialOf(path.join(this.dir, file)), { force: true });
      }
    }
    this.journal = fs.openSync(journalPath, 'a');
  }

  private lock(): void {
    const lockPath = path.join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
        this.locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = Number(fs.readFileSync(lockPath, 'utf8'));
        if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
          throw new Error(`Another export is writing to ${this.dir} (process ${pid}); wait for it to finish`);
        }
        // The export that held it is gone: take the folder over.
        fs.rmSync(lockPath, { force: true });
      }
    }
    throw new Error(`Could not lock ${this.dir}`);
  }

  /**
   * The previous export's entry for a file, if the file is still there as it wrote it and it
   * shows the same: the same bytes, or the same once the stamps are blanked.
   */
  private kept(file: string, hash: string, compared: string): ManifestEntry | null {
    const before = this.list().before(file);
    if (!before || this.suspect.has(file)) return null;
    if (before.sha256 !== hash && (before.compared ?? before.sha256) !== compared) return null;
    return fs.existsSync(path.join(this.dir, file)) ? before : null;
  }

  /** Writes one file unless the previous export wrote the same (compared without its stamp). */
  async put(file: string, body: Buffer, compared: string): Promise<Outcome> {
    const hash = sha256(body);
    const kept = this.kept(file, hash, compared);
    if (kept) return this.record(file, kept, 'unchanged');
    const target = this.reserve(file);
    const partial = partialOf(target);
    await fs.promises.writeFile(partial, body);
    await fs.promises.rename(partial, target);
    return this.record(file, { sha256: hash, bytes: body.length, ...(compared !== hash ? { compared } : {}) }, 'written');
  }

  /**
   * Writes one streamed file: its chunks go to a temporary file as they come, and it replaces
   * the old file only if it differs. `finish` gives the two hashes once the stream has ended.
   */
  async putStream(file: string, chunks: AsyncIterable<Buffer>, finish: () => { sha256: string; compared: string }): Promise<Outcome> {
    const target = this.reserve(file);
    const partial = partialOf(target);
    const out = await fs.promises.open(partial, 'w');
    let bytes = 0;
    try {
      for await (const chunk of chunks) {
        await out.write(chunk);
        bytes += chunk.length;
      }
    } finally {
      await out.close();
    }
    const { sha256: hash, compared } = finish();
    const kept = this.kept(file, hash, compared);
    if (kept) {
      await fs.promises.rm(partial, { force: true });
      return this.record(file, kept, 'unchanged');
    }
    await fs.promises.rename(partial, target);
    return this.record(file, { sha256: hash, bytes, ...(compared !== hash ? { compared } : {}) }, 'written');
  }

  /** The target of a file about to be written: its folder made, its name in the journal. */
  private reserve(file: string): string {
    if (this.list().isWritten(file)) throw new Error(`${file} would be written twice`);
    const target = path.join(this.dir, file);
    const folder = path.dirname(target);
    if (!this.made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      if (this.made.size >= 1_000) this.made.clear();
      this.made.add(folder);
    }
    fs.writeSync(this.journal, `${file}\n`);
    return target;
  }

  private record(file: string, entry: ManifestEntry, outcome: Outcome): Outcome {
    this.list().written(file, entry);
    this[outcome]++;
    return outcome;
  }

  private list(): FileList {
    if (this.files === null) throw new Error('The folder is not open');
    return this.files;
  }

  /** Removes what the previous export wrote and this one did not, writes the manifest, and lets the folder go. */
  finish(stamp: { asOf: string; revision: number; madeAt: string }): { removed: number; files: number; bytes: number } {
    const list = this.list();
    let removed = 0;
    for (const file of list.gone()) {
      const target = path.join(this.dir, file);
      fs.rmSync(target, { force: true });
      removed++;
      removeEmptyFolders(this.dir, path.dirname(target));
    }
    const manifestPath = path.join(this.dir, MANIFEST);
    const { files, bytes } = writeManifest(partialOf(manifestPath), stamp, list.current());
    fs.renameSync(partialOf(manifestPath), manifestPath);
    fs.closeSync(this.journal);
    this.journal = -1;
    fs.rmSync(path.join(this.dir, JOURNAL), { force: true });
    this.release();
    return { removed, files, bytes };
  }

  /** Lets the folder go after a failure: the journal stays, so the next export checks what this one wrote. */
  abandon(): void {
    if (this.journal !== -1) fs.closeSync(this.journal);
    this.journal = -1;
    this.release();
  }

  private release(): void {
    this.files?.close();
    this.files = null;
    if (this.locked) fs.rmSync(path.join(this.dir, LOCK), { force: true });
    this.locked = false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a folder left empty, and its parents up to the copy's own folder. */
function removeEmptyFolders(root: string, folder: string): void {
  let current = folder;
  while (current.startsWith(root + path.sep)) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    current = path.dirname(current);
  }
}

/**
 * The files of a manifest written a file to a line (as `writeManifest` writes it), read a line at
 * a time; null if its first line is not the opening that it writes.
 */
function manifestLines(manifestPath: string): Generator<[string, ManifestEntry]> | null {
  const fd = fs.openSync(manifestPath, 'r');
  const buffer = Buffer.alloc(65_536);
  const decoder = new StringDecoder('utf8');
  let text = '';
  let at = 0;
  let ended = false;
  const nextLine = (): string | null => {
    for (;;) {
      const end = text.indexOf('\n', at);
      if (end >= 0) {
        const line = text.slice(at, end);
        at = end + 1;
        return line;
      }
      if (ended) {
        const rest = text.slice(at);
        text = '';
        at = 0;
        return rest === '' ? null : rest;
      }
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      text = text.slice(at) + (n === 0 ? decoder.end() : decoder.write(buffer.subarray(0, n)));
      at = 0;
      ended = n === 0;
    }
  };
  const first = nextLine();
  if (first === null || !/^\{"asOf":.*,"files":\{$/.test(first)) {
    fs.closeSync(fd);
    return null;
  }
  return (function* () {
    try {
      for (let line = nextLine(); line !== null && line !== '}}'; line = nextLine()) {
        const entry = JSON.parse(`{${line.replace(/,$/, '')}}`) as Record<string, ManifestEntry>;
        yield Object.entries(entry)[0]!;
      }
    } finally {
      fs.closeSync(fd);
    }
  })();
}

/** Reads the last manifest's files into the list, a line at a time (or whole, if not written a file to a line). */
function readManifest(manifestPath: string, list: FileList): void {
  const lines = manifestLines(manifestPath);
  if (lines === null) {
    // A manifest not written a file to a line (by an older version): read whole.
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    list.addBefore(Object.entries(manifest.files ?? {}));
    return;
  }
  let batch: [string, ManifestEntry][] = [];
  for (const entry of lines) {
    batch.push(entry);
    if (batch.length === 5_000) {
      list.addBefore(batch);
      batch = [];
    }
  }
  list.addBefore(batch);
}

/** Writes a manifest of the files, a file to a line, a few thousand lines at a time. */
function writeManifest(file: string, stamp: { asOf: string; revision: number; madeAt: string }, entries: Iterable<[string, ManifestEntry]>): { files: number; bytes: number } {
  const out = fs.openSync(file, 'w');
  let files = 0;
  let bytes = 0;
  try {
    let text = `${JSON.stringify({ asOf: stamp.asOf, revision: stamp.revision, madeAt: stamp.madeAt }).slice(0, -1)},"files":{`;
    for (const [name, entry] of entries) {
      text += `${files === 0 ? '' : ','}\n${JSON.stringify(name)}:${JSON.stringify(entry)}`;
      files++;
      bytes += entry.bytes;
      if (text.length >= 65_536) {
        fs.writeSync(out, text);
        text = '';
      }
    }
    fs.writeSync(out, `${text}\n}}\n`);
  } finally {
    fs.closeSync(out);
  }
  return { files, bytes };
}
