-- Version 3: role signoffs and go / no-go decisions. Both are append-only: a renewed signoff is a new row that
-- supersedes the old one, and a launch's decision history is kept whole. Items also learn which packet fields
-- their evidence fills (the seeds' go-live evidence packet, go-live signoff packet and LaunchReadiness record).

ALTER TABLE items ADD COLUMN fills TEXT NOT NULL DEFAULT '[]';

CREATE TABLE signoffs (
    id            TEXT PRIMARY KEY,
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    role          TEXT NOT NULL CHECK (role IN ('product', 'engineering', 'support', 'finance')),
    signer        TEXT NOT NULL,
    statement     TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason        TEXT,
    scope_digest  TEXT NOT NULL,        -- digest of the role's items and evidence when signed
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    signed_at     TEXT NOT NULL,
    supersedes    TEXT REFERENCES signoffs(id)
);
CREATE INDEX signoffs_by_launch_role ON signoffs (launch_id, role, signed_at);

CREATE TABLE decisions (
    id            TEXT PRIMARY KEY,
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    decision      TEXT NOT NULL CHECK (decision IN ('go', 'no_go')),
    note          TEXT,
    verdict       TEXT NOT NULL,        -- JSON: the rules as evaluated when the decision was recorded
    decided_by    TEXT NOT NULL,
    decided_at    TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live'))
);
CREATE INDEX decisions_by_launch ON decisions (launch_id, decided_at);

CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
BEGIN SELECT RAISE(ABORT, 'signoffs are append-only: renew the signoff instead'); END;
CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
BEGIN SELECT RAISE(ABORT, 'signoffs are append-only: renew the signoff instead'); END;
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new decision'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new decision'); END;
