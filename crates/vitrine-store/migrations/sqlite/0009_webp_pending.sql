-- WebP versions are made by a background job after the JPEGs, so an import or
-- upload never waits for them. webp_pending marks the images still to do
-- (images stored before this migration already have their WebP versions).
ALTER TABLE images ADD COLUMN webp_pending BIGINT NOT NULL DEFAULT 0;
