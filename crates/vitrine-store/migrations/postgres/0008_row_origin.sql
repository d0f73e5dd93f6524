-- Which rows a study-folder import owns. A re-import removes the prompts,
-- themes, participants and entries its folder no longer lists, but only those
-- it created: rows added in the workspace (uploads, new prompts, participants)
-- are never removed by importing a folder that does not know them.
-- Every row that exists when this runs came from an import (the workspace
-- ships with it).
ALTER TABLE prompts ADD COLUMN from_import BIGINT NOT NULL DEFAULT 0;
ALTER TABLE themes ADD COLUMN from_import BIGINT NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN from_import BIGINT NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN from_import BIGINT NOT NULL DEFAULT 0;
UPDATE prompts SET from_import = 1;
UPDATE themes SET from_import = 1;
UPDATE participants SET from_import = 1;
UPDATE entries SET from_import = 1;
