-- Go-Live Signoff schema, version 1.
-- Every record carries the environment it belongs to. Evidence, item status changes, imported templates and the
-- audit log are append-only: triggers make the database itself refuse UPDATE and DELETE on them, so a correction is a
-- new row that supersedes the old one and both stay.

CREATE TABLE imported_templates (
    template_id   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    body          TEXT NOT NULL,          -- the TOML as imported, re-validated on every load
    sha256        TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    imported_at   TEXT NOT NULL,
    imported_by   TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE launches (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    partner_id      TEXT NOT NULL,
    product_surface TEXT NOT NULL,
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),  -- where the launch is going
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

CREATE TABLE launch_targets (
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    api_base_url  TEXT,
    webhook_url   TEXT,
    PRIMARY KEY (launch_id, environment)
);

CREATE TABLE launch_owners (
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    role          TEXT NOT NULL CHECK (role IN ('product', 'engineering', 'support', 'finance')),
    owner         TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    PRIMARY KEY (launch_id, role)
);

-- Provider names, route names and the like that must never leave the app in an export.
CREATE TABLE launch_private_terms (
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    term          TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    PRIMARY KEY (launch_id, term)
);

CREATE TABLE launch_templates (
    launch_id         TEXT NOT NULL REFERENCES launches(id),
    template_id       TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    template_sha256   TEXT NOT NULL,
    environment       TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    PRIMARY KEY (launch_id, template_id)
);

-- Items are copied from the template when the launch is created: a later template version never rewrites a launch.
CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    launch_id       TEXT NOT NULL REFERENCES launches(id),
    template_id     TEXT NOT NULL,
    section_key     TEXT NOT NULL,
    section_title   TEXT NOT NULL,
    item_key        TEXT NOT NULL,
    title           TEXT NOT NULL,
    guidance        TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('product', 'engineering', 'support', 'finance')),
    blocking        INTEGER NOT NULL CHECK (blocking IN (0, 1)),
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),  -- where its evidence must come from
    evidence_kinds  TEXT NOT NULL,       -- JSON array of accepted evidence specs
    position        INTEGER NOT NULL,
    UNIQUE (launch_id, template_id, section_key, item_key)
);
CREATE INDEX items_by_launch_role ON items (launch_id, role, position);

-- Status is a history: the newest row is the current status.
CREATE TABLE item_status_events (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES items(id),
    status        TEXT NOT NULL CHECK (status IN ('open', 'done', 'waived', 'blocked', 'failed')),
    reason        TEXT,
    actor         TEXT NOT NULL,
    at            TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live'))
);
CREATE INDEX item_status_by_item ON item_status_events (item_id, id);

CREATE TABLE files (
    sha256        TEXT PRIMARY KEY,
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    stored_at     TEXT NOT NULL
);

CREATE TABLE evidence (
    id              TEXT PRIMARY KEY,
    launch_id       TEXT NOT NULL REFERENCES launches(id),
    item_id         INTEGER NOT NULL REFERENCES items(id),
    environment     TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    kind            TEXT NOT NULL CHECK (kind IN ('attestation', 'identifier', 'file', 'link', 'contact', 'probe_run')),
    identifier_type TEXT,
    value           TEXT NOT NULL,          -- statement, identifier, file name, URL or handle
    file_sha256     TEXT REFERENCES files(sha256),
    note            TEXT,
    supersedes      TEXT REFERENCES evidence(id),
    actor           TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX evidence_by_item ON evidence (item_id, recorded_at);
CREATE INDEX evidence_by_supersedes ON evidence (supersedes);

CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY,      -- 1, 2, 3 … with no gaps
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    launch_id     TEXT,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    details       TEXT NOT NULL,            -- JSON
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a correction that supersedes it'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: record a correction that supersedes it'); END;

CREATE TRIGGER item_status_no_update BEFORE UPDATE ON item_status_events
BEGIN SELECT RAISE(ABORT, 'item status history is append-only'); END;
CREATE TRIGGER item_status_no_delete BEFORE DELETE ON item_status_events
BEGIN SELECT RAISE(ABORT, 'item status history is append-only'); END;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TRIGGER imported_templates_no_update BEFORE UPDATE ON imported_templates
BEGIN SELECT RAISE(ABORT, 'imported templates are append-only: import a new version'); END;
CREATE TRIGGER imported_templates_no_delete BEFORE DELETE ON imported_templates
BEGIN SELECT RAISE(ABORT, 'imported templates are append-only: import a new version'); END;
