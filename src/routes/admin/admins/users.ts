/** Users: adding, deactivating (which signs them out everywhere) and reactivating. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../../domain/vocabulary.js';
import { RequestProblem } from '../../../plugins/errors.js';
import { actorOf, checkCsrf } from '../../../plugins/sessions.js';
import { createUser, setUserActive } from '../../../records/users.js';
import { formErrors } from '../../../render/forms.js';
import { renderPage } from '../../../render/page.js';
import { userList } from '../../../tracker/accounts.js';

export default async function userRoutes(app: FastifyInstance) {
  const showUsers = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/users', 'Users', { users: userList(app.tracker), values, errors: formErrors(errors), csrf: reply.generateCsrf(), me: request.user!.id });

  app.get('/admin/users', async (request, reply) => showUsers(request, reply, {}, {}));

  app.post<{ Body: Record<string, string> }>('/admin/users', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { email = '', name = '', role = '', password = '' } = request.body ?? {};
    const result = await createUser(app.tracker.db, { email, name, role: role as Role, password }, actorOf(request), app.now());
    if (!result.ok) return showUsers(request, reply.code(400), { email, name, role }, result.errors);
    request.session.flash = `${name} can now sign in as ${role}.`;
    return reply.redirect('/admin/users', 303);
  });

  app.post<{ Params: { id: string }; Body: { active?: string } }>('/admin/users/:id/active', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : -1;
    const active = request.body?.active === 'true';
    if (id === request.user!.id && !active) throw new RequestProblem(400, 'You cannot deactivate yourself; ask another admin', 'id');
    setUserActive(app.tracker.db, id, active, actorOf(request), app.now());
    request.session.flash = active ? 'The user can sign in again.' : 'The user was deactivated and signed out everywhere.';
    return reply.redirect('/admin/users', 303);
  });
}
