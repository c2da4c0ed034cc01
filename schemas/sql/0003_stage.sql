-- 0003_stage.sql: what the change of processing stage (OCMS 15, spec 003) needs that 0001 lacks.
-- Applied once by infra/migrate as ocms_owner in one transaction (no BEGIN/COMMIT here).
-- The data is in schemas/seed/0004_stage.sql; the reasons in docs/decisions-stage.md.

-- Stage map: the fee a notice owes on arriving through a move (amount_payable =
-- composition_amount + admin_fee), and a status so a move is retired, never deleted.
ALTER TABLE ocms_stage_map
    ADD COLUMN admin_fee numeric(12,2) NOT NULL DEFAULT 0 CHECK (admin_fee >= 0),
    ADD COLUMN status    char(1)       NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'I'));

-- At most one default (the move the daily run and Toppan take) per stage.
CREATE UNIQUE INDEX ocms_stage_map_one_default_idx ON ocms_stage_map (current_stage)
    WHERE is_default AND status = 'A';

-- Stages PLUS may not move a notice to (spec 003: "CFC not allowed from PLUS", OCMS-4004).
ALTER TABLE ocms_processing_stage
    ADD COLUMN plus_may_target boolean NOT NULL DEFAULT true;

-- Which stages a notice may be moved to for each offender role (ONOD owner_driver_indicator of
-- the current offender): spec 003 OCMS.CPS.ELIG.INELIGIBLE_STAGE "Stage not allowed for role".
CREATE TABLE ocms_stage_offender_role (
    owner_driver_indicator varchar(3)  NOT NULL CHECK (owner_driver_indicator IN ('O', 'D', 'H', 'DIR')),
    stage                  varchar(3)  NOT NULL REFERENCES ocms_processing_stage (stage),
    status                 char(1)     NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'I')),
    cre_date               timestamptz NOT NULL DEFAULT now(),
    cre_user_id            varchar(50) NOT NULL DEFAULT 'ocms_seed',
    upd_date               timestamptz,
    upd_user_id            varchar(50),
    PRIMARY KEY (owner_driver_indicator, stage)
);

-- The audit row: the spec's three sources; the DH/MHA check the officer asked for with the
-- change (submit's dhMhaCheck); when Toppan printed the letter of the change (a manual change
-- without it is "pending" for the Toppan run).
ALTER TABLE ocms_change_of_processing
    ADD COLUMN dh_mha_check          boolean NOT NULL DEFAULT false,
    ADD COLUMN toppan_processed_date timestamptz,
    ADD CONSTRAINT ocms_change_of_processing_source_check CHECK (source IN ('OCMS', 'PLUS', 'SYSTEM'));

-- The latest change of a notice (the "existing change today" warning, the Toppan run) is read
-- through 0001's index on (notice_no, date_of_change).

-- ocms_stage_offender_role is readable through the default privileges of 0001; reference data is
-- written only by ocms_owner (the seeds). The worker already writes ocms_change_of_processing.
