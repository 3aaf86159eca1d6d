/**
 * npm run followers:forget: deletes every subscription of an address, and the emails sent to it as
 * a follower, for someone who asks without their own link. The address is read from standard
 * input (so it stays out of the shell's history and the process list) and is never printed.
 */
import { createInterface } from 'node:readline/promises';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { checkFollowerAddress } from '../domain/following.js';
import { forgetFollower } from '../records/following.js';

const config = loadConfigOrExit();
const lines = createInterface({ input: process.stdin, terminal: false });
if (process.stdin.isTTY) process.stderr.write('The follower’s email address: ');
const given = (await lines[Symbol.asyncIterator]().next()).value as string | undefined;
lines.close();
const email = checkFollowerAddress(given ?? '');
if (!email.ok) {
  console.error(email.message);
  process.exit(1);
}
const db = openDatabase(config.databasePath);
const count = forgetFollower(db, email.value, { userId: null, name: 'npm run followers:forget' }, Date.now());
db.$client.close();
console.log(count === 0 ? 'That address followed nothing: nothing to delete.' : `Deleted ${count === 1 ? '1 subscription' : `${count} subscriptions`} of that address, and the emails sent to it as a follower.`);
