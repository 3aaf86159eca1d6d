/** Admin-only: the directory of institutions, and the campaign's text, asks and reply windows. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { regions } from '../db/queries/events.js';
import { institutionRowBySlug, institutionRows } from '../db/queries/institutions.js';
import { INSTITUTION_KINDS } from '../domain/vocabulary.js';
import { saveCampaign, saveInstitution, type CampaignFields, type InstitutionFields } from '../records/directory.js';
import { checkCsrf } from '../plugins/sessions.js';
import { RequestProblem } from '../plugins/errors.js';
import { askRows, campaignRow } from '../db/queries/campaign.js';
import { actorOf } from './admin.js';
import { requireUser } from './auth.js';
import { renderPage } from './page.js';

export default async function adminDirectoryRoutes(app: FastifyInstance) {
  const db = app.tracker.db;
  app.addHook('preHandler', requireUser('admin'));

  const showForm = (request: FastifyRequest, reply: FastifyReply, slug: string | null, values: InstitutionFields, errors: Record<string, string | undefined>) =>
    renderPage(request, reply, 'admin/institution-form', slug ? `Edit ${values.name}` : 'Add an institution', {
      slug,
      values,
      errors,
      kinds: INSTITUTION_KINDS,
      regions: regions(db),
      institutions: institutionRows(db).filter((i) => i.slug !== slug),
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/institutions', async (request, reply) =>
    renderPage(request, reply, 'admin/institutions', 'Manage institutions', { institutions: institutionRows(db) }),
  );


  app.get('/admin/institutions/new', async (request, reply) => showForm(request, reply, null, { active: 'true' }, {}));

  app.post<{ Body: InstitutionFields }>('/admin/institutions', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const result = saveInstitution(db, null, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), null, request.body ?? {}, result.errors);
    request.session.flash = `${request.body.name} was added to the directory.`;
    return reply.redirect('/admin/institutions', 303);
  });

  app.get<{ Params: { slug: string } }>('/admin/institutions/:slug/edit', async (request, reply) => {
    const row = institutionRowBySlug(db, request.params.slug);
    if (!row) throw new RequestProblem(404, 'There is no such institution', 'slug');
    const successor = row.successorId ? institutionRows(db).find((i) => i.id === row.successorId)?.slug : '';
    return showForm(request, reply, row.slug, {
      name: row.name, kind: row.kind, code: row.code ?? '', region: row.region ?? '', country: row.country ?? '',
      aliases: row.aliases.join('; '), website: row.website ?? '', active: String(row.active), successor: successor ?? '',
    }, {});
  });

  app.post<{ Params: { slug: string }; Body: InstitutionFields }>('/admin/institutions/:slug', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const row = institutionRowBySlug(db, request.params.slug);
    if (!row) throw new RequestProblem(404, 'There is no such institution', 'slug');
    const result = saveInstitution(db, row.id, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) return showForm(request, reply.code(400), row.slug, request.body ?? {}, result.errors);
    request.session.flash = `${request.body.name} was saved.`;
    return reply.redirect('/admin/institutions', 303);
  });

  const showCampaign = (request: FastifyRequest, reply: FastifyReply, values: CampaignFields, errors: Record<string, string | undefined>) =>
    renderPage(request, reply, 'admin/campaign', 'The campaign', { values, errors, asks: askRows(db), csrf: reply.generateCsrf() });

  app.get('/admin/campaign', async (request, reply) => {
    const c = campaignRow(db);
    const values: CampaignFields = {
      title: c?.title ?? '', summary: c?.summary ?? '', website: c?.website ?? '',
      reply_window_default: String(c?.replyWindowDefault ?? 10), reply_window_foi: String(c?.replyWindowFoi ?? 20),
    };
    for (const ask of askRows(db)) {
      values[`ask_${ask.id}_title`] = ask.title;
      values[`ask_${ask.id}_description`] = ask.description;
    }
    return showCampaign(request, reply, values, {});
  });

  app.post<{ Body: CampaignFields }>('/admin/campaign', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const result = saveCampaign(db, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) return showCampaign(request, reply.code(400), request.body ?? {}, result.errors);
    request.session.flash = 'The campaign was saved.';
    return reply.redirect('/admin/campaign', 303);
  });
}
