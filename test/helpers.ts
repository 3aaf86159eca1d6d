/** Builds a real app on a fresh SQLite file in a temporary folder, with the shipped data loaded. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { instantOf } from '../src/domain/calendar.js';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  databasePath: string;
  close: () => Promise<void>;
}

/** 12:00 on 22 November 2026, London: the clock the tests run at unless they say otherwise. */
export const TEST_NOW = instantOf('2026-11-22', '12:00');

export function tempDir(prefix = 'tracker-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface MakeAppOptions {
  now?: number;
  /** A clock the test moves itself (instead of `now`). */
  clock?: () => number;
  env?: Record<string, string>;
  /** Where the shipped data comes from: the fixture campaign (test/fixtures/data) unless a test says otherwise. */
  dataDir?: string;
}

export async function makeApp(options: MakeAppOptions = {}): Promise<TestApp> {
  const dir = tempDir();
  const databasePath = path.join(dir, 'tracker.db');
  const config = loadConfig({
    DATABASE_PATH: databasePath,
    BASE_URL: 'https://tracker.example.org',
    LOG_REQUESTS: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
    ...options.env,
  });
  const now = options.now ?? TEST_NOW;
  const app = await buildApp(config, { now: options.clock ?? (() => now) });
  await app.ready();
  return {
    app,
    dir,
    databasePath,
    close: async () => {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
