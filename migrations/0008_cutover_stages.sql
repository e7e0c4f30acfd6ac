-- Version 8: the staged cutover (seed 000). A decision is about one stage: limited production traffic, then the
-- first day's reconciliation reviewed, then meaningful volume, where each limit increase is its own decision with
-- the new limits and the review behind them. A decision without a row here predates stages: limited traffic.

CREATE TABLE decision_stages (
    decision_id TEXT PRIMARY KEY REFERENCES decisions(id),
    launch_id   TEXT NOT NULL REFERENCES launches(id),
    stage       TEXT NOT NULL CHECK (stage IN ('limited_traffic', 'first_day_review', 'full_volume')),
    limits      TEXT,
    review      TEXT
);
CREATE TRIGGER decision_stages_no_update BEFORE UPDATE ON decision_stages
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new decision'); END;
CREATE TRIGGER decision_stages_no_delete BEFORE DELETE ON decision_stages
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new decision'); END;
