CREATE TABLE `bank_holidays` (
	`date` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`added_at` integer NOT NULL,
	`added_by` text NOT NULL
);
