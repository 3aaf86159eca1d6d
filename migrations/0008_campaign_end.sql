ALTER TABLE `campaign` ADD `ended_on` text;--> statement-breakpoint
ALTER TABLE `campaign` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `campaign` ADD `outcome_sources` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `campaign` ADD `stale_after_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `campaign_versions` ADD `ended_on` text;--> statement-breakpoint
ALTER TABLE `campaign_versions` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `campaign_versions` ADD `outcome_sources` text DEFAULT '[]' NOT NULL;