-- A Release's entries, stored apart from the rest of it (releases.body, the
-- "head": the study's texts, its prompts with no entries, themes, changelog)
-- in parts of at most 100 entries of one prompt, in order. A large Release is
-- then written and rewritten a part at a time, never as one JSON body held
-- several times over. Releases written before this have their entries in the
-- body and no parts; both read the same. Mirrored in sqlite/0019_release_parts.sql.
CREATE TABLE release_parts (
    release_id  BIGINT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    part        BIGINT NOT NULL,   -- 0, 1, 2… in reading order
    body        TEXT NOT NULL,     -- {"prompt": index in the head's prompts, "entries": [...]}
    PRIMARY KEY (release_id, part)
);
