CREATE TABLE `asks` (
	`id` integer PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `asks_slug_unique` ON `asks` (`slug`);--> statement-breakpoint
CREATE TABLE `campaign` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`website` text,
	`reply_window_default` integer DEFAULT 10 NOT NULL,
	`reply_window_foi` integer DEFAULT 20 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `event_positions` (
	`event_id` integer NOT NULL,
	`ask_id` integer NOT NULL,
	`stance` text NOT NULL,
	PRIMARY KEY(`event_id`, `ask_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ask_id`) REFERENCES `asks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_positions_ask` ON `event_positions` (`ask_id`,`stance`);--> statement-breakpoint
CREATE TABLE `event_sources` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_id` integer NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`publisher` text,
	`published_on` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_sources_event` ON `event_sources` (`event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`institution_id` integer,
	`occurred_at` integer NOT NULL,
	`occurred_on` text NOT NULL,
	`has_time` integer DEFAULT false NOT NULL,
	`channel` text,
	`from_name` text,
	`response_type` text,
	`answers_event_id` integer,
	`summary` text NOT NULL,
	`quote` text,
	`due_on` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_timeline` ON `events` (`status`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_institution` ON `events` (`institution_id`,`status`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_type` ON `events` (`type`,`status`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `institution_aliases` (
	`id` integer PRIMARY KEY NOT NULL,
	`institution_id` integer NOT NULL,
	`alias` text NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `institutions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `institution_aliases_institution` ON `institution_aliases` (`institution_id`);--> statement-breakpoint
CREATE INDEX `institution_aliases_alias` ON `institution_aliases` ("alias" COLLATE NOCASE);--> statement-breakpoint
CREATE TABLE `institutions` (
	`id` integer PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`code` text,
	`region` text,
	`country` text,
	`website` text,
	`active` integer DEFAULT true NOT NULL,
	`successor_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `institutions_slug` ON `institutions` (`slug`);--> statement-breakpoint
CREATE INDEX `institutions_name` ON `institutions` ("name" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `institutions_code` ON `institutions` ("code" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `institutions_kind` ON `institutions` (`kind`);--> statement-breakpoint
CREATE INDEX `institutions_region` ON `institutions` (`region`);