/** The follow-up queue, where campaigners land: who to chase, and drafts to publish. */
import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../render/page.js';
import { followUp } from '../../tracker/follow-up.js';
import { calendarState } from '../../tracker/health.js';
import { followUpMail } from '../../tracker/mail.js';

export default async function followUpRoutes(app: FastifyInstance) {
  app.get('/admin', async (request, reply) => {
    const queue = followUp(app.tracker, app.now());
    return renderPage(request, reply, 'admin/index', 'Follow-up', { queue, mail: followUpMail(app.tracker, app.config.mail, queue.awaiting), calendar: calendarState(app.tracker, app.now()), csrf: reply.generateCsrf() });
  });
}
