-- Vitrine's first schema. Portable SQL on purpose: the PostgreSQL migrations mirror
-- this file table for table, with BIGINT identity keys instead of INTEGER PRIMARY KEY.
-- Import keys are the ids researchers use in their spreadsheets; they stay internal.

CREATE TABLE studies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    info        TEXT NOT NULL,          -- StudyInfo as JSON
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id    BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    import_key  TEXT NOT NULL,
    ord         BIGINT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    note        TEXT,
    UNIQUE (study_id, import_key)
);

CREATE TABLE themes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id    BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    import_key  TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    UNIQUE (study_id, import_key)
);

CREATE TABLE participants (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id    BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    import_key  TEXT NOT NULL,
    pseudonym   TEXT NOT NULL,
    role        TEXT,
    UNIQUE (study_id, import_key)
);

CREATE TABLE consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id BIGINT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    scopes         TEXT NOT NULL,       -- ';'-separated ConsentScope names
    given_on       TEXT NOT NULL,       -- YYYY-MM-DD
    form_version   TEXT NOT NULL,
    expires_on     TEXT,
    withdrawn_on   TEXT,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX consents_participant ON consents (participant_id);

CREATE TABLE images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256       TEXT NOT NULL UNIQUE,  -- of the original bytes
    original_key TEXT NOT NULL,         -- blob key in the private vault
    media_type   TEXT NOT NULL,
    byte_size    BIGINT NOT NULL,
    width        BIGINT NOT NULL,       -- upright
    height       BIGINT NOT NULL,
    color        TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE derivatives (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id    BIGINT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    media_key   TEXT NOT NULL UNIQUE,   -- content-addressed public file name
    width       BIGINT NOT NULL,
    height      BIGINT NOT NULL,
    media_type  TEXT NOT NULL,
    byte_size   BIGINT NOT NULL
);
CREATE INDEX derivatives_image ON derivatives (image_id);

CREATE TABLE entries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id         BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    import_key       TEXT NOT NULL,
    prompt_id        BIGINT NOT NULL REFERENCES prompts(id),
    ord              BIGINT NOT NULL,
    participant_id   BIGINT NOT NULL REFERENCES participants(id),
    title            TEXT,
    provenance       TEXT NOT NULL,
    image_id         BIGINT REFERENCES images(id),
    caption          TEXT NOT NULL,
    quote            TEXT,
    alt              TEXT,
    long_description TEXT,
    description      TEXT,
    provenance_note  TEXT,
    creator          TEXT,
    licence          TEXT,
    content_note     TEXT,
    UNIQUE (study_id, import_key)
);

CREATE TABLE entry_themes (
    entry_id  BIGINT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    theme_id  BIGINT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, theme_id)
);

CREATE TABLE releases (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id     BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    published_at TEXT NOT NULL,
    body         TEXT NOT NULL,         -- the Release as JSON
    UNIQUE (study_id, version)
);

-- Which public derivatives each Release shows, so serving /media/KEY is one lookup.
CREATE TABLE release_media (
    release_id  BIGINT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    media_key   TEXT NOT NULL,
    PRIMARY KEY (release_id, media_key)
);
CREATE INDEX release_media_key ON release_media (media_key);
