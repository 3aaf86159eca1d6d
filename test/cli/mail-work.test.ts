/** npm run mail:work: the mail worker in a process of its own, beside a server started with MAIL_WORKER=off. */
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { outbox } from '../../src/db/schema.js';
import { queueMessage } from '../../src/mail/outbox.js';
import { FIXTURE_DATA } from '../factories.js';
import { makeApp, TEST_NOW } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';

/** Runs the command to its end; its exit code and what it printed. */
function mailWork(env: Record<string, string>, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/cli/mail-work.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', BASE_URL: 'https://tracker.example.org', DATA_DIR: FIXTURE_DATA, SESSION_SECRET: 'a-test-secret-of-at-least-thirty-two-characters', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

describe('npm run mail:work', () => {
  it('says mail is off and stops when no mail server is set', async () => {
    const t = await makeApp();
    try {
      const run = await mailWork({ DATABASE_PATH: t.databasePath }, ['--once']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Mail is off: set SMTP_URL');
    } finally {
      await t.close();
    }
  });

  it('with --once, delivers what a server (its worker off) queued, once, and exits', async () => {
    const t = await makeApp({ env: { MAIL_WORKER: 'off', SMTP_URL: sink.url, MAIL_FROM: 'Campaign <campaign@example.org>' } });
    try {
      const db = t.app.tracker.db;
      for (const n of [1, 2]) queueMessage(db, { kind: 'approach', to: `foi@trust${n}.example`, from: 'Campaign <campaign@example.org>', subject: `Letter ${n}`, text: 'Dear trust', createdBy: 'test' }, TEST_NOW);
      const env = { DATABASE_PATH: t.databasePath, SMTP_URL: sink.url, MAIL_FROM: 'Campaign <campaign@example.org>' };
      const first = await mailWork(env, ['--once']);
      expect(first.status, first.stderr).toBe(0);
      expect(sink.received.map((m) => m.envelope.to[0]).sort()).toEqual(['foi@trust1.example', 'foi@trust2.example']);
      // The server's own connection sees the deliveries at once.
      expect(db.select().from(outbox).all().map((r) => r.status)).toEqual(['sent', 'sent']);
      const second = await mailWork(env, ['--once']);
      expect(second.status, second.stderr).toBe(0);
      expect(sink.received).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});
