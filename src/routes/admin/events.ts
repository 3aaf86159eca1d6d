/** Logging one event (an approach, a response or a milestone), editing, publishing (one, or every draft listed), deleting and restoring. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EVENT_TYPES, isOneOf, type EventType } from '../../domain/vocabulary.js';
import { RequestProblem } from '../../plugins/errors.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { eventRules } from '../../records/event-rules.js';
import { logEvent, publishDrafts, publishEvent, setEventDeleted, updateEvent } from '../../records/log-events.js';
import { plural } from '../../render/format.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';
import { deliveries } from '../../tracker/mail.js';
import { eventAsFields, eventFormChoices } from '../../tracker/workspace.js';
import { CHANNELS, RESPONSE_TYPES } from '../../domain/vocabulary.js';
import { listField, textFields, type FormBody } from '../forms.js';
import { eventIdOr404 } from '../lookups.js';
import { NewEventQuery } from '../schemas.js';

const TITLES: Record<EventType, string> = { contact: 'Log an approach', response: 'Log a response', milestone: 'Log a milestone' };
const NOUNS: Record<EventType, string> = { contact: 'approach', response: 'response', milestone: 'milestone' };

function typeOr400(type: string | undefined): EventType {
  if (!isOneOf(EVENT_TYPES, type)) throw new RequestProblem(400, 'Choose contact, response or milestone', 'type');
  return type;
}

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;

  const showForm = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string | undefined>, errors: Record<string, string>, editing: { eventId: number; published: boolean } | null = null) => {
    const type = typeOr400(values.type);
    const heading = editing ? `Edit this ${NOUNS[type]}` : TITLES[type];
    return renderPage(request, reply, 'admin/event-form', heading, {
      heading,
      action: editing ? `/admin/events/${editing.eventId}` : '/admin/events',
      eventId: editing?.eventId ?? null,
      deliveries: editing ? (deliveries(t, [editing.eventId]).get(editing.eventId) ?? []) : [],
      published: editing?.published ?? false,
      values,
      errors: formErrors(errors),
      ...eventFormChoices(t, type, values.institution, app.now()),
      channels: CHANNELS,
      responseTypes: RESPONSE_TYPES,
      csrf: reply.generateCsrf(),
    });
  };

  app.get('/admin/events/new', { schema: { querystring: NewEventQuery } }, async (request, reply) => {
    const { type = 'contact', institution, answers } = request.query;
    return showForm(request, reply, { type: typeOr400(type), institution, answers }, {});
  });

  app.post<{ Body: FormBody }>('/admin/events', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const values = textFields(request.body);
    const type = typeOr400(values.type);
    const result = logEvent(t.db, values, eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), values, result.errors);
    const published = values.status === 'published';
    request.session.flash = `The ${NOUNS[type]} was ${published ? 'published' : 'saved as a draft'}.`;
    return reply.redirect(published ? `/events/${result.value.id}` : '/admin', 303);
  });

  const existing = (text: string) => {
    const found = eventAsFields(t, eventIdOr404(text));
    if (!found || found.deleted) throw new RequestProblem(404, 'There is no such event', 'id');
    return found;
  };

  app.get<{ Params: { id: string } }>('/admin/events/:id/edit', async (request, reply) => {
    const { fields, published } = existing(request.params.id);
    return showForm(request, reply, fields, {}, { eventId: Number(request.params.id), published });
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/events/:id', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { type, published } = existing(request.params.id);
    const id = Number(request.params.id);
    const values: Record<string, string | undefined> = { ...textFields(request.body), type };
    const result = updateEvent(t.db, id, values, eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), values, result.errors, { eventId: id, published });
    request.session.flash = published ? 'The event was corrected; the note is shown on its page.' : 'The event was saved.';
    return reply.redirect(values.status === 'published' ? `/events/${id}` : '/admin', 303);
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/events/:id/delete', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventIdOr404(request.params.id);
    const note = textFields(request.body).note;
    const result = setEventDeleted(t.db, id, true, note, actorOf(request), app.now());
    if (!result.ok) {
      const { fields, published } = existing(request.params.id);
      return showForm(request, reply.code(400), { ...fields, note }, result.errors, { eventId: id, published });
    }
    request.session.flash = `Event ${id} was deleted. It can be restored from the audit log.`;
    return reply.redirect('/admin', 303);
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/events/:id/restore', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventIdOr404(request.params.id);
    setEventDeleted(t.db, id, false, textFields(request.body).note, actorOf(request), app.now());
    request.session.flash = `Event ${id} was restored.`;
    return reply.redirect('/admin', 303);
  });

  // "Publish all": the drafts the follow-up page listed (their ids come with the form), together.
  app.post<{ Body: FormBody }>('/admin/drafts/publish', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const ids = listField(request.body, 'ids').filter((id) => /^\d{1,15}$/.test(id)).map(Number);
    const result = publishDrafts(t.db, ids, actorOf(request), app.now());
    const n = result.ok ? result.value.published.length : 0;
    request.session.flash = !result.ok ? result.errors.drafts! : n > 0 ? `Published ${plural(n, 'draft')}.` : 'There was no draft to publish: those listed were published or deleted meanwhile.';
    return reply.redirect('/admin', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/events/:id/publish', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const result = publishEvent(t.db, eventIdOr404(request.params.id), actorOf(request), app.now());
    request.session.flash = result.ok ? 'Published.' : formErrors(result.errors).source_title!;
    return reply.redirect('/admin', 303);
  });
}
