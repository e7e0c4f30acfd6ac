-- Version 2: the current status of every item as a view (the newest status event wins, 'open' when there is none),
-- and evidence that is still in force (not superseded by a correction). Reads go through these so the rule lives in
-- one place.

CREATE VIEW item_current_status AS
SELECT i.id AS item_id,
       COALESCE(s.status, 'open') AS status,
       s.reason AS reason,
       s.actor AS actor,
       s.at AS at
FROM items i
LEFT JOIN item_status_events s
  ON s.id = (SELECT MAX(id) FROM item_status_events WHERE item_id = i.id);

CREATE VIEW evidence_in_force AS
SELECT e.*
FROM evidence e
WHERE NOT EXISTS (SELECT 1 FROM evidence c WHERE c.supersedes = e.id);

CREATE INDEX audit_by_launch ON audit_events (launch_id, seq);
