-- Redactions (issue 13): every version of an entry's redaction, kept as
-- data so it can be reopened and applied again to the original. Mirrored in
-- postgres/0014_redactions.sql. `source_image_id` is the participant's
-- original, which stays private and unchanged; `result_image_id` the new
-- master the entry shows from then on. A withdrawal deletes these rows and,
-- with them, both images.
CREATE TABLE redactions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id         BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    source_image_id  BIGINT NOT NULL REFERENCES images(id),
    result_image_id  BIGINT NOT NULL REFERENCES images(id),
    edit             TEXT NOT NULL,   -- JSON: regions, crop, turn (vitrine_core::redaction::Edit)
    note             TEXT NOT NULL,   -- the provenance note written when it was applied
    created_by       TEXT NOT NULL,   -- who applied it (display name, as in the audit log)
    created_at       TEXT NOT NULL    -- RFC 3339
);
CREATE INDEX redactions_entry ON redactions (entry_id);
