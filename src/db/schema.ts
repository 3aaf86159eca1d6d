/**
 * Every table. Instants are epoch milliseconds (UTC) in integer columns named `*At`;
 * London calendar dates are `YYYY-MM-DD` text in columns named `*On`.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { DEFAULT_REPLY_WINDOWS } from '../domain/reply-due.js';
import type { Channel, EventStatus, EventType, InstitutionKind, ResponseType, Role, Stance } from '../domain/vocabulary.js';


export const campaign = sqliteTable('campaign', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  website: text('website'),
  replyWindowDefault: integer('reply_window_default').notNull().default(DEFAULT_REPLY_WINDOWS.default),
  replyWindowFoi: integer('reply_window_foi').notNull().default(DEFAULT_REPLY_WINDOWS.foi),
  /** The London date the campaign ended (figures "as at now" stop at the end of it), or null while it runs. */
  endedOn: text('ended_on'),
  /** What came of it, in a few sentences, and the sources that say so (JSON: [{ title, url }]). */
  outcome: text('outcome'),
  outcomeSources: text('outcome_sources').notNull().default('[]'),
  /** After how many days without a new event the silence figures say when the record was last updated. */
  staleAfterDays: integer('stale_after_days').notNull().default(30),
});

export const asks = sqliteTable('asks', {
  id: integer('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});

export const institutions = sqliteTable(
  'institutions',
  {
    id: integer('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<InstitutionKind>().notNull(),
    code: text('code'),
    region: text('region'),
    country: text('country'),
    website: text('website'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    successorId: integer('successor_id'),
    /** Where approaches are sent (press office, FOI address…); shown on public pages only when `emailPublic`. */
    email: text('email'),
    emailPublic: integer('email_public', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('institutions_slug').on(t.slug),
    index('institutions_name').on(sql`${t.name} COLLATE NOCASE`),
    index('institutions_code').on(sql`${t.code} COLLATE NOCASE`),
    index('institutions_kind').on(t.kind),
    index('institutions_region').on(t.region),
  ],
);

export const institutionAliases = sqliteTable(
  'institution_aliases',
  {
    id: integer('id').primaryKey(),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => institutions.id),
    alias: text('alias').notNull(),
  },
  (t) => [
    index('institution_aliases_institution').on(t.institutionId),
    index('institution_aliases_alias').on(sql`${t.alias} COLLATE NOCASE`),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey(),
    type: text('type').$type<EventType>().notNull(),
    institutionId: integer('institution_id').references(() => institutions.id),
    occurredAt: integer('occurred_at').notNull(),
    occurredOn: text('occurred_on').notNull(),
    hasTime: integer('has_time', { mode: 'boolean' }).notNull().default(false),
    channel: text('channel').$type<Channel>(),
    fromName: text('from_name'),
    responseType: text('response_type').$type<ResponseType>(),
    answersEventId: integer('answers_event_id'),
    summary: text('summary').notNull(),
    quote: text('quote'),
    dueOn: text('due_on'),
    /** Why the reply due date differs from the computed one, when a campaigner overrode it. */
    dueOverrideReason: text('due_override_reason'),
    status: text('status').$type<EventStatus>().notNull().default('draft'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    // The public pages read event_versions; these serve the workspace's queries of the working
    // copy, and each costs every event an import adds (README, Performance: which query each serves).
    // An institution's events by status and time: possible duplicates of an import's rows, the
    // spans of dates an import compares with, whether an approach was answered before a chaser.
    index('events_institution').on(t.institutionId, t.status, t.occurredAt),
    // The whole record in time order, drafts included, a page at a time (spreadsheet exports), and
    // the latest approaches offered when filing a message.
    index('events_in_time').on(t.occurredAt, t.id).where(sql`${t.deletedAt} IS NULL`),
    // The drafts waiting in the follow-up queue: a few, so the index is small and an import of
    // published events does not write to it.
    index('events_drafts').on(t.occurredAt, t.id).where(sql`${t.status} = 'draft' AND ${t.deletedAt} IS NULL`),
  ],
);

export const eventPositions = sqliteTable(
  'event_positions',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    askId: integer('ask_id')
      .notNull()
      .references(() => asks.id),
    stance: text('stance').$type<Stance>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.askId] }), index('event_positions_ask').on(t.askId, t.stance)],
);

export const eventSources = sqliteTable(
  'event_sources',
  {
    id: integer('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    title: text('title').notNull(),
    url: text('url'),
    publisher: text('publisher'),
    publishedOn: text('published_on'),
  },
  (t) => [index('event_sources_event').on(t.eventId)],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    passwordHash: text('password_hash').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email').on(sql`${t.email} COLLATE NOCASE`)],
);

/** Server-side sessions: signing out or deactivating a user ends them at once. */
export const sessions = sqliteTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    userId: integer('user_id'),
    data: text('data').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

/** Failed sign-ins per account (`email:…`) and per address (`ip:…`), to slow and then refuse guessing. */
export const signInFailures = sqliteTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstAt: integer('first_at').notNull(),
  lockedUntil: integer('locked_until'),
});

/** Every change: who, when, what, before and after; written in the same transaction as the change. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    userId: integer('user_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: integer('entity_id'),
    institutionId: integer('institution_id'),
    before: text('before'),
    after: text('after'),
    /** The revision of the public record this change made, if it made one. */
    revisionId: integer('revision_id'),
  },
  (t) => [
    index('audit_at').on(t.at, t.id),
    index('audit_user').on(t.userId, t.at),
    index('audit_institution').on(t.institutionId, t.at),
  ],
);


