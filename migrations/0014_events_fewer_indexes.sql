DROP INDEX `events_timeline`;--> statement-breakpoint
DROP INDEX `events_type`;--> statement-breakpoint
DROP INDEX `events_figures`;--> statement-breakpoint
CREATE INDEX `events_drafts` ON `events` (`occurred_at`,`id`) WHERE "events"."status" = 'draft' AND "events"."deleted_at" IS NULL;