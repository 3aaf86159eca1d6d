/** Strict security headers, a Content-Security-Policy with no inline script, and a rate limit. */
import fp from 'fastify-plugin';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What other sites may use: the API, the open data, feeds, badges and chart images may be read
 * from their scripts (CORS) and shown in their pages (Cross-Origin-Resource-Policy).
 */
const FOR_OTHER_SITES = /^\/(api|data|badges)\/|^\/charts\/.+\.svg$|^\/feed\.(atom|rss|json)$|^\/institutions\/[^/]+\/feed\.atom$/;

export const isForOtherSites = (path: string): boolean => FOR_OTHER_SITES.test(path);

export default fp(async function security(app: FastifyInstance, options: { rateLimitPerMinute: number }) {
  // Helmet's headers are the same for every answer: worked out once, then set on each (building
  // them anew for each request, as @fastify/helmet does, cost more than sending a cached page).
  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        manifestSrc: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    if (isForOtherSites(request.url.split('?')[0]!)) reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
  });
});

/** The headers Helmet sets with these options (it sets the same ones on every response). */
function securityHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  // Helmet throws on options it refuses; it has nothing to pass on.
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}
