-- 0001_core.sql: the core OCMS schema, the platform's inbox and the grants.
--
-- Applied once by the project's migration tool, as role ocms_owner, inside ONE transaction
-- (psql --single-transaction -v ON_ERROR_STOP=1), so this file has no BEGIN/COMMIT.
-- Column names follow the specs (../shared/spec); where two specs name one concept differently,
-- one name is kept and the choice is written down in docs/decisions.md ("Database names").
-- Times are timestamptz (the spec's zone-less times are Singapore local time), money is
-- NUMERIC(12,2), notice numbers are varchar(10).
-- Roles (created by infra, not here): ocms_owner, ocmsiz_app_conn, ocmsez_app_conn,
-- ocms_worker, ocms_readonly; what each may do is in docs/architecture.md "Database roles".

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- Reference data: stages, stage map, parameters, users, suspension reasons and their rules.
-- Loaded by schemas/seed/*.sql; read by everyone, written only by ocms_owner.
-- ---------------------------------------------------------------------------------------------

-- One row per processing stage (NPA ... CFC, then court stages). Not named in the specs; it
-- holds the order and the court-stage flag that 003/004 test ("Notice is in court stage").
CREATE TABLE ocms_processing_stage (
    stage          varchar(3)  PRIMARY KEY,
    description    varchar(100) NOT NULL,
    stage_order    int         NOT NULL UNIQUE,
    is_court_stage boolean     NOT NULL DEFAULT false,
    cre_date       timestamptz NOT NULL DEFAULT now(),
    cre_user_id    varchar(50) NOT NULL DEFAULT 'ocms_seed',
    upd_date       timestamptz,
    upd_user_id    varchar(50)
);

-- Allowed stage transitions (003 "ocms_stage_map: Stage transition mapping"). Minimal for now;
-- the change-processing-stage work adds what it needs in a later migration.
CREATE TABLE ocms_stage_map (
    current_stage varchar(3)  NOT NULL REFERENCES ocms_processing_stage (stage),
    next_stage    varchar(3)  NOT NULL REFERENCES ocms_processing_stage (stage),
    is_default    boolean     NOT NULL DEFAULT true,   -- the stage the daily run moves to
    cre_date      timestamptz NOT NULL DEFAULT now(),
    cre_user_id   varchar(50) NOT NULL DEFAULT 'ocms_seed',
    upd_date      timestamptz,
    upd_user_id   varchar(50),
    PRIMARY KEY (current_stage, next_stage)
);

-- System parameters (003: NEXT_STAGE_<stage>, STAGEDAYS ...): parameter_id names the family,
-- code the key inside it.
CREATE TABLE ocms_parameter (
    parameter_id varchar(50)  NOT NULL,
    code         varchar(50)  NOT NULL,
    value        varchar(200) NOT NULL,
    description  varchar(200),
    cre_date     timestamptz  NOT NULL DEFAULT now(),
    cre_user_id  varchar(50)  NOT NULL DEFAULT 'ocms_seed',
    upd_date     timestamptz,
    upd_user_id  varchar(50),
    PRIMARY KEY (parameter_id, code)
);

-- Officers (002 API 4).
CREATE TABLE ocms_user (
    user_id     varchar(50)  PRIMARY KEY,
    first_name  varchar(100) NOT NULL,
    last_name   varchar(100) NOT NULL,
    status      char(1)      NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'I')),
    cre_date    timestamptz  NOT NULL DEFAULT now(),
    cre_user_id varchar(50)  NOT NULL DEFAULT 'ocms_seed',
    upd_date    timestamptz,
    upd_user_id varchar(50)
);

-- Code-level rules of a suspension reason. The spec (002 API 2) keeps looping and allowed
-- stages "hardcoded in application"; DESIGN.md invariant 6 puts reference data in tables, so
-- they live here, one row per (type, code), shared by every source.
CREATE TABLE ocms_suspension_reason_rule (
    suspension_type      varchar(2)  NOT NULL CHECK (suspension_type IN ('TS', 'PS')),
    reason_of_suspension varchar(3)  NOT NULL,
    looping              boolean     NOT NULL DEFAULT false,
    allowed_stages       text[]      NOT NULL DEFAULT '{}',
    cre_date             timestamptz NOT NULL DEFAULT now(),
    cre_user_id          varchar(50) NOT NULL DEFAULT 'ocms_seed',
    upd_date             timestamptz,
    upd_user_id          varchar(50),
    PRIMARY KEY (suspension_type, reason_of_suspension)
);

-- One row per (type, code, source) as 002's queries imply: a source may use a code only if it
-- has an active row for it (source authorisation). suspension_source: OCMS_FE (staff portal),
-- PLUS, OCMS (internal systems).
CREATE TABLE ocms_suspension_reason (
    suspension_type        varchar(2)   NOT NULL,
    reason_of_suspension   varchar(3)   NOT NULL,
    suspension_source      varchar(8)   NOT NULL CHECK (suspension_source IN ('OCMS_FE', 'PLUS', 'OCMS')),
    description            varchar(100) NOT NULL,
    no_of_days_for_revival int          CHECK (no_of_days_for_revival >= 0),  -- NULL for PS codes
    status                 char(1)      NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'I')),
    cre_date               timestamptz  NOT NULL DEFAULT now(),
    cre_user_id            varchar(50)  NOT NULL DEFAULT 'ocms_seed',
    upd_date               timestamptz,
    upd_user_id            varchar(50),
    PRIMARY KEY (suspension_type, reason_of_suspension, suspension_source),
    FOREIGN KEY (suspension_type, reason_of_suspension)
        REFERENCES ocms_suspension_reason_rule (suspension_type, reason_of_suspension)
);

-- ---------------------------------------------------------------------------------------------
-- Notice tables: written only by ocms_worker (DESIGN.md invariant 1).
-- ---------------------------------------------------------------------------------------------

-- VON: one row per notice.
CREATE TABLE ocms_valid_offence_notice (
    notice_no                varchar(10)   PRIMARY KEY,
    vehicle_no               varchar(14),
    offence_notice_type      char(1)       NOT NULL CHECK (offence_notice_type IN ('O', 'E', 'U')),
    last_processing_stage    varchar(3)    NOT NULL,
    last_processing_date     timestamptz,
    prev_processing_stage    varchar(3),
    prev_processing_date     timestamptz,
    next_processing_stage    varchar(3),
    next_processing_date     timestamptz,
    suspension_type          varchar(2)    CHECK (suspension_type IN ('TS', 'PS')),
    -- The reason of the current suspension lives in ocms_suspended_notice (latest sr_no), as 002
    -- says; the EPR/CRS reasons below are the ones CAS exchanges (001) and revival clears (004).
    epr_reason_of_suspension varchar(3),
    epr_date_of_suspension   timestamptz,
    crs_reason_of_suspension varchar(3),
    crs_date_of_suspension   timestamptz,
    due_date_of_revival      timestamptz,
    amount_payable           numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount_payable >= 0),
    amount_paid              numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
    payment_status           varchar(2),   -- FP full, PP partial, NULL unpaid
    payment_allowance_flag   char(1),
    composition_amount       numeric(12,2) CHECK (composition_amount >= 0),
    emcons_flag              varchar(10),
    atoms_flag               varchar(10),
    is_sync                  char(1)       NOT NULL DEFAULT 'N' CHECK (is_sync IN ('Y', 'N')),
    cre_date                 timestamptz   NOT NULL DEFAULT now(),
    cre_user_id              varchar(50)   NOT NULL,
    upd_date                 timestamptz,
    upd_user_id              varchar(50)
);
CREATE INDEX ocms_valid_offence_notice_vehicle_idx ON ocms_valid_offence_notice (vehicle_no);
CREATE INDEX ocms_valid_offence_notice_stage_idx ON ocms_valid_offence_notice (last_processing_stage);
CREATE INDEX ocms_valid_offence_notice_revival_idx ON ocms_valid_offence_notice (due_date_of_revival)
    WHERE suspension_type = 'TS';

-- The internet-zone copy of VON (004 4.2): the columns PLUS and the public see.
CREATE TABLE eocms_valid_offence_notice (
    notice_no                varchar(10)   PRIMARY KEY,
    vehicle_no               varchar(14),
    offence_notice_type      char(1)       CHECK (offence_notice_type IN ('O', 'E', 'U')),
    last_processing_stage    varchar(3),
    last_processing_date     timestamptz,
    next_processing_stage    varchar(3),
    next_processing_date     timestamptz,
    suspension_type          varchar(2)    CHECK (suspension_type IN ('TS', 'PS')),
    epr_reason_of_suspension varchar(3),
    crs_reason_of_suspension varchar(3),
    due_date_of_revival      timestamptz,
    amount_payable           numeric(12,2) NOT NULL DEFAULT 0,
    amount_paid              numeric(12,2) NOT NULL DEFAULT 0,
    payment_status           varchar(2),
    payment_allowance_flag   char(1),
    cre_date                 timestamptz   NOT NULL DEFAULT now(),
    cre_user_id              varchar(50)   NOT NULL,
    upd_date                 timestamptz,
    upd_user_id              varchar(50)
);

-- Suspension records: one per TS/PS applied; the latest sr_no of a notice is its current one.
CREATE SEQUENCE ocms_suspended_notice_sr_no_seq AS bigint;
CREATE TABLE ocms_suspended_notice (
    notice_no                      varchar(10)  NOT NULL REFERENCES ocms_valid_offence_notice (notice_no),
    sr_no                          bigint       NOT NULL DEFAULT nextval('ocms_suspended_notice_sr_no_seq'),
    suspension_source              varchar(8)   NOT NULL,   -- 'OCMS' or 'PLUS' (002 INSERT)
    suspension_type                varchar(2)   NOT NULL CHECK (suspension_type IN ('TS', 'PS')),
    reason_of_suspension           varchar(3)   NOT NULL,
    officer_authorising_suspension varchar(50)  NOT NULL,
    due_date_of_revival            timestamptz,
    suspension_remarks             varchar(200),
    date_of_suspension             timestamptz  NOT NULL,
    revival_reason                 varchar(3),
    revival_remarks                varchar(200),
    officer_authorising_revival    varchar(50),
    date_of_revival                timestamptz,
    process_indicator              varchar(20),             -- 'manual', 'auto' ...
    cre_date                       timestamptz  NOT NULL DEFAULT now(),
    cre_user_id                    varchar(50)  NOT NULL,
    upd_date                       timestamptz,
    upd_user_id                    varchar(50),
    PRIMARY KEY (sr_no)
);
ALTER SEQUENCE ocms_suspended_notice_sr_no_seq OWNED BY ocms_suspended_notice.sr_no;
CREATE INDEX ocms_suspended_notice_notice_idx ON ocms_suspended_notice (notice_no, sr_no);
CREATE INDEX ocms_suspended_notice_open_ts_idx ON ocms_suspended_notice (due_date_of_revival)
    WHERE suspension_type = 'TS' AND date_of_revival IS NULL;

-- ONOD: owner / driver / hirer / director of a notice; offender_indicator 'Y' marks the current
-- offender.
CREATE TABLE ocms_offence_notice_owner_driver (
    notice_no              varchar(10)  NOT NULL REFERENCES ocms_valid_offence_notice (notice_no),
    owner_driver_indicator varchar(3)   NOT NULL CHECK (owner_driver_indicator IN ('O', 'D', 'H', 'DIR')),
    offender_indicator     char(1)      NOT NULL DEFAULT 'N' CHECK (offender_indicator IN ('Y', 'N')),
    id_type                varchar(2),  -- N NRIC, F FIN, P passport, U UEN ...
    id_no                  varchar(20),
    name                   varchar(66),
    entity_type            varchar(10),
    blk_hse_no             varchar(10),
    street_name            varchar(100),
    floor_no               varchar(3),
    unit_no                varchar(5),
    bldg_name              varchar(100),
    postal_code            varchar(6),
    cre_date               timestamptz  NOT NULL DEFAULT now(),
    cre_user_id            varchar(50)  NOT NULL,
    upd_date               timestamptz,
    upd_user_id            varchar(50),
    PRIMARY KEY (notice_no, owner_driver_indicator)
);
CREATE INDEX ocms_offence_notice_owner_driver_id_idx ON ocms_offence_notice_owner_driver (id_no);

-- Offence details of a notice (minimal: what the search screens show).
CREATE TABLE ocms_offence_notice_detail (
    notice_no          varchar(10)  PRIMARY KEY REFERENCES ocms_valid_offence_notice (notice_no),
    offence_date_time  timestamptz,
    offence_type       varchar(3),   -- offence category, e.g. SP (003 search "offenceType")
    offence_rule_code  varchar(10),
    place_of_offence   varchar(100),
    last_eburar_update varchar(50),  -- 001 updateCourtNotices
    cre_date           timestamptz  NOT NULL DEFAULT now(),
    cre_user_id        varchar(50)  NOT NULL,
    upd_date           timestamptz,
    upd_user_id        varchar(50)
);

-- Audit trail of stage changes (003 section 4).
CREATE TABLE ocms_change_of_processing (
    change_id             bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_no             varchar(10)  NOT NULL REFERENCES ocms_valid_offence_notice (notice_no),
    date_of_change        timestamptz  NOT NULL,
    last_processing_stage varchar(3)   NOT NULL,
    new_processing_stage  varchar(3)   NOT NULL,
    reason_of_change      varchar(3),
    remarks               varchar(200),
    authorised_officer    varchar(50)  NOT NULL,
    source                varchar(8)   NOT NULL,   -- OCMS / PLUS / SYSTEM
    cre_date              timestamptz  NOT NULL DEFAULT now(),
    cre_user_id           varchar(50)  NOT NULL,
    upd_date              timestamptz,
    upd_user_id           varchar(50)
);
CREATE INDEX ocms_change_of_processing_notice_idx ON ocms_change_of_processing (notice_no, date_of_change);

-- ---------------------------------------------------------------------------------------------
-- CAS / PLUS integration tables (001 section 3).
-- ---------------------------------------------------------------------------------------------

CREATE TABLE ocms_vip_vehicle (
    vip_vehicle varchar(255) PRIMARY KEY,
    vehicle_no  varchar(50)  NOT NULL,
    description varchar(255),
    status      varchar(50)  NOT NULL,
    cre_date    timestamptz  NOT NULL DEFAULT now(),
    cre_user_id varchar(50)  NOT NULL,
    upd_date    timestamptz,
    upd_user_id varchar(50)
);
CREATE INDEX ocms_vip_vehicle_vehicle_idx ON ocms_vip_vehicle (vehicle_no);

-- Query logs the edge writes while answering CAS / PLUS (DESIGN.md invariant 1).
CREATE TABLE ocms_cas_emcons (
    notice_no   varchar(10) PRIMARY KEY,
    emcons_flag varchar(50),
    cre_date    timestamptz NOT NULL DEFAULT now(),
    cre_user_id varchar(50) NOT NULL,
    upd_date    timestamptz,
    upd_user_id varchar(50)
);

CREATE TABLE ocms_court_case (
    notice_no              varchar(10) PRIMARY KEY,
    court_payment_due_date timestamptz,
    cre_date               timestamptz NOT NULL DEFAULT now(),
    cre_user_id            varchar(50) NOT NULL,
    upd_date               timestamptz,
    upd_user_id            varchar(50)
);

-- ---------------------------------------------------------------------------------------------
-- Platform: the command inbox (DESIGN.md invariant 3). Written in the same transaction as the
-- command's effect; a redelivered command finds its row and resends the stored reply.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE ocms_command_inbox (
  command_id text PRIMARY KEY,
  command_type text NOT NULL,
  notice_no text NOT NULL,
  request_id text,
  source text,
  app_code text NOT NULL,
  reply jsonb NOT NULL,
  batch_size int,
  topic text, kafka_partition int, kafka_offset bigint,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ocms_command_inbox_request_idx ON ocms_command_inbox (request_id);
CREATE INDEX ocms_command_inbox_notice_idx ON ocms_command_inbox (notice_no, processed_at);

-- ---------------------------------------------------------------------------------------------
-- Grants (least privilege; docs/architecture.md "Database roles").
-- ---------------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO ocmsiz_app_conn, ocmsez_app_conn, ocms_worker, ocms_readonly;

-- Every table readable by the edge, the workers and the read-only role.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ocmsiz_app_conn, ocms_worker, ocms_readonly;

-- The edge writes only the two query-log tables the spec ties to a read.
GRANT INSERT ON ocms_cas_emcons, ocms_court_case TO ocmsiz_app_conn;

-- The internet zone sees and updates its own copy only.
GRANT SELECT, UPDATE ON eocms_valid_offence_notice TO ocmsez_app_conn;

-- The workers write notice state and the inbox.
GRANT INSERT, UPDATE, DELETE ON
    ocms_valid_offence_notice,
    eocms_valid_offence_notice,
    ocms_suspended_notice,
    ocms_offence_notice_owner_driver,
    ocms_offence_notice_detail,
    ocms_change_of_processing,
    ocms_command_inbox
TO ocms_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ocms_worker;

-- Tables and sequences that later migrations create (as ocms_owner) are readable at once;
-- write grants stay explicit in each migration.
ALTER DEFAULT PRIVILEGES FOR ROLE ocms_owner IN SCHEMA public
    GRANT SELECT ON TABLES TO ocmsiz_app_conn, ocms_worker, ocms_readonly;
ALTER DEFAULT PRIVILEGES FOR ROLE ocms_owner IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO ocms_worker;
