/**
 * npm run export -- DIR
 * Writes the public site, as the record stands now, as a static copy in DIR that any host or CDN
 * can serve from any folder (README: "A static copy for any host or CDN"). BASE_URL is the
 * copy's own address (for absolute links); LIVE_URL, if set, the live tracker that searches,
 * filters and other moments go to. Run again, it writes only the files that changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { exportStaticCopy, summary } from '../static-copy/site.js';

async function main(argv: string[]): Promise<number> {
  const [target, ...rest] = argv;
  if (!target || rest.length > 0 || target.startsWith('-')) {
    console.error('Usage: npm run export -- DIR   (BASE_URL: the address the copy is served from; LIVE_URL: the live tracker, if any)');
    return 2;
  }
  const config = loadConfig();
  if (config.databasePath === ':memory:' || !fs.existsSync(config.databasePath)) {
    console.error(`There is no database at ${config.databasePath}: set DATABASE_PATH to the tracker's database`);
    return 1;
  }
  if (!process.env.BASE_URL) console.error(`BASE_URL is not set: absolute links in the copy (feeds, citations, the API's url fields) will start ${config.baseUrl}`);
  const dir = path.resolve(target);
  const report = await exportStaticCopy({
    config,
    dir,
    onProgress: (done) => console.error(`… ${done.toLocaleString('en-GB')} files`),
  });
  console.log(`${summary(report)} in ${dir}`);
  console.log(
    `The copy shows revision ${report.revision} as at ${report.asOf}: ${report.files.toLocaleString('en-GB')} files, ` +
      `${(report.bytes / 1_048_576).toFixed(1)} MB, made in ${report.seconds.toFixed(1)} s.`,
  );
  if (report.misses.count > 0) {
    const where = config.liveUrl ? `go to the live tracker (${config.liveUrl})` : 'lead to not-in-this-copy/ (set LIVE_URL to send them to the live tracker)';
    console.log(`${report.misses.count} links to addresses the copy does not hold ${where}, such as ${report.misses.examples.join(', ')}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
