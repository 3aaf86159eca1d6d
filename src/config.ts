/** The environment, read and validated once. A bad value stops start-up with a clear message. */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The folder of the project's package.json: the same from the sources (src/) and from the server built from them (dist/). */
export const PROJECT_ROOT = (() => {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/**
 * Which proxies may set the client's address (`X-Forwarded-For`): none (the default), every
 * proxy within a number of hops, or the proxies at the given addresses and CIDR ranges.
 */
export type TrustProxy = false | number | string[];

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** Absolute base for links in citations and feeds, without a trailing slash. */
  baseUrl: string;
  /** The live tracker's address, without a trailing slash: where the static copy sends what needs the server (null: nowhere). */
  liveUrl: string | null;
  /** Where the shipped data (campaign.json, directory CSVs, documented events) lives. */
  dataDir: string;
  /** Requests allowed per address per minute. */
  rateLimitPerMinute: number;
  /** Whether to log requests. */
  logRequests: boolean;
  /** Signs session cookies; null means a random one for this run (sessions end on restart). */
  sessionSecret: string | null;
  /** `production` requires SESSION_SECRET; `development` reloads templates on every request. */
  nodeEnv: 'production' | 'development' | 'test' | null;
  trustProxy: TrustProxy;
  /** A client must send its whole request (headers and body) within this time, or it is dropped. */
  requestTimeoutMs: number;
  /** The largest spreadsheet an editor may upload. */
  maxUploadBytes: number;
  /** How many large downloads (whole-record CSV and JSON) run at once; more wait in a short queue. */
  maxConcurrentExports: number;
  /** The most memory the render cache keeps answers in (bytes); 0 turns it off. */
  renderCacheBytes: number;
  /** How long browsers, proxies and CDNs may keep an answer as at now (seconds). */
  nowMaxAgeSeconds: number;
  /** Mail: sending approaches, reading replies, alerts. Every part is off while its address is unset. */
  mail: MailConfig;
  /** Where attachments and raw messages are kept, by SHA-256 (beside the database by default). */
  filesDir: string;
  /** The largest attachment accepted, uploaded or from email. */
  maxAttachmentBytes: number;
}

export interface MailConfig {
  /** `smtp://user:password@host:587` or `smtps://…:465`; null: nothing is sent (messages wait in the outbox). */
  smtpUrl: string | null;
  /** `imaps://user:password@host:993` or `imap://…:143`; null: the mailbox is not read. */
  imapUrl: string | null;
  /** The folder replies arrive in. */
  imapFolder: string;
  /** The campaign's address, the sender of every message: `StopSIM Coalition <campaign@example.org>`. */
  from: string | null;
  /** Each approach's reply address, `{token}` standing for its code: `campaign+{token}@example.org` (from MAIL_FROM by default). */
  replyAddressPattern: string | null;
  /** Whether `npm start` runs the sender and the mailbox reader in its own process (MAIL_WORKER=off for a second process). */
  worker: boolean;
  /** How often the mailbox is read and the outbox delivered (seconds). */
  pollSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const CIDR = /^(.+)\/(\d{1,3})$/;

/** `TRUST_PROXY`: unset or `false`, a hop count, or a comma-separated list of addresses and CIDR ranges. */
export function parseTrustProxy(text: string | undefined): TrustProxy | Error {
  const value = (text ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') {
    return new Error('TRUST_PROXY=true would let any client choose its own address; give the proxy’s address (127.0.0.1) or a hop count (1)');
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : new Error(`TRUST_PROXY as a hop count must be from 1 to 10 (got “${value}”)`);
  }
  const list = value.split(',').map((part) => part.trim()).filter(Boolean);
  for (const entry of list) {
    const m = CIDR.exec(entry);
    const address = m ? m[1]! : entry;
    const family = net.isIP(address);
    const bits = m ? Number(m[2]) : null;
    if (family === 0 || (bits !== null && bits > (family === 4 ? 32 : 128))) {
      return new Error(`TRUST_PROXY must be false, a hop count, or addresses and CIDR ranges such as 127.0.0.1,10.0.0.0/8 (got “${entry}”)`);
    }
  }
  return list;
}

/** The configuration for a command or the server: a bad value prints its message and exits with 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
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
  let baseUrl = env.BASE_URL || `http://${host.includes(':') ? `[${host}]` : host}:${effectivePort}`;
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    baseUrl = url.toString().replace(/\/+$/, '');
  } catch {
    problems.push(`BASE_URL must be an absolute http(s) URL such as https://tracker.example.org (got “${env.BASE_URL}”)`);
  }

  let liveUrl = env.LIVE_URL ? env.LIVE_URL : null;
  if (liveUrl !== null) {
    try {
      const url = new URL(liveUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      liveUrl = url.toString().replace(/\/+$/, '');
    } catch {
      problems.push(`LIVE_URL must be an absolute http(s) URL such as https://tracker.example.org (got “${env.LIVE_URL}”)`);
    }
  }

  const rateLimitPerMinute = parseInteger(env.RATE_LIMIT_PER_MINUTE ?? '600');
  if (rateLimitPerMinute === null || rateLimitPerMinute < 1) {
    problems.push(`RATE_LIMIT_PER_MINUTE must be a positive whole number (got “${env.RATE_LIMIT_PER_MINUTE}”)`);
  }

  const nodeEnv = env.NODE_ENV === undefined || env.NODE_ENV === '' ? null : env.NODE_ENV;
  if (nodeEnv !== null && nodeEnv !== 'production' && nodeEnv !== 'development' && nodeEnv !== 'test') {
    problems.push(`NODE_ENV must be production, development or test (got “${nodeEnv}”)`);
  }

  const sessionSecret = env.SESSION_SECRET ?? null;
  if (sessionSecret !== null && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters long');
  if (sessionSecret === null && nodeEnv === 'production') {
    problems.push('SESSION_SECRET must be set when NODE_ENV=production (32 characters or more), or every sign-in ends when the server restarts');
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (trustProxy instanceof Error) problems.push(trustProxy.message);

  const requestTimeoutSeconds = parseInteger(env.REQUEST_TIMEOUT_SECONDS ?? '20');
  if (requestTimeoutSeconds === null || requestTimeoutSeconds < 1 || requestTimeoutSeconds > 600) {
    problems.push(`REQUEST_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 600 (got “${env.REQUEST_TIMEOUT_SECONDS}”)`);
  }

  const maxUploadMegabytes = parseInteger(env.MAX_UPLOAD_MB ?? '5');
  if (maxUploadMegabytes === null || maxUploadMegabytes < 1 || maxUploadMegabytes > 100) {
    problems.push(`MAX_UPLOAD_MB must be a whole number of megabytes from 1 to 100 (got “${env.MAX_UPLOAD_MB}”)`);
  }

  const maxConcurrentExports = parseInteger(env.MAX_CONCURRENT_EXPORTS ?? '2');
  if (maxConcurrentExports === null || maxConcurrentExports < 1 || maxConcurrentExports > 64) {
    problems.push(`MAX_CONCURRENT_EXPORTS must be a whole number from 1 to 64 (got “${env.MAX_CONCURRENT_EXPORTS}”)`);
  }

  const renderCacheMegabytes = parseInteger(env.RENDER_CACHE_MB ?? '64');
  if (renderCacheMegabytes === null || renderCacheMegabytes > 4096) {
    problems.push(`RENDER_CACHE_MB must be a whole number of megabytes from 0 (no cache) to 4096 (got “${env.RENDER_CACHE_MB}”)`);
  }

  const nowMaxAgeSeconds = parseInteger(env.CACHE_MAX_AGE_SECONDS ?? '60');
  if (nowMaxAgeSeconds === null || nowMaxAgeSeconds > 3600) {
    problems.push(`CACHE_MAX_AGE_SECONDS must be a whole number of seconds from 0 to 3600 (got “${env.CACHE_MAX_AGE_SECONDS}”)`);
  }

  const mail = parseMail(env, problems);

  const maxAttachmentMegabytes = parseInteger(env.MAX_ATTACHMENT_MB ?? '20');
  if (maxAttachmentMegabytes === null || maxAttachmentMegabytes < 1 || maxAttachmentMegabytes > 100) {
    problems.push(`MAX_ATTACHMENT_MB must be a whole number of megabytes from 1 to 100 (got “${env.MAX_ATTACHMENT_MB}”)`);
  }
  const resolvedDatabase = databasePath === ':memory:' ? databasePath : path.resolve(databasePath);
  const filesDir = env.FILES_DIR
    ? path.resolve(env.FILES_DIR)
    : resolvedDatabase === ':memory:'
      ? path.join(PROJECT_ROOT, 'data', 'files')
      : path.join(path.dirname(resolvedDatabase), 'files');

  if (problems.length > 0) throw new ConfigError(`Configuration problem:\n- ${problems.join('\n- ')}`);

  return {
    port: effectivePort,
    host,
    databasePath: resolvedDatabase,
    baseUrl,
    liveUrl,
    dataDir: env.DATA_DIR ? path.resolve(env.DATA_DIR) : path.join(PROJECT_ROOT, 'data'),
    rateLimitPerMinute: rateLimitPerMinute ?? 600,
    logRequests: env.LOG_REQUESTS !== 'false',
    sessionSecret,
    nodeEnv: nodeEnv as Config['nodeEnv'],
    trustProxy: trustProxy as TrustProxy,
    requestTimeoutMs: (requestTimeoutSeconds ?? 20) * 1000,
    maxUploadBytes: (maxUploadMegabytes ?? 5) * 1024 * 1024,
    maxConcurrentExports: maxConcurrentExports ?? 2,
    renderCacheBytes: (renderCacheMegabytes ?? 64) * 1024 * 1024,
    nowMaxAgeSeconds: nowMaxAgeSeconds ?? 60,
    mail,
    filesDir,
    maxAttachmentBytes: (maxAttachmentMegabytes ?? 20) * 1024 * 1024,
  };
}

/** An address as in `Name <local@domain>` or `local@domain`: its bare address, or null. */
export function bareAddress(text: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(text);
  return m ? m[1]! : null;
}

function parseMail(env: NodeJS.ProcessEnv, problems: string[]): MailConfig {
  const url = (name: 'SMTP_URL' | 'IMAP_URL', protocols: string[]): string | null => {
    const value = env[name];
    if (!value) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol) || !parsed.hostname) throw new Error('protocol');
      return value;
    } catch {
      problems.push(`${name} must be a URL such as ${protocols[0]}//user:password@mail.example.org (got “${value.replace(/:[^:@/]*@/, ':…@')}”)`);
      return null;
    }
  };
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const imapUrl = url('IMAP_URL', ['imap:', 'imaps:']);
  const from = env.MAIL_FROM ? env.MAIL_FROM.trim() : null;
  const fromAddress = from ? bareAddress(from) : null;
  if (from && !fromAddress) problems.push(`MAIL_FROM must be an address such as "StopSIM Coalition <campaign@example.org>" (got “${from}”)`);
  if ((smtpUrl || imapUrl) && !from) problems.push('MAIL_FROM must be set when SMTP_URL or IMAP_URL is: it is the campaign’s address');
  let replyAddressPattern = env.MAIL_REPLY_ADDRESS ? env.MAIL_REPLY_ADDRESS.trim() : null;
  if (replyAddressPattern !== null && !/^[^@\s{}]*\{token\}[^@\s{}]*@[^@\s]+$/.test(replyAddressPattern)) {
    problems.push(`MAIL_REPLY_ADDRESS must be an address holding {token}, such as campaign+{token}@example.org (got “${replyAddressPattern}”)`);
    replyAddressPattern = null;
  }
  if (replyAddressPattern === null && fromAddress) {
    const at = fromAddress.lastIndexOf('@');
    replyAddressPattern = `${fromAddress.slice(0, at).replace(/\+.*$/, '')}+{token}${fromAddress.slice(at)}`;
  }
  const worker = (env.MAIL_WORKER ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(worker)) problems.push(`MAIL_WORKER must be on or off (got “${env.MAIL_WORKER}”)`);
  const pollSeconds = parseInteger(env.MAIL_POLL_SECONDS ?? '60');
  if (pollSeconds === null || pollSeconds < 1 || pollSeconds > 3600) {
    problems.push(`MAIL_POLL_SECONDS must be a whole number of seconds from 1 to 3600 (got “${env.MAIL_POLL_SECONDS}”)`);
  }
  return {
    smtpUrl,
    imapUrl,
    imapFolder: env.IMAP_FOLDER?.trim() || 'INBOX',
    from,
    replyAddressPattern,
    worker: worker !== 'off',
    pollSeconds: pollSeconds ?? 60,
  };
}

function parseInteger(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}
