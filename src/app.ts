/** Builds the application: plugins first, then the routes. Read it as the route index. */
import http from 'node:http';
import Fastify, { type FastifyInstance, type FastifySchema, type FastifyServerFactory } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { Config } from './config.js';
import type { StaticCopy } from './render/page.js';
import asOf from './plugins/as-of.js';
import compression from './plugins/compression.js';
import downloads from './plugins/downloads.js';
import mail from './plugins/mail.js';
import openapi from './plugins/openapi.js';
import renderCache from './plugins/render-cache.js';
import errors, { handleError } from './plugins/errors.js';
import security from './plugins/security.js';
import sessions from './plugins/sessions.js';
import tracker from './plugins/tracker.js';
import uploads, { onFile } from './plugins/uploads.js';
import views from './plugins/views.js';
import aboutRoutes from './routes/about.js';
import adminRoutes from './routes/admin/index.js';
import attachmentRoutes from './routes/attachments.js';
import authRoutes from './routes/auth.js';
import apiRoutes from './routes/api.js';
import eventRoutes from './routes/events.js';
import badgeRoutes from './routes/badges.js';
import changesRoutes from './routes/changes.js';
import chartRoutes from './routes/charts.js';
import dataRoutes from './routes/data.js';
import feedRoutes from './routes/feeds.js';
import followRoutes from './routes/follow.js';
import homeRoutes from './routes/home.js';
import institutionRoutes from './routes/institutions.js';
import staticCopyRoutes from './routes/static-copy.js';
import timelineRoutes from './routes/timeline.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration the app was built with. */
    config: Config;
    /** Every route the app serves: method, address pattern and schema. */
    routeTable: RouteEntry[];
    /** The clock (epoch ms); tests pin it. */
    now: () => number;
    /** Set when the app renders the static copy (npm run export); null when it serves. */
    staticCopy: StaticCopy | null;
  }
}


export interface RouteEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

export interface AppOptions {
  /** The clock; tests pin it. */
  now?: () => number;
  /** Where the log goes (standard output unless given; tests read it). */
  logStream?: NodeJS.WritableStream;
  /**
   * Render pages for the static copy: forms that need the server point to the live tracker or
   * say they are not available, and the record is read from one snapshot taken when the app is ready.
   */
  staticCopy?: StaticCopy;
  /**
   * Run the mail worker (deliver the outbox, read the mailbox) every MAIL_POLL_SECONDS, unless
   * MAIL_WORKER=off: the server does; tests, the static copy and the commands run it when they ask.
   */
  mailWorker?: boolean;
}

/**
 * The HTTP server, as Fastify makes it (its options and timeouts), but for the render cache's fast
 * lane: a public answer the cache holds is sent before the app routes the request.
 */
function serverWithFastLane(lane: () => FastifyInstance['fastLane'] | undefined): FastifyServerFactory {
  return (handler, options) => {
    const own = options as unknown as { http?: http.ServerOptions; keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number; maxRequestsPerSocket: number };
    const server = http.createServer(own.http ?? {}, (request, response) => {
      if (!lane()?.(request, response)) handler(request, response);
    });
    server.keepAliveTimeout = own.keepAliveTimeout;
    server.requestTimeout = own.requestTimeout;
    server.setTimeout(own.connectionTimeout);
    if (own.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = own.maxRequestsPerSocket;
    return server;
  };
}

/** Trusts the nearest `hops` proxies in front of the server. */
const hopsWithin = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // Requests come only once the app is ready, its fast lane decorated (render-cache.ts).
    serverFactory: serverWithFastLane(() => app.fastLane),
    // Warnings and errors are always logged; each request (logged at level info) only when LOG_REQUESTS is on.
    logger: { level: config.logRequests ? 'info' : 'warn', ...(options.logStream ? { stream: options.logStream } : {}) },
    // Only a configured proxy may say who the client is (X-Forwarded-For); by default nobody may.
    trustProxy: typeof config.trustProxy === 'number' ? hopsWithin(config.trustProxy) : config.trustProxy,
    return503OnClosing: true,
    // An address the router cannot read (bad percent-encoding, a parameter too long) gets the
    // tracker's own error page or JSON, like every other bad request.
    frameworkErrors: (error, request, reply) => void handleError(error, request, reply),
    // A client must send its whole request in time: slow bodies and slow headers are dropped.
    requestTimeout: config.requestTimeoutMs,
    // A client that takes nothing for a minute (a stalled download, say) is dropped.
    connectionTimeout: 60_000,
    http: {
      headersTimeout: Math.min(config.requestTimeoutMs, 15_000),
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(config.requestTimeoutMs / 4)),
    },
  });
  app.decorate('config', config);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, schema: route.schema });
  });
  app.decorate('now', options.now ?? Date.now);
  app.decorate('staticCopy', options.staticCopy ?? null);

  await app.register(security, { rateLimitPerMinute: config.rateLimitPerMinute });
  await app.register(formbody);
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 11 }, onFile });
  await app.register(uploads); // attachments streamed to a temporary file (routes with config.streamUpload)
  await app.register(views, { production: config.nodeEnv !== 'development' });
  await app.register(tracker, { databasePath: config.databasePath, dataDir: config.dataDir, baseUrl: config.baseUrl, snapshot: options.staticCopy !== undefined });
  await app.register(errors);
  await app.register(mail, { poll: options.mailWorker === true && options.staticCopy === undefined });
  await app.register(asOf);
  await app.register(downloads, { max: config.maxConcurrentExports });
  await app.register(openapi, { baseUrl: config.baseUrl, title: 'Campaign accountability tracker' });
  await app.register(sessions, { secret: config.sessionSecret, secure: config.baseUrl.startsWith('https:') });
  await app.register(compression);
  // Its hooks come after every other plugin's: it sees the moment and revision read, and the cookies set.
  // With LOG_REQUESTS on, every request goes through the app, so that each is logged.
  await app.register(renderCache, { maxBytes: config.renderCacheBytes, nowMaxAgeSeconds: config.nowMaxAgeSeconds, fastLane: !config.logRequests });

  await app.register(homeRoutes); //         /
  await app.register(institutionRoutes); //  /institutions, /institutions/:slug
  await app.register(timelineRoutes); //     /timeline
  await app.register(eventRoutes); //        /events/:id
  await app.register(aboutRoutes); //        /about
  await app.register(changesRoutes); //      /changes?from=…&to=…
  await app.register(chartRoutes); //        /charts, /charts/*.svg
  await app.register(apiRoutes); //          /api/*, /healthz
  await app.register(badgeRoutes); //        /badges/:slug.svg, /embed/scorecard, /embed/institutions/:slug
  await app.register(dataRoutes); //         /data/institutions.csv, /data/events.csv, /data/events.json
  await app.register(feedRoutes); //         /feed.atom, /feed.rss, /feed.json, /institutions/:slug/feed.atom
  await app.register(attachmentRoutes); //  /attachments/:id/:name (public ones to anyone; others to campaigners)
  await app.register(followRoutes); //      /follow, /follow/confirm|manage|unsubscribe/:token: following by email
  await app.register(authRoutes); //        /login, /logout
  await app.register(adminRoutes); //       /admin/*: the campaigners' workspace (signed in; some routes admins only)
  if (options.staticCopy) await app.register(staticCopyRoutes); // /not-in-this-copy: only in the static copy

  return app;
}
