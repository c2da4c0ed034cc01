-- 0001_reference.sql: reference data (stages, stage map, parameters, suspension reasons and
-- their rules). Run on every start, as ocms_owner; idempotent: a row that exists is brought in
-- line with this file (ON CONFLICT DO UPDATE, only when something differs, so upd_date moves
-- only on a real change). Rows removed from this file are not deleted: set status 'I' instead.
-- The table of TS codes and the reasons for each choice: docs/decisions.md "TS codes".

-- Processing stages, in order. Court stages come after CFC.
INSERT INTO ocms_processing_stage (stage, description, stage_order, is_court_stage) VALUES
    ('NPA', 'Notice Pending Action',                10, false),
    ('ROV', 'Registered Owner Verification',        20, false),
    ('ENA', 'Electronic Notification of Offence',   30, false),
    ('RD1', 'Reminder 1 (owner)',                   40, false),
    ('RD2', 'Reminder 2 (owner)',                   50, false),
    ('RR3', 'Final Reminder (owner)',               60, false),
    ('DN1', 'Driver Notice 1',                      70, false),
    ('DN2', 'Driver Notice 2',                      80, false),
    ('DR3', 'Final Reminder (driver)',              90, false),
    ('CPC', 'Court Prosecution Check',             100, false),
    ('CFC', 'Court Filing Check',                  110, false),
    ('CRT', 'Court: summons issued',               120, true),
    ('CHR', 'Court: hearing',                      130, true),
    ('WOA', 'Court: warrant of arrest',            140, true)
ON CONFLICT (stage) DO UPDATE
    SET description = EXCLUDED.description, stage_order = EXCLUDED.stage_order,
        is_court_stage = EXCLUDED.is_court_stage, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_processing_stage.description, ocms_processing_stage.stage_order, ocms_processing_stage.is_court_stage)
          IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.stage_order, EXCLUDED.is_court_stage);

-- The default chain (the daily run moves a notice to the next stage).
INSERT INTO ocms_stage_map (current_stage, next_stage) VALUES
    ('NPA', 'ROV'), ('ROV', 'ENA'), ('ENA', 'RD1'), ('RD1', 'RD2'), ('RD2', 'RR3'), ('RR3', 'DN1'),
    ('DN1', 'DN2'), ('DN2', 'DR3'), ('DR3', 'CPC'), ('CPC', 'CFC'), ('CFC', 'CRT'), ('CRT', 'CHR'),
    ('CHR', 'WOA')
ON CONFLICT (current_stage, next_stage) DO NOTHING;

-- Parameters of the stage run (003: NEXT_STAGE_<stage>, STAGEDAYS).
INSERT INTO ocms_parameter (parameter_id, code, value, description) VALUES
    ('STAGEDAYS', 'NPA', '1',  'Days at NPA before the next stage'),
    ('STAGEDAYS', 'ROV', '2',  'Days at ROV before the next stage'),
    ('STAGEDAYS', 'ENA', '14', 'Days at ENA before the next stage'),
    ('STAGEDAYS', 'RD1', '28', 'Days at RD1 before the next stage'),
    ('STAGEDAYS', 'RD2', '28', 'Days at RD2 before the next stage'),
    ('STAGEDAYS', 'RR3', '28', 'Days at RR3 before the next stage'),
    ('STAGEDAYS', 'DN1', '28', 'Days at DN1 before the next stage'),
    ('STAGEDAYS', 'DN2', '28', 'Days at DN2 before the next stage'),
    ('STAGEDAYS', 'DR3', '28', 'Days at DR3 before the next stage'),
    ('STAGEDAYS', 'CPC', '14', 'Days at CPC before the next stage'),
    ('STAGEDAYS', 'CFC', '14', 'Days at CFC before the next stage'),
    ('REVIVAL',   'NEXT_PROCESSING_DAYS', '2', 'Revival sets next_processing_date to now + this many days (004 4.1)')
ON CONFLICT (parameter_id, code) DO UPDATE
    SET value = EXCLUDED.value, description = EXCLUDED.description, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_parameter.value, ocms_parameter.description) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.description);

