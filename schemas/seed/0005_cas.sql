-- 0005_cas.sql: the settings of the CAS and PLUS integration (spec 001) that operations may change
-- at run time (UPDATE ocms_parameter ...; read on every request, no restart). Inserted only when
-- missing (ON CONFLICT DO NOTHING): a value an operator set survives every start.
-- Run on every start as ocms_owner, in one transaction. The reasons: docs/decisions.md "CAS and PLUS".
INSERT INTO ocms_parameter (parameter_id, code, value, description) VALUES
    ('CAS',   'DAYEND_WINDOW',    '20:00-07:00',
     'updateCourtNotices is accepted only inside this Singapore-time window (HH:MM-HH:MM; may cross midnight)'),
    ('COURT', 'PAYMENT_DUE_DAYS', '28',
     'getNoticeUpdate: court payment due date = the day the notice entered its court stage + this many days')
ON CONFLICT (parameter_id, code) DO NOTHING;
