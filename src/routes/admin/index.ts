/**
 * The campaigners' workspace under /admin. Every route here needs a signed-in user (this
 * plugin's hook) and every POST a CSRF token; the admins' routes are a child with a hook of its own.
 */
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../plugins/sessions.js';
import admins from './admins/index.js';
import attachmentRoutes from './attachments.js';
import batchRoutes from './batch.js';
import eventRoutes from './events.js';
import followUpRoutes from './follow-up.js';
import inboxRoutes from './inbox.js';
import letterRoutes from './letters.js';
import passwordRoutes from './password.js';
import spreadsheetRoutes from './spreadsheets.js';

export default async function adminRoutes(app: FastifyInstance) {
  app.addHook('preHandler', requireUser());
  await app.register(followUpRoutes); //    /admin
  await app.register(eventRoutes); //       /admin/events/new, /admin/events, /admin/events/:id/(edit|delete|restore|publish), /admin/drafts/publish
  await app.register(batchRoutes); //       /admin/contacts/batch
  await app.register(letterRoutes); //      /admin/letters/new, /admin/letters(/preview), /admin/outbox, /admin/outbox/:id/send-again, /admin/chasers/:id
  await app.register(spreadsheetRoutes); // /admin/spreadsheets, /admin/export/*
  await app.register(inboxRoutes); //       /admin/inbox, /admin/inbox/:id(/message.eml|/file|/discard)
  await app.register(attachmentRoutes); //  /admin/events/:id/attachments, /admin/attachments/:id/(public|delete)
  await app.register(passwordRoutes); //    /admin/password
  await app.register(admins); //            admins only: /admin/users, /admin/audit, /admin/institutions, /admin/campaign, /admin/holidays
}
