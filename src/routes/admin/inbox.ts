/**
 * The inbox: messages read from the campaign's mailbox that matched no approach, newest first,
 * a page at a time. A campaigner reads one (as text, never as HTML), then files it onto an
 * approach (a draft reply) or discards it (kept, marked discarded).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeCursor, encodeCursor } from '../../domain/cursor.js';
import { fileSize, messageLimits, storedName } from '../../domain/files.js';
import { RequestProblem } from '../../plugins/errors.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { discardMessage, fileByPerson } from '../../records/inbound.js';
import { contentDisposition } from '../../render/download.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';
import { approachChoices, inbox, messageRow, messageView } from '../../tracker/inbox.js';
import { textFields, type FormBody } from '../forms.js';

const messageIdOr404 = (text: string): number => {
  if (!/^\d{1,15}$/.test(text)) throw new RequestProblem(404, 'There is no such message', 'id');
  return Number(text);
};

export default async function inboxRoutes(app: FastifyInstance) {
  const t = app.tracker;
  const mail = app.config.mail;
  const readOptions = { filesDir: app.config.filesDir, replyAddressPattern: mail.replyAddressPattern, maxAttachmentBytes: app.config.maxAttachmentBytes };

  app.get<{ Querystring: { before?: string } }>('/admin/inbox', async (request, reply) => {
    const before = decodeCursor(request.query.before);
    if (request.query.before !== undefined && !before) throw new RequestProblem(400, 'The parameter “before” is not a place in the inbox.', 'before');
    const page = inbox(t, before);
    return renderPage(request, reply, 'admin/inbox', 'Inbox', {
      inbox: page,
      next: page.next ? `/admin/inbox?before=${encodeCursor(page.next)}` : null,
      first: before !== null,
      reading: mail.imapUrl !== null,
      folder: mail.imapFolder,
    });
  });

  const showMessage = async (request: FastifyRequest, reply: FastifyReply, id: number, errors: Record<string, string> = {}, approach = '') => {
    const view = await messageView(t, id, readOptions);
    if (!view) throw new RequestProblem(404, 'There is no such message', 'id');
    return renderPage(request, reply, 'admin/message', view.row.subject ? `Message: ${view.row.subject}` : 'Message without a subject', {
      view,
      sizeText: fileSize(view.row.size),
      choices: view.row.status === 'unmatched' ? approachChoices(t, view.row.fromAddress) : [],
      errors: formErrors(errors),
      approach,
      csrf: reply.generateCsrf(),
    });
  };

  app.get<{ Params: { id: string } }>('/admin/inbox/:id', async (request, reply) => showMessage(request, reply, messageIdOr404(request.params.id)));

  // The raw message, as it arrived: always a download, never shown by the browser.
  app.get<{ Params: { id: string } }>('/admin/inbox/:id/message.eml', async (request, reply) => {
    const row = messageRow(t, messageIdOr404(request.params.id));
    const file = row ? path.join(app.config.filesDir, storedName(row.sha256)) : null;
    if (!row || !file || !fs.existsSync(file)) throw new RequestProblem(404, 'There is no such message', 'id');
    return reply
      .type('message/rfc822')
      .header('content-disposition', contentDisposition(`message-${row.id}.eml`))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .send(fs.createReadStream(file));
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/inbox/:id/file', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = messageIdOr404(request.params.id);
    const approach = textFields(request.body).approach ?? '';
    const result = await fileByPerson(t.db, app.config.filesDir, id, approach, { ...readOptions, parseLimit: messageLimits(app.config.maxAttachmentBytes).parse }, actorOf(request), app.now());
    if (!result.ok) return showMessage(request, reply.code(400), id, result.errors, approach);
    request.session.flash = 'The message was filed as a draft reply. Set its type, positions and quote, add a source, then publish it.';
    return reply.redirect(`/admin/events/${result.value.eventId}/edit`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/inbox/:id/discard', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const id = messageIdOr404(request.params.id);
    const result = discardMessage(t.db, id, actorOf(request), app.now());
    if (!result.ok) return showMessage(request, reply.code(400), id, { approach: result.errors.message! });
    request.session.flash = 'The message was discarded. It is kept, and listed no more.';
    return reply.redirect('/admin/inbox', 303);
  });
}
