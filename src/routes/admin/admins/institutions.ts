/** The directory of institutions: adding, renaming, other names, closing with a successor. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INSTITUTION_KINDS } from '../../../domain/vocabulary.js';
import { actorOf, checkCsrf } from '../../../plugins/sessions.js';
import { saveInstitution, type InstitutionFields } from '../../../records/directory.js';
import { formErrors } from '../../../render/forms.js';
import { renderPage } from '../../../render/page.js';
import { directoryRows } from '../../../tracker/directory.js';
import { institutionForm, type InstitutionFormData } from '../../../tracker/workspace.js';
import { institutionOr404 } from '../../lookups.js';

export default async function institutionRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const showForm = (request: FastifyRequest, reply: FastifyReply, form: InstitutionFormData, values: InstitutionFields, errors: Record<string, string>) =>
    renderPage(request, reply, 'admin/institution-form', form.slug ? `Edit ${form.values.name}` : 'Add an institution', {
      slug: form.slug,
      values,
      errors: formErrors(errors),
      kinds: INSTITUTION_KINDS,
      regions: form.regions,
      institutions: form.others,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/institutions', async (request, reply) => renderPage(request, reply, 'admin/institutions', 'Manage institutions', { institutions: directoryRows(t) }));

  app.get('/admin/institutions/new', async (request, reply) => {
    const form = institutionForm(t, null)!;
    return showForm(request, reply, form, form.values, {});
  });

  app.post<{ Body: InstitutionFields }>('/admin/institutions', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const result = saveInstitution(t.db, null, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), institutionForm(t, null)!, request.body ?? {}, result.errors);
    request.session.flash = `${request.body.name?.trim()} was added to the directory.`;
    return reply.redirect('/admin/institutions', 303);
  });

  app.get<{ Params: { slug: string } }>('/admin/institutions/:slug/edit', async (request, reply) => {
    const form = institutionOr404(institutionForm(t, request.params.slug), request.params.slug);
    return showForm(request, reply, form, form.values, {});
  });

  app.post<{ Params: { slug: string }; Body: InstitutionFields }>('/admin/institutions/:slug', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const form = institutionOr404(institutionForm(t, request.params.slug), request.params.slug);
    const id = directoryRows(t).find((i) => i.slug === form.slug)!.id;
    const result = saveInstitution(t.db, id, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), form, request.body ?? {}, result.errors);
    request.session.flash = `${request.body.name?.trim()} was saved.`;
    return reply.redirect('/admin/institutions', 303);
  });
}
