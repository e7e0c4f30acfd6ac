-- Version 7: waivers you can check. Waiving a blocking item takes it out of the go / no-go rules, so it is a
-- signoff-grade act: the status event that waives it may carry the role owner's signed statement (`payload`,
-- canonical JSON, and its SSHSIG signature), made with a key the launch allows for the item's role. A waiver without
-- one is kept (nothing is deleted) but does not count for "go". Append-only like every table.

CREATE TABLE waiver_signatures (
    status_event_id INTEGER PRIMARY KEY REFERENCES item_status_events(id),
    launch_id       TEXT NOT NULL REFERENCES launches(id),
    item_id         INTEGER NOT NULL REFERENCES items(id),
    payload         TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    signature       TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TRIGGER waiver_signatures_no_update BEFORE UPDATE ON waiver_signatures
BEGIN SELECT RAISE(ABORT, 'waiver signatures are append-only: waive again to supersede'); END;
CREATE TRIGGER waiver_signatures_no_delete BEFORE DELETE ON waiver_signatures
BEGIN SELECT RAISE(ABORT, 'waiver signatures are append-only: waive again to supersede'); END;
