-- Whether an uploaded image's own metadata recorded where it was taken (EXIF
-- GPS), issue 13. Never published (no metadata is); it tells the photo's
-- reviewer to look at the picture for places. Mirrored in
-- sqlite/0015_image_location.sql.
ALTER TABLE images ADD COLUMN records_location BIGINT NOT NULL DEFAULT 0;
-- Face suggestions for redaction (issue 13): boxes where the local detector
-- saw a face, as JSON in the upright original's pixels, kept once made so
-- the studio opens at once; NULL until first looked for. Boxes only: no
-- face embeddings, nothing that recognises anyone.
ALTER TABLE images ADD COLUMN faces TEXT;
-- A version in `redactions` is either a redaction of the original or, for a
-- substitute (issue 13), a researcher-made illustration shown in its place
-- (the entry becomes I; the participant's original stays private).
ALTER TABLE redactions ADD COLUMN kind TEXT NOT NULL DEFAULT 'redaction';
