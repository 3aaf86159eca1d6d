/** Opens the SQLite database with the tracker's pragmas and applies pending migrations. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { PROJECT_ROOT } from '../config.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

/**
 * 8 MB of pages kept by SQLite; the operating system keeps the rest of the file in its own cache
 * (on the benchmark's database, 8 MB and 32 MB read pages equally fast, the larger counted in the
 * server's memory).
 */
const PAGE_CACHE = 'cache_size = -8192';

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(PAGE_CACHE);
  const db = drizzle(sqlite, { schema }) as Db;
  applyMigrations(db);
  // Gathers the statistics the query planner needs to pick the covering indexes.
  sqlite.pragma('optimize = 0x10002');
  return db;
}

/**
 * A second, read-only connection that sees the database as it stood when it was opened, however
 * long it is read for (a read transaction in WAL mode), while the server goes on writing.
 * For long downloads; close it when done.
 */
export function openSnapshot(file: string): Db {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(PAGE_CACHE);
  const db = drizzle(sqlite, { schema }) as Db;
  sqlite.exec('BEGIN');
  // The snapshot starts with the first read.
  sqlite.prepare('SELECT count(*) FROM sqlite_schema').get();
  return db;
}

/**
 * Runs drizzle's migrations with foreign keys off (a generated table rebuild must not cascade),
 * then checks that every reference still holds.
 */
export function applyMigrations(db: Db): void {
  const sqlite = db.$client;
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    const broken = sqlite.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`Migration left ${broken.length} broken references`);
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

/**
 * Runs `work` in one write transaction that may wait for input between its writes (a file read
 * as it is imported), committed when `work` resolves and rolled back when it throws. Only for a
 * connection nothing else uses meanwhile (a command): whatever else ran on it while `work` waits
 * would join the transaction. Synchronous work nested in it (`db.transaction`) becomes a savepoint.
 */
export async function inWriteTransaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const sqlite = db.$client;
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const result = await work();
    sqlite.exec('COMMIT');
    return result;
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw error;
  }
}
