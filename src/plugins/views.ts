/** Server-rendered HTML with Eta; `<%= %>` escapes everything it prints. */
import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import { Eta, type Options } from 'eta';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../config.js';
import { stanceStylesheet } from '../render/stances.js';

export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'public');

/**
 * Eta, remembering where each template it includes is found. Eta keeps resolved paths too, but
 * builds a JSON key for every include: on a page of a few hundred includes that was some 5% of
 * the time it takes to make. The views folder never moves, so a path found is found for good.
 */
export class ViewEngine extends Eta {
  constructor(config: ConstructorParameters<typeof Eta>[0]) {
    super(config);
    const find = this.resolvePath;
    const found = new Map<string, string>();
    this.resolvePath = function (template: string, options?: Partial<Options>): string {
      const key = `${options?.filepath ?? ''}\n${template}`;
      let file = found.get(key);
      if (file === undefined) {
        file = find.call(this, template, options);
        found.set(key, file);
      }
      return file;
    };
  }
}

export default fp(async function views(app: FastifyInstance, options: { production: boolean }) {
  await app.register(fastifyView, {
    engine: { eta: new ViewEngine({ views: VIEWS_DIR, autoEscape: true, cache: options.production }) },
    root: VIEWS_DIR,
    production: options.production,
  });
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    maxAge: options.production ? '1d' : 0,
  });
  const stances = stanceStylesheet();
  app.get('/static/stances.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', options.production ? 'public, max-age=86400' : 'no-cache').send(stances),
  );
  // Browsers ask for /favicon.ico whatever the page links; answer with the same icon.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').sendFile('favicon.svg'),
  );
});
