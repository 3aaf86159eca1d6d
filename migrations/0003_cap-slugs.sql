-- Addresses made from very long names (before names and slugs were bounded) could not be
-- requested at all (414/431). Shorten them, keeping them unique with the institution's id.
UPDATE institutions SET slug = rtrim(substr(slug, 1, 60), '-') || '-' || id WHERE length(slug) > 80;
