-- Version 4: probe runs and their step results, append-only like evidence. A run is written once, whole, when it
-- ends (with its redacted report), together with the probe_run evidence it attached and its audit event. Launches
-- keep their own values for a pack's variables (paths, pool ids) as a history: the newest value wins.

CREATE TABLE probe_runs (
    id            TEXT PRIMARY KEY,
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    pack_id       TEXT NOT NULL,
    pack_version  INTEGER NOT NULL,
    pack_sha256   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'error', 'skipped')),
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    report        TEXT NOT NULL          -- JSON: the whole redacted run (steps, assertions, exchanges, fingerprints)
);
CREATE INDEX probe_runs_by_launch ON probe_runs (launch_id, started_at);

CREATE TABLE probe_steps (
    run_id        TEXT NOT NULL REFERENCES probe_runs(id),
    step_id       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    sensitive     INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
    outcome       TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'error', 'skipped')),
    reason        TEXT,
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    PRIMARY KEY (run_id, step_id)
);

CREATE TABLE probe_settings (
    id            INTEGER PRIMARY KEY,
    launch_id     TEXT NOT NULL REFERENCES launches(id),
    pack_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    value         TEXT NOT NULL,
    environment   TEXT NOT NULL CHECK (environment IN ('sandbox', 'live')),
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL
);
CREATE INDEX probe_settings_by_launch ON probe_settings (launch_id, pack_id, name, id);

CREATE TRIGGER probe_runs_no_update BEFORE UPDATE ON probe_runs
BEGIN SELECT RAISE(ABORT, 'probe runs are append-only: run the probes again'); END;
CREATE TRIGGER probe_runs_no_delete BEFORE DELETE ON probe_runs
BEGIN SELECT RAISE(ABORT, 'probe runs are append-only: run the probes again'); END;
CREATE TRIGGER probe_steps_no_update BEFORE UPDATE ON probe_steps
BEGIN SELECT RAISE(ABORT, 'probe results are append-only: run the probes again'); END;
CREATE TRIGGER probe_steps_no_delete BEFORE DELETE ON probe_steps
BEGIN SELECT RAISE(ABORT, 'probe results are append-only: run the probes again'); END;
CREATE TRIGGER probe_settings_no_update BEFORE UPDATE ON probe_settings
BEGIN SELECT RAISE(ABORT, 'probe settings are a history: set a new value'); END;
CREATE TRIGGER probe_settings_no_delete BEFORE DELETE ON probe_settings
BEGIN SELECT RAISE(ABORT, 'probe settings are a history: set a new value'); END;
