/** The layer rules that `npm run lint` enforces really refuse what they name. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

const depcruise = (cwd: string) =>
  spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', path.join(PROJECT_ROOT, '.dependency-cruiser.cjs'), 'src'], {
    cwd,
    encoding: 'utf8',
  });

describe('the layer rules', () => {
  it('refuse a route that imports src/db/ (the committed fixture test/fixtures/lint)', () => {
    const res = depcruise(path.join(PROJECT_ROOT, 'test/fixtures/lint'));
    expect(res.status).not.toBe(0);
    expect(res.stdout).toContain('routes-not-to-db: src/routes/timeline.ts → src/db/queries/events.ts');
  });

  it('pass on the tracker itself', () => {
    const res = depcruise(PROJECT_ROOT);
    expect(res.status, res.stdout).toBe(0);
    expect(res.stdout).toContain('no dependency violations found');
  });
});
