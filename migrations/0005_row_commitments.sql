-- Version 5: tamper evidence over every table. Each audit event now also commits to the content of every row its
-- change inserted (`rows`, covered by the event's hash); `audit_marks` remembers how far each table is committed so
-- the next event commits what came after (a cache: verification never trusts it). The tables that had no guard
-- become append-only like the rest: nothing in the application updates or deletes a row of any table.

ALTER TABLE audit_events ADD COLUMN rows TEXT;

CREATE TABLE audit_marks (
    tbl        TEXT PRIMARY KEY,
    last_rowid INTEGER NOT NULL
);

CREATE TRIGGER launches_no_update BEFORE UPDATE ON launches
BEGIN SELECT RAISE(ABORT, 'launches are append-only'); END;
CREATE TRIGGER launches_no_delete BEFORE DELETE ON launches
BEGIN SELECT RAISE(ABORT, 'launches are append-only'); END;
CREATE TRIGGER launch_targets_no_update BEFORE UPDATE ON launch_targets
BEGIN SELECT RAISE(ABORT, 'launch targets are append-only'); END;
CREATE TRIGGER launch_targets_no_delete BEFORE DELETE ON launch_targets
BEGIN SELECT RAISE(ABORT, 'launch targets are append-only'); END;
CREATE TRIGGER launch_owners_no_update BEFORE UPDATE ON launch_owners
BEGIN SELECT RAISE(ABORT, 'launch owners are append-only'); END;
CREATE TRIGGER launch_owners_no_delete BEFORE DELETE ON launch_owners
BEGIN SELECT RAISE(ABORT, 'launch owners are append-only'); END;
CREATE TRIGGER launch_private_terms_no_update BEFORE UPDATE ON launch_private_terms
BEGIN SELECT RAISE(ABORT, 'private terms are append-only'); END;
CREATE TRIGGER launch_private_terms_no_delete BEFORE DELETE ON launch_private_terms
BEGIN SELECT RAISE(ABORT, 'private terms are append-only'); END;
CREATE TRIGGER launch_templates_no_update BEFORE UPDATE ON launch_templates
BEGIN SELECT RAISE(ABORT, 'launch templates are append-only'); END;
CREATE TRIGGER launch_templates_no_delete BEFORE DELETE ON launch_templates
BEGIN SELECT RAISE(ABORT, 'launch templates are append-only'); END;
CREATE TRIGGER items_no_update BEFORE UPDATE ON items
BEGIN SELECT RAISE(ABORT, 'items are append-only'); END;
CREATE TRIGGER items_no_delete BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items are append-only'); END;
CREATE TRIGGER files_no_update BEFORE UPDATE ON files
BEGIN SELECT RAISE(ABORT, 'stored files are append-only'); END;
CREATE TRIGGER files_no_delete BEFORE DELETE ON files
BEGIN SELECT RAISE(ABORT, 'stored files are append-only'); END;
