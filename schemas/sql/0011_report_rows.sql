-- 0011_report_rows.sql (issue 16): a change-stage report is written as its rows, and the .xlsx is
-- rendered when it is first downloaded. Building the workbook for every submit (libxlsxwriter's
-- temporary files and zlib, about 6 ms of the edge's CPU a batch) held the stage change at half
-- the speed of the other commands; a report is downloaded far less often than it is written.
-- The row keeps what the file shows: when it was generated (the title block's "Generated At") and
-- the table, one array of the eight column texts per notice, in request order. The file is
-- rendered from them on the first download and kept in the report store from then on.
-- Reports written before this migration have their file in the store and NULL here.
-- Applied once by infra/migrate as ocms_owner in one transaction.
ALTER TABLE ocms_change_stage_report
    ADD COLUMN generated_at timestamptz,
    ADD COLUMN report_rows  jsonb CHECK (report_rows IS NULL OR jsonb_typeof(report_rows) = 'array');
