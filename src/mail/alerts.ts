/**
 * The followers' job, run each round of the mail worker: requests never confirmed expire; each
 * immediate follower gets one email covering the revisions of the public record since they were
 * last told that touch what they follow; daily (after 07:00 London time) and weekly (Mondays)
 * followers get a digest, which also names contacts that became late. Nothing new: no email.
 */
import { confirmedFollowers, mailRunAt, type SubscriptionRow } from '../db/queries/following.js';
import { digestDue, digestPeriodStart, type DigestFrequency } from '../domain/following.js';
import { expireFollowers, followerKey, followerToken, followingAvailable, recordAlert, recordDigests, type FollowerMail } from '../records/following.js';
import { alertMail, type MailSite } from '../render/follow-mail.js';
import { followerNews, isQuiet, newsFor, targetNames, type FollowerNews } from '../tracker/following.js';
import { campaignView, currentRevision, type At, type Tracker } from '../tracker/tracker.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';

/** What the job needs of the worker's context (src/mail/worker.ts). */
interface FollowerContext {
  db: Db;
  config: Config;
  now: () => number;
  log: { info: (object: object, message: string) => void };
  tracker: Tracker;
}

/** The mail_runs names of the digest rounds. */
export const DIGEST_RUNS: Record<DigestFrequency, string> = { daily: 'digest-daily', weekly: 'digest-weekly' };

/** The news since each distinct revision followers were last told of: computed once per revision, not per follower. */
function newsByRevision(t: Tracker, followers: SubscriptionRow[], at: At, lateSince: number | null): Map<number, FollowerNews> {
  const news = new Map<number, FollowerNews>();
  for (const row of followers) if (!news.has(row.notifiedRevision)) news.set(row.notifiedRevision, followerNews(t, row.notifiedRevision, at, lateSince));
  return news;
}

export function followerJob(): (context: FollowerContext) => Promise<void> {
  return async (context) => {
    const { config, log } = context;
    if (!followingAvailable(config)) return;
    const t = context.tracker;
    const db = t.db;
    const key = followerKey(config.sessionSecret!);
    const now = context.now();
    const expired = expireFollowers(db, now);
    if (expired.requests > 0) log.info({ followers: expired }, 'unconfirmed follow requests deleted');

    const latest = currentRevision(t);
    const at: At = { asOf: now, rev: latest };
    const site: MailSite = { title: campaignView(t, at).title, baseUrl: config.baseUrl, from: config.mail.from! };
    const names = targetNames(t, at);
    const mailFor = (row: SubscriptionRow, news: FollowerNews): FollowerMail => {
      const target = names(row);
      const mine = newsFor(news, target);
      return isQuiet(mine) ? null : alertMail(site, target, row.frequency, followerToken(key, row), mine);
    };

    // Immediate: one email per follower per round, for what changed since they were last told.
    const immediate = confirmedFollowers(db, 'immediate').filter((row) => row.notifiedRevision < latest);
    const news = newsByRevision(t, immediate, at, null);
    let alerts = 0;
    for (const row of immediate) {
      const mail = mailFor(row, news.get(row.notifiedRevision)!);
      if (recordAlert(db, row, latest, mail, now) && mail) alerts += 1;
    }

    // Digests: daily after 07:00 London time, weekly on Mondays after 07:00.
    let digests = 0;
    for (const frequency of ['daily', 'weekly'] as const) {
      const lastRun = mailRunAt(db, DIGEST_RUNS[frequency]);
      if (!digestDue(frequency, now, lastRun)) continue;
      const followers = confirmedFollowers(db, frequency);
      const since = newsByRevision(t, followers, at, digestPeriodStart(frequency, now, lastRun));
      digests += recordDigests(db, DIGEST_RUNS[frequency], followers.map((row) => ({ row, mail: mailFor(row, since.get(row.notifiedRevision)!) })), latest, now);
    }
    // Counts only: a follower's address never goes to the log.
    if (alerts + digests > 0) log.info({ followers: { alerts, digests } }, 'alerts queued');
  };
}
