/**
 * The emails followers receive: the confirmation of a request, and the alerts and digests of what
 * changed. Each has a plain-text part and an accessible HTML part (a heading, lists, link text that
 * makes sense alone, lang="en-GB", no images), drawn by auto-escaped templates (views/mail/), and
 * every alert names why the reader gets it, how to change or stop it, and carries the one-click
 * unsubscribe headers of RFC 8058.
 */
import path from 'node:path';
import { Eta } from 'eta';
import { PROJECT_ROOT } from '../config.js';
import { londonDateOf } from '../domain/calendar.js';
import { FREQUENCY_LABELS, type Frequency } from '../domain/following.js';
import type { FollowerNews, FollowTarget } from '../tracker/following.js';
import type { EventView } from '../tracker/tracker.js';
import { pinnedUrl } from './citation.js';
import { instantLabel, longDate, plural, stanceLabel } from './format.js';
import { changeHref, describeChange, eventPhrase } from './revisions.js';

const eta = new Eta({ views: path.join(PROJECT_ROOT, 'views'), autoEscape: true, cache: true });

export interface MailSite {
  /** The campaign's name, as the site shows it. */
  title: string;
  baseUrl: string;
  /** The campaign's address, the sender. */
  from: string;
}

/** The follower's own addresses on the tracker, each holding their token. */
export const followerLinks = (baseUrl: string, token: string) => ({
  confirm: `${baseUrl}/follow/confirm/${token}`,
  manage: `${baseUrl}/follow/manage/${token}`,
  unsubscribe: `${baseUrl}/follow/unsubscribe/${token}`,
});

/** "NHS England", "the ask “Halt SIM”", "the whole campaign" */
export function targetLabel(target: FollowTarget): string {
  if (target.scope === 'institution') return target.institution!.name;
  if (target.scope === 'ask') return `the ask “${target.ask!.title}”`;
  return 'the whole campaign';
}

/** The address of the follow form for a target. */
export function followHref(target: FollowTarget): string {
  if (target.scope === 'institution') return `/follow?institution=${encodeURIComponent(target.institution!.slug)}`;
  if (target.scope === 'ask') return `/follow?ask=${encodeURIComponent(target.ask!.slug)}`;
  return '/follow';
}

/** One sentence in words, with the message header fields that must never carry a line break. */
const oneLine = (text: string): string => text.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();

