/**
 * Followers, as admins see them: how many follow what and how often (numbers only: no address is
 * ever shown), and deleting every subscription of an address for someone who asks without their
 * own link (the page does not say whether the address was following).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkFollowerAddress, followingAvailable, FREQUENCY_LABELS } from '../../../domain/following.js';
import { actorOf, checkCsrf } from '../../../plugins/sessions.js';
import { forgetFollower } from '../../../records/following.js';
import { targetLabel } from '../../../render/follow-mail.js';
import { renderPage } from '../../../render/page.js';
import { followerTotals } from '../../../tracker/following.js';

export default async function followerRoutes(app: FastifyInstance) {
  const t = app.tracker;

  const showPage = (request: FastifyRequest, reply: FastifyReply, values: { email?: string } = {}, errors: Record<string, string> = {}) =>
    renderPage(request, reply, 'admin/followers', 'Followers', {
      available: followingAvailable(app.config),
      counts: followerTotals(t, request.at).map((c) => ({ what: targetLabel(c.target), frequency: FREQUENCY_LABELS[c.frequency], confirmed: c.confirmed, pending: c.pending })),
      values,
      errors,
      csrf: reply.generateCsrf(),
    });

  app.get('/admin/followers', async (request, reply) => showPage(request, reply));

  app.post<{ Body: { email?: string } }>('/admin/followers/forget', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const email = checkFollowerAddress(String(request.body?.email ?? ''));
    if (!email.ok) return showPage(request, reply.code(400), { email: String(request.body?.email ?? '').slice(0, 300) }, { email: email.message });
    forgetFollower(t.db, email.value, actorOf(request), app.now());
    // Whether it was following is not said: the page answers the same for any address.
    request.session.flash = 'Done: that address follows nothing on the tracker now, and the emails sent to it as a follower have been deleted.';
    return reply.redirect('/admin/followers', 303);
  });
}
