-- A version's sources may be written before the version itself: an import writes the versions of
-- all the events it adds together, once their sources are written, and the version's own trigger
-- (event_versions_search_insert) then indexes it with its sources at once. The trigger of each
-- source only updates the index of a version already written: for a version not written yet it
-- has nothing to update, and skipping it spares FTS5 a lookup for each source.
DROP TRIGGER `event_version_sources_search_insert`;
--> statement-breakpoint
CREATE TRIGGER `event_version_sources_search_insert` AFTER INSERT ON `event_version_sources`
WHEN EXISTS (SELECT 1 FROM `event_versions` v WHERE v.`version_id` = new.`version_id`) BEGIN
  UPDATE `event_search` SET `sources` =
    (SELECT coalesce(group_concat(s.`title` || ' ' || coalesce(s.`publisher`, ''), ' '), '') FROM `event_version_sources` s WHERE s.`version_id` = new.`version_id`)
  WHERE `rowid` = new.`version_id`;
END;
