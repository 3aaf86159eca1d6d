/**
 * The thread that reads an import's file (readCsvFileInWorker): reads and checks the rows as
 * `readCsvFile` does and sends them in batches, staying at most BATCHES_AHEAD batches ahead of
 * the importing thread (which answers each batch once it has taken it).
 */
import { parentPort } from 'node:worker_threads';
import { readCsvFile, type ReaderMessage, type Reading, type ReadRow } from './csv-reading.js';

const BATCH_ROWS = 500;
// The importing thread stops to write the public versions of 5,000 events at a time (about a
// tenth of a second): enough batches ahead (12,000 rows, a few MB) that the reading goes on meanwhile.
const BATCHES_AHEAD = 24;

const port = parentPort!;
const send = (message: ReaderMessage) => port.postMessage(message);

let ahead = 0;
let more: (() => void) | null = null;
let batch: ReadRow<unknown>[] = [];
async function sendBatch(): Promise<void> {
  send({ rows: batch });
  batch = [];
  ahead++;
  while (ahead >= BATCHES_AHEAD) await new Promise<void>((resolve) => (more = resolve));
}

async function read(file: string, reading: Reading): Promise<void> {
  try {
    const end = await readCsvFile(file, reading, null, (row) => {
      batch.push(row);
      return batch.length >= BATCH_ROWS ? sendBatch() : undefined;
    });
    if (batch.length > 0) send({ rows: batch });
    send({ end });
  } catch (error) {
    send({ failure: error instanceof Error ? error.message : String(error) });
  }
}

// The first message says what to read (the thread may be started before that is known); each
// one after it, that the importing thread has taken a batch.
let started = false;
port.on('message', (message: { file: string; reading: Reading } | 'more') => {
  if (!started && message !== 'more') {
    started = true;
    void read(message.file, message.reading);
    return;
  }
  ahead--;
  more?.();
  more = null;
});