export interface ComposedMail {
  from: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

/** The email that asks a new follower to confirm, or tells one already following that nothing changed. */
export function confirmationMail(site: MailSite, target: FollowTarget, about: { state: 'new'; token: string; frequency: Frequency } | { state: 'already'; frequency: Frequency }): ComposedMail {
  const what = targetLabel(target);
  const how = FREQUENCY_LABELS[about.frequency].toLowerCase();
  const data = { site, what, how, state: about.state, links: about.state === 'new' ? followerLinks(site.baseUrl, about.token) : null, days: 7 };
  const subject = oneLine(about.state === 'new' ? `Confirm that you want to follow ${what} – ${site.title}` : `You already follow ${what} – ${site.title}`);
  const text =
    about.state === 'new'
      ? [
          `Someone, probably you, asked to follow ${what} on ${site.title} by email: ${how}.`,
          '',
          'To confirm, open this link and press the button “Confirm”:',
          data.links!.confirm,
          '',
          `If it was not you, ignore this email. Nothing more will be sent unless the request is confirmed, and the request and this address are deleted after ${data.days} days.`,
        ]
      : [
          `Someone, probably you, asked to follow ${what} on ${site.title} by email.`,
          '',
          `This address already follows it (${how}), so nothing has changed. Every alert we send ends with a link to change how often you hear from us, or to stop.`,
          '',
          'If it was not you, ignore this email.',
        ];
  return { from: site.from, subject, text: `${text.join('\n')}\n\n-- \n${site.title}\n${site.baseUrl}/\n`, html: eta.render('/mail/confirm', { ...data, subject }), headers: { 'Auto-Submitted': 'auto-generated' } };
}

/** One change as an email lists it: what happened, about whom, when, and a permanent link to the record at that revision. */
export interface AlertLine {
  text: string;
  institution: string | null;
  date: string;
  href: string;
  linkText: string;
}

export interface AlertSection {
  heading: string;
  lines: AlertLine[];
}

function lateLine(site: MailSite, e: EventView, rev: number, asOf: number, long: boolean): AlertLine {
  const on = long ? e.longOverdueOn! : e.lateOn!;
  const phrase = eventPhrase({ occurredAt: 0, date: e.date, time: null, type: 'contact', institutionName: e.institutionName, institutionSlug: e.institution, summary: e.summary });
  return {
    text: `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)} became ${long ? 'long overdue' : 'late'} on ${longDate(on)}: a reply was due by ${longDate(e.dueOn)}.`,
    institution: e.institutionName,
    date: longDate(on),
    href: pinnedUrl(site.baseUrl, `/events/${e.id}`, { asOf, rev }),
    linkText: `The ${phrase.replace(/^the /, '')}, as the record stood at revision ${rev}`,
  };
}

/** The news in sections, each line with its permanent link. */
export function alertSections(site: MailSite, news: FollowerNews): AlertSection[] {
  const { asOf, rev } = news.to;
  const record: AlertLine[] = news.record.map((c) => {
    const href = changeHref(c);
    const side = c.subject === 'event' ? (c.after ?? c.before) : null;
    const institution = side ? side.institutionName : c.subject === 'institution' ? c.institutionName : null;
    const subject = side ? eventPhrase(side) : c.subject === 'institution' ? `the page of ${c.institutionName}` : c.subject === 'ask' ? 'the campaign’s overview' : 'the corrected event';
    return {
      text: describeChange(c),
      institution,
      date: side ? longDate(side.date) : longDate(londonDateOf(c.at)),
      href: href === null ? `${site.baseUrl}/changes?from_rev=${c.revision - 1}&to_rev=${c.revision}` : pinnedUrl(site.baseUrl, href, { asOf, rev: c.revision }),
      linkText: href === null ? `What changed in revision ${c.revision} of the record` : `${subject.charAt(0).toUpperCase()}${subject.slice(1)}, as recorded at revision ${c.revision}`,
    };
  });
  const institutionLink = (i: { slug: string; name: string }) => ({ href: pinnedUrl(site.baseUrl, `/institutions/${i.slug}`, { asOf, rev }), linkText: `${i.name} on the tracker, as at revision ${rev}` });
  const today = longDate(londonDateOf(asOf));
  const moves: AlertLine[] = news.moves.map((m) => ({
    text: `${m.institution.name}: position on “${m.askTitle}” ${m.direction === 'up' ? 'moved up' : 'moved down'} from ${stanceLabel(m.from).toLowerCase()} to ${stanceLabel(m.to).toLowerCase()}.`,
    institution: m.institution.name,
    date: today,
    ...institutionLink(m.institution),
  }));
  const silences: AlertLine[] = [
    ...news.silencesBegun.map((s) => ({
      text: `${s.institution.name} has not commented since it was approached on ${longDate(s.silence!.since)} (${plural(s.silence!.calendarDays, 'day')}).`,
      institution: s.institution.name,
      date: longDate(s.silence!.since),
      ...institutionLink(s.institution),
    })),
    ...news.silencesEnded.map((s) => ({
      text: `${s.institution.name} commented, ending ${plural(s.before!.calendarDays, 'day')} without comment since ${longDate(s.before!.since)}.`,
      institution: s.institution.name,
      date: today,
      ...institutionLink(s.institution),
    })),
  ];
  const late = [...news.becameLate.map((e) => lateLine(site, e, rev, asOf, false)), ...news.becameLongOverdue.map((e) => lateLine(site, e, rev, asOf, true))];
  return [
    { heading: 'Changes to the record', lines: record },
    { heading: 'Positions', lines: moves },
    { heading: 'Silences', lines: silences },
    { heading: 'Replies now late', lines: late },
  ].filter((s) => s.lines.length > 0);
}

/** An alert (immediate) or a digest (daily, weekly) for one follower. */
export function alertMail(site: MailSite, target: FollowTarget, frequency: Frequency, token: string, news: FollowerNews): ComposedMail {
  const what = targetLabel(target);
  const sections = alertSections(site, news);
  const count = sections.reduce((n, s) => n + s.lines.length, 0);
  const links = followerLinks(site.baseUrl, token);
  const when = longDate(londonDateOf(news.to.asOf));
  const subject = oneLine(
    frequency === 'immediate'
      ? `${what}: ${plural(count, 'change')} on the record – ${site.title}`
      : `${frequency === 'daily' ? 'Daily' : 'Weekly'} summary for ${what}, ${when}: ${plural(count, 'change')} – ${site.title}`,
  );
  const why = `You are receiving this because you asked to follow ${what} on ${site.title} (${FREQUENCY_LABELS[frequency].toLowerCase()}) and confirmed it.`;
  const data = {
    site,
    what,
    subject,
    heading: frequency === 'immediate' ? `What changed: ${what}` : `${frequency === 'daily' ? 'Daily' : 'Weekly'} summary: ${what}`,
    intro: `As recorded at revision ${news.to.rev}, ${instantLabel(news.to.asOf)} (UK time). Only published material is included; each link shows the record as it stood then.`,
    sections,
    why,
    links,
    changesHref: `${site.baseUrl}/changes`,
  };
  return {
    from: site.from,
    subject,
    text: alertText(data),
    html: eta.render('/mail/alert', data),
    headers: {
      'List-Unsubscribe': `<${links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
      Precedence: 'bulk',
    },
  };
}

/** The plain-text part of an alert: the same content as the HTML part, with each link written out. */
function alertText(data: { heading: string; intro: string; sections: AlertSection[]; why: string; links: ReturnType<typeof followerLinks>; changesHref: string; site: MailSite }): string {
  const out = [data.heading, '='.repeat(Math.min(data.heading.length, 72)), '', data.intro, ''];
  for (const section of data.sections) {
    out.push(section.heading, '-'.repeat(section.heading.length));
    for (const line of section.lines) {
      out.push(`* ${line.text}`, `  ${line.institution ? `${line.institution}, ` : ''}${line.date}`, `  ${line.linkText}: ${line.href}`, '');
    }
  }
  out.push(`Everything that changed: ${data.changesHref}`, '', data.why, `Change how often you hear from us, or stop: ${data.links.manage}`, `Unsubscribe at once: ${data.links.unsubscribe}`, '', '-- ', data.site.title, `${data.site.baseUrl}/`);
  return `${out.join('\n')}\n`;
}
