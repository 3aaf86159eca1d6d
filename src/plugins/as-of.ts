/**
 * Every page and API answer shows the record as at a moment (`?as_of=`, default now) as it stood
 * at a revision (`?rev=`, default the latest). Both are read and checked here, once.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AS_OF_HELP, parseAsOf } from '../domain/calendar.js';
import { defaultMoment, endState, type EndState } from '../domain/campaign-end.js';
import type { LondonDate } from '../domain/calendar.js';
import { campaignEndedOn, currentRevision, type At } from '../tracker/tracker.js';
import { RequestProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The instant this request is answered as at (epoch ms). */
    asOf: number;
    /** The `as_of` value as given, or null for now. */
    asOfRaw: string | null;
    /** The revision of the record this request is answered at. */
    rev: number;
    /** The latest revision when the request came in. */
    latestRev: number;
    /** True when the request named its revision (`?rev=`). */
    revPinned: boolean;
    /** The moment and revision together, as the tracker takes them. */
    at: At;
    /** The date the campaign ended (as the record stood at the revision), or null while it runs. */
    campaignEndedOn: LondonDate | null;
    /** Where the moment stands against the campaign's end. */
    endState: EndState;
    /** A campaigners' page (sign-in, /admin): always as at now, with no time travel. */
    workspace: boolean;
    /**
     * The address asked for without the parameters that links shared elsewhere add (`utm_*`,
     * `fbclid`, `gclid` and the like, which the tracker never reads): what a page links to and
     * cites as itself, and what the render cache keeps its answer under, so that a thousand
     * readers arriving by a link with a click id of their own are one answer.
     */
    address: string;
  }
}

/** Parameters that sites and mail add to a shared link, for their own counting; nothing here reads them. */
const TRACKING_PARAMETER = /^(utm_[a-z_]+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|twclid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|mkt_tok)$/i;

/** `url` without the tracking parameters in its query (the rest as given, in the same order and encoding). */
export function withoutTrackingParameters(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const pairs = url.slice(at + 1).split('&');
  const kept = pairs.filter((pair) => !TRACKING_PARAMETER.test(pair.split('=', 1)[0]!));
  if (kept.length === pairs.length) return url;
  return kept.length > 0 ? `${url.slice(0, at)}?${kept.join('&')}` : url.slice(0, at);
}

/** Whether an address is in the campaigners' workspace, which always works as at now. */
export const isWorkspaceUrl = (url: string): boolean => /^\/(admin|login|logout)(\/|$|\?)/.test(url);

/** How far ahead of the server's clock an `as_of` may be (clock differences). */
const FUTURE_TOLERANCE_MS = 60_000;

export default fp(async function asOf(app: FastifyInstance) {
  app.decorateRequest('asOf', 0);
  app.decorateRequest('asOfRaw', null);
  app.decorateRequest('rev', 0);
  app.decorateRequest('latestRev', 0);
  app.decorateRequest('revPinned', false);
  app.decorateRequest('at', null as unknown as At);
  app.decorateRequest('campaignEndedOn', null);
  app.decorateRequest('endState', 'live');
  app.decorateRequest('workspace', false);
  app.decorateRequest('address', '');
  app.addHook('onRequest', async (request) => {
    request.workspace = isWorkspaceUrl(request.url);
    request.address = withoutTrackingParameters(request.url);
    const now = app.now();
    const latest = currentRevision(app.tracker);
    request.asOf = now;
    request.rev = latest;
    request.latestRev = latest;
    request.at = { asOf: now, rev: latest };
    const query = request.query as Record<string, unknown> | undefined;
    const raw = query?.as_of;
    if (raw !== undefined && raw !== '') {
      if (typeof raw !== 'string') throw new RequestProblem(400, `Give as_of once. ${AS_OF_HELP}`, 'as_of');
      const parsed = parseAsOf(raw);
      if (!parsed.ok) throw new RequestProblem(400, parsed.message, 'as_of');
      if (parsed.value > now + FUTURE_TOLERANCE_MS) {
        throw new RequestProblem(400, `“${raw}” is in the future; the tracker shows what was known up to now.`, 'as_of');
      }
      request.asOf = parsed.value;
      request.asOfRaw = raw;
    }
    const rev = query?.rev;
    if (rev !== undefined && rev !== '') {
      if (typeof rev !== 'string' || !/^\d{1,12}$/.test(rev) || Number(rev) < 1) {
        throw new RequestProblem(400, `The revision must be a whole number from 1 to ${latest} (the latest), as in a citation’s link.`, 'rev');
      }
      if (Number(rev) > latest) throw new RequestProblem(400, `There is no revision ${rev} yet: the record is at revision ${latest}.`, 'rev');
      request.rev = Number(rev);
      request.revPinned = true;
    }
    // Once the campaign has ended, "now" is the end of its last day (in the public record; the
    // campaigners' workspace keeps the clock).
    request.campaignEndedOn = request.workspace ? null : campaignEndedOn(app.tracker, request.rev);
    if (request.asOfRaw === null) request.asOf = defaultMoment(now, request.campaignEndedOn);
    request.endState = endState(request.asOf, request.campaignEndedOn, request.asOfRaw !== null);
    request.at = { asOf: request.asOf, rev: request.rev };
  });
});
