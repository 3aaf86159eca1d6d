/** Starts the tracker: listens, and closes gracefully (in-flight requests finish, the database closes). */
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { userCount } from './tracker/accounts.js';

const config = loadConfigOrExit();

const app = await buildApp(config, { mailWorker: true });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal}: closing`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  });
}
await app.listen({ port: config.port, host: config.host });
if (userCount(app.tracker) === 0) {
  const { port } = app.server.address() as AddressInfo;
  const address = process.env.BASE_URL ? config.baseUrl : `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  console.log(
    [
      '',
      'No one can sign in yet. Create the first admin of this database with:',
      `  DATABASE_PATH=${shellQuote(config.databasePath)} npm run user:add -- --email you@example.org --name "Your Name" --role admin`,
      `(it asks for the password; campaigners then sign in at ${address}/login)`,
      '',
    ].join('\n'),
  );
}

/** A path as a shell word: quoted only when it needs to be. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
