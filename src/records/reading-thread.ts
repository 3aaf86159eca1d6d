/**
 * The thread that reads an import's file (csv-reading-worker.ts), started on its own: this module
 * loads nothing else, so that the import command can start the thread first and load the rest of
 * its modules while the thread starts (each takes about half a second: both cores busy).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../config.js';

/**
 * From this size a file is read in a worker thread: starting one costs about half a second, which
 * a file of a few thousand rows does not win back.
 */
const READING_THREAD_FROM_BYTES = 1 << 20;

/** Whether `file` is read in a thread of its own (a file whose size cannot be told is not: reading it will say why). */
export function readInThread(file: string): boolean {
  try {
    return fs.statSync(file).size >= READING_THREAD_FROM_BYTES;
  } catch {
    return false;
  }
}

/**
 * How the thread loads csv-reading-worker: built (dist/records/, beside this module's build, as
 * `npm run import` runs it), or from its TypeScript through tsx (tests, `npm run dev`).
 */
function threadSource(): string {
  if (!import.meta.url.endsWith('.ts')) return `import(${JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'records', 'csv-reading-worker.js')).href)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./csv-reading-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
}

/** A reading thread started ahead of time for one file. */
let early: { file: string; worker: Worker; failed: boolean } | null = null;

/** A new reading thread: it waits to be told the file and how to read it. */
export function newReadingThread(): Worker {
  return new Worker(threadSource(), {
    eval: true,
    // Its garbage is rows read and sent: a small young generation, collected often, keeps the
    // process's memory down (the default lets it grow by some 30 MB for nothing).
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
}

/** Starts the thread that will read `file`, before it is asked for (readingThreadFor). */
export function startReadingThread(file: string): void {
  if (early) void early.worker.terminate();
  const started = { file, worker: newReadingThread(), failed: false };
  // A thread that failed as it started is not used: a new one is, and its failure is reported.
  started.worker.once('error', () => (started.failed = true));
  // Not asked for after all (the command stopped first): it does not keep the process alive.
  started.worker.unref();
  early = started;
}

/** The thread started ahead of time for `file`, if any, or a new one. */
export function readingThreadFor(file: string): Worker {
  const started = early?.file === file && !early.failed ? early.worker : null;
  if (early && !started) void early.worker.terminate();
  early = null;
  if (!started) return newReadingThread();
  started.ref();
  return started;
}
