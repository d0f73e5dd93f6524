-- The consent register (ETH-03): how each consent was taken (written, verbal
-- or recorded) and by whom. Consent rows are never updated: a renewal, an
-- amendment or a withdrawal adds a row, and the latest row is the current one.
-- Mirrored in migrations/sqlite and migrations/postgres.

ALTER TABLE consents ADD COLUMN method TEXT;
ALTER TABLE consents ADD COLUMN taken_by TEXT;
