/** An event's attachments in the workspace: upload (streamed, type read from the content), mark public or not, remove. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCEPTED_TYPES_TEXT, fileSize } from '../../domain/files.js';
import { RequestProblem } from '../../plugins/errors.js';
import { actorOf, checkCsrf } from '../../plugins/sessions.js';
import { attachmentUploadOptions } from '../../plugins/uploads.js';
import { removeAttachment, setAttachmentPublic, uploadAttachment } from '../../records/attachments.js';
import { formErrors } from '../../render/forms.js';
import { renderPage } from '../../render/page.js';
import { eventAttachments, workspaceEvent } from '../../tracker/inbox.js';
import type { FormBody } from '../forms.js';
import { eventIdOr404 } from '../lookups.js';

const idOr404 = (text: string): number => {
  if (!/^\d{1,15}$/.test(text)) throw new RequestProblem(404, 'There is no such attachment', 'id');
  return Number(text);
};

export default async function adminAttachmentRoutes(app: FastifyInstance) {
  const t = app.tracker;

  const showPage = (request: FastifyRequest, reply: FastifyReply, eventId: number, errors: Record<string, string> = {}, values: { public?: boolean } = {}) => {
    const event = workspaceEvent(t, eventId);
    if (!event) throw new RequestProblem(404, 'There is no such event', 'id');
    return renderPage(request, reply, 'admin/attachments', `Attachments: ${event.summary}`, {
      event,
      attachments: eventAttachments(t, eventId, 'all').map((a) => ({ ...a, sizeText: fileSize(a.size) })),
      errors: formErrors(errors),
      values,
      accepted: ACCEPTED_TYPES_TEXT,
      maxMegabytes: Math.round(app.config.maxAttachmentBytes / 1024 / 1024),
      csrf: reply.generateCsrf(),
    });
  };

  app.get<{ Params: { id: string } }>('/admin/events/:id/attachments', async (request, reply) => showPage(request, reply, eventIdOr404(request.params.id)));

  app.post<{ Params: { id: string }; Body: FormBody }>(
    '/admin/events/:id/attachments',
    {
      preHandler: checkCsrf(app),
      config: {
        streamUpload: true,
        multipartOptions: attachmentUploadOptions(app.config.maxAttachmentBytes) as never,
        uploadProblem: (request, reply, message) => showPage(request, reply, eventIdOr404((request.params as { id: string }).id), { file: message }),
      },
    },
    async (request, reply) => {
      const eventId = eventIdOr404(request.params.id);
      const isPublic = (request.body as Record<string, unknown> | undefined)?.public === 'yes';
      const upload = request.upload;
      const result = await uploadAttachment(t.db, app.config.filesDir, eventId, { incoming: upload?.incoming ?? null, filename: upload?.filename, public: isPublic }, { maxBytes: app.config.maxAttachmentBytes }, actorOf(request), app.now());
      if (!result.ok) return showPage(request, reply.code(400), eventId, result.errors, { public: isPublic });
      request.session.flash = 'The file was attached.';
      return reply.redirect(`/admin/events/${eventId}/attachments`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: FormBody }>('/admin/attachments/:id/public', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const isPublic = (request.body as Record<string, unknown>).public === 'yes';
    const { eventId } = setAttachmentPublic(t.db, idOr404(request.params.id), isPublic, actorOf(request), app.now());
    request.session.flash = isPublic ? 'The file is now listed on the event’s public page (once the event is published).' : 'The file is no longer public.';
    return reply.redirect(`/admin/events/${eventId}/attachments`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/attachments/:id/delete', { preHandler: checkCsrf(app) }, async (request, reply) => {
    const { eventId } = removeAttachment(t.db, idOr404(request.params.id), actorOf(request), app.now());
    request.session.flash = 'The file was removed from the event.';
    return reply.redirect(`/admin/events/${eventId}/attachments`, 303);
  });
}
