-- Whether an uploaded image's own metadata recorded where it was taken (EXIF
-- GPS), issue 13. Never published (no metadata is); it tells the photo's
-- reviewer to look at the picture for places. Mirrored in
-- postgres/0015_image_location.sql.
ALTER TABLE images ADD COLUMN records_location BIGINT NOT NULL DEFAULT 0;
