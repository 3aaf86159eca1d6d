/**
 * The campaigners' workspace under /admin: the follow-up queue, logging approaches (one or
 * many), responses and milestones, publishing drafts, and changing one's password.
 * Every route needs a signed-in user; every POST a CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { regions } from '../db/queries/events.js';
import { institutionRows } from '../db/queries/institutions.js';
import { awaitingReply } from '../db/queries/follow-up.js';
import { CHANNELS, isOneOf, RESPONSE_TYPES, EVENT_TYPES, type EventType } from '../domain/vocabulary.js';
import type { Actor } from '../records/audit.js';
import { eventRules, type FieldError } from '../records/event-fields.js';
import { eventFields, logBatchContact, logEvent, publishEvent, setEventDeleted, updateEvent } from '../records/log-events.js';
import { verifyPassword } from '../records/passwords.js';
import { changePassword } from '../records/users.js';
import { checkCsrf } from '../plugins/sessions.js';
import { RequestProblem } from '../plugins/errors.js';
import { campaignView } from '../tracker/tracker.js';
import { followUp } from '../tracker/follow-up.js';
import { requireUser } from './auth.js';
import { renderPage } from './page.js';

type Fields = Record<string, string | string[] | undefined>;

const TITLES: Record<EventType, string> = { contact: 'Log an approach', response: 'Log a response', milestone: 'Log a milestone' };
const NOUNS: Record<EventType, string> = { contact: 'approach', response: 'response', milestone: 'milestone' };

/** Field errors as the error summary wants them: the first message per field. */
function byField(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field] ??= e.reason.charAt(0).toUpperCase() + e.reason.slice(1);
  return out;
}

const text = (fields: Fields): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user!.id, name: request.user!.name };
}

