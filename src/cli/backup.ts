/**
 * npm run backup -- FILE
 * Writes a consistent copy of the live database with SQLite's online backup API, safe while the
 * server runs, and a copy of the files (attachments, raw messages) from FILES_DIR into the folder
 * FILE.files beside it. Restore: stop the server, put the copy at DATABASE_PATH and the folder at
 * FILES_DIR, start the server.
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
  const filesCopy = `${destination}.files`;
  if (fs.existsSync(destination) || fs.existsSync(filesCopy)) {
    console.error(`${fs.existsSync(destination) ? destination : filesCopy} already exists; choose a new file name`);
    return 1;
  }
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const db = new Database(config.databasePath, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  // The copy is one file: in rollback-journal mode, it needs no -wal or -shm file beside it (the
  // server puts it back into WAL mode when it opens it).
  const check = new Database(destination);
  check.pragma('journal_mode = DELETE');
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  if (ok !== 'ok') {
    console.error(`The copy failed its integrity check: ${String(ok)}`);
    return 1;
  }
  console.log(`Backed up ${config.databasePath} to ${destination}`);
  // The files after the database: every file the copy names was kept before it was named
  // (files are written before their rows), so the copy of the folder holds them all.
  const copied = copyFiles(config.filesDir, filesCopy);
  console.log(`Copied ${copied} ${copied === 1 ? 'file' : 'files'} from ${config.filesDir} to ${filesCopy}`);
  return 0;
}

/** Copies the file store (not its temporary folder) into a new folder; returns how many files. */
function copyFiles(from: string, to: string): number {
  const partial = `${to}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  let count = 0;
  if (fs.existsSync(from)) {
    for (const folder of fs.readdirSync(from, { withFileTypes: true })) {
      if (!folder.isDirectory() || !/^[0-9a-f]{2}$/.test(folder.name)) continue;
      fs.mkdirSync(path.join(partial, folder.name));
      for (const file of fs.readdirSync(path.join(from, folder.name), { withFileTypes: true })) {
        if (!file.isFile() || !/^[0-9a-f]{64}$/.test(file.name)) continue;
        fs.copyFileSync(path.join(from, folder.name, file.name), path.join(partial, folder.name, file.name), fs.constants.COPYFILE_EXCL);
        count += 1;
      }
    }
  }
  fs.renameSync(partial, to);
  return count;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
