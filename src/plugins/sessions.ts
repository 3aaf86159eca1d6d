/**
 * Sessions (server-side, in SQLite), the signed-in user, and CSRF tokens for every
 * state-changing request. Public pages create no session, and an anonymous reader of a public
 * page costs the session machinery nothing: its hooks run only for the workspace, for forms and
 * for browsers that carry the session cookie.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions } from '../db/schema.js';
import { countUnreadWrites } from '../db/queries/events.js';
import { userById, type UserRow } from '../db/queries/users.js';
import type { Actor } from '../records/audit.js';
import { isWorkspaceUrl } from './as-of.js';
import { RequestProblem, wantsJson } from './problems.js';

declare module 'fastify' {
  interface Session {
    userId?: number;
  }
  interface FastifyRequest {
    /** The signed-in, active user, or null. */
    user: UserRow | null;
  }
  interface FastifyInstance {
    /** Browsers a user has signed in from before (a signed cookie), which an attack on the account does not lock out. */
    knownBrowser: KnownBrowser;
  }
}

export const BROWSER_COOKIE = 'tracker_browser';
const BROWSER_DAYS = 365;

export interface KnownBrowser {
  remember(reply: FastifyReply, userId: number): void;
  recognises(request: FastifyRequest, userId: number): boolean;
}

