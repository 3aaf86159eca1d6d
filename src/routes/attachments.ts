/**
 * Attachments served for download: public ones (on a published event) to anyone, others only to
 * signed-in campaigners (a 404 to anyone else). Always as a download, never shown by the browser:
 * Content-Disposition attachment, nosniff and a sandboxing Content-Security-Policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { storedName } from '../domain/files.js';
import { RequestProblem } from '../plugins/errors.js';
import { contentDisposition } from '../render/download.js';
import { attachmentToServe } from '../tracker/inbox.js';

export default async function attachmentRoutes(app: FastifyInstance) {
  app.get<{ Params: { id: string; name: string } }>('/attachments/:id/:name', async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
    const found = id === null ? null : attachmentToServe(app.tracker, id, request.user !== null);
    const file = found ? path.join(app.config.filesDir, storedName(found.sha256)) : null;
    if (!found || !file || !fs.existsSync(file)) throw new RequestProblem(404, 'There is no file at this address.', 'id');
    return reply
      .type(found.contentType)
      .header('content-disposition', contentDisposition(found.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('content-length', String(found.size))
      .header('cache-control', found.public && request.user === null ? 'public, max-age=300' : 'private, no-store')
      .send(fs.createReadStream(file));
  });
}
