CREATE TABLE `ask_versions` (
	`version_id` integer PRIMARY KEY NOT NULL,
	`ask_id` integer NOT NULL,
	`rev_from` integer NOT NULL,
	`rev_to` integer,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`sort_order` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `av_ask` ON `ask_versions` (`ask_id`,`rev_from`,`rev_to`);--> statement-breakpoint
CREATE TABLE `campaign_versions` (
	`version_id` integer PRIMARY KEY NOT NULL,
	`rev_from` integer NOT NULL,
	`rev_to` integer,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`website` text
);
--> statement-breakpoint
CREATE INDEX `cv_rev` ON `campaign_versions` (`rev_from`,`rev_to`);--> statement-breakpoint
CREATE TABLE `event_version_positions` (
	`version_id` integer NOT NULL,
	`ask_id` integer NOT NULL,
	`stance` text NOT NULL,
	PRIMARY KEY(`version_id`, `ask_id`)
);
--> statement-breakpoint
CREATE INDEX `evp_ask` ON `event_version_positions` (`ask_id`,`stance`);--> statement-breakpoint
CREATE TABLE `event_version_sources` (
	`id` integer PRIMARY KEY NOT NULL,
	`version_id` integer NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`publisher` text,
	`published_on` text
);
--> statement-breakpoint
CREATE INDEX `evs_version` ON `event_version_sources` (`version_id`);--> statement-breakpoint
CREATE TABLE `event_versions` (
	`version_id` integer PRIMARY KEY NOT NULL,
	`event_id` integer NOT NULL,
	`rev_from` integer NOT NULL,
	`rev_to` integer,
	`type` text NOT NULL,
	`institution_id` integer,
	`occurred_at` integer NOT NULL,
	`occurred_on` text NOT NULL,
	`has_time` integer NOT NULL,
	`channel` text,
	`from_name` text,
	`response_type` text,
	`answers_event_id` integer,
	`summary` text NOT NULL,
	`quote` text,
	`due_on` text
);
--> statement-breakpoint
CREATE INDEX `ev_now_timeline` ON `event_versions` (`occurred_at`,`event_id`) WHERE "event_versions"."rev_to" IS NULL;--> statement-breakpoint
CREATE INDEX `ev_now_institution` ON `event_versions` (`institution_id`,`occurred_at`,`event_id`) WHERE "event_versions"."rev_to" IS NULL;--> statement-breakpoint
CREATE INDEX `ev_now_figures` ON `event_versions` (`institution_id`,`type`,`occurred_at`,`event_id`,`response_type`,`occurred_on`) WHERE "event_versions"."rev_to" IS NULL;--> statement-breakpoint
CREATE INDEX `ev_timeline` ON `event_versions` (`occurred_at`,`event_id`,`rev_from`,`rev_to`);--> statement-breakpoint
CREATE INDEX `ev_institution` ON `event_versions` (`institution_id`,`occurred_at`,`event_id`,`rev_from`,`rev_to`);--> statement-breakpoint
CREATE INDEX `ev_figures` ON `event_versions` (`institution_id`,`type`,`occurred_at`,`event_id`,`response_type`,`occurred_on`,`rev_from`,`rev_to`);--> statement-breakpoint
CREATE INDEX `ev_event` ON `event_versions` (`event_id`,`rev_from`);--> statement-breakpoint
CREATE INDEX `ev_rev_from` ON `event_versions` (`rev_from`);--> statement-breakpoint
CREATE INDEX `ev_rev_to` ON `event_versions` (`rev_to`);--> statement-breakpoint
CREATE TABLE `institution_versions` (
	`version_id` integer PRIMARY KEY NOT NULL,
	`institution_id` integer NOT NULL,
	`rev_from` integer NOT NULL,
	`rev_to` integer,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`code` text,
	`region` text,
	`country` text,
	`website` text,
	`active` integer NOT NULL,
	`successor_id` integer,
	`aliases` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `iv_now` ON `institution_versions` (`institution_id`) WHERE "institution_versions"."rev_to" IS NULL;--> statement-breakpoint
CREATE INDEX `iv_institution` ON `institution_versions` (`institution_id`,`rev_from`,`rev_to`);--> statement-breakpoint
CREATE INDEX `iv_slug` ON `institution_versions` (`slug`,`rev_from`);--> statement-breakpoint
CREATE INDEX `iv_rev` ON `institution_versions` (`rev_from`);--> statement-breakpoint
CREATE TABLE `revisions` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`user_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`note` text,
	`event_id` integer
);
--> statement-breakpoint
CREATE INDEX `revisions_at` ON `revisions` (`at`);--> statement-breakpoint
CREATE INDEX `revisions_event` ON `revisions` (`event_id`);--> statement-breakpoint
-- Existing records: each correction note made before revisions were kept becomes a revision of
-- its own (the earlier states themselves were not kept), then one revision holds the public
-- record as it stood. A new, empty database gets its first revision when the shipped data loads.
INSERT INTO `revisions` (`at`, `user_id`, `actor`, `action`, `note`, `event_id`)
  SELECT c.`at`, c.`user_id`, coalesce(u.`name`, 'a campaigner'), 'event.update', c.`note`, c.`event_id`
  FROM `corrections` c LEFT JOIN `users` u ON u.`id` = c.`user_id` ORDER BY c.`at`, c.`id`;--> statement-breakpoint
INSERT INTO `revisions` (`at`, `user_id`, `actor`, `action`, `note`)
  SELECT unixepoch() * 1000, NULL, 'the tracker', 'record.revisions_begin', NULL
  WHERE EXISTS (SELECT 1 FROM `campaign`) OR EXISTS (SELECT 1 FROM `institutions`) OR EXISTS (SELECT 1 FROM `events`);--> statement-breakpoint
INSERT INTO `campaign_versions` (`rev_from`, `title`, `summary`, `website`)
  SELECT (SELECT max(`id`) FROM `revisions`), `title`, `summary`, `website` FROM `campaign`;--> statement-breakpoint
INSERT INTO `ask_versions` (`ask_id`, `rev_from`, `slug`, `title`, `description`, `sort_order`)
  SELECT `id`, (SELECT max(`id`) FROM `revisions`), `slug`, `title`, `description`, `sort_order` FROM `asks`;--> statement-breakpoint
INSERT INTO `institution_versions` (`institution_id`, `rev_from`, `slug`, `name`, `kind`, `code`, `region`, `country`, `website`, `active`, `successor_id`, `aliases`)
  SELECT i.`id`, (SELECT max(`id`) FROM `revisions`), i.`slug`, i.`name`, i.`kind`, i.`code`, i.`region`, i.`country`, i.`website`, i.`active`, i.`successor_id`,
    (SELECT coalesce(json_group_array(a.`alias`), '[]') FROM (SELECT `alias` FROM `institution_aliases` WHERE `institution_id` = i.`id` ORDER BY `id`) a)
  FROM `institutions` i;--> statement-breakpoint
INSERT INTO `event_versions` (`event_id`, `rev_from`, `type`, `institution_id`, `occurred_at`, `occurred_on`, `has_time`, `channel`, `from_name`, `response_type`, `answers_event_id`, `summary`, `quote`, `due_on`)
  SELECT `id`, (SELECT max(`id`) FROM `revisions`), `type`, `institution_id`, `occurred_at`, `occurred_on`, `has_time`, `channel`, `from_name`, `response_type`, `answers_event_id`, `summary`, `quote`, `due_on`
  FROM `events` WHERE `status` = 'published' AND `deleted_at` IS NULL ORDER BY `id`;--> statement-breakpoint
INSERT INTO `event_version_positions` (`version_id`, `ask_id`, `stance`)
  SELECT v.`version_id`, p.`ask_id`, p.`stance` FROM `event_positions` p JOIN `event_versions` v ON v.`event_id` = p.`event_id`;--> statement-breakpoint
INSERT INTO `event_version_sources` (`version_id`, `title`, `url`, `publisher`, `published_on`)
  SELECT v.`version_id`, s.`title`, s.`url`, s.`publisher`, s.`published_on` FROM `event_sources` s JOIN `event_versions` v ON v.`event_id` = s.`event_id` ORDER BY s.`id`;--> statement-breakpoint
DROP TABLE `corrections`;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `revision_id` integer;