/**
 * npm run user:add -- --email E --name N --role admin|editor
 * The password is read from standard input (piped, or typed at a hidden prompt), never from an argument.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import type { Role } from '../domain/vocabulary.js';
import { MIN_PASSWORD_LENGTH } from '../records/passwords.js';
import { createUser } from '../records/users.js';

const USAGE = 'Usage: npm run user:add -- --email E --name N --role admin|editor   (password from standard input)';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const output = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
      output._writeToOutput = (s: string) => {
        if (s.startsWith(question)) output.output.write(question);
      };
      rl.question(question, (answer) => {
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  const second = await ask('The same password again: ');
  rl.close();
  if (first !== second) throw new Error('The two passwords differ; nothing was saved.');
  return first;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.email || !values.name || !values.role) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (config.databasePath !== ':memory:' && !fs.existsSync(config.databasePath)) {
    console.error(
      `There is no database at ${config.databasePath}. Start the tracker first (npm start), or set DATABASE_PATH to the database the ` +
        'server uses; npm start prints the exact command.',
    );
    return 1;
  }
  const password = await readPassword();
  const db = openDatabase(config.databasePath);
  try {
    const result = await createUser(db, { email: values.email, name: values.name, role: values.role as Role, password }, { userId: null, name: 'npm run user:add' }, Date.now());
    if (!result.ok) {
      for (const [field, message] of Object.entries(result.errors)) console.error(`${field}: ${message}`);
      console.error('Nothing was saved.');
      return 1;
    }
    console.log(`Created ${values.role} ${values.email} in ${config.databasePath}. They can sign in at ${config.baseUrl}/login`);
    return 0;
  } finally {
    db.$client.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
