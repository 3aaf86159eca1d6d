-- Full-text search over the public record (SQLite FTS5). Each index row is one version, under
-- that version's id as its rowid, so a search reads the record as it stood at any revision: join
-- back on the rowid with the revision conditions the other queries use.
--
-- event_search: one row per event version: its summary, quote, who made the approach, and its
-- sources' titles and publishers. institution_search: one row per institution version: its name
-- and its other names. They are kept apart because an event is shown with its institution as the
-- directory stood at the revision read, which a rename may have changed since the event's version
-- was written: a search matches the names the page shows.
--
-- Triggers keep both in step with every write of the version tables, in the same transaction.
CREATE VIRTUAL TABLE `event_search` USING fts5(`summary`, `quote`, `from_name`, `sources`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `institution_search` USING fts5(`name`, `other_names`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `event_versions_search_insert` AFTER INSERT ON `event_versions` BEGIN
  INSERT INTO `event_search` (`rowid`, `summary`, `quote`, `from_name`, `sources`)
  VALUES (new.`version_id`, new.`summary`, coalesce(new.`quote`, ''), coalesce(new.`from_name`, ''),
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = new.`version_id`));
END;
--> statement-breakpoint
CREATE TRIGGER `event_versions_search_update` AFTER UPDATE OF `version_id`, `summary`, `quote`, `from_name` ON `event_versions` BEGIN
  DELETE FROM `event_search` WHERE `rowid` = old.`version_id`;
  INSERT INTO `event_search` (`rowid`, `summary`, `quote`, `from_name`, `sources`)
  VALUES (new.`version_id`, new.`summary`, coalesce(new.`quote`, ''), coalesce(new.`from_name`, ''),
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = new.`version_id`));
END;
--> statement-breakpoint
CREATE TRIGGER `event_versions_search_delete` AFTER DELETE ON `event_versions` BEGIN
  DELETE FROM `event_search` WHERE `rowid` = old.`version_id`;
END;
--> statement-breakpoint
-- A version's sources are written after the version itself: each one written, changed or removed
-- rewrites the version's sources in the index.
CREATE TRIGGER `event_version_sources_search_insert` AFTER INSERT ON `event_version_sources` BEGIN
  UPDATE `event_search` SET `sources` =
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = new.`version_id`)
  WHERE `rowid` = new.`version_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `event_version_sources_search_update` AFTER UPDATE ON `event_version_sources` BEGIN
  UPDATE `event_search` SET `sources` =
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = old.`version_id`)
  WHERE `rowid` = old.`version_id`;
  UPDATE `event_search` SET `sources` =
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = new.`version_id`)
  WHERE `rowid` = new.`version_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `event_version_sources_search_delete` AFTER DELETE ON `event_version_sources` BEGIN
  UPDATE `event_search` SET `sources` =
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = old.`version_id`)
  WHERE `rowid` = old.`version_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `institution_versions_search_insert` AFTER INSERT ON `institution_versions` BEGIN
  INSERT INTO `institution_search` (`rowid`, `name`, `other_names`)
  VALUES (new.`version_id`, new.`name`, (SELECT coalesce(group_concat(a.`value`, ' '), '') FROM json_each(new.`aliases`) a));
END;
--> statement-breakpoint
CREATE TRIGGER `institution_versions_search_update` AFTER UPDATE OF `version_id`, `name`, `aliases` ON `institution_versions` BEGIN
  DELETE FROM `institution_search` WHERE `rowid` = old.`version_id`;
  INSERT INTO `institution_search` (`rowid`, `name`, `other_names`)
  VALUES (new.`version_id`, new.`name`, (SELECT coalesce(group_concat(a.`value`, ' '), '') FROM json_each(new.`aliases`) a));
END;
--> statement-breakpoint
CREATE TRIGGER `institution_versions_search_delete` AFTER DELETE ON `institution_versions` BEGIN
  DELETE FROM `institution_search` WHERE `rowid` = old.`version_id`;
END;
--> statement-breakpoint
-- Existing records: every version already written, of every revision.
INSERT INTO `event_search` (`rowid`, `summary`, `quote`, `from_name`, `sources`)
  SELECT v.`version_id`, v.`summary`, coalesce(v.`quote`, ''), coalesce(v.`from_name`, ''),
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = v.`version_id`)
  FROM `event_versions` v;
--> statement-breakpoint
INSERT INTO `institution_search` (`rowid`, `name`, `other_names`)
  SELECT v.`version_id`, v.`name`, (SELECT coalesce(group_concat(a.`value`, ' '), '') FROM json_each(v.`aliases`) a)
  FROM `institution_versions` v;
