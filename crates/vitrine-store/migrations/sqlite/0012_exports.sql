-- The export registry (issue 12): every export made from a Release, who made
-- it, when and where it went, and which entries it held, so a withdrawal can
-- list the off-line copies to recall. Mirrored in postgres/0012_exports.sql.
-- Rows name entries by id only (no words), and stay after a withdrawal: they
-- are the record of where the entry went.
CREATE TABLE exports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id         BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,            -- site, study, archive, ...
    release_version  BIGINT NOT NULL,
    destination      TEXT NOT NULL,            -- a folder or file on the server, or "download"
    actor            TEXT NOT NULL,
    created_at       TEXT NOT NULL             -- RFC 3339
);
CREATE INDEX exports_study ON exports (study_id);

CREATE TABLE export_entries (
    export_id  BIGINT NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
    entry_id   BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    PRIMARY KEY (export_id, entry_id)
);
CREATE INDEX export_entries_entry ON export_entries (entry_id);
