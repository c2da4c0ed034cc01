-- OCMS 19 revival (spec 004): the revival reason master data, the HST (house tenants) register,
-- and the refund date a PS-FP revival identifies.

-- Spec 004 section 2. MAN (manual revival) is the code the spec's request examples use.
CREATE TABLE ocms_revival_reason (
    revival_reason varchar(3)   PRIMARY KEY,
    description    varchar(100) NOT NULL,
    scenario       varchar(200),
    status         char(1)      NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'I')),
    cre_date       timestamptz  NOT NULL DEFAULT now(),
    cre_user_id    varchar(50)  NOT NULL DEFAULT 'ocms_seed',
    upd_date       timestamptz,
    upd_user_id    varchar(50)
);

-- House tenants under investigation (TS-HST): one row per offender id and address. The HST
-- revival finds the offender's notices through ONOD (id_no) and removes this row.
CREATE TABLE ocms_hst (
    id_no       varchar(20)  PRIMARY KEY,
    name        varchar(66)  NOT NULL,
    street_name varchar(100),
    blk_hse_no  varchar(10),
    floor_no    varchar(3),
    unit_no     varchar(5),
    bldg_name   varchar(100),
    postal_code varchar(6),
    cre_date    timestamptz  NOT NULL DEFAULT now(),
    cre_user_id varchar(50)  NOT NULL,
    upd_date    timestamptz,
    upd_user_id varchar(50)
);

ALTER TABLE ocms_valid_offence_notice ADD COLUMN refund_identified_date timestamptz;


-- The workers revive and remove HST rows; the edge only reads (default privileges give SELECT).
GRANT INSERT, UPDATE, DELETE ON ocms_hst TO ocms_worker;
