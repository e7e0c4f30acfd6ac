-- Version 9: an id is evidence of one environment only, so recording one looks it up on the launch first
-- (checklist::evidence::check_not_from_the_other_environment). Without an index that lookup read every evidence row,
-- making a bulk import quadratic (20,000 ids on top of 20,000 took minutes).

CREATE INDEX evidence_by_launch_value ON evidence (launch_id, value);
