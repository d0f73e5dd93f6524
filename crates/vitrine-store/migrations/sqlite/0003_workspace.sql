-- The curator workspace: accounts, server-side sessions, login throttling, the
-- hash-chained audit log, de-identification sign-off, and withdrawal.
-- Mirrored in migrations/postgres/0003_workspace.sql; times in Unix ms (BIGINT)
-- where the server compares them, RFC 3339 text where people read them.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT NOT NULL UNIQUE,     -- lower-cased
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,            -- argon2id PHC string
    is_admin       BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- A user's role in one study: owner, curator, reviewer or facilitator.
CREATE TABLE memberships (
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    study_id  BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    PRIMARY KEY (user_id, study_id)
);

-- Server-side sessions: the cookie holds a random token, the table its SHA-256,
-- so a copy of the database cannot be replayed as a cookie.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per account and per address, for throttling.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    subject  TEXT NOT NULL,                  -- "account:EMAIL" or "address:IP"
    at       BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- The audit log. Each row's hash covers the previous row's hash and its own
-- fields, including the hash of its payload; the payload (before/after values)
-- lives apart so a withdrawal can erase withdrawn content without breaking the
-- chain. audit_head is the single row every audited write locks first.
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY,
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    study_id      BIGINT,                    -- no foreign key: the log outlives what it names
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    payload_hash  TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_study ON audit_log (study_id, seq);

CREATE TABLE audit_payloads (
    seq             BIGINT PRIMARY KEY,
    entry_id        BIGINT,
    participant_id  BIGINT,
    body            TEXT NOT NULL            -- JSON: salt, before, after
);
CREATE INDEX audit_payloads_entry ON audit_payloads (entry_id);
CREATE INDEX audit_payloads_participant ON audit_payloads (participant_id);

ALTER TABLE entries ADD COLUMN updated_by BIGINT;
ALTER TABLE entries ADD COLUMN withdrawn_at TEXT;

-- De-identification sign-off (ETH-08, ETH-09): the checklist and who completed
-- it, then a different person's approval. The fingerprint covers the image,
-- caption and alt text as checked; when they change the sign-off is void.
CREATE TABLE entry_reviews (
    entry_id          BIGINT PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    checklist         TEXT NOT NULL,         -- JSON
    checked_by        TEXT NOT NULL,
    checked_by_user   BIGINT,
    checked_at        TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    approved_by       TEXT,
    approved_by_user  BIGINT,
    approved_at       TEXT
);

ALTER TABLE consents ADD COLUMN note TEXT;
ALTER TABLE consents ADD COLUMN form_key TEXT;       -- uploaded form, in the private vault
ALTER TABLE consents ADD COLUMN recorded_by TEXT;

-- Real name and contact details, encrypted with a key kept outside the database.
ALTER TABLE participants ADD COLUMN identity TEXT;

-- Which entry each published entry slug was, per Release: staff-side only, so a
-- withdrawal can find every Release that showed an entry.
CREATE TABLE release_entries (
    release_id  BIGINT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    entry_id    BIGINT NOT NULL,
    slug        TEXT NOT NULL,
    PRIMARY KEY (release_id, entry_id)
);
CREATE INDEX release_entries_entry ON release_entries (entry_id);
