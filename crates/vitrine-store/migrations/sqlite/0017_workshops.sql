-- Workshop sessions (issue 14): a facilitator's choice of published entries
-- in an order, each with the questions to ask, presented from the workspace
-- or through an unlisted link that expires. Mirrored in
-- postgres/0017_workshops.sql. A withdrawal deletes the entry's items.
CREATE TABLE workshops (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id       BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    created_by     TEXT NOT NULL,     -- display name, as in the audit log
    created_at     TEXT NOT NULL,     -- RFC 3339
    share_token    TEXT UNIQUE,       -- 32 hex characters, NULL when not shared
    share_expires  TEXT               -- RFC 3339; the link answers 404 from then on
);
CREATE INDEX workshops_study ON workshops (study_id);
CREATE TABLE workshop_items (
    workshop_id    BIGINT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    ord            BIGINT NOT NULL,
    entry_id       BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    questions      TEXT,              -- Markdown subset of vitrine_core::guide
    PRIMARY KEY (workshop_id, ord)
);
CREATE INDEX workshop_items_entry ON workshop_items (entry_id);
