-- 0004_stage.sql: reference data of the change of processing stage (OCMS 15, spec 003): which
-- stages PLUS may set, the stage map with the admin fee of each move, the NEXT_STAGE and
-- STAGEDAYS parameters, and the stages each offender role may be moved to.
-- Run on every start after 0001-0003, as ocms_owner, in one transaction; idempotent: a row that
-- exists is brought in line with this file only when something differs (upd_date moves only on a
-- real change). Rows removed from this file are not deleted: set their status to 'I'.
-- The tables and the reasons: docs/decisions.md "Change of processing stage". tests/unit/domain/stage_test.cpp
-- (StageSeed.*) checks this file against the table the tests use.

-- Stages PLUS may not move a notice to: CFC (spec 003, OCMS-4004) and the court stages.
UPDATE ocms_processing_stage p
SET plus_may_target = v.plus_may_target, upd_date = now(), upd_user_id = 'ocms_seed'
FROM (VALUES
    ('NPA', true), ('ROV', true), ('ENA', true), ('RD1', true), ('RD2', true), ('RR3', true),
    ('DN1', true), ('DN2', true), ('DR3', true), ('CPC', true), ('CFC', false),
    ('CRT', false), ('CHR', false), ('WOA', false)
) AS v (stage, plus_may_target)
WHERE p.stage = v.stage AND p.plus_may_target IS DISTINCT FROM v.plus_may_target;

-- The stage map: every move a notice may make (current_stage, next_stage, is_default, admin_fee,
-- status). is_default marks the daily run's / Toppan's move and the stage a request without
-- newStage gets. amount_payable on arrival = composition_amount + admin_fee.
SET client_min_messages = warning;
DROP TABLE IF EXISTS pg_temp.stage_map_seed;
CREATE TEMP TABLE stage_map_seed (
    current_stage varchar(3), next_stage varchar(3), is_default boolean, admin_fee numeric(12,2), status char(1)
);
INSERT INTO stage_map_seed (current_stage, next_stage, is_default, admin_fee, status) VALUES
    ('NPA', 'ROV', true,  0.00,  'A'),
    ('NPA', 'DN1', false, 0.00,  'A'),
    ('ROV', 'ENA', true,  0.00,  'A'),
    ('ROV', 'DN1', false, 0.00,  'A'),
    ('ENA', 'RD1', true,  0.00,  'A'),
    ('ENA', 'DN1', false, 0.00,  'A'),
    ('RD1', 'RD2', true,  30.00, 'A'),
    ('RD1', 'DN1', false, 0.00,  'A'),
    ('RD2', 'RR3', true,  60.00, 'A'),
    ('RD2', 'DN1', false, 0.00,  'A'),
    ('RR3', 'CPC', true,  60.00, 'A'),
    ('RR3', 'DN1', false, 0.00,  'A'),
    ('DN1', 'DN2', true,  30.00, 'A'),
    ('DN2', 'DR3', true,  60.00, 'A'),
    ('DR3', 'CPC', true,  60.00, 'A'),
    ('CPC', 'CFC', true,  60.00, 'A'),
    ('CFC', 'CRT', true,  0.00,  'A'),
    ('CRT', 'CHR', true,  0.00,  'A'),
    ('CHR', 'WOA', true,  0.00,  'A');

-- First take the default away from rows this file does not mark default (0001 seeded RR3 -> DN1
-- as one), so the one-default-per-stage index holds at every step.
UPDATE ocms_stage_map m
SET is_default = false, upd_date = now(), upd_user_id = 'ocms_seed'
WHERE m.is_default
  AND NOT EXISTS (SELECT 1 FROM stage_map_seed s
                  WHERE s.current_stage = m.current_stage AND s.next_stage = m.next_stage AND s.is_default);

INSERT INTO ocms_stage_map (current_stage, next_stage, is_default, admin_fee, status)
SELECT current_stage, next_stage, is_default, admin_fee, status FROM stage_map_seed
ORDER BY is_default, current_stage, next_stage
ON CONFLICT (current_stage, next_stage) DO UPDATE
    SET is_default = EXCLUDED.is_default, admin_fee = EXCLUDED.admin_fee, status = EXCLUDED.status,
        upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_stage_map.is_default, ocms_stage_map.admin_fee, ocms_stage_map.status)
          IS DISTINCT FROM (EXCLUDED.is_default, EXCLUDED.admin_fee, EXCLUDED.status);

DROP TABLE pg_temp.stage_map_seed;

