CREATE TABLE `pending_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`content` blob NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pending_imports_expires` ON `pending_imports` (`expires_at`);--> statement-breakpoint
CREATE INDEX `pending_imports_user` ON `pending_imports` (`user_id`);