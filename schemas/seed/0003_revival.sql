-- Revival reason master data (spec 004 section 2), replaced on every start like the other
-- reference data. MAN is the manual-revival code the spec's request examples use.
INSERT INTO ocms_revival_reason (revival_reason, description, scenario, status) VALUES
    ('CSR', 'Change suspension reason',      'A new suspension reason has been identified', 'A'),
    ('CWN', 'Cancelled wrong notice',        'PS was incorrectly applied to the Notice', 'A'),
    ('DPU', 'Driver''s Particulars Updated', 'OCMS received updated Driver''s particulars', 'A'),
    ('HAV', 'HST Address Verified',          'TS-HST lifted after address verification', 'A'),
    ('OPU', 'Owner''s Particulars Updated',  'OCMS received updated Owner''s particulars', 'A'),
    ('OTH', 'Others',                        'Suspension lifted due to other reasons', 'A'),
    ('PSR', 'Permanent suspension revival',  'PS has been lifted', 'A'),
    ('RDN', 'Redirect notice',               'TS lifted to redirect Notice to another offender', 'A'),
    ('SPO', 'Suspension period is over',     'TS lifted as suspension has expired', 'A'),
    ('SUP', 'Speed-up processing',           'TS lifted to expedite Notice processing', 'A'),
    ('SYS', 'System issue resolved',         'TS lifted as system issue has been resolved', 'A'),
    ('MAN', 'Manual revival',                'Suspension lifted by an officer (request examples of spec 004)', 'A')
ON CONFLICT (revival_reason) DO UPDATE
    SET description = EXCLUDED.description, scenario = EXCLUDED.scenario, status = EXCLUDED.status,
        upd_date = now(), upd_user_id = 'ocms_seed'
    WHERE (ocms_revival_reason.description, ocms_revival_reason.scenario, ocms_revival_reason.status)
          IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.scenario, EXCLUDED.status);

-- Demo: the owner of 500500318Z (TS-HST) is a house tenant under investigation. Not again once
-- the HST revival removed the row (its TS-HST record revived): a re-run never resets the API's work.
INSERT INTO ocms_hst (id_no, name, street_name, blk_hse_no, floor_no, unit_no, bldg_name, postal_code, cre_user_id)
SELECT 'S9900112G', 'Loh Ah Chye', 'Bukit Merah View', '65', '29', '1551', 'The Amberlyn', '578640', 'ocms_seed'
WHERE NOT EXISTS (SELECT 1 FROM ocms_suspended_notice
                  WHERE notice_no = '500500318Z' AND reason_of_suspension = 'HST' AND date_of_revival IS NOT NULL)
ON CONFLICT (id_no) DO NOTHING;
