/** The admins' part of the workspace: every route here needs a signed-in admin. */
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../../plugins/sessions.js';
import auditRoutes from './audit.js';
import campaignRoutes from './campaign.js';
import followerRoutes from './followers.js';
import holidayRoutes from './holidays.js';
import institutionRoutes from './institutions.js';
import userRoutes from './users.js';

export default async function admins(app: FastifyInstance) {
  app.addHook('preHandler', requireUser('admin'));
  await app.register(userRoutes); //        /admin/users, /admin/users/:id/active
  await app.register(auditRoutes); //       /admin/audit
  await app.register(institutionRoutes); // /admin/institutions, /admin/institutions/new, /admin/institutions/:slug(/edit)
  await app.register(campaignRoutes); //    /admin/campaign
  await app.register(holidayRoutes); //     /admin/holidays
  await app.register(followerRoutes); //    /admin/followers (counts only), /admin/followers/forget
}