export default async function adminRoutes(app: FastifyInstance) {
  const t = app.tracker;
  app.addHook('preHandler', requireUser());


  app.get('/admin', async (request, reply) =>
    renderPage(request, reply, 'admin/index', 'Follow-up', { queue: followUp(t, app.now()), csrf: reply.generateCsrf() }),
  );

  const showEventForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string | undefined>,
    errors: Record<string, string>,
    editing: { eventId: number; published: boolean } | null = null,
  ) => {
    const type = values.type as EventType;
    const institution = t.db && values.institution ? institutionRows(t.db).find((i) => i.slug === values.institution) : undefined;
    const contacts = type === 'response' && institution ? awaitingReply(t.db, app.now(), 500).filter((c) => c.institutionId === institution.id) : [];
    const campaign = campaignView(t);
    const heading = editing ? `Edit this ${type === 'contact' ? 'approach' : type}` : TITLES[type];
    return renderPage(request, reply, 'admin/event-form', heading, {
      heading,
      action: editing ? `/admin/events/${editing.eventId}` : '/admin/events',
      eventId: editing?.eventId ?? null,
      published: editing?.published ?? false,
      values,
      errors,
      institutions: institutionRows(t.db),
      contacts,
      asks: campaign.asks,
      replyWindows: campaign.replyWindows,
      channels: CHANNELS,
      responseTypes: RESPONSE_TYPES,
      csrf: reply.generateCsrf(),
    });
  };

  app.get<{ Querystring: { type?: string; institution?: string; answers?: string } }>('/admin/events/new', async (request, reply) => {
    const type = request.query.type ?? 'contact';
    if (!isOneOf(EVENT_TYPES, type)) throw new RequestProblem(400, 'Choose contact, response or milestone', 'type');
    return showEventForm(request, reply, { type, institution: request.query.institution, answers: request.query.answers }, {});
  });

  app.post<{ Body: Fields }>('/admin/events', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const values = text(request.body ?? {});
    if (!isOneOf(EVENT_TYPES, values.type)) throw new RequestProblem(400, 'Choose contact, response or milestone', 'type');
    const result = logEvent(t.db, values, eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showEventForm(request, reply.code(400), values, byField(result.errors));
    const published = values.status === 'published';
    request.session.flash = `The ${NOUNS[values.type]} was ${published ? 'published' : 'saved as a draft'}.`;
    return reply.redirect(published ? `/events/${result.ids[0]}` : '/admin', 303);
  });

  const eventId = (text: string) => {
    const id = Number(text);
    if (!Number.isInteger(id) || id < 1) throw new RequestProblem(404, 'There is no such event', 'id');
    return id;
  };

  app.get<{ Params: { id: string } }>('/admin/events/:id/edit', async (request, reply) => {
    const id = eventId(request.params.id);
    const values = eventFields(t.db, id);
    if (!values || values.deleted) throw new RequestProblem(404, 'There is no such event', 'id');
    return showEventForm(request, reply, values, {}, { eventId: id, published: values.status === 'published' });
  });

  app.post<{ Params: { id: string }; Body: Fields }>('/admin/events/:id', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventId(request.params.id);
    const existing = eventFields(t.db, id);
    if (!existing || existing.deleted) throw new RequestProblem(404, 'There is no such event', 'id');
    const values: Record<string, string | undefined> = { ...text(request.body ?? {}), type: existing.type };
    const result = updateEvent(t.db, id, values, eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showEventForm(request, reply.code(400), values, byField(result.errors), { eventId: id, published: existing.status === 'published' });
    request.session.flash = existing.status === 'published' ? 'The event was corrected; the note is shown on its page.' : 'The event was saved.';
    return reply.redirect(values.status === 'published' ? `/events/${id}` : '/admin', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/events/:id/delete', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventId(request.params.id);
    const done = setEventDeleted(t.db, id, true, actorOf(request), app.now());
    request.session.flash = done ? `Event ${id} was deleted. It can be restored from the audit log.` : 'There is no such event to delete.';
    return reply.redirect('/admin', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/events/:id/restore', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventId(request.params.id);
    const done = setEventDeleted(t.db, id, false, actorOf(request), app.now());
    request.session.flash = done ? `Event ${id} was restored.` : 'There is no such deleted event.';
    return reply.redirect('/admin', 303);
  });

  const showBatch = (request: FastifyRequest, reply: FastifyReply, values: Fields, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/batch', 'Log the same approach to many institutions', {
      values: { ...text(values), institutions: [values.institutions ?? []].flat() },
      errors,
      institutions: institutionRows(t.db).filter((i) => i.active),
      regions: regions(t.db),
      channels: CHANNELS,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/contacts/batch', async (request, reply) => showBatch(request, reply, {}, {}));

  app.post<{ Body: Fields }>('/admin/contacts/batch', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const body = request.body ?? {};
    const values = text(body);
    const picked = new Set([body.institutions ?? []].flat());
    if (values.select_kind || values.select_region) {
      for (const i of institutionRows(t.db)) {
        if (i.active && (!values.select_kind || i.kind === values.select_kind) && (!values.select_region || i.region === values.select_region)) picked.add(i.slug);
      }
    }
    const result = logBatchContact(t.db, values, [...picked], eventRules(t.db, t.calendar), actorOf(request), app.now());
    if (!result.ok) return showBatch(request, reply.code(400), body, byField(result.errors));
    request.session.flash = `Logged ${result.ids.length} approach${result.ids.length === 1 ? '' : 'es'}${values.status === 'published' ? ' and published them' : ' as drafts'}.`;
    return reply.redirect('/admin', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/events/:id/publish', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = eventId(request.params.id);
    const result = publishEvent(t.db, id, actorOf(request), app.now());
    request.session.flash = result.ok ? 'Published.' : result.reason;
    return reply.redirect('/admin', 303);
  });

  app.get('/admin/password', async (request, reply) =>
    renderPage(request, reply, 'admin/password', 'Change your password', { errors: {}, csrf: reply.generateCsrf() }),
  );

  app.post<{ Body: { current?: string; password?: string; confirm?: string } }>('/admin/password', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { current = '', password = '', confirm = '' } = request.body ?? {};
    const errors: Record<string, string> = {};
    if (!(await verifyPassword(current, request.user!.passwordHash))) errors.current = 'Your current password is not right';
    if (password !== confirm) errors.confirm = 'The two new passwords differ';
    if (Object.keys(errors).length === 0) {
      const problem = await changePassword(t.db, request.user!.id, password, request.session.sessionId, actorOf(request), app.now());
      if (problem) errors.password = problem;
    }
    if (Object.keys(errors).length > 0) {
      return renderPage(request, reply.code(400), 'admin/password', 'Change your password', { errors, csrf: reply.generateCsrf() });
    }
    request.session.flash = 'Your password was changed. Any other browser signed in to your account was signed out.';
    return reply.redirect('/admin/password', 303);
  });
}
