/** Starts the tracker: listens, and closes gracefully (in-flight requests finish, the database closes). */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { countUsers } from './records/users.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const app = await buildApp(config);
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
if (countUsers(app.tracker.db) === 0) {
  console.log(
    [
      '',
      'No one can sign in yet. Create the first admin with:',
      '  npm run user:add -- --email you@example.org --name "Your Name" --role admin',
      '(it asks for the password; campaigners then sign in at ' + config.baseUrl + '/login)',
      '',
    ].join('\n'),
  );
}
