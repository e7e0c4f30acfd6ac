-- Version 6: signoffs you can check. A launch names, per role, the SSH keys that may sign (`launch_signers`,
-- append-only: removing a key is a row that revokes the one that added it). A signoff carries the signed statement
-- (`payload`, canonical JSON), its SSHSIG signature, the key, and the audit head the signer saw; the signer's name
-- is the principal the launch lists for that key. `scope_snapshots` keeps each role scope a signature or an export
-- covered, so a stale signoff can say what changed since.

CREATE TABLE launch_signers (
    id          INTEGER PRIMARY KEY,
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    role        TEXT NOT NULL CHECK (role IN ('product', 'engineering', 'support', 'finance')),
    principal   TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    revokes     INTEGER REFERENCES launch_signers(id),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    environment TEXT NOT NULL CHECK (environment IN ('sandbox', 'live'))
);
CREATE INDEX launch_signers_by_role ON launch_signers (launch_id, role, id);
CREATE TRIGGER launch_signers_no_update BEFORE UPDATE ON launch_signers
BEGIN SELECT RAISE(ABORT, 'signers are append-only: remove a key by revoking it'); END;
CREATE TRIGGER launch_signers_no_delete BEFORE DELETE ON launch_signers
BEGIN SELECT RAISE(ABORT, 'signers are append-only: remove a key by revoking it'); END;

ALTER TABLE signoffs ADD COLUMN public_key TEXT;
ALTER TABLE signoffs ADD COLUMN fingerprint TEXT;
ALTER TABLE signoffs ADD COLUMN payload TEXT;
ALTER TABLE signoffs ADD COLUMN signature TEXT;
ALTER TABLE signoffs ADD COLUMN audit_seq INTEGER;
ALTER TABLE signoffs ADD COLUMN audit_hash TEXT;
ALTER TABLE signoffs ADD COLUMN source TEXT;

CREATE TABLE scope_snapshots (
    digest     TEXT PRIMARY KEY,
    launch_id  TEXT NOT NULL REFERENCES launches(id),
    role       TEXT NOT NULL,
    body       TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE TRIGGER scope_snapshots_no_update BEFORE UPDATE ON scope_snapshots
BEGIN SELECT RAISE(ABORT, 'scope snapshots are append-only'); END;
CREATE TRIGGER scope_snapshots_no_delete BEFORE DELETE ON scope_snapshots
BEGIN SELECT RAISE(ABORT, 'scope snapshots are append-only'); END;
