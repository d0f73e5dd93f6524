-- Visitors' reflections (issue 14): answers to the study's reflection
-- question for an entry (or the whole gallery, entry_id NULL), given after
-- a consent statement for research use, held for moderation. No address or
-- other identifier of the visitor is stored. A withdrawal deletes the
-- entry's reflections with it. Mirrored in postgres/0018_reflections.sql.
CREATE TABLE reflections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id       BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    entry_id       BIGINT REFERENCES entries(id) ON DELETE CASCADE,
    release_version BIGINT NOT NULL,  -- the Release the visitor was reading
    reflects       BIGINT,            -- 1 (not at all) to 5 (completely), NULL if not answered
    role           TEXT,              -- what the visitor said they do, optional
    body           TEXT NOT NULL,
    state          TEXT NOT NULL,     -- pending, approved or rejected
    created_at     TEXT NOT NULL,     -- RFC 3339
    moderated_at   TEXT,
    moderated_by   TEXT               -- display name, as in the audit log
);
CREATE INDEX reflections_study ON reflections (study_id, state);
CREATE INDEX reflections_entry ON reflections (entry_id);
