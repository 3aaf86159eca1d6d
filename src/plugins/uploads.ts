/**
 * Attachments uploaded to the workspace, streamed to a temporary file under FILES_DIR as they
 * arrive (never held whole in memory), for routes whose config asks for it (`streamUpload`);
 * other uploads (spreadsheets) are read into memory as before. Whatever the handler did not keep
 * is removed once the answer is sent.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { drop, receive, type Incoming } from '../records/files.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Stream the upload to a temporary file (request.upload) instead of reading it into memory. */
    streamUpload?: boolean;
  }
  interface FastifyRequest {
    /** The file streamed in (streamUpload routes), with the name the browser gave it. */
    upload: { incoming: Incoming; filename: string } | null;
  }
}

/** The multipart plugin's `onFile`: streams the part to the file store's temporary folder, or buffers it. */
export async function onFile(this: FastifyRequest, part: MultipartFile): Promise<void> {
  if (!this.routeOptions.config.streamUpload) {
    await part.toBuffer();
    return;
  }
  const limit = this.server.config.maxAttachmentBytes;
  if (this.upload) {
    // One file per form: a second one is read away, not kept.
    for await (const chunk of part.file) void chunk;
    return;
  }
  const incoming = await receive(this.server.config.filesDir, part.file, limit);
  // The multipart limit cut the file at `limit` bytes: it was larger.
  if (part.file.truncated) incoming.tooLarge = true;
  this.upload = { incoming, filename: part.filename };
}

/** The options an attachment route gives the multipart plugin: its own limits, the file cut (not refused) at the limit. */
export const attachmentUploadOptions = (maxAttachmentBytes: number) => ({
  limits: { fileSize: maxAttachmentBytes, files: 1, fields: 5, parts: 6, fieldSize: 1000 },
  throwFileSizeLimit: false,
});

export default fp(
  async function uploads(app: FastifyInstance) {
    app.decorateRequest('upload', null);
    app.addHook('onResponse', async (request) => {
      if (request.upload) drop(request.upload.incoming);
    });
  },
  { name: 'uploads' },
);
