-- 0005_reports.sql: the change-stage Excel reports (spec 003 2.3 reportUrl, 2.4 list, 2.5 download).
-- Applied once by infra/migrate as ocms_owner in one transaction (no BEGIN/COMMIT here).
--
-- The .xlsx files are kept by the report store (common/reports: OCMS_REPORT_DIR, a blob store
-- later); this table is their index for "Retrieve Change Stage Reports" (by Singapore day, at
-- most 90 days per query). The edge stores the file first, then inserts the row: a row never
-- names a file that is not there (a crash between the two leaves an unlisted file, not a
-- broken link).

CREATE TABLE ocms_change_stage_report (
    -- the file's name in the store; the same shape common/reports valid_report_id accepts, so
    -- no listed id can name anything outside the store
    report_id    varchar(100) PRIMARY KEY
                 CHECK (report_id ~ '^ChangeStageReport_[0-9]{8}_[0-9]{6}_[A-Za-z0-9]{1,20}_[a-z0-9]{6}\.xlsx$'),
    report_date  date         NOT NULL,   -- the Singapore calendar day it was generated
    generated_by varchar(50)  NOT NULL,   -- the officer (JWT subject) or SYSTEM
    notice_count integer      NOT NULL CHECK (notice_count >= 0),
    request_id   varchar(64),             -- the batch request it reports on
    cre_date     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX ocms_change_stage_report_date_idx ON ocms_change_stage_report (report_date);

-- Least privilege: the edge (ocmsiz_app_conn) records and lists reports; rows are never
-- changed or removed by a service (no UPDATE, no DELETE). SELECT for ocmsiz_app_conn,
-- ocms_worker and ocms_readonly comes from 0001's default privileges; it is repeated for the
-- edge so this file says everything the edge does with the table.
GRANT SELECT, INSERT ON ocms_change_stage_report TO ocmsiz_app_conn;
