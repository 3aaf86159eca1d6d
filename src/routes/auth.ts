/** Sign-in and sign-out. The message never says which of email or password was wrong. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../records/audit.js';
import { DUMMY_HASH, verifyPassword } from '../records/passwords.js';
import { lockedMinutes, recordFailure, recordSuccess } from '../records/sign-in.js';
import { userByEmail } from '../records/users.js';
import { checkCsrf } from '../plugins/sessions.js';
import { RequestProblem, wantsJson } from '../plugins/errors.js';
import { instantLabel } from '../render/format.js';
import { renderPage } from './page.js';

const WRONG = 'The email address or password is not right';

/**
 * Only local paths, so a crafted link cannot send someone elsewhere after signing in; any other
 * character is percent-encoded, so the address is always a valid Location header.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next) || next.length > 2000) return '/admin';
  try {
    const base = 'http://tracker.invalid';
    const url = new URL(next, base);
    if (url.origin !== base) return '/admin';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/admin';
  }
}

/** preHandler for everything under /admin: a signed-in user, of the given role when one is named. */
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

interface LoginBody {
  email?: string;
  password?: string;
  next?: string;
}

export default async function authRoutes(app: FastifyInstance) {
  const db = app.tracker.db;
  const showForm = (request: FastifyRequest, reply: FastifyReply, values: LoginBody, errors: Record<string, string>) =>
    renderPage(request, reply, 'auth/login', 'Sign in', { values, errors, next: safeNext(values.next), csrf: reply.generateCsrf() });

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next), 303);
    return showForm(request, reply, { next: request.query.next }, {});
  });

  app.post<{ Body: LoginBody }>(
    '/login',
    { preHandler: checkCsrf(app) },
    async (request, reply) => {
      const email = String(request.body?.email ?? '').trim();
      const password = String(request.body?.password ?? '');
      const errors: Record<string, string> = {};
      if (!email) errors.email = 'Enter your email address';
      if (!password) errors.password = 'Enter your password';
      if (Object.keys(errors).length > 0) return showForm(request, reply.code(400), { email, next: request.body?.next }, errors);

      const now = app.now();
      const user = userByEmail(db, email);
      const knownBrowser = user !== null && app.knownBrowser.recognises(request, user.id);
      const locked = lockedMinutes(db, email, request.ip, now, knownBrowser);
      if (locked > 0) {
        return showForm(request, reply.code(429), { email, next: request.body?.next }, {
          email: `Too many failed sign-ins. Try again in ${locked} minute${locked === 1 ? '' : 's'}.`,
        });
      }
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || !user.active) {
        const wait = recordFailure(db, email, request.ip, now);
        await new Promise((resolve) => setTimeout(resolve, wait));
        return showForm(request, reply.code(401), { email, next: request.body?.next }, { email: WRONG });
      }
      const failed = recordSuccess(db, email, request.ip, now);
      await request.session.regenerate();
      request.session.userId = user.id;
      if (failed) {
        request.session.flash =
          `There ${failed.count === 1 ? 'was 1 failed attempt' : `were ${failed.count} failed attempts`} to sign in to your account since ` +
          `${instantLabel(failed.since)} (UK time). If they were not yours, someone may be guessing your password: tell an admin, and change it if it is short or used elsewhere.`;
      }
      app.knownBrowser.remember(reply, user.id);
      recordAudit(db, { userId: user.id, name: user.name }, { action: 'user.sign_in', entityType: 'user', entityId: user.id, after: failed ? { failedAttemptsBefore: failed.count } : undefined }, now);
      return reply.redirect(safeNext(request.body?.next), 303);
    },
  );

  app.post('/logout', { preHandler: checkCsrf(app) }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/', 303);
  });
}
