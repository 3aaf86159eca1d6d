import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCsvFileInWorker, type Reading, type ReadRow } from '../../src/records/csv-reading.js';
import { tempDir } from '../helpers.js';

/** An institutions file's reading: its rows are handed on as they are (no rules to copy). */
const READING: Reading = { kind: 'institutions', columns: { required: ['name', 'kind'], known: ['name', 'kind'] } };

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reading a file in a worker thread', () => {
  it('rejects with the reason when the file cannot be read, rather than waiting for rows that never come', async () => {
    const taken: ReadRow<unknown>[] = [];
    await expect(readCsvFileInWorker(dir, READING, (row) => taken.push(row) > 0)).rejects.toThrow(/EISDIR/);
    expect(taken).toEqual([]);
  });

  it('reads only a few batches ahead of the thread that takes the rows: a file is not read into memory while that thread is busy', async () => {
    // A pipe the file is written into by another process, which waits while nothing reads the pipe.
    const fifo = path.join(dir, 'rows.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const source = path.join(dir, 'source.csv');
    const rows = 40_000;
    fs.writeFileSync(source, `name,kind\n${Array.from({ length: rows }, (_, i) => `Institution ${i} with a name of some length,other`).join('\n')}\n`);
    const writer = spawn('sh', ['-c', `cat "${source}" > "${fifo}"`]);
    const written = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
    const writerState = () => {
      try {
        return fs.readFileSync(`/proc/${writer.pid}/stat`, 'utf8').split(') ')[1]![0];
      } catch {
        return 'gone';
      }
    };
    let taken = 0;
    let stateWhileBusy: string | undefined;
    const end = await readCsvFileInWorker(fifo, READING, () => {
      taken++;
      if (taken === 2) {
        // This thread is busy for a second (as while it writes): the worker reads on only until
        // its batches ahead are full, and the writer waits for the pipe to be read.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
        stateWhileBusy = writerState();
      }
      return true;
    });
    await written;
    expect(end).toEqual({ how: 'ended', problem: null });
    // Every row (and the header), in the end.
    expect(taken).toBe(rows + 1);
    // 'S': sleeping, blocked on the full pipe; 'Z' or gone had it written the whole file.
    expect(stateWhileBusy).toBe('S');
  });
});
