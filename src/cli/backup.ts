/**
 * npm run backup -- FILE
 * Writes a consistent copy of the live database with SQLite's online backup API, safe while the
 * server runs. Restore: stop the server, put the copy at DATABASE_PATH, start the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.js';

async function main(argv: string[]): Promise<number> {
  const [target, ...rest] = argv;
  if (!target || rest.length > 0) {
    console.error('Usage: npm run backup -- FILE');
    return 2;
  }
  const config = loadConfig();
  if (!fs.existsSync(config.databasePath)) {
    console.error(`There is no database at ${config.databasePath}`);
    return 1;
  }
  const destination = path.resolve(target);
  if (destination === config.databasePath) {
    console.error('The backup must go to another file than the database itself');
    return 2;
  }
  if (fs.existsSync(destination)) {
    console.error(`${destination} already exists; choose a new file name`);
    return 1;
  }
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const db = new Database(config.databasePath, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  const check = new Database(destination, { readonly: true });
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  if (ok !== 'ok') {
    console.error(`The copy failed its integrity check: ${String(ok)}`);
    return 1;
  }
  console.log(`Backed up ${config.databasePath} to ${destination}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
