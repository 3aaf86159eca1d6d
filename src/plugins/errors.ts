/** One error handler: JSON for the API, a plain page for people; never a stack trace. */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CalendarRangeError } from '../domain/calendar.js';
import { pageContext } from '../routes/page.js';
import { campaignView } from '../tracker/tracker.js';

/** An error meant for the person who made the request, with the parameter at fault. */
export class RequestProblem extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly parameter: string | null = null,
  ) {
    super(message);
    this.name = 'RequestProblem';
  }
}

export const wantsJson = (request: FastifyRequest): boolean => /^\/(api|healthz)(\/|$|\?)/.test(request.url);

function parameterOf(error: FastifyError): string | null {
  const first = error.validation?.[0];
  if (!first) return null;
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return missing;
  return first.instancePath.replace(/^\//, '').split('/')[0] || null;
}

async function send(request: FastifyRequest, reply: FastifyReply, status: number, message: string, parameter: string | null) {
  reply.code(status);
  if (wantsJson(request)) {
    return reply.send({ error: status >= 500 ? 'Internal Server Error' : reply.raw.statusMessage || 'Error', statusCode: status, message, parameter });
  }
  const app = request.server;
  let siteTitle = 'Campaign tracker';
  try {
    siteTitle = campaignView(app.tracker).title;
  } catch {
    // The database may be what failed; the page still renders.
  }
  const title =
    status === 404 ? 'Page not found' : status === 403 ? 'You cannot do this' : status >= 500 ? 'Something went wrong' : 'There is a problem with the address';
  return reply.type('text/html; charset=utf-8').viewAsync('errors/error', {
    page: pageContext(request, title, siteTitle),
    status,
    message,
    parameter,
  });
}

export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof RequestProblem) return send(request, reply, error.statusCode, error.message, error.parameter);
    if (error.validation) {
      const parameter = parameterOf(error);
      const message = parameter ? `The parameter “${parameter}” ${error.validation[0]!.message ?? 'is not valid'}.` : error.message;
      return send(request, reply, 400, message, parameter);
    }
    if (error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_FILES_LIMIT') {
      return send(request, reply, 413, 'The file is too large: upload a CSV of at most 5 MB, or split it into several files.', 'file');
    }
    if (error instanceof CalendarRangeError) {
      request.log.error(error);
      return send(request, reply, 500, `A figure could not be computed: ${error.message}`, null);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    return send(request, reply, status, status >= 500 ? 'The tracker could not answer this request. Please try again later.' : error.message, null);
  });

  app.setNotFoundHandler(async (request, reply) =>
    send(request, reply, 404, 'There is no page at this address. It may have moved, or the link may be mistyped.', null),
  );
});
