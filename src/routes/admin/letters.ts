/**
 * Letters sent from the tracker: write once, preview every message, send (one published approach
 * and one queued message per institution, all together or none); the outbox, “send again” for a
 * failed message, and the reminder of a late approach.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MERGE_FIELDS } from '../../domain/letters.js';
import { RequestProblem } from '../../plugins/errors.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { eventRules } from '../../records/event-rules.js';
import { letterSenderOf, planLetter, sendAgain, sendChaser, sendLetter, type LetterPlan } from '../../records/letters.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';
import { mailState, outboxPage, OUTBOX_STATUSES } from '../../tracker/mail.js';
import { batchChoices } from '../../tracker/workspace.js';
import { listField, textFields, type FormBody } from '../forms.js';

/** The reply codes the preview showed, sent back with the letter (`token_<slug>`). */
const tokensOf = (body: FormBody | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(textFields(body)).flatMap(([k, v]) => (k.startsWith('token_') && v ? [[k.slice(6), v]] : [])));

export default async function letterRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const sender = letterSenderOf(app.config.mail);

  const choiceOf = (body: FormBody | undefined) => {
    const values = textFields(body);
    return { slugs: listField(body, 'institutions'), kind: values.select_kind, region: values.select_region };
  };
  const showForm = (request: FastifyRequest, reply: FastifyReply, body: FormBody, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/letter', 'Send a letter by email', {
      values: { ...textFields(body), institutions: listField(body, 'institutions') },
      errors: formErrors(errors),
      ...batchChoices(t),
      mergeFields: Object.entries(MERGE_FIELDS),
      sending: sender !== null,
      mail: mailState(t, app.config.mail),
      csrf: reply.generateCsrf(),
    });
  const showPreview = (request: FastifyRequest, reply: FastifyReply, body: FormBody, plan: LetterPlan) =>
    renderPage(request, reply, 'admin/letter-preview', 'Check the letter before sending', {
      values: { ...textFields(body), institutions: listField(body, 'institutions') },
      plan,
      from: sender!.from,
      csrf: reply.generateCsrf(),
    });
  const sendingOff = () => new RequestProblem(409, 'Sending is off: set SMTP_URL and MAIL_FROM (see the README, “Mail”), then restart the tracker', 'mail');

  app.get('/admin/letters/new', async (request, reply) => showForm(request, reply, {}, {}));

  app.post<{ Body: FormBody }>('/admin/letters/preview', { preHandler: checkCsrf(app) }, async (request, reply) => {
    if (!sender) return showForm(request, reply.code(409), request.body ?? {}, { mail: 'sending is off: set SMTP_URL and MAIL_FROM, then restart the tracker' });
    const plan = planLetter(t.db, sender, textFields(request.body), choiceOf(request.body), eventRules(t.db, t.calendar), app.now());
    if (!plan.ok) return showForm(request, reply.code(400), request.body ?? {}, plan.errors);
    return showPreview(request, reply, request.body ?? {}, plan.value);
  });

  app.post<{ Body: FormBody }>('/admin/letters/edit', { preHandler: checkCsrf(app) }, async (request, reply) => showForm(request, reply, request.body ?? {}, {}));

  app.post<{ Body: FormBody }>('/admin/letters', { preHandler: checkCsrf(app) }, async (request, reply) => {
    if (!sender) throw sendingOff();
    const result = sendLetter(t.db, sender, textFields(request.body), choiceOf(request.body), eventRules(t.db, t.calendar), actorOf(request), app.now(), tokensOf(request.body));
    if (!result.ok) return showForm(request, reply.code(400), request.body ?? {}, result.errors);
    const n = result.value.ids.length;
    const missed = result.value.plan.unreachable;
    request.session.flash = `${n} letter${n === 1 ? '' : 's'} queued for sending, each logged as a published approach.` +
      (missed.length > 0 ? ` Not sent to ${missed.length} without an email address: ${missed.map((m) => m.name).join(', ')}.` : '');
    return reply.redirect('/admin/outbox', 303);
  });

  app.get<{ Querystring: { status?: string; before?: string } }>('/admin/outbox', async (request, reply) => {
    const status = OUTBOX_STATUSES.find((s) => s === request.query.status) ?? null;
    if (request.query.status && !status) throw new RequestProblem(400, `Choose a status: ${OUTBOX_STATUSES.join(', ')}`, 'status');
    const before = request.query.before && /^\d{1,15}$/.test(request.query.before) ? Number(request.query.before) : null;
    return renderPage(request, reply, 'admin/outbox', 'Outbox', { status, ...outboxPage(t, status, before), mail: mailState(t, app.config.mail), statuses: OUTBOX_STATUSES, csrf: reply.generateCsrf() });
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/outbox/:id/send-again', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
    if (id === null) throw new RequestProblem(404, 'There is no such message', 'id');
    const again = sendAgain(t.db, id, actorOf(request), app.now());
    request.session.flash = again ? 'The message is back in the queue: it will be sent in the next round.' : 'That message had not failed, so it was not queued again.';
    const back = textFields(request.body).back;
    return reply.redirect(back && /^\/admin(\/[a-z0-9/-]*)?(\?[a-z0-9=&._-]*)?(#[a-z-]+)?$/i.test(back) ? back : '/admin/outbox', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/chasers/:id', { preHandler: checkCsrf(app) }, async (request, reply) => {
    if (!sender) throw sendingOff();
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
    if (id === null) throw new RequestProblem(404, 'There is no such approach', 'id');
    const result = sendChaser(t.db, sender, id, eventRules(t.db, t.calendar), actorOf(request), app.now());
    request.session.flash = result.ok ? 'The reminder was logged as a published approach and queued for sending.' : Object.values(result.errors)[0]!;
    return reply.redirect('/admin#chasers', 303);
  });
}
