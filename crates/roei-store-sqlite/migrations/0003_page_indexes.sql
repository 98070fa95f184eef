-- Covering indexes for the pages people load most (docs/perf.md, "Pages under load").
--
-- A submission row holds its whole report (`content`, several KB of JSON) before the summary
-- columns, so reading `stage` or `submitted_at_us` from the table walks the content's overflow
-- pages. These indexes hold what the deadline board (stages per case) and the regulator's inbox
-- (per case: latest seq, first submission, stages; the latest row's summary) read, so those
-- queries never touch the table rows.

CREATE INDEX submissions_inbox ON submissions (to_org, case_id, seq, stage, submitted_at_us);

CREATE INDEX submissions_case_summary ON submissions (
    case_id, seq, stage, id, org_id, items, persons, cause, sector, final_report_due,
    submitted_at_us, acknowledged_at_us
);

-- The inbox's grouping index is now a prefix of submissions_inbox.
DROP INDEX submissions_to_org_case;