/**
 * A spreadsheet an editor uploaded and checked, waiting for them to confirm it: kept here (not
 * in the session) under a random id, for one user, until it expires.
 */
export const pendingImports = sqliteTable(
  'pending_imports',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id').notNull(),
    kind: text('kind').$type<'events' | 'institutions'>().notNull(),
    name: text('name').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('pending_imports_expires').on(t.expiresAt), index('pending_imports_user').on(t.userId)],
);

/**
 * Bank holidays added after the release (by `npm run import -- holidays` or an admin's upload),
 * on top of the list shipped in the data directory. Rows are only ever added.
 */
export const bankHolidays = sqliteTable('bank_holidays', {
  date: text('date').primaryKey(),
  title: text('title').notNull(),
  addedAt: integer('added_at').notNull(),
  addedBy: text('added_by').notNull(),
});

// ---- Mail and files ---------------------------------------------------------------------------

/**
 * Files carried by events (letters, replies, their attachments), uploaded or from email. The bytes
 * live under FILES_DIR named by their SHA-256; a row says which event carries them under what name.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    sha256: text('sha256').notNull(),
    /** The name shown and offered on download, made safe (no folders, no control characters). */
    name: text('name').notNull(),
    /** The type found by reading the file's content, not its name. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** Listed on the public event page only when marked public. */
    public: integer('public', { mode: 'boolean' }).notNull().default(false),
    source: text('source').$type<'upload' | 'email'>().notNull(),
    /** The message it came in, when it came by email. */
    inboundMessageId: integer('inbound_message_id'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_event').on(t.eventId), index('attachments_sha256').on(t.sha256)],
);

export type OutboxKind = 'approach' | 'chaser' | 'confirm' | 'alert' | 'digest' | 'editors';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * Every message the tracker sends, queued in the same transaction as what it records (the
 * contact it logs, the subscription it confirms) and delivered by the sender. A message is
 * marked `sending` before it is handed to the SMTP server and `sent` after, so a crash never
 * sends it twice.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey(),
    kind: text('kind').$type<OutboxKind>().notNull(),
    /** The contact this message is (an approach or a chaser). */
    eventId: integer('event_id'),
    subscriptionId: integer('subscription_id'),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    /** The approach's own reply address (plus-addressing), when replies are expected. */
    replyTo: text('reply_to'),
    /** The code in the reply address, unique to the approach. */
    replyToken: text('reply_token'),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** Other headers (JSON object): In-Reply-To, References, List-Unsubscribe… */
    headers: text('headers').notNull().default('{}'),
    /** The Message-ID, without angle brackets. */
    messageId: text('message_id').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_event').on(t.eventId),
    // Confirmation emails to one address in the last day (followers' rate limit), and a follower's messages when they leave.
    index('outbox_to').on(t.toAddress, t.createdAt),
    uniqueIndex('outbox_message_id').on(t.messageId),
    uniqueIndex('outbox_reply_token').on(t.replyToken),
  ],
);

export type InboundStatus = 'filed' | 'unmatched' | 'discarded' | 'refused';

