import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { makeApp, TEST_NOW } from '../helpers.js';

const backup = (databasePath: string, target: string) =>
  spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/cli/backup.ts', target], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BASE_URL: 'https://tracker.example.org', DATABASE_PATH: databasePath },
    encoding: 'utf8',
  });

describe('npm run backup', () => {
  it('copies the live database while the app has it open, and the copy restores', async () => {
    const t = await makeApp();
    const result = importEventsCsv(
      t.app.tracker.db,
      'institution,date,type,channel,summary,source_title\nkent,2021-06-01,contact,email,Asked Kent Police about SIM,Email\n',
      { calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test' },
    );
    expect(result.written).toBe(1);
    const target = path.join(t.dir, 'copies', 'backup.db');
    const res = backup(t.databasePath, target);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('Backed up');

    // Changes after the backup are not in it.
    importEventsCsv(t.app.tracker.db, 'institution,date,type,channel,summary,source_title\nkent,2021-06-02,contact,email,Later,Email\n', {
      calendar: t.app.tracker.calendar, now: TEST_NOW, createdBy: 'test',
    });
    const live = (await t.app.inject({ method: 'GET', url: '/api/institutions/kent-police' })).json();
    expect(live.events).toHaveLength(2);

    // Restore: serve the copy.
    const restored = await buildApp(loadConfig({ DATABASE_PATH: target, LOG_REQUESTS: 'false' }), { now: () => TEST_NOW });
    const api = (await restored.inject({ method: 'GET', url: '/api/institutions/kent-police' })).json();
    expect(api.events.map((e: { summary: string }) => e.summary)).toEqual(['Asked Kent Police about SIM']);
    expect(api.institution.silence).toMatchObject({ since: '2021-06-01' });
    await restored.close();

    expect(backup(t.databasePath, target).status).toBe(1); // never overwrites
    expect(backup(t.databasePath, t.databasePath).status).toBe(2);
    await t.close();
  });

  it('says so when there is no database', () => {
    const res = backup('/nonexistent/tracker.db', '/tmp/x.db');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('There is no database');
    expect(fs.existsSync('/tmp/x.db')).toBe(false);
  });
});
