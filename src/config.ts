/** The environment, read and validated once. A bad value stops start-up with a clear message. */
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** Absolute base for links in citations and feeds, without a trailing slash. */
  baseUrl: string;
  /** Where the shipped data (campaign.json, directory CSVs, documented events) lives. */
  dataDir: string;
  /** Requests allowed per address per minute. */
  rateLimitPerMinute: number;
  /** Whether to log requests. */
  logRequests: boolean;
  /** Signs session cookies; null means a random one for this run (sessions end on restart). */
  sessionSecret: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const port = parseInteger(env.PORT ?? '3000');
  if (port === null || port < 0 || port > 65535) problems.push(`PORT must be a whole number from 0 to 65535 (got “${env.PORT}”)`);

  const host = env.HOST ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) problems.push(`HOST must be a host name or address (got “${host}”)`);

  const databasePath = env.DATABASE_PATH ?? path.join(PROJECT_ROOT, 'data', 'tracker.db');
  if (databasePath.trim() === '') problems.push('DATABASE_PATH must not be empty');

  const effectivePort = port ?? 3000;
  let baseUrl = env.BASE_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${effectivePort}`;
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    baseUrl = url.toString().replace(/\/+$/, '');
  } catch {
    problems.push(`BASE_URL must be an absolute http(s) URL such as https://tracker.example.org (got “${env.BASE_URL}”)`);
  }

  const rateLimitPerMinute = parseInteger(env.RATE_LIMIT_PER_MINUTE ?? '600');
  if (rateLimitPerMinute === null || rateLimitPerMinute < 1) {
    problems.push(`RATE_LIMIT_PER_MINUTE must be a positive whole number (got “${env.RATE_LIMIT_PER_MINUTE}”)`);
  }

  const sessionSecret = env.SESSION_SECRET ?? null;
  if (sessionSecret !== null && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters long');

  if (problems.length > 0) throw new ConfigError(`Configuration problem:\n- ${problems.join('\n- ')}`);

  return {
    port: effectivePort,
    host,
    databasePath: databasePath === ':memory:' ? databasePath : path.resolve(databasePath),
    baseUrl,
    dataDir: env.DATA_DIR ? path.resolve(env.DATA_DIR) : path.join(PROJECT_ROOT, 'data'),
    rateLimitPerMinute: rateLimitPerMinute ?? 600,
    logRequests: env.LOG_REQUESTS !== 'false',
    sessionSecret,
  };
}

function parseInteger(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}
