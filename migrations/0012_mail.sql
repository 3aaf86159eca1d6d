CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`source` text NOT NULL,
	`inbound_message_id` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attachments_event` ON `attachments` (`event_id`);--> statement-breakpoint
CREATE INDEX `attachments_sha256` ON `attachments` (`sha256`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` text,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`folder` text NOT NULL,
	`uid` integer,
	`received_at` integer NOT NULL,
	`from_address` text,
	`from_name` text,
	`to_addresses` text DEFAULT '' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`automatic` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`matched_by` text,
	`approach_event_id` integer,
	`event_id` integer,
	`problem` text,
	`handled_by` text,
	`handled_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_sha256` ON `inbound_messages` (`sha256`);--> statement-breakpoint
CREATE INDEX `inbound_message_id` ON `inbound_messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `inbound_status` ON `inbound_messages` (`status`,`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `inbound_approach` ON `inbound_messages` (`approach_event_id`);--> statement-breakpoint
CREATE TABLE `mail_runs` (
	`name` text PRIMARY KEY NOT NULL,
	`last_run_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mailbox_cursors` (
	`folder` text PRIMARY KEY NOT NULL,
	`uid_validity` text NOT NULL,
	`last_uid` integer NOT NULL,
	`checked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`event_id` integer,
	`subscription_id` integer,
	`to_address` text NOT NULL,
	`from_address` text NOT NULL,
	`reply_to` text,
	`reply_token` text,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`headers` text DEFAULT '{}' NOT NULL,
	`message_id` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`sent_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_event` ON `outbox` (`event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_message_id` ON `outbox` (`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_reply_token` ON `outbox` (`reply_token`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`scope` text NOT NULL,
	`institution_id` integer,
	`ask_id` integer,
	`frequency` text NOT NULL,
	`token_hash` text NOT NULL,
	`confirmed_at` integer,
	`notified_revision` integer DEFAULT 0 NOT NULL,
	`last_sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_token` ON `subscriptions` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_target` ON `subscriptions` ("email" COLLATE NOCASE,`scope`,coalesce("institution_id", 0),coalesce("ask_id", 0));--> statement-breakpoint
CREATE INDEX `subscriptions_due` ON `subscriptions` (`frequency`,`confirmed_at`);--> statement-breakpoint
CREATE INDEX `subscriptions_institution` ON `subscriptions` (`institution_id`);--> statement-breakpoint
ALTER TABLE `institutions` ADD `email` text;--> statement-breakpoint
ALTER TABLE `institutions` ADD `email_public` integer DEFAULT false NOT NULL;