-- Parameters (spec 003 section 4): NEXT_STAGE_<stage> is the row ('NEXT_STAGE', <stage>) and
-- equals the stage map's default; STAGEDAYS <stage> is the row ('STAGEDAYS', <stage>), the days a
-- notice stays at the stage (next_processing_date = last_processing_date + days). The STAGEDAYS
-- rows repeat 0001_reference.sql's values exactly (checked by StageSeed.StageDaysAgreeWith0001).
INSERT INTO ocms_parameter (parameter_id, code, value, description) VALUES
    ('NEXT_STAGE', 'NPA', 'ROV', 'Next processing stage after NPA'),
    ('NEXT_STAGE', 'ROV', 'ENA', 'Next processing stage after ROV'),
    ('NEXT_STAGE', 'ENA', 'RD1', 'Next processing stage after ENA'),
    ('NEXT_STAGE', 'RD1', 'RD2', 'Next processing stage after RD1'),
    ('NEXT_STAGE', 'RD2', 'RR3', 'Next processing stage after RD2'),
    ('NEXT_STAGE', 'RR3', 'CPC', 'Next processing stage after RR3'),
    ('NEXT_STAGE', 'DN1', 'DN2', 'Next processing stage after DN1'),
    ('NEXT_STAGE', 'DN2', 'DR3', 'Next processing stage after DN2'),
    ('NEXT_STAGE', 'DR3', 'CPC', 'Next processing stage after DR3'),
    ('NEXT_STAGE', 'CPC', 'CFC', 'Next processing stage after CPC'),
    ('NEXT_STAGE', 'CFC', 'CRT', 'Next processing stage after CFC'),
    ('NEXT_STAGE', 'CRT', 'CHR', 'Next processing stage after CRT'),
    ('NEXT_STAGE', 'CHR', 'WOA', 'Next processing stage after CHR'),
    ('STAGEDAYS',  'NPA', '1',   'Days at NPA before the next stage'),
    ('STAGEDAYS',  'ROV', '2',   'Days at ROV before the next stage'),
    ('STAGEDAYS',  'ENA', '14',  'Days at ENA before the next stage'),
    ('STAGEDAYS',  'RD1', '28',  'Days at RD1 before the next stage'),
    ('STAGEDAYS',  'RD2', '28',  'Days at RD2 before the next stage'),
    ('STAGEDAYS',  'RR3', '28',  'Days at RR3 before the next stage'),
    ('STAGEDAYS',  'DN1', '28',  'Days at DN1 before the next stage'),
    ('STAGEDAYS',  'DN2', '28',  'Days at DN2 before the next stage'),
    ('STAGEDAYS',  'DR3', '28',  'Days at DR3 before the next stage'),
    ('STAGEDAYS',  'CPC', '14',  'Days at CPC before the next stage'),
    ('STAGEDAYS',  'CFC', '14',  'Days at CFC before the next stage')
ON CONFLICT (parameter_id, code) DO UPDATE
    SET value = EXCLUDED.value, description = EXCLUDED.description, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_parameter.value, ocms_parameter.description) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.description);

-- Stages each offender role may be moved to (owner_driver_indicator of the current offender).
-- Owner track ROV..RR3, driver track DN1..DR3; hirers and directors answer like an owner from the
-- first reminder on; everyone may reach CPC and CFC. NPA (the start) and court stages: nobody.
INSERT INTO ocms_stage_offender_role (owner_driver_indicator, stage, status) VALUES
    ('O',   'ROV', 'A'), ('O',   'ENA', 'A'), ('O',   'RD1', 'A'), ('O',   'RD2', 'A'), ('O',   'RR3', 'A'),
    ('O',   'CPC', 'A'), ('O',   'CFC', 'A'),
    ('H',   'RD1', 'A'), ('H',   'RD2', 'A'), ('H',   'RR3', 'A'), ('H',   'CPC', 'A'), ('H',   'CFC', 'A'),
    ('DIR', 'RD1', 'A'), ('DIR', 'RD2', 'A'), ('DIR', 'RR3', 'A'), ('DIR', 'CPC', 'A'), ('DIR', 'CFC', 'A'),
    ('D',   'DN1', 'A'), ('D',   'DN2', 'A'), ('D',   'DR3', 'A'), ('D',   'CPC', 'A'), ('D',   'CFC', 'A')
ON CONFLICT (owner_driver_indicator, stage) DO UPDATE
    SET status = EXCLUDED.status, upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE ocms_stage_offender_role.status IS DISTINCT FROM EXCLUDED.status;
