/** The same approach to many institutions at once: one approach each, all written together or none. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHANNELS } from '../../domain/vocabulary.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { eventRules } from '../../records/event-rules.js';
import { logBatchContact } from '../../records/log-events.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';
import { batchChoices } from '../../tracker/workspace.js';
import { listField, textFields, type FormBody } from '../forms.js';

export default async function batchRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const showBatch = (request: FastifyRequest, reply: FastifyReply, body: FormBody, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/batch', 'Log the same approach to many institutions', {
      values: { ...textFields(body), institutions: listField(body, 'institutions') },
      errors: formErrors(errors),
      ...batchChoices(t),
      channels: CHANNELS,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/contacts/batch', async (request, reply) => showBatch(request, reply, {}, {}));

  app.post<{ Body: FormBody }>('/admin/contacts/batch', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const values = textFields(request.body);
    const choice = { slugs: listField(request.body, 'institutions'), kind: values.select_kind, region: values.select_region };
    const result = logBatchContact(t.db, values, choice, eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showBatch(request, reply.code(400), request.body ?? {}, result.errors);
    const n = result.value.ids.length;
    request.session.flash = `Logged ${n} approach${n === 1 ? '' : 'es'}${values.status === 'published' ? ' and published them' : ' as drafts'}.`;
    return reply.redirect('/admin', 303);
  });
}
