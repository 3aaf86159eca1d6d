/** One error handler: JSON for the API, a plain page for people; never a stack trace. */
import { isWorkspaceUrl } from './as-of.js';
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CalendarRangeError } from '../domain/calendar.js';
import { RecordNotFound } from '../records/errors.js';
import { pageContext } from '../render/page.js';
import { RequestProblem, wantsJson } from './problems.js';
import { signedInUser } from './sessions.js';

export { RequestProblem, wantsJson };
import { campaignView, now } from '../tracker/tracker.js';


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
    return reply.send({ error: STATUS_CODES[status] ?? 'Error', statusCode: status, message, parameter });
  }
  const app = request.server;
  let siteTitle = 'Campaign tracker';
  try {
    siteTitle = campaignView(app.tracker, request.at ?? now(app.tracker, app.now())).title;
  } catch {
    // The database may be what failed; the page still renders.
  }
  const titles: Record<number, string> = {
    403: 'You cannot do this',
    404: 'Page not found',
    413: 'The upload could not be accepted',
    414: 'The address is too long',
    429: 'Too many requests',
    503: 'The tracker is busy',
  };
  const title = titles[status] ?? (status >= 500 ? 'Something went wrong' : 'There is a problem with the address');
  const page = pageContext(request, parameter === 'as_of' ? `Error: ${title}` : title, siteTitle);
  // A moment that could not be read is shown again in the time-travel form, with the problem beside it.
  const given = (request.query as Record<string, unknown> | undefined)?.as_of;
  const asOfValue = parameter === 'as_of' ? (typeof given === 'string' ? given : '') : null;
  // Rendered with the app's view renderer: a request the router refused has a bare reply.
  const html = await request.server.view('errors/error', { page, status, message, parameter, asOfValue });
  return reply.type('text/html; charset=utf-8').send(html);
}

/**
 * Schema validation coerces `1e309` or `Infinity` to an infinite number and then skips its
 * minimum and maximum (an ajv quirk); no parameter of the tracker may be infinite.
 */
function refuseInfinities(request: FastifyRequest): void {
  for (const values of [request.query, request.params]) {
    if (!values || typeof values !== 'object') continue;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new RequestProblem(400, `The parameter “${name}” must be a whole number.`, name);
      }
    }
  }
}

/** What went wrong with a multipart upload, in words for the person who sent it; null for other errors. */
function uploadProblem(request: FastifyRequest, error: FastifyError): string | null {
  if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
    const megabytes = request.server.config.maxUploadBytes / 1024 / 1024;
    return `The file is too large: upload a CSV of at most ${megabytes} MB, or split it into several files.`;
  }
  if (error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT' || error.code === 'FST_FILES_LIMIT' || (error.code === 'ERR_STREAM_PREMATURE_CLOSE' && request.isMultipart())) {
    return 'The upload has more fields or files than the form sends. Upload the file again from the form.';
  }
  return null;
}

export default fp(async function errors(app: FastifyInstance) {
  app.addHook('preHandler', async (request) => refuseInfinities(request));

  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request, reply) =>
    send(request, reply, 404, 'There is no page at this address. It may have moved, or the link may be mistyped.', null),
  );
});

/** The one error handler: every refused or failed request, whichever layer refused it, ends here. */
export async function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  {
    // An address the router refused never reached the hooks that set the moment shown.
    if (!(typeof request.asOf === 'number' && request.asOf > 0)) {
      request.asOf = request.server.now();
      request.asOfRaw = null;
      request.workspace = isWorkspaceUrl(request.url);
    }
    if (error instanceof RequestProblem) return send(request, reply, error.statusCode, error.message, error.parameter);
    // A change asked of a record that does not exist: not a field's problem, and not a server error.
    if (error instanceof RecordNotFound) return send(request, reply, 404, error.message, null);
    if (error.validation) {
      const parameter = parameterOf(error);
      const message = parameter ? `The parameter “${parameter}” ${error.validation[0]!.message ?? 'is not valid'}.` : error.message;
      return send(request, reply, 400, message, parameter);
    }
    const upload = uploadProblem(request, error);
    if (upload) {
      // The form the upload came from shows the problem beside its file field, when it can.
      const onForm = request.routeOptions.config.uploadProblem;
      // The body was refused before the signed-in user was looked up.
      if (onForm && (request.user ?? (await signedInUser(request)))) return onForm(request, reply.code(413), upload);
      return send(request, reply, 413, upload, 'file');
    }
    if (error instanceof CalendarRangeError) {
      request.log.error(error);
      return send(request, reply, 500, `A figure could not be computed: ${error.message}`, null);
    }
    if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_ASYNC_CONSTRAINT') {
      return send(request, reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400, 'This address is not one the tracker can read: part of it is malformed or too long.', null);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    return send(request, reply, status, status >= 500 ? 'The tracker could not answer this request. Please try again later.' : error.message, null);
  }
}