function knownBrowser(secret: string, secure: boolean): KnownBrowser {
  const sign = (text: string) => createHmac('sha256', secret).update(`browser:${text}`).digest('base64url');
  return {
    remember(reply, userId) {
      const value = `${userId}.${randomBytes(12).toString('base64url')}`;
      reply.setCookie(BROWSER_COOKIE, `${value}.${sign(value)}`, {
        httpOnly: true, sameSite: 'lax', secure, path: '/login', maxAge: BROWSER_DAYS * 86_400,
      });
    },
    recognises(request, userId) {
      const [id, nonce, signature] = String(request.cookies[BROWSER_COOKIE] ?? '').split('.');
      if (!id || !nonce || !signature || Number(id) !== userId) return false;
      const expected = Buffer.from(sign(`${id}.${nonce}`));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export const SESSION_COOKIE = 'tracker_session';
export const SESSION_HOURS = 12;

/** Whether the browser sent the session cookie (a campaigner, or someone who opened the sign-in page): a request of the app or of the HTTP server. */
export const carriesSession = (request: { headers: IncomingHttpHeaders }): boolean => (request.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`);

/**
 * Who has a session: the workspace (the sign-in page included), the pages about following by
 * email, every form sent, and every browser
 * that carries the session cookie (so that a signed-in campaigner is known on public pages too).
 */
export const needsSession = (request: FastifyRequest): boolean =>
  (request.method !== 'GET' && request.method !== 'HEAD') || isWorkspaceUrl(request.url) || isFollowUrl(request.url) || carriesSession(request);

/** The pages about following by email: their forms need a session from the first GET (none of them is cached). */
export const isFollowUrl = (url: string): boolean => /^\/follow(\/|$|\?)/.test(url);

type Hook = (this: unknown, request: FastifyRequest, reply: FastifyReply, ...rest: unknown[]) => unknown;

/**
 * Registers a plugin whose request hooks run only for the requests `applies` accepts; the others
 * pass them by, as if the plugin were not there. (Fastify cannot switch a plugin's hooks per
 * request, so its `addHook` is wrapped while it registers.)
 */
async function registerFor<Options>(
  app: FastifyInstance,
  applies: (request: FastifyRequest) => boolean,
  plugin: (instance: FastifyInstance, options: Options, done: (error?: Error) => void) => void,
  options: Options,
): Promise<void> {
  const addHook = app.addHook.bind(app);
  const own = Object.getOwnPropertyDescriptor(app, 'addHook');
  const guarded = (name: string, hook: Hook): Hook => {
    if (name === 'onSend') {
      return function (this: unknown, request, reply, payload, done) {
        return applies(request) ? hook.call(this, request, reply, payload, done) : (done as (e: null, p: unknown) => void)(null, payload);
      };
    }
    if (name === 'onRequest' || name === 'preHandler' || name === 'onResponse') {
      return function (this: unknown, request, reply, done) {
        return applies(request) ? hook.call(this, request, reply, done) : (done as () => void)();
      };
    }
    throw new Error(`registerFor: cannot limit a ${name} hook to some requests`);
  };
  app.addHook = ((name: string, hook: Hook) => addHook(name as never, guarded(name, hook) as never)) as typeof app.addHook;
  try {
    await app.register(plugin as never, options as never);
  } finally {
    if (own) Object.defineProperty(app, 'addHook', own);
    else delete (app as { addHook?: unknown }).addHook;
  }
}

type Callback = (error?: unknown) => void;

/** A session store over the `sessions` table. */
function sqliteStore(db: Db, now: () => number) {
  return {
    set(sid: string, session: Record<string, unknown> & { cookie?: { expires?: Date | null } }, callback: Callback) {
      try {
        const expiresAt = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : now() + SESSION_HOURS * 3_600_000;
        const userId = typeof session.userId === 'number' ? session.userId : null;
        const data = JSON.stringify(session);
        const written = db.insert(sessions).values({ sid, userId, data, expiresAt }).onConflictDoUpdate({ target: sessions.sid, set: { userId, data, expiresAt } }).run();
        // A session kept alive on every campaigner's request changes no public answer: cached ones stay.
        countUnreadWrites(db, written.changes);
        callback();
      } catch (error) {
        callback(error);
      }
    },
    get(sid: string, callback: (error: unknown, session?: unknown) => void) {
      try {
        const row = db.select().from(sessions).where(eq(sessions.sid, sid)).get();
        if (!row || row.expiresAt <= now()) return callback(null, null);
        callback(null, JSON.parse(row.data));
      } catch (error) {
        callback(error);
      }
    },
    destroy(sid: string, callback: Callback) {
      try {
        countUnreadWrites(db, db.delete(sessions).where(eq(sessions.sid, sid)).run().changes);
        callback();
      } catch (error) {
        callback(error);
      }
    },
  };
}

export interface SessionOptions {
  secret: string | null;
  /** With an https BASE_URL the cookie is always Secure, however the request reached the server. */
  secure: boolean;
}

export default fp(async function sessionPlugin(app: FastifyInstance, options: SessionOptions) {
  const db = app.tracker.db;
  if (!options.secret) app.log.warn('SESSION_SECRET is not set: using a random one, so sign-ins end when the server restarts');
  const secret = options.secret ?? randomBytes(32).toString('hex');
  await app.register(fastifyCookie);
  app.decorate('knownBrowser', knownBrowser(secret, options.secure));
  await registerFor(app, needsSession, fastifySession, {
    secret,
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure ? 'auto' : false, path: '/', maxAge: SESSION_HOURS * 3_600_000 },
    // Sessions live in real time, like their cookies (whose expiry @fastify/session sets from the
    // system clock), whatever moment the tracker's own clock is set to.
    store: sqliteStore(db, Date.now) as never,
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });

  // With an https BASE_URL the public reaches the tracker over HTTPS whatever the proxy in front
  // says, so every cookie is Secure (@fastify/session's own 'auto' trusts X-Forwarded-Proto).
  if (options.secure) {
    app.addHook('onSend', async (_request, reply) => {
      const cookies = reply.getHeader('set-cookie');
      if (cookies === undefined) return;
      const secured = [cookies].flat().map((c) => (/;\s*secure(;|$)/i.test(String(c)) ? String(c) : `${String(c)}; Secure`));
      reply.removeHeader('set-cookie');
      reply.header('set-cookie', secured);
    });
  }

  // Old sessions are swept at start-up; expired ones are refused when read.
  countUnreadWrites(db, db.delete(sessions).where(lt(sessions.expiresAt, Date.now())).run().changes);

  app.decorateRequest('user', null);
  app.addHook('preHandler', async (request) => signedInUser(request));
});

/**
 * Sets `request.user` from the session (ending a session whose user is gone or deactivated).
 * Runs before every handler; the error handler calls it too for requests that failed earlier.
 */
export async function signedInUser(request: FastifyRequest): Promise<UserRow | null> {
  const userId = request.session?.userId;
  if (userId === undefined) return null;
  const user = userById(request.server.tracker.db, userId);
  if (user && user.active) request.user = user;
  else await request.session.destroy();
  return request.user;
}

/** preHandler: refuses a state-changing request without a valid CSRF token (403, nothing changes). */
export function checkCsrf(app: FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => app.csrfProtection(request, reply, done);
}

/** preHandler for the workspace: a signed-in user, of the given role when one is named. */
export function requireUser(role?: 'admin') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) {
      if (wantsJson(request) || request.headers.accept === 'application/json') {
        return reply.code(401).send({ error: 'Unauthorized', statusCode: 401, message: 'Sign in first', parameter: null });
      }
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    if (role === 'admin' && request.user.role !== 'admin') {
      throw new RequestProblem(403, 'Only an admin of this tracker can do this.');
    }
  };
}

/** Who is making a change, for the audit log. */
export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user!.id, name: request.user!.name };
}