/**
 * Every message read from the campaign's mailbox, kept whole (`.eml` under FILES_DIR by its
 * SHA-256) and filed at most once: on an approach (as a draft reply), or waiting in the inbox.
 */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    id: integer('id').primaryKey(),
    /** The Message-ID header without angle brackets (null when the message has none). */
    messageId: text('message_id'),
    /** SHA-256 of the raw message: the same bytes delivered twice are filed once. */
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    folder: text('folder').notNull(),
    uid: integer('uid'),
    receivedAt: integer('received_at').notNull(),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    toAddresses: text('to_addresses').notNull().default(''),
    subject: text('subject').notNull().default(''),
    /** An automatic reply (Auto-Submitted, out of office). */
    automatic: integer('automatic', { mode: 'boolean' }).notNull().default(false),
    status: text('status').$type<InboundStatus>().notNull(),
    /** How it was matched to an approach: its reply address, or the thread's headers. */
    matchedBy: text('matched_by').$type<'address' | 'thread' | 'person'>(),
    /** The approach it answers, and the draft it became. */
    approachEventId: integer('approach_event_id'),
    eventId: integer('event_id'),
    /** Why it was refused or could not be read, when it was. */
    problem: text('problem'),
    handledBy: text('handled_by'),
    handledAt: integer('handled_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('inbound_sha256').on(t.sha256),
    index('inbound_message_id').on(t.messageId),
    index('inbound_status').on(t.status, t.receivedAt, t.id),
    index('inbound_approach').on(t.approachEventId),
  ],
);

/** Where the mailbox reader has got to in each folder (IMAP UIDs are only meaningful with their UIDVALIDITY). */
export const mailboxCursors = sqliteTable('mailbox_cursors', {
  folder: text('folder').primaryKey(),
  uidValidity: text('uid_validity').notNull(),
  lastUid: integer('last_uid').notNull(),
  checkedAt: integer('checked_at').notNull(),
});

export type SubscriptionScope = 'campaign' | 'institution' | 'ask';
export type SubscriptionFrequency = 'immediate' | 'daily' | 'weekly';

/**
 * Followers: who asked to be told of changes to the whole campaign, one institution or one ask.
 * Only confirmed subscriptions get alerts; the token (stored as its SHA-256) confirms, manages
 * and unsubscribes; unsubscribing deletes the row.
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: integer('id').primaryKey(),
    email: text('email').notNull(),
    scope: text('scope').$type<SubscriptionScope>().notNull(),
    institutionId: integer('institution_id'),
    askId: integer('ask_id'),
    frequency: text('frequency').$type<SubscriptionFrequency>().notNull(),
    tokenHash: text('token_hash').notNull(),
    confirmedAt: integer('confirmed_at'),
    /** The revision of the public record up to which this follower has been told. */
    notifiedRevision: integer('notified_revision').notNull().default(0),
    lastSentAt: integer('last_sent_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('subscriptions_token').on(t.tokenHash),
    uniqueIndex('subscriptions_target').on(sql`${t.email} COLLATE NOCASE`, t.scope, sql`coalesce(${t.institutionId}, 0)`, sql`coalesce(${t.askId}, 0)`),
    index('subscriptions_due').on(t.frequency, t.confirmedAt),
    index('subscriptions_institution').on(t.institutionId),
  ],
);

/** When each periodic mail job last ran (the editors' daily email, the digests). */
export const mailRuns = sqliteTable('mail_runs', {
  name: text('name').primaryKey(),
  lastRunAt: integer('last_run_at').notNull(),
});

// ---- The public record, revision by revision ------------------------------------------------
//
// The tables above are the campaigners' working copy (drafts included). Every committed change
// to the public record is a numbered revision, and the public material is kept in the version
// tables below: each row is one state of one thing, valid from revision `rev_from` until the
// revision `rev_to` that replaced or removed it (null: still current). Nothing is overwritten,
// so the record can be read as it stood at any revision.

/** Numbered changes to the public record: when, by whom, what, and the public note if any. */
export const revisions = sqliteTable(
  'revisions',
  {
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    userId: integer('user_id'),
    actor: text('actor').notNull(),
    /** What was done, as in the audit log (`event.update`, `institution.create`…). */
    action: text('action').notNull(),
    /** The note shown to the public (corrections and deletions of published material). */
    note: text('note'),
    /** The event it is about, when it is about one. */
    eventId: integer('event_id'),
  },
  (t) => [index('revisions_at').on(t.at), index('revisions_event').on(t.eventId)],
);

