/** The audit log: every change, who made it and when, filtered by user, institution and period. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { endOfLondonDay, instantOf, parseDate } from '../../../domain/calendar.js';
import { decodeCursor, encodeCursor } from '../../../domain/cursor.js';
import { withQuery } from '../../../render/links.js';
import { renderPage } from '../../../render/page.js';
import { auditPage } from '../../../tracker/accounts.js';
import { AuditQuery } from '../../schemas.js';

export default async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/admin/audit', { schema: { querystring: AuditQuery } }, async (request, reply) => {
    const q = request.query;
    const errors: Record<string, string> = {};
    const dateBound = (key: 'from' | 'to') => {
      const text = q[key];
      if (!text) return undefined;
      const parsed = parseDate(text);
      if (parsed.ok) return key === 'from' ? instantOf(parsed.value) : endOfLondonDay(parsed.value) + 1;
      errors[key] = parsed.message;
      return undefined;
    };
    const filter = { userId: q.user && /^\d{1,15}$/.test(q.user) ? Number(q.user) : undefined, institution: q.institution || undefined, from: dateBound('from'), to: dateBound('to') };
    const page = auditPage(app.tracker, filter, decodeCursor(q.before));
    const nextHref = page.next ? withQuery('/admin/audit', { ...q, before: encodeCursor(page.next) }) : null;
    return renderPage(request, reply.code(Object.keys(errors).length > 0 ? 400 : 200), 'admin/audit', 'Audit log', {
      ...page,
      query: q,
      errors,
      nextHref,
      csrf: reply.generateCsrf(),
    });
  });
}
