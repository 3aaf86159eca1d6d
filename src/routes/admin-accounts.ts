/** Admin-only pages: users and the audit log. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asc } from 'drizzle-orm';
import { auditRows } from '../db/queries/audit.js';
import { institutionRows } from '../db/queries/institutions.js';
import { users, type Role } from '../db/schema.js';
import { endOfLondonDay, instantOf, parseDate } from '../domain/calendar.js';
import { createUser, setUserActive } from '../records/users.js';
import { checkCsrf } from '../plugins/sessions.js';
import { RequestProblem } from '../plugins/errors.js';
import { actorOf } from './admin.js';
import { requireUser } from './auth.js';
import { renderPage } from './page.js';

const AUDIT_PAGE = 50;

interface AuditQuery {
  user?: string;
  institution?: string;
  from?: string;
  to?: string;
  before?: string;
}

export default async function adminAccountRoutes(app: FastifyInstance) {
  const db = app.tracker.db;
  app.addHook('preHandler', requireUser('admin'));

  const showUsers = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/users', 'Users', {
      users: db.select().from(users).orderBy(asc(users.name)).all(),
      values,
      errors,
      csrf: reply.generateCsrf(),
      me: request.user!.id,
    });


  app.get('/admin/users', async (request, reply) => showUsers(request, reply, {}, {}));

  app.post<{ Body: Record<string, string> }>('/admin/users', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { email = '', name = '', role = '', password = '' } = request.body ?? {};
    const result = await createUser(db, { email, name, role: role as Role, password }, actorOf(request), app.now());
    if (!result.ok) {
      const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, v ?? '']));
      return showUsers(request, reply.code(400), { email, name, role }, errors);
    }
    request.session.flash = `${name} can now sign in as ${role}.`;
    return reply.redirect('/admin/users', 303);
  });

  app.post<{ Params: { id: string }; Body: { active?: string } }>('/admin/users/:id/active', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = Number(request.params.id);
    const active = request.body?.active === 'true';
    if (id === request.user!.id && !active) throw new RequestProblem(400, 'You cannot deactivate yourself; ask another admin', 'id');
    try {
      setUserActive(db, id, active, actorOf(request), app.now());
    } catch {
      throw new RequestProblem(404, 'There is no such user', 'id');
    }
    request.session.flash = active ? 'The user can sign in again.' : 'The user was deactivated and signed out everywhere.';
    return reply.redirect('/admin/users', 303);
  });

  app.get<{ Querystring: AuditQuery }>('/admin/audit', async (request, reply) => {
    const q = request.query;
    const problems: Record<string, string> = {};
    const dateBound = (key: 'from' | 'to') => {
      const text = q[key];
      if (!text) return undefined;
      const parsed = parseDate(text);
      if (!parsed.ok) {
        problems[key] = parsed.message;
        return undefined;
      }
      return key === 'from' ? instantOf(parsed.value) : endOfLondonDay(parsed.value) + 1;
    };
    const institutions = institutionRows(db);
    const institution = q.institution ? institutions.find((i) => i.slug === q.institution) : undefined;
    const filter = {
      userId: q.user && /^\d+$/.test(q.user) ? Number(q.user) : undefined,
      institutionId: institution?.id,
      from: dateBound('from'),
      to: dateBound('to'),
    };
    const cursor = q.before && /^\d+\.\d+$/.test(q.before) ? { at: Number(q.before.split('.')[0]), id: Number(q.before.split('.')[1]) } : null;
    const rows = auditRows(db, filter, cursor, AUDIT_PAGE + 1);
    const page = rows.slice(0, AUDIT_PAGE);
    const last = page[page.length - 1];
    const params = new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'before' && v) as [string, string][]);
    if (rows.length > AUDIT_PAGE && last) params.set('before', `${last.at}.${last.id}`);
    return renderPage(request, reply.code(Object.keys(problems).length > 0 ? 400 : 200), 'admin/audit', 'Audit log', {
      rows: page,
      query: q,
      errors: problems,
      users: db.select({ id: users.id, name: users.name }).from(users).orderBy(asc(users.name)).all(),
      institutions,
      nextHref: rows.length > AUDIT_PAGE ? `/admin/audit?${params.toString()}` : null,
      csrf: reply.generateCsrf(),
    });
  });
}
