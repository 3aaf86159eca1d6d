/** Signing in and out. The message never says which of email or password was wrong. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { attemptSignIn } from '../records/sign-in.js';
import { checkCsrf } from '../plugins/sessions.js';
import { instantLabel } from '../render/format.js';
import { renderPage } from '../render/page.js';
import { LoginQuery } from './schemas.js';

/**
 * Only local paths, so a crafted link cannot send someone elsewhere after signing in; any other
 * character is percent-encoded, so the address is always a valid Location header.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.length > 2000) return '/admin';
  // No backslash (some browsers read it as a slash) and no control character.
  if ([...next].some((c) => c === '\\' || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) return '/admin';
  try {
    const base = 'http://tracker.invalid';
    const url = new URL(next, base);
    if (url.origin !== base) return '/admin';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/admin';
  }
}

interface LoginBody {
  email?: string;
  password?: string;
  next?: string;
}

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const showForm = (request: FastifyRequest, reply: FastifyReply, values: LoginBody, errors: Record<string, string>) =>
    renderPage(request, reply, 'auth/login', 'Sign in', { values, errors, next: safeNext(values.next), csrf: reply.generateCsrf() });

  app.get('/login', { schema: { querystring: LoginQuery } }, async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next), 303);
    return showForm(request, reply, { next: request.query.next }, {});
  });

  app.post<{ Body: LoginBody }>('/login', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const email = String(request.body?.email ?? '');
    const result = await attemptSignIn(
      app.tracker.db,
      { email, password: String(request.body?.password ?? ''), ip: request.ip, knownBrowser: (userId) => app.knownBrowser.recognises(request, userId) },
      (user) => ({ userId: user.id, name: user.name }),
      app.now(),
    );
    if (!result.ok) {
      if (result.wait > 0) await new Promise((resolve) => setTimeout(resolve, result.wait));
      return showForm(request, reply.code(result.status), { email: email.trim(), next: request.body?.next }, result.errors);
    }
    await request.session.regenerate();
    request.session.userId = result.user.id;
    if (result.failedBefore) {
      const { count, since } = result.failedBefore;
      request.session.flash =
        `There ${count === 1 ? 'was 1 failed attempt' : `were ${count} failed attempts`} to sign in to your account since ${instantLabel(since)} (UK time). ` +
        'If they were not yours, someone may be guessing your password: tell an admin, and change it if it is short or used elsewhere.';
    }
    app.knownBrowser.remember(reply, result.user.id);
    return reply.redirect(safeNext(request.body?.next), 303);
  });

  app.post('/logout', { preHandler: checkCsrf(app) }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/', 303);
  });
}
