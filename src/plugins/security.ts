/** Strict security headers, a Content-Security-Policy with no inline script, and a rate limit. */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/**
 * What other sites may use: the API, the open data, feeds, badges and chart images may be read
 * from their scripts (CORS) and shown in their pages (Cross-Origin-Resource-Policy).
 */
const FOR_OTHER_SITES = /^\/(api|data|badges)\/|^\/charts\/.+\.svg$|^\/feed\.(atom|rss|json)$|^\/institutions\/[^/]+\/feed\.atom$/;

export const isForOtherSites = (path: string): boolean => FOR_OTHER_SITES.test(path);

export default fp(async function security(app: FastifyInstance, options: { rateLimitPerMinute: number }) {
  await app.register(helmet, {
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
  app.addHook('onSend', async (request, reply) => {
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    if (isForOtherSites(request.url.split('?')[0]!)) reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
  });
});