-- Code-level rules: looping and allowed stages (one row per type + code).
INSERT INTO ocms_suspension_reason_rule (suspension_type, reason_of_suspension, looping, allowed_stages) VALUES
    -- TS codes named by 002
    ('TS', 'ACR', false, '{ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'APE', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'APP', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'CCE', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'CLV', true,  '{RR3,DR3}'),
    ('TS', 'HST', true,  '{ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'PRI', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'RED', false, '{ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3}'),
    -- TS code named by 004 (PLUS list)
    ('TS', 'MS',  false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    -- the project's choice (docs/decisions.md "TS codes")
    ('TS', 'PDP', false, '{ROV,ENA,RD1,RD2,RR3}'),
    ('TS', 'UND', false, '{ENA,RD1,RD2,RR3,DN1,DN2,DR3}'),
    ('TS', 'MHA', false, '{ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3}'),
    ('TS', 'SYS', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'OVS', true,  '{RD1,RD2,RR3,DN1,DN2,DR3}'),
    ('TS', 'HOS', false, '{RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'NSM', false, '{RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'TRF', false, '{ROV,ENA,RD1,RD2,RR3}'),
    ('TS', 'INV', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'OTH', false, '{ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}'),
    ('TS', 'DIP', true,  '{RR3,DR3}'),
    -- PS codes named by 001 / 004 (not applied through the TS path; listed for completeness)
    ('PS', 'FP',  false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC,CRT,CHR,WOA}'),
    ('PS', 'PP',  false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC,CRT,CHR,WOA}'),
    ('PS', 'WWP', false, '{CRT,CHR,WOA}'),
    ('PS', 'APP', false, '{NPA,ROV,ENA,RD1,RD2,RR3,DN1,DN2,DR3,CPC,CFC}')
ON CONFLICT (suspension_type, reason_of_suspension) DO UPDATE
    SET looping = EXCLUDED.looping, allowed_stages = EXCLUDED.allowed_stages, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_suspension_reason_rule.looping, ocms_suspension_reason_rule.allowed_stages)
          IS DISTINCT FROM (EXCLUDED.looping, EXCLUDED.allowed_stages);

-- Per-source rows: a source may use a code only through an active row of its own.
INSERT INTO ocms_suspension_reason
    (suspension_type, reason_of_suspension, suspension_source, description, no_of_days_for_revival, status) VALUES
    ('TS', 'ACR', 'OCMS_FE', 'ACRA',                                   21, 'A'),
    ('TS', 'ACR', 'OCMS',    'ACRA',                                   21, 'A'),
    ('TS', 'APE', 'OCMS_FE', 'Appeal Extension',                       21, 'A'),
    ('TS', 'APE', 'PLUS',    'Appeal Extension',                       21, 'A'),
    ('TS', 'APP', 'OCMS_FE', 'Appeal',                                 21, 'A'),
    ('TS', 'APP', 'PLUS',    'Appeal',                                 21, 'A'),
    ('TS', 'CCE', 'OCMS_FE', 'Call Centre Enquiry',                    14, 'A'),
    ('TS', 'CCE', 'PLUS',    'Call Centre Enquiry',                    14, 'A'),
    ('TS', 'CLV', 'OCMS_FE', 'Classified Vehicles',                    90, 'A'),
    ('TS', 'CLV', 'OCMS',    'Classified Vehicles',                    90, 'A'),
    ('TS', 'HST', 'OCMS_FE', 'House Tenants',                          30, 'A'),
    ('TS', 'HST', 'OCMS',    'House Tenants',                          30, 'A'),
    ('TS', 'PRI', 'OCMS_FE', 'Priority',                               14, 'A'),
    ('TS', 'PRI', 'PLUS',    'Priority',                               14, 'A'),
    ('TS', 'RED', 'OCMS_FE', 'Redirect',                               21, 'A'),
    ('TS', 'RED', 'PLUS',    'Redirect',                               21, 'A'),
    ('TS', 'MS',  'OCMS_FE', 'Manual Suspension',                      30, 'A'),
    ('TS', 'PDP', 'OCMS_FE', 'Pending Driver Particulars',             21, 'A'),
    ('TS', 'PDP', 'OCMS',    'Pending Driver Particulars',             21, 'A'),
    ('TS', 'UND', 'OCMS_FE', 'Undelivered Notice',                     30, 'A'),
    ('TS', 'UND', 'OCMS',    'Undelivered Notice',                     30, 'A'),
    ('TS', 'MHA', 'OCMS',    'Pending MHA / DataHive Address Check',   14, 'A'),
    ('TS', 'SYS', 'OCMS',    'System Issue',                            7, 'A'),
    ('TS', 'OVS', 'OCMS_FE', 'Offender Overseas',                      90, 'A'),
    ('TS', 'HOS', 'OCMS_FE', 'Offender Hospitalised',                  30, 'A'),
    ('TS', 'NSM', 'OCMS_FE', 'Offender on National Service Duty',      60, 'A'),
    ('TS', 'TRF', 'OCMS_FE', 'Pending Transfer of Vehicle Ownership',  21, 'A'),
    ('TS', 'INV', 'OCMS_FE', 'Under Investigation',                    30, 'A'),
    ('TS', 'OTH', 'OCMS_FE', 'Others',                                 14, 'A'),
    ('TS', 'DIP', 'OCMS_FE', 'Diplomatic Vehicle (retired, use CLV)',  90, 'I'),
    ('PS', 'FP',  'OCMS',    'Full Payment',                         NULL, 'A'),
    ('PS', 'PP',  'OCMS',    'Partial Payment',                      NULL, 'A'),
    ('PS', 'WWP', 'OCMS',    'Warrant Withdrawn on Payment (court)',  NULL, 'A'),
    ('PS', 'APP', 'OCMS_FE', 'Appeal Successful',                    NULL, 'A')
ON CONFLICT (suspension_type, reason_of_suspension, suspension_source) DO UPDATE
    SET description = EXCLUDED.description, no_of_days_for_revival = EXCLUDED.no_of_days_for_revival,
        status = EXCLUDED.status, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_suspension_reason.description, ocms_suspension_reason.no_of_days_for_revival, ocms_suspension_reason.status)
          IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.no_of_days_for_revival, EXCLUDED.status);
