/**
 * Following by email: the form (whole campaign, one institution or one ask), the confirmation page
 * (a button: a GET alone confirms nothing, since mail scanners follow links), the page to manage a
 * subscription, and unsubscribing. None of these pages is cached or shows an address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkFollowerAddress, checkFrequency, FREQUENCIES, FREQUENCY_LABELS, REQUESTS_PER_CLIENT_PER_HOUR } from '../domain/following.js';
import { RequestProblem } from '../plugins/errors.js';
import { PRIVATE } from '../plugins/render-cache.js';
import { checkCsrf } from '../plugins/sessions.js';
import {
  changeFrequency,
  confirmFollowing,
  followerKey,
  followingAvailable,
  FollowRequestLimit,
  forgetFollower,
  requestToFollow,
  subscriptionByToken,
  unsubscribe,
  type SubscriptionRow,
} from '../records/following.js';
import { confirmationMail, followHref, targetLabel } from '../render/follow-mail.js';
import { renderPage } from '../render/page.js';
import { followTargetOf, targetNames, type FollowTarget } from '../tracker/following.js';
import { campaignView } from '../tracker/tracker.js';
import { FollowQuery, FollowTokenParams, ManageBody, ManageQuery, OneClickBody, UnsubscribedQuery } from './schemas.js';

interface FollowBody {
  email?: string;
  frequency?: string;
  institution?: string;
  ask?: string;
}

const frequencies = FREQUENCIES.map((f) => [f, FREQUENCY_LABELS[f]] as const);

export default async function followRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const t = app.tracker;
  const available = followingAvailable(app.config);
  const key = available ? followerKey(app.config.sessionSecret!) : null;
  const perClient = new FollowRequestLimit(REQUESTS_PER_CLIENT_PER_HOUR);
  // Neither kept by the render cache nor by any browser or proxy: these pages hold a person's link.
  const config = { answer: false };
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  // Pages about following are campaigners' kind of page: no "as at" moment applies to them.
  const page = (request: FastifyRequest, reply: FastifyReply, template: string, title: string, data: Record<string, unknown>) =>
    renderPage(request, reply, template, title, { available, frequencies, ...data }, undefined, { workspace: true });

  const target = (request: FastifyRequest, query: { institution?: string | undefined; ask?: string | undefined }): FollowTarget => {
    const found = followTargetOf(t, query, request.at);
    if (!found) throw new RequestProblem(404, query.institution ? 'There is no institution at this address on the tracker.' : 'The campaign has no such ask.');
    return found;
  };

  const showForm = (request: FastifyRequest, reply: FastifyReply, about: FollowTarget, values: FollowBody, errors: Record<string, string>) =>
    page(request, reply, 'follow/form', `Follow ${targetLabel(about)} by email`, { about, what: targetLabel(about), values, errors, csrf: reply.generateCsrf() });

  app.get('/follow', { schema: { querystring: FollowQuery }, config }, async (request, reply) => {
    const about = target(request, request.query);
    return showForm(request, reply, about, { frequency: 'immediate' }, {});
  });

  app.post<{ Body: FollowBody }>('/follow', { preHandler: checkCsrf(app), config }, async (request, reply) => {
    const body = request.body ?? {};
    const about = target(request, { institution: body.institution || undefined, ask: body.ask || undefined });
    const values = { email: String(body.email ?? '').slice(0, 300), frequency: String(body.frequency ?? '') };
    if (!available || !key) return showForm(request, reply.code(404), about, values, {});
    const email = checkFollowerAddress(String(body.email ?? ''));
    const frequency = checkFrequency(values.frequency);
    const errors: Record<string, string> = {};
    if (!email.ok) errors.email = email.message;
    if (!frequency.ok) errors.frequency = frequency.message;
    if (Object.keys(errors).length > 0) return showForm(request, reply.code(400), about, values, errors);
    if (!perClient.allow(request.ip, app.now())) {
      return showForm(request, reply.code(429), about, values, { email: 'There have been too many requests to follow from your connection. Try again in an hour.' });
    }
    const site = { title: campaignView(t, request.at).title, baseUrl: app.config.baseUrl, from: app.config.mail.from! };
    // The same answer whatever happened: a new address, one already following, one that has had enough email today.
    requestToFollow(
      t.db,
      key,
      { email: email.ok ? email.value : '', frequency: frequency.ok ? frequency.value : 'immediate', target: { scope: about.scope, institutionId: about.institution?.id ?? null, askId: about.ask?.id ?? null } },
      (what) => confirmationMail(site, about, what),
      app.now(),
    );
    return reply.redirect(`/follow/check-your-inbox${followHref(about).replace('/follow', '')}`, 303);
  });

  app.get('/follow/check-your-inbox', { schema: { querystring: FollowQuery }, config }, async (request, reply) => {
    const about = target(request, request.query);
    return page(request, reply, 'follow/sent', 'Check your inbox', { what: targetLabel(about) });
  });

  /** The subscription a link opens, with what it follows, or the page saying the link does not work (404). */
  const opened = (request: FastifyRequest, token: string): { row: SubscriptionRow; about: FollowTarget } | null => {
    const row = subscriptionByToken(t.db, token, app.now());
    return row ? { row, about: targetNames(t, request.at)(row) } : null;
  };
  const unknownLink = (request: FastifyRequest, reply: FastifyReply) => page(request, reply.code(404), 'follow/unknown', 'This link does not work', {});

  app.get('/follow/confirm/:token', { schema: { params: FollowTokenParams }, config }, async (request, reply) => {
    const found = opened(request, request.params.token);
    if (!found) return unknownLink(request, reply);
    return page(request, reply, 'follow/confirm', `Confirm that you want to follow ${targetLabel(found.about)}`, {
      what: targetLabel(found.about), confirmed: found.row.confirmedAt !== null, token: request.params.token, frequency: FREQUENCY_LABELS[found.row.frequency], csrf: reply.generateCsrf(),
    });
  });

  app.post('/follow/confirm/:token', { schema: { params: FollowTokenParams }, preHandler: checkCsrf(app), config }, async (request, reply) => {
    const row = confirmFollowing(t.db, request.params.token, app.now());
    if (!row) return unknownLink(request, reply);
    return reply.redirect(`/follow/manage/${request.params.token}?confirmed=1`, 303);
  });

  const showManage = (request: FastifyRequest, reply: FastifyReply, token: string, found: { row: SubscriptionRow; about: FollowTarget }, errors: Record<string, string>, notice: string | null) =>
    page(request, reply, 'follow/manage', `Your subscription to ${targetLabel(found.about)}`, {
      what: targetLabel(found.about), about: found.about, followHref: followHref(found.about), row: { frequency: found.row.frequency, confirmed: found.row.confirmedAt !== null }, token, errors, notice, csrf: reply.generateCsrf(),
    });

  app.get('/follow/manage/:token', { schema: { params: FollowTokenParams, querystring: ManageQuery }, config }, async (request, reply) => {
    const found = opened(request, request.params.token);
    if (!found) return unknownLink(request, reply);
    const notice = request.query.confirmed ? `Thank you: you now follow ${targetLabel(found.about)}.` : request.query.changed ? 'Saved: how often you hear from us has changed.' : null;
    return showManage(request, reply, request.params.token, found, {}, notice);
  });

  app.post('/follow/manage/:token', { schema: { params: FollowTokenParams, body: ManageBody }, preHandler: checkCsrf(app), config }, async (request, reply) => {
    const token = request.params.token;
    const found = opened(request, token);
    if (!found) return unknownLink(request, reply);
    const action = String(request.body?.action ?? '');
    if (action === 'unsubscribe') {
      unsubscribe(t.db, token, app.now());
      return reply.redirect(`/follow/unsubscribed${followHref(found.about).replace('/follow', '')}`, 303);
    }
    if (action === 'forget') {
      forgetFollower(t.db, found.row.email, null, app.now());
      return reply.redirect('/follow/unsubscribed?all=1', 303);
    }
    const frequency = checkFrequency(request.body?.frequency);
    if (!frequency.ok) return showManage(request, reply.code(400), token, found, { frequency: frequency.message }, null);
    changeFrequency(t.db, token, frequency.value, app.now());
    return reply.redirect(`/follow/manage/${token}?changed=1`, 303);
  });

  app.get('/follow/unsubscribe/:token', { schema: { params: FollowTokenParams }, config }, async (request, reply) => {
    const found = opened(request, request.params.token);
    if (!found) return unknownLink(request, reply);
    return page(request, reply, 'follow/unsubscribe', `Unsubscribe from emails about ${targetLabel(found.about)}`, { what: targetLabel(found.about), token: request.params.token });
  });

  // One-click unsubscribe (RFC 8058). A mail program POSTs `List-Unsubscribe=One-Click` to the
  // List-Unsubscribe address by itself, with no cookie and no form: it has no session and cannot
  // have a CSRF token. The token in the address is the credential (unguessable, and only in the
  // follower's own emails), so this one state-changing request needs neither; it only ever removes
  // a subscription. The button on the GET page sends the same body.
  app.post('/follow/unsubscribe/:token', { schema: { params: FollowTokenParams, body: OneClickBody }, config }, async (request, reply) => {
    if (request.body?.['List-Unsubscribe'] !== 'One-Click') throw new RequestProblem(400, 'To unsubscribe, use the button on this page.');
    const row = unsubscribe(t.db, request.params.token, app.now());
    if (!row) return unknownLink(request, reply);
    const about = targetNames(t, request.at)(row);
    return page(request, reply, 'follow/unsubscribed', 'You have unsubscribed', { what: targetLabel(about), followHref: followHref(about), all: false });
  });

  app.get('/follow/unsubscribed', { schema: { querystring: UnsubscribedQuery }, config }, async (request, reply) => {
    const about = request.query.all ? null : followTargetOf(t, request.query, request.at);
    return page(request, reply, 'follow/unsubscribed', 'You have unsubscribed', { what: about ? targetLabel(about) : null, followHref: about ? followHref(about) : '/follow', all: Boolean(request.query.all) });
  });
}
