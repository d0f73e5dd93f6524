-- Discussion guides (issue 14): questions for discussing each prompt's
-- entries, in the Markdown subset of vitrine_core::guide. The study's own
-- guide is part of its info (JSON). Mirrored in postgres/0016_guides.sql.
ALTER TABLE prompts ADD COLUMN guide TEXT;
