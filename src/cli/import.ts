/**
 * npm run import -- events FILE.csv [--dry-run]
 * npm run import -- institutions FILE.csv [--dry-run]
 * npm run import -- holidays FILE.json|FILE.csv [--dry-run]
 * All or nothing: any bad row is reported (line, column, reason) and nothing is written.
 * A row with an event's `id` (or an institution's `slug`) updates it, as an upload in the
 * workspace does: a change to a published event needs its `correction_note`.
 */
import fs from 'node:fs';
import type { Db } from '../db/client.js';
import { readInThread, startReadingThread } from '../records/reading-thread.js';

/** The largest file the command imports in one go. */
export const MAX_IMPORT_MB = 100;

const USAGE = 'Usage: npm run import -- events|institutions FILE.csv [--dry-run]\n       npm run import -- holidays bank-holidays.json|FILE.csv [--dry-run]';

async function main(argv: string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const [what, file, ...rest] = argv.filter((a) => a !== '--dry-run');
  if ((what !== 'events' && what !== 'institutions' && what !== 'holidays') || !file || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  if (!fs.existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  // The file is read as it is imported, so its size does not bound the import's memory; but the
  // import is one transaction, and while it lasts the server's own changes wait (five seconds at
  // most, the busy timeout): files are kept to a size that imports in well under a minute.
  const megabytes = fs.statSync(file).size / 1024 / 1024;
  if (megabytes > MAX_IMPORT_MB) {
    console.error(`${file} is ${Math.ceil(megabytes)} MB; import at most ${MAX_IMPORT_MB} MB at a time (about 300,000 events): split the file. Nothing was imported.`);
    return 2;
  }
  // A large file is read in a thread of its own: started now, it starts while this one loads the rest.
  if (what === 'events' && readInThread(file)) startReadingThread(file);
  const [{ loadConfig }, { openDatabase }, { describeError, importEventsFile, importInstitutionsFile, moreProblems, moreWarnings }, holidays, { seedIfEmpty }] = await Promise.all([
    import('../config.js'),
    import('../db/client.js'),
    import('../records/csv-import.js'),
    import('../records/holidays.js'),
    import('../records/seed.js'),
  ]);
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  // 16 MB of pages, twice the server's: what the import's figures in the README were measured
  // with (a larger cache made no difference).
  db.$client.pragma('cache_size = -16384');
  try {
    if (what === 'holidays') return importHolidayFile(holidays, db, config.dataDir, file, dryRun);
    const calendar = holidays.currentCalendar(db, config.dataDir);
    const now = Date.now();
    seedIfEmpty(db, config.dataDir, calendar, now);
    const actor = { userId: null, name: `npm run import (${file})` };
    const result =
      what === 'events'
        ? await importEventsFile(db, file, { calendar, now, createdBy: `import of ${file}`, dryRun, actor })
        : await importInstitutionsFile(db, file, { now, dryRun, actor });
    if (result.problemCount > 0) {
      console.error(`${file}: ${result.problemCount.toLocaleString('en-GB')} problem${result.problemCount === 1 ? '' : 's'}; nothing was imported.`);
      for (const error of result.problems) console.error(`  ${describeError(error)}`);
      const more = moreProblems(result);
      if (more) console.error(`  ${more}`);
      return 1;
    }
    const count = (n: number, one: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : `${one}s`}`;
    for (const warning of result.warnings) console.log(`  warning: ${describeError(warning)}`);
    const moreWarningsLine = moreWarnings(result);
    if (moreWarningsLine) console.log(`  ${moreWarningsLine}`);
    const noun = what === 'events' ? 'event' : 'institution';
    // A file that only adds says so as it always has; one that updates gives every count.
    const counts = result.toUpdate + result.unchanged > 0 ? `: ${result.toUpdate.toLocaleString('en-GB')} to update, ${result.toAdd.toLocaleString('en-GB')} to add, ${result.unchanged.toLocaleString('en-GB')} unchanged` : '';
    if (dryRun) console.log(`${file}: ${result.valid === 1 ? 'the 1 row is' : `all ${count(result.valid, 'row')} are`} valid${counts} (dry run: nothing was imported).`);
    else if (result.toUpdate + result.unchanged === 0) console.log(`${file}: imported ${count(result.written, noun)}.`);
    else console.log(`${file}: updated ${count(result.toUpdate, noun)}, added ${count(result.toAdd, noun)}; ${count(result.unchanged, 'row')} unchanged.`);
    return 0;
  } finally {
    db.$client.close();
  }
}

/** Adds the bank holidays the list lacks, from gov.uk's bank-holidays.json or a CSV of date,title. */
function importHolidayFile(holidays: typeof import('../records/holidays.js'), db: Db, dataDir: string, file: string, dryRun: boolean): number {
  const { holidaySummary, importHolidays, MAX_HOLIDAY_FILE_BYTES, parseHolidayFile } = holidays;
  if (fs.statSync(file).size > MAX_HOLIDAY_FILE_BYTES) {
    console.error(`${file} is larger than ${MAX_HOLIDAY_FILE_BYTES / 1024} KB: it is not a bank holiday list. Nothing was imported.`);
    return 2;
  }
  const parsed = parseHolidayFile(fs.readFileSync(file));
  if (!parsed.ok) {
    console.error(`${file}: nothing was imported.`);
    for (const problem of parsed.problems) console.error(`  ${problem}`);
    return 1;
  }
  const result = importHolidays(db, dataDir, parsed.holidays, { userId: null, name: `npm run import (${file})` }, Date.now(), dryRun);
  if (result.problems.length > 0) {
    console.error(`${file}: nothing was imported.`);
    for (const problem of result.problems) console.error(`  ${problem}`);
    return 1;
  }
  console.log(`${file}: ${holidaySummary(result, dryRun)}`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
