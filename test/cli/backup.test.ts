import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { uploadAttachment } from '../../src/records/attachments.js';
import { receive } from '../../src/records/files.js';
import { contact, FIXTURE_DATA, institution } from '../factories.js';
import { makeApp, tempDir, TEST_NOW } from '../helpers.js';

const backup = (databasePath: string, target: string) =>
  spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/cli/backup.ts', target], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: databasePath, DATA_DIR: FIXTURE_DATA },
    encoding: 'utf8',
  });

describe('npm run backup', () => {
  it('copies the live database while the app has it open, and the copy restores', async () => {
    const t = await makeApp({ dataDir: FIXTURE_DATA });
    const db = t.app.tracker.db;
    const body = institution(db, { name: 'Backup Constabulary', kind: 'police_force', code: 'backup-constabulary' });
    const asked = contact(db, body, { date: '2021-06-01', summary: 'Asked Backup Constabulary about the scheme' });
    // A file on the event, kept under FILES_DIR (beside the database).
    const letter = Buffer.from('%PDF-1.4\n%%EOF\n');
    const kept = await uploadAttachment(db, t.app.config.filesDir, asked, { incoming: await receive(t.app.config.filesDir, Readable.from([letter]), 1024), filename: 'letter.pdf', public: true }, { maxBytes: 1024 }, { userId: null, name: 'test' }, TEST_NOW);
    expect(kept.ok).toBe(true);
    const target = path.join(t.dir, 'copies', 'backup.db');
    const res = backup(t.databasePath, target);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Backed up ${t.databasePath} to ${target}`);
    expect(res.stdout).toContain(`Copied 1 file from ${t.app.config.filesDir} to ${target}.files`);
    const sha = crypto.createHash('sha256').update(letter).digest('hex');
    expect(fs.readFileSync(path.join(`${target}.files`, sha.slice(0, 2), sha))).toEqual(letter);
    // The copy is one file and its folder: nothing else beside it.
    expect(fs.readdirSync(path.dirname(target)).sort()).toEqual(['backup.db', 'backup.db.files']);

    // Changes after the backup are not in it.
    contact(db, body, { date: '2021-06-02', summary: 'Later' });
    const live = (await t.app.inject({ method: 'GET', url: `/api/institutions/${body.slug}` })).json();
    expect(live.events.map((e: { summary: string }) => e.summary)).toEqual(['Later', 'Asked Backup Constabulary about the scheme']);

    // Restore: serve the copy.
    const restored = await buildApp(loadConfig({ DATABASE_PATH: target, DATA_DIR: FIXTURE_DATA, LOG_REQUESTS: 'false', FILES_DIR: `${target}.files` }), { now: () => TEST_NOW });
    const served = await restored.inject({ method: 'GET', url: `/attachments/${kept.ok ? kept.value.id : 0}/letter.pdf` });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload).toEqual(letter);
    const api = (await restored.inject({ method: 'GET', url: `/api/institutions/${body.slug}` })).json();
    expect(api.institution.name).toBe('Backup Constabulary');
    expect(api.events.map((e: { summary: string }) => e.summary)).toEqual(['Asked Backup Constabulary about the scheme']);
    expect(api.institution.silence).toMatchObject({ since: '2021-06-01', lastContact: '2021-06-01', unansweredContacts: 1 });
    await restored.close();

    const copied = fs.statSync(target).mtimeMs;
    const again = backup(t.databasePath, target);
    expect(again.status).toBe(1); // never overwrites
    expect(again.stderr).toContain('already exists');
    expect(fs.statSync(target).mtimeMs).toBe(copied);
    const onItself = backup(t.databasePath, t.databasePath);
    expect(onItself.status).toBe(2);
    expect(onItself.stderr).toContain('another file than the database itself');
    await t.close();
  });

  it('says so when there is no database', () => {
    const dir = tempDir();
    const target = path.join(dir, 'x.db');
    const res = backup(path.join(dir, 'nonexistent', 'tracker.db'), target);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('There is no database');
    expect(fs.existsSync(target)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
