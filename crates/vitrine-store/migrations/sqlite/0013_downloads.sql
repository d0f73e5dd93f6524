-- Exports made in the workspace as ZIP files to download (issue 12): each
-- request, its progress while a background job writes it, and the private
-- blob it ends in. Mirrored in postgres/0013_downloads.sql. The export
-- itself, and each download of it, are also in the export registry
-- (`exports`), so a withdrawal lists them.
CREATE TABLE downloads (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id         BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,            -- site or archive
    release_version  BIGINT NOT NULL,
    originals        BIGINT NOT NULL DEFAULT 0, -- 1: an archive with originals
    requested_by     TEXT NOT NULL,
    state            TEXT NOT NULL,            -- queued, running, ready, failed, removed
    done             BIGINT NOT NULL DEFAULT 0, -- files written so far
    total            BIGINT NOT NULL DEFAULT 0, -- files to write, once known
    problem          TEXT,                     -- why it failed, for the person
    file_name        TEXT NOT NULL,            -- the name it downloads as
    blob             TEXT,                     -- the private blob, once ready
    bytes            BIGINT,
    export_id        BIGINT REFERENCES exports(id) ON DELETE SET NULL, -- its registry row, once ready
    created_at       TEXT NOT NULL,            -- RFC 3339
    updated_at       TEXT NOT NULL
);
CREATE INDEX downloads_study ON downloads (study_id);
