-- Counts in-place changes to a stored Release (a withdrawal's redaction, WebP
-- versions added), so a server's cache of parsed Releases, keyed by id and
-- revision, never serves a body that has since changed.
ALTER TABLE releases ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
