/**
 * The layers of the tracker (README: "Where things live"), checked by `npm run lint`:
 * handlers reach the database only through the tracker (reads) and the records (writes); the
 * domain rules depend on nothing of the project's but each other; the read side never imports
 * the write side; nothing imports in a circle.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules that import each other, directly or not, cannot be read one at a time.', from: {}, to: { circular: true } },
    { name: 'routes-not-to-db', severity: 'error', comment: 'Handlers read through src/tracker and write through src/records.', from: { path: '^src/routes/' }, to: { path: '^src/db/' } },
    { name: 'domain-only-domain', severity: 'error', comment: 'The domain rules are plain functions of their inputs.', from: { path: '^src/domain/' }, to: { path: '^src/', pathNot: '^src/domain/' } },
    { name: 'tracker-not-to-records', severity: 'error', comment: 'The read side does not import the write side.', from: { path: '^src/tracker/' }, to: { path: '^src/records/' } },
    { name: 'render-not-to-storage', severity: 'error', comment: 'Presentation renders what the tracker returns.', from: { path: '^src/render/' }, to: { path: '^src/(db|records|routes)/' } },
    { name: 'plugins-not-to-routes', severity: 'error', comment: 'Plugins serve every route; they know none.', from: { path: '^src/plugins/' }, to: { path: '^src/routes/' } },
    { name: 'records-not-to-web', severity: 'error', comment: 'The write side knows nothing of HTTP or pages.', from: { path: '^src/records/' }, to: { path: '^src/(routes|render|plugins)/' } },
    { name: 'tracker-not-to-web', severity: 'error', comment: 'The read side knows nothing of HTTP or pages.', from: { path: '^src/tracker/' }, to: { path: '^src/(routes|render|plugins)/' } },
    { name: 'static-copy-through-the-app', severity: 'error', comment: 'The static copy is rendered by the app’s own routes, not read from the database.', from: { path: '^src/static-copy/' }, to: { path: '^src/(db|records|routes)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` counts too: a type from another layer is still a dependency on it.
    moduleSystems: ['es6'],
  },
};
