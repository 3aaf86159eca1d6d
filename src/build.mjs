/**
 * The tracker built into JavaScript (dist/): esbuild bundles the sources, the packages stay in
 * node_modules. A built process starts faster and needs about 60 MB less memory than one that
 * compiles its TypeScript as it loads (tsx), which `npm run dev` and the tests still do.
 *
 *   node src/build.mjs                   builds the server and the commands
 *   node src/build.mjs run NAME ARGS…    runs src/cli/NAME.ts from the build, building it first
 *                                        when a source has changed since it was built
 *
 * Plain JavaScript (checked by TypeScript), so that it runs before anything is built.
 */
import console from 'node:console';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');
/** What the build was made from: see sourcesStamp. */
const STAMP = path.join(DIST, '.sources');

/** What is built: the server, every command, and the import's reading thread. */
export const ENTRIES = [
  'src/server.ts',
  'src/cli/import.ts',
  'src/cli/export.ts',
  'src/cli/user-add.ts',
  'src/cli/backup.ts',
  'src/cli/mail-work.ts',
  'src/cli/forget-follower.ts',
  'src/records/csv-reading-worker.ts',
];

/** esbuild's options, the same for every build (the benchmark's server too). */
export const OPTIONS = /** @type {const} */ ({
  bundle: true,
  // Modules imported when first used (the mail libraries) stay out of the start.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

/** Every file the build is made from, recursively (src/, package.json, package-lock.json). */
function sources() {
  /** @type {string[]} */
  const files = [path.join(ROOT, 'package.json'), path.join(ROOT, 'package-lock.json')];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else files.push(file);
    }
  };
  walk(path.join(ROOT, 'src'));
  return files.filter((f) => fs.existsSync(f)).sort();
}

/** A stamp of the sources: each file's path, size and time of change (a file added, changed or removed changes it). */
export function sourcesStamp() {
  const hash = createHash('sha256');
  for (const file of sources()) {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Builds everything into dist/, and stamps it with the sources it was built from. */
export async function buildAll() {
  // Taken before building: a source changed meanwhile makes the next run build again.
  const stamp = sourcesStamp();
  // Loaded only to build: a command run from a build that is up to date does not need it.
  const { build } = await import('esbuild');
  const { outputFiles } = await build({ ...OPTIONS, entryPoints: ENTRIES.map((e) => path.join(ROOT, e)), outdir: DIST, outbase: path.join(ROOT, 'src'), write: false });
  // Each file written whole under another name, then renamed into place: a process starting
  // meanwhile (or another build) reads the old file or the new one, never half of one. Older
  // chunks are left, so that a server started from an older build still finds what it imports.
  for (const file of outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
  fs.writeFileSync(`${STAMP}.${process.pid}.partial`, stamp);
  fs.renameSync(`${STAMP}.${process.pid}.partial`, STAMP);
}

/** Whether dist/ was built from the sources as they are now. */
export function builtFromSources() {
  try {
    return fs.readFileSync(STAMP, 'utf8') === sourcesStamp();
  } catch {
    return false;
  }
}

/** Runs src/cli/NAME.ts from the build (built first if the sources changed), with ARGS as its arguments. */
async function run(/** @type {string} */ name, /** @type {string[]} */ args) {
  if (!ENTRIES.includes(`src/cli/${name}.ts`)) throw new Error(`src/cli/${name}.ts is not built (src/build.mjs: ENTRIES)`);
  if (!builtFromSources()) await buildAll();
  const script = path.join(DIST, 'cli', `${name}.js`);
  process.argv = [process.argv[0] ?? 'node', script, ...args];
  await import(pathToFileURL(script).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const [command, name, ...args] = process.argv.slice(2);
  if (command === undefined) await buildAll();
  else if (command === 'run' && name) await run(name, args);
  else {
    console.error('Usage: node src/build.mjs [run NAME ARGS…]');
    process.exitCode = 2;
  }
}
