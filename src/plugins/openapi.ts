/** The OpenAPI document of the JSON API, generated from the routes' own schemas. */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { isForOtherSites } from './security.js';


export default fp(async function openapi(app: FastifyInstance, options: { baseUrl: string; title: string }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `${options.title}: JSON API`,
        version: '1',
        description:
          'Every answer is as at an instant (`asOf`, ISO 8601 UTC). Every route accepts `as_of`: a date (the end of that day, UK time), ' +
          'a date-time (UK time) or a date-time with an offset. Data licensed CC BY 4.0.',
        license: { name: 'CC BY 4.0 (data)', url: 'https://creativecommons.org/licenses/by/4.0/' },
      },
      servers: [{ url: options.baseUrl }],
    },
    transform: ({ schema, url }) => {
      const documented = url.startsWith('/api/') && url !== '/api/openapi.json';
      return { schema: { ...(schema ?? {}), hide: !documented } as never, url };
    },
  });
  await app.register(cors, {
    delegator: (request, callback) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      callback(null, isForOtherSites(path) ? { origin: '*', methods: ['GET', 'HEAD'] } : { origin: false });
    },
  });
});
