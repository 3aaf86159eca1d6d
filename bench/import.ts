/**
 * The import benchmark: an events spreadsheet of many valid rows imported by the command, as an
 * editor runs it (`npm run import -- events FILE`), on a fresh database with the campaign and the
 * shipped directory loaded. Reports the command's time and its peak resident memory (sampled
 * from /proc while it runs).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { addDays } from '../src/domain/calendar.js';
import { CHANNELS, RESPONSE_TYPES, STANCES } from '../src/domain/vocabulary.js';
import { loadCalendar, loadDirectory } from '../src/records/reference-data.js';
import { seedIfEmpty } from '../src/records/seed.js';
import { slugify } from '../src/records/slug.js';

/** A small deterministic random number generator, so that every run builds the same data. */
export function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';

const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * Writes an events spreadsheet of `count` valid rows (contacts, responses stating stances,
 * milestones; a few drafts) over the institutions of the directory in `dataDir`, named as
 * campaigners name them (by name, code or slug). Returns its size in bytes.
 */
export function writeEventsFile(file: string, count: number, dataDir: string): number {
  // A name two institutions share (an alias such as SHIPP) would be refused: names, codes and slugs are not.
  const names = loadDirectory(dataDir).flatMap((i) => [i.name, i.code ?? i.name, slugify(i.name)]);
  const rnd = random(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const out = fs.openSync(file, 'w');
  let bytes = 0;
  let chunk = `${HEADER}\n`;
  const flush = () => {
    bytes += fs.writeSync(out, chunk);
    chunk = '';
  };
  for (let i = 0; i < count; i++) {
    // From 2018 to mid-2025: every contact's reply due date falls within the bank holiday list.
    const date = addDays('2018-01-02', Math.floor(rnd() * 2700));
    const roll = rnd();
    const type = roll < 0.6 ? 'contact' : roll < 0.9 ? 'response' : 'milestone';
    const time = rnd() < 0.3 ? `${String(9 + Math.floor(rnd() * 8)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}` : '';
    const stance = () => (type === 'response' && rnd() < 0.3 ? pick(STANCES) : '');
    const row = [
      type === 'milestone' && rnd() < 0.5 ? '' : pick(names),
      date,
      time,
      type,
      type === 'contact' ? pick(CHANNELS) : '',
      type === 'response' ? pick(RESPONSE_TYPES) : '',
      type === 'contact' ? 'Benchmark Coalition' : '',
      `Benchmark event ${i}: a summary of about the length campaigners write, saying what was asked or answered, and by whom.`,
      type === 'response' && rnd() < 0.5 ? 'We are considering the concerns raised and will respond in due course.' : '',
      'Benchmark source',
      `https://example.org/source/${i}`,
      'Example Publisher',
      date,
      rnd() < 0.97 ? 'published' : 'draft',
      stance(),
      stance(),
    ];
    chunk += `${row.map(cell).join(',')}\n`;
    if (chunk.length > 1 << 20) flush();
  }
  flush();
  fs.closeSync(out);
  return bytes;
}

/** The command of one of package.json's scripts (`npm run NAME` runs it). */
export function npmScript(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[name]!;
}

/** The peak resident memory of a process so far, in kB (VmHWM), or null once it has gone. */
function peakRssKb(pid: number): number | null {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return null;
  }
}

export interface ImportMeasure {
  rows: number;
  megabytes: number;
  seconds: number;
  peakMb: number;
  output: string;
}

/**
 * Imports `rows` generated rows into a fresh database in `dir` with the command of `npm run
 * import` (run directly, without npm in between, so that the process measured is the import's).
 */
export async function measureImport(dir: string, rows: number, dataDir: string): Promise<ImportMeasure> {
  const file = path.join(dir, 'import.csv');
  const bytes = writeEventsFile(file, rows, dataDir);
  const database = path.join(dir, 'import.db');
  const db = openDatabase(database);
  seedIfEmpty(db, dataDir, loadCalendar(dataDir), Date.now());
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  const [command, ...args] = npmScript('import').split(' ');
  const started = performance.now();
  const child = spawn(command!, [...args, 'events', file], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_PATH: database, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // The kernel keeps the process's peak (VmHWM): sampling it often enough misses only a peak of its last moments.
  let peakKb = 0;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, peakRssKb(child.pid!) ?? 0)), 10);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  if (code !== 0) throw new Error(`the import failed (${code}):\n${output}`);
  fs.rmSync(file);
  return { rows, megabytes: bytes / 1024 / 1024, seconds, peakMb: Math.round(peakKb / 1024), output: output.trim() };
}
