-- Durable background jobs: any instance may claim one; a claim is a lease that
-- runs out, so a job whose instance died is picked up again by another.
-- Times are Unix milliseconds (BIGINT) so both backends compare them the same way.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,          -- JSON
    dedupe_key    TEXT UNIQUE,            -- at most one job per key, ever
    state         TEXT NOT NULL,          -- queued | running | done | failed
    attempts      BIGINT NOT NULL,
    run_after     BIGINT NOT NULL,
    locked_by     TEXT,
    locked_until  BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
