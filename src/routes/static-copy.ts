/** Only in the static copy (npm run export): where links to what needs the live tracker lead when there is none to send readers to. */
import type { FastifyInstance } from 'fastify';
import { renderPage } from '../render/page.js';

export default async function staticCopyRoutes(app: FastifyInstance) {
  app.get('/not-in-this-copy', { schema: { hide: true } }, async (request, reply) => renderPage(request, reply, 'static-copy/unavailable', 'Not in this copy', {}));
}
