/**
 * A real IMAP server on loopback: Debian's Dovecot (package dovecot-imapd), started by the test
 * with a configuration of its own in a temporary folder (one test user, maildir, no TLS), and
 * stopped after. Messages are put in with IMAP APPEND, as a mail server delivering them would.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../helpers.js';

export const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  /** IMAP_URL for the test user: `imap://user:password@127.0.0.1:port`. */
  url: string;
  port: number;
  user: string;
  password: string;
  /** Puts a raw message in a folder (INBOX unless named), as delivered mail. */
  append(raw: string | Buffer, folder?: string): Promise<void>;
  /** How many messages a folder holds. */
  count(folder?: string): Promise<number>;
  /** Empties a folder and gives it a new UIDVALIDITY (deletes and recreates it). */
  recreate(folder: string): Promise<void>;
  stop(): Promise<void>;
}

function idsOf(name: string): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`There is no user ${name}: install Debian's package dovecot-imapd, which makes it.`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}


async function waitForPort(port: number, child: { exitCode: number | null }, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`Dovecot stopped as it started (exit ${child.exitCode}):\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Dovecot did not listen on 127.0.0.1:${port}:\n${log()}`);
}

export async function startDovecot(): Promise<Dovecot> {
  if (!fs.existsSync(DOVECOT)) {
    throw new Error(`Dovecot is not installed (${DOVECOT} is missing): install Debian's package dovecot-imapd (apt-get install -y dovecot-imapd), as .ci/run does.`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-dovecot-'));
  const port = await freePort();
  const user = 'campaign';
  const password = 'test-password';
  const me = os.userInfo();
  const root = me.uid === 0;
  // The login processes (another user when run as root) reach their sockets through this folder.
  fs.chmodSync(dir, 0o755);
  const logFile = path.join(dir, 'dovecot.log');
  // The mail belongs to the current user, or (as root, which Dovecot refuses for mail) to Dovecot's own user.
  const owner = root ? idsOf('dovecot') : { uid: me.uid, gid: me.gid };
  fs.mkdirSync(path.join(dir, 'mail'));
  fs.chownSync(path.join(dir, 'mail'), owner.uid, owner.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}:${owner.uid}:${owner.gid}::${dir}/mail/${user}::\n`);
  fs.writeFileSync(
    path.join(dir, 'dovecot.conf'),
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${logFile}`,
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      // Dovecot refuses to run its login and internal processes as root: as root, its own users
      // (made by the package); as anyone else, that user.
      `default_internal_user = ${root ? 'dovecot' : me.username}`,
      `default_login_user = ${root ? 'dovenull' : me.username}`,
      `mail_location = maildir:${dir}/mail/%u`,
      `first_valid_uid = ${owner.uid}`,
      `first_valid_gid = ${owner.gid}`,
      'service anvil {\n  chroot =\n}',
      `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      'service stats {\n  chroot =\n}',
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ${dir}/passwd\n}`,
      `userdb {\n  driver = passwd-file\n  args = ${dir}/passwd\n}`,
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(dir, 'run'));
  fs.mkdirSync(path.join(dir, 'state'));
  const child = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => output + (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  await waitForPort(port, child, log);

  const url = `imap://${user}:${password}@127.0.0.1:${port}`;
  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout();
    }
  };

  return {
    url,
    port,
    user,
    password,
    append: (raw, folder = 'INBOX') =>
      withClient(async (client) => {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        await client.append(folder, raw);
      }),
    count: (folder = 'INBOX') => withClient(async (client) => ((await client.status(folder, { messages: true })) || { messages: 0 }).messages ?? 0),
    recreate: (folder) =>
      withClient(async (client) => {
        await client.mailboxDelete(folder).catch(() => undefined);
        await client.mailboxCreate(folder);
      }),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether Dovecot can run here (for a clear failure message, not to skip). */
export const dovecotVersion = (): string | null => {
  const res = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : null;
};
