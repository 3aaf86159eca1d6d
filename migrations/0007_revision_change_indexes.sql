DROP INDEX `ev_rev_from`;--> statement-breakpoint
DROP INDEX `ev_rev_to`;--> statement-breakpoint
CREATE INDEX `ev_opened` ON `event_versions` (`rev_from`,`event_id`);--> statement-breakpoint
CREATE INDEX `ev_closed` ON `event_versions` (`rev_to`,`event_id`);