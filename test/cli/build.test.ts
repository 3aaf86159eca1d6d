/**
 * src/build.mjs: the commands (`npm run import`, `npm run export`, `npm run backup`…) run from the
 * build in dist/, built first whenever a source has changed since. Run on a copy of the project (its sources,
 * migrations and package files, with this project's node_modules), so that the build it makes and
 * remakes is its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { FIXTURE_DATA } from '../factories.js';
import { tempDir } from '../helpers.js';

let copy: string;
const built = (file: string) => path.join(copy, 'dist', file);
const mtime = (file: string) => fs.statSync(built(file)).mtimeMs;

/** `node src/build.mjs run import ARGS` in the copy, as `npm run import -- ARGS` runs it. */
function runImport(args: string[]) {
  return spawnSync(process.execPath, ['src/build.mjs', 'run', 'import', ...args], {
    cwd: copy,
    env: { PATH: process.env.PATH ?? '', BASE_URL: 'https://tracker.example.org', DATABASE_PATH: path.join(copy, 'tracker.db'), DATA_DIR: FIXTURE_DATA },
    encoding: 'utf8',
  });
}

/** Whether the copy's build was made from its sources as they are now (asked of the copy's own src/build.mjs). */
function upToDate(): boolean {
  const asked = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./src/build.mjs'); console.log(m.builtFromSources())"], { cwd: copy, encoding: 'utf8' });
  return asked.stdout.trim() === 'true';
}

const EVENT = (n: number) =>
  `Wessex Police,2021-06-01,,contact,letter,,Fixture Coalition,Letter ${n} asking Wessex Police to close the scheme in words of about the length campaigners write,,Letter,https://example.org/letter,Fixture Coalition,2021-06-01,published,,`;
const HEADER = 'institution,date,time,type,channel,response_type,from,summary,quote,source_title,source_url,source_publisher,source_date,status,halt,review';

beforeAll(() => {
  copy = tempDir('tracker-build-');
  for (const entry of ['src', 'migrations']) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(copy, file));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  fs.writeFileSync(path.join(copy, 'institutions.csv'), 'name,kind,code,region,country,aliases,website\nWessex Police,police_force,wessex,,England,WISP,\n');
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

describe('commands run from the build', () => {
  it('builds on first use, runs from the build while the sources are unchanged, and builds again once one changes, is added or is removed', () => {
    expect(fs.existsSync(path.join(copy, 'dist'))).toBe(false);
    const first = runImport(['institutions', 'institutions.csv']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('imported 1 institution.');
    expect(upToDate()).toBe(true);
    const builtAt = mtime('cli/import.js');

    // A file of a megabyte or more is read by the reading thread, from its own build.
    fs.writeFileSync(path.join(copy, 'events.csv'), [HEADER, ...Array.from({ length: 7_000 }, (_, i) => EVENT(i))].join('\n'));
    expect(fs.statSync(path.join(copy, 'events.csv')).size).toBeGreaterThan(1 << 20);
    const large = runImport(['events', 'events.csv']);
    expect(large.status, large.stderr).toBe(0);
    expect(large.stdout).toContain('imported 7,000 events.');
    expect(mtime('cli/import.js')).toBe(builtAt);

    // A change to a source: built again before it runs, and what runs is the changed source.
    const cli = path.join(copy, 'src/cli/import.ts');
    fs.writeFileSync(cli, fs.readFileSync(cli, 'utf8').replace("const USAGE = 'Usage: npm run import", "const USAGE = 'Changed usage: npm run import"));
    expect(upToDate()).toBe(false);
    const changed = runImport(['people', 'x.csv']);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toContain('Changed usage: npm run import');
    expect(mtime('cli/import.js')).toBeGreaterThan(builtAt);
    expect(upToDate()).toBe(true);

    // A source added, then removed: each time the build is out of date.
    const added = path.join(copy, 'src/added.ts');
    fs.writeFileSync(added, 'export const added = 1;\n');
    expect(upToDate()).toBe(false);
    expect(runImport(['people', 'x.csv']).status).toBe(2);
    expect(upToDate()).toBe(true);
    fs.rmSync(added);
    expect(upToDate()).toBe(false);
  }, 120_000);

  it('runs every command of package.json from the build: each is built, and runs (a backup, say)', async () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const { ENTRIES } = (await import('../../src/build.mjs')) as { ENTRIES: string[] };
    const commands = fs.readdirSync(path.join(PROJECT_ROOT, 'src/cli')).map((f) => f.replace(/\.ts$/, ''));
    // Each command has a script that runs it from the build, and none compiles one as it loads.
    expect(Object.values(scripts).filter((s) => s.includes('src/cli/'))).toEqual([]);
    const run = Object.values(scripts).flatMap((s) => [...s.matchAll(/src\/build\.mjs run ([\w-]+)/g)].map((m) => m[1]!));
    expect(run.sort()).toEqual([...commands].sort());
    for (const name of commands) expect(ENTRIES).toContain(`src/cli/${name}.ts`);

    const database = path.join(copy, 'to-back-up.db');
    openDatabase(database).$client.close();
    const target = path.join(copy, 'backup.db');
    const backup = spawnSync(process.execPath, ['src/build.mjs', 'run', 'backup', target], {
      cwd: copy,
      env: { PATH: process.env.PATH ?? '', DATABASE_PATH: database },
      encoding: 'utf8',
    });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`to ${target}`);
    expect(fs.existsSync(built('cli/backup.js'))).toBe(true);
    expect(fs.statSync(target).size).toBeGreaterThan(0);
  }, 120_000);
});