/** Published events, each version valid over [rev_from, rev_to). Columns as in `events`. */
export const eventVersions = sqliteTable(
  'event_versions',
  {
    versionId: integer('version_id').primaryKey(),
    eventId: integer('event_id').notNull(),
    revFrom: integer('rev_from').notNull(),
    revTo: integer('rev_to'),
    type: text('type').$type<EventType>().notNull(),
    institutionId: integer('institution_id'),
    occurredAt: integer('occurred_at').notNull(),
    occurredOn: text('occurred_on').notNull(),
    hasTime: integer('has_time', { mode: 'boolean' }).notNull(),
    channel: text('channel').$type<Channel>(),
    fromName: text('from_name'),
    responseType: text('response_type').$type<ResponseType>(),
    answersEventId: integer('answers_event_id'),
    summary: text('summary').notNull(),
    quote: text('quote'),
    dueOn: text('due_on'),
  },
  (t) => [
    // The record as it stands now: the same shapes as the working copy's indexes.
    index('ev_now_timeline').on(t.occurredAt, t.eventId).where(sql`${t.revTo} IS NULL`),
    index('ev_now_institution').on(t.institutionId, t.occurredAt, t.eventId).where(sql`${t.revTo} IS NULL`),
    index('ev_now_figures').on(t.institutionId, t.type, t.occurredAt, t.eventId, t.responseType, t.occurredOn).where(sql`${t.revTo} IS NULL`),
    // The record at any revision: the same, carrying the revision columns.
    index('ev_timeline').on(t.occurredAt, t.eventId, t.revFrom, t.revTo),
    index('ev_institution').on(t.institutionId, t.occurredAt, t.eventId, t.revFrom, t.revTo),
    index('ev_figures').on(t.institutionId, t.type, t.occurredAt, t.eventId, t.responseType, t.occurredOn, t.revFrom, t.revTo),
    index('ev_event').on(t.eventId, t.revFrom),
    // What changed between two revisions, newest first, in the order /corrections lists it.
    index('ev_opened').on(t.revFrom, t.eventId),
    index('ev_closed').on(t.revTo, t.eventId),
  ],
);

export const eventVersionPositions = sqliteTable(
  'event_version_positions',
  {
    versionId: integer('version_id').notNull(),
    askId: integer('ask_id').notNull(),
    stance: text('stance').$type<Stance>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.askId] }), index('evp_ask').on(t.askId, t.stance)],
);

export const eventVersionSources = sqliteTable(
  'event_version_sources',
  {
    id: integer('id').primaryKey(),
    versionId: integer('version_id').notNull(),
    title: text('title').notNull(),
    url: text('url'),
    publisher: text('publisher'),
    publishedOn: text('published_on'),
  },
  (t) => [index('evs_version').on(t.versionId)],
);

/** The directory, each institution's versions; its other names as a JSON array. */
export const institutionVersions = sqliteTable(
  'institution_versions',
  {
    versionId: integer('version_id').primaryKey(),
    institutionId: integer('institution_id').notNull(),
    revFrom: integer('rev_from').notNull(),
    revTo: integer('rev_to'),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<InstitutionKind>().notNull(),
    code: text('code'),
    region: text('region'),
    country: text('country'),
    website: text('website'),
    active: integer('active', { mode: 'boolean' }).notNull(),
    successorId: integer('successor_id'),
    aliases: text('aliases').notNull(),
  },
  (t) => [
    uniqueIndex('iv_now').on(t.institutionId).where(sql`${t.revTo} IS NULL`),
    index('iv_institution').on(t.institutionId, t.revFrom, t.revTo),
    index('iv_slug').on(t.slug, t.revFrom),
    index('iv_rev').on(t.revFrom),
  ],
);

export const askVersions = sqliteTable(
  'ask_versions',
  {
    versionId: integer('version_id').primaryKey(),
    askId: integer('ask_id').notNull(),
    revFrom: integer('rev_from').notNull(),
    revTo: integer('rev_to'),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    sortOrder: integer('sort_order').notNull(),
  },
  (t) => [index('av_ask').on(t.askId, t.revFrom, t.revTo)],
);

export const campaignVersions = sqliteTable(
  'campaign_versions',
  {
    versionId: integer('version_id').primaryKey(),
    revFrom: integer('rev_from').notNull(),
    revTo: integer('rev_to'),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    website: text('website'),
    endedOn: text('ended_on'),
    outcome: text('outcome'),
    outcomeSources: text('outcome_sources').notNull().default('[]'),
  },
  (t) => [index('cv_rev').on(t.revFrom, t.revTo)],
);
