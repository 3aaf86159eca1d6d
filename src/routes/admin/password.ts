/** Changing one's own password (which signs out one's other browsers). */
import type { FastifyInstance } from 'fastify';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { changePassword } from '../../records/users.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';

export default async function passwordRoutes(app: FastifyInstance) {
  app.get('/admin/password', async (request, reply) => renderPage(request, reply, 'admin/password', 'Change your password', { errors: {}, csrf: reply.generateCsrf() }));

  app.post<{ Body: { current?: string; password?: string; confirm?: string } }>('/admin/password', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { current = '', password = '', confirm = '' } = request.body ?? {};
    const result = await changePassword(app.tracker.db, request.user!, { current, password, confirm }, request.session.sessionId, actorOf(request), app.now());
    if (!result.ok) return renderPage(request, reply.code(400), 'admin/password', 'Change your password', { errors: formErrors(result.errors), csrf: reply.generateCsrf() });
    request.session.flash = 'Your password was changed. Any other browser signed in to your account was signed out.';
    return reply.redirect('/admin/password', 303);
  });
}
