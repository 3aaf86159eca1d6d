/** The campaign's title, summary, reply windows and asks. */
import type { FastifyInstance } from 'fastify';
import { actorOf, checkCsrf } from '../../../plugins/sessions.js';
import { saveCampaign, type CampaignFields } from '../../../records/directory.js';
import { formErrors } from '../../../render/forms.js';
import { renderPage } from '../../../render/page.js';
import { askList, campaignForm } from '../../../tracker/workspace.js';

export default async function campaignRoutes(app: FastifyInstance) {
  app.get('/admin/campaign', async (request, reply) => {
    const { values, asks } = campaignForm(app.tracker);
    return renderPage(request, reply, 'admin/campaign', 'The campaign', { values, errors: {}, asks, csrf: reply.generateCsrf() });
  });

  app.post<{ Body: CampaignFields }>('/admin/campaign', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const result = saveCampaign(app.tracker.db, request.body ?? {}, actorOf(request), app.now());
    if (!result.ok) {
      return renderPage(request, reply.code(400), 'admin/campaign', 'The campaign', { values: request.body ?? {}, errors: formErrors(result.errors), asks: askList(app.tracker), csrf: reply.generateCsrf() });
    }
    request.session.flash = 'The campaign was saved.';
    return reply.redirect('/admin/campaign', 303);
  });
}
