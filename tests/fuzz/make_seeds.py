#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/ (committed).

Seeds come from the request examples of docs/api.md (the spec's examples, as sent to the running
edge), the command and reply shapes of schemas/README.md and the schemas, and a few hostile
inputs per target. Run it again after the route table or docs/api.md change:
    python3 tests/fuzz/make_seeds.py
Files are named by content (sha1), so a rerun only adds what is new; inputs saved from findings
(crash-*, named by libFuzzer) are kept.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = HERE / "corpus"
KEY = b"fuzz-test-key-fuzz-test-key-0123456789"  # the targets' test secret


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / (name or ("seed-" + hashlib.sha1(data).hexdigest()[:16]))).write_bytes(data)


# ---------------------------------------------------------------- edge_http
def routes():
    """(method, path) of routes.cpp's table, in order (the target indexes it)."""
    text = (REPO / "producers/edge/http/routes.cpp").read_text()
    return re.findall(r'\{verb::(\w+), "([^"]+)"', text)


def api_examples():
    """(path, body) of every `curl ... -X POST "$OCMS_EDGE_URL<path>" ... -d '<body>'` in docs/api.md."""
    text = (REPO / "docs/api.md").read_text()
    out = []
    for m in re.finditer(r'curl[^\n]*?"\$OCMS_EDGE_URL(/[^"?]*)"(.*?)(?=\n```)', text, re.S):
        path, rest = m.group(1), m.group(2)
        body = re.search(r"-d '(.*?)'", rest, re.S)
        out.append((path, body.group(1) if body else ""))
    return out


def edge_seed(route_index, body, flags=0, rid=b"", reply_data=b""):
    return bytes([route_index, flags, len(rid), len(reply_data)]) + rid + body.encode() + reply_data


def edge_http():
    table = routes()
    index = {path: i for i, (method, path) in enumerate(table)}
    bodies = {}
    for path, body in api_examples():
        if path in index:
            put("edge_http", edge_seed(index[path], body))
            bodies.setdefault(path, body)
    # The reads with query strings and path parameters: "<param>\n<query>".
    get = {
        "/api/v1/change-processing-stage/reports": ["startDate=2026-11-23&endDate=2026-11-23",
                                                   "startDate=2026-02-30&endDate=2025-01-01"],
        "/api/v1/change-processing-stage/report/{reportId}": ["ChangeStageReport_20261123_025035_dev_iyq9f1.xlsx",
                                                             "../../etc/passwd"],
        "/ops/api/history/{noticeNo}": ["500500303J"],
        "/ops/api/dead-letters": ["status=ALL", "status=OPEN&status=x"],
        "/ops/{asset}": ["index.html", "..%2f..%2fsecrets"],
        "/ops/api/parked": [""],
        "/healthz": [""],
    }
    for path, rests in get.items():
        for r in rests:
            put("edge_http", edge_seed(index[path], r))
    # Bodies of the routes docs/api.md has no example for.
    more = {
        "/ops/api/parked/retry": '{"noticeNo":"500500303J","reason":"fixed the stage map"}',
        "/ops/api/parked/discard": '{"commandId":"5b0e7d8a-0c43-4d55-9d1f-6a3b2f0e9c11","reason":"duplicate"}',
        "/ops/api/redrive": '{"deadLetterIds":[1,2],"reason":"schema fixed","dryRun":true}',
        "/ops/api/replay": '{"topic":"ocms.cmd.suspension","partitions":[0,1],"fromTime":"2025-04-12T19:00:02",'
                           '"toOffset":100,"noticeNos":["500500303J"],"reason":"replay after fix","maxMessages":10}',
    }
    for path, body in more.items():
        put("edge_http", edge_seed(index[path], body))
        bodies.setdefault(path, body)
    # Every gateway answer and store behaviour once on the command routes, a reply's data given.
    staff = index["/v1/staff-apply-suspension"]
    for flags in (1, 2, 3, 4, 8, 64 | 1):
        put("edge_http", edge_seed(staff, bodies["/v1/staff-apply-suspension"], flags))
    for path in ("/v1/updateCourtNotices",):
        for flags in (0x10, 0x20, 0x30, 1):
            put("edge_http", edge_seed(index[path], bodies[path], flags))
    submit = index["/api/v1/change-processing-stage"]
    put("edge_http", edge_seed(submit, bodies["/api/v1/change-processing-stage"], 64,
                               reply_data=b'{"code":"OCMS-2000","outcome":"UPDATED","httpStatus":200}'))
    put("edge_http", edge_seed(submit, bodies["/api/v1/change-processing-stage"], 0,
                               reply_data=b'{"outcome":7,"httpStatus":"x","previousStage":null}'))
    put("edge_http", edge_seed(index["/v1/request-outcome"], '{"requestId":"7be1806a"}', 0,
                               reply_data=b'{"srNo":1,"dueDateOfRevival":"2025-04-12T19:00:02"}'))
    put("edge_http", edge_seed(staff, bodies["/v1/staff-apply-suspension"], 0, rid=b"req-42"))
    # Hostile bodies on the busiest routes.
    hostile = [
        "", "{", "[]", "null", '"x"', "[" * 3000, '{"noticeNo":' + "[" * 200 + "]" * 200 + "}",
        '{"noticeNo":["500500303J","500500303J"],"suspensionType":"TS","reasonOfSuspension":"ACR",'
        '"officerAuthorisingSuspension":"J"}',
        '{"noticeNo":["A\\u0000B"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"}',
        '{"noticeNo":["500500303J"],"suspensionType":"TS","reasonOfSuspension":"ACR",'
        '"officerAuthorisingSuspension":"J","suspensionRemarks":"\xff\xfe"}',
        '{"$skip":18446744073709551615,"$limit":-1,"noticeNo":"x"}',
        '{"$skip":1e400,"$limit":0.5}',
        '{"notice_nos":["a"],"noticeNos":["b"]}',
        '[{"notice_no":"500500314V","amount_payable":12.345},{"notice_no":5},{"notice_no":"A","x":1}]',
        '[{"notice_no":"500500314V","amount_payable":"9999999999999999.99","last_processing_date":"2025-02-30T00:00:00"}]',
        '{"deadLetterIds":[18446744073709551615],"reason":"why not"}',
        '{"topic":"ocms.cmd.stage","partitions":[4294967296],"reason":"big partition"}',
        '{"topic":"ocms.cmd.stage","fromOffset":18446744073709551615,"reason":"huge offset"}',
    ]
    for path in ("/v1/staff-apply-suspension", "/v1/validoffencenoticelist", "/v1/updateCourtNotices",
                 "/ops/api/redrive", "/ops/api/replay", "/api/v1/change-processing-stage"):
        for h in hostile:
            put("edge_http", bytes([index[path], 0, 0, 0]) + h.encode("latin-1"))


# ---------------------------------------------------------------- worker_command
def envelope(type_, payload, **extra):
    e = {"commandId": "5b0e7d8a-0c43-4d55-9d1f-6a3b2f0e9c11", "type": type_, "schemaVersion": 1,
         "issuedAt": "2025-04-12T19:00:02.123456+08:00", "source": "OCMS_FE", "officer": "JOHNLEE",
         "requestId": "7be1806a-889a-4db5-baa2-a02aeab4c248", "traceId": "0f8c3c9e2f1a4f7e"}
    e.update(extra)
    e["payload"] = payload
    return json.dumps(e, separators=(",", ":"))


def worker_command():
    reply_to = {"replyTo": {"topic": "ocms.reply", "partition": 0}, "batch": {"index": 0, "size": 2}}
    court = {"suspension_type": "TS", "notice_no": "500500314V", "last_eburar_update": "EB-2026-11-22",
             "atoms_flag": "Y", "last_processing_date": "2026-11-22T19:00:02", "next_processing_stage": "CRT",
             "amount_payable": "70.50", "payment_allowance": "Y", "epr_reason_of_suspension": "WWP"}
    payloads = [
        ("suspension.apply", {"noticeNo": "500500303J", "suspensionType": "TS", "reasonOfSuspension": "ACR",
                              "suspensionRemarks": "ACRA investigation pending", "officerAuthorisingSuspension": "JOHNLEE"}),
        ("suspension.apply", {"noticeNo": "TDOCS17111", "suspensionType": "TS", "reasonOfSuspension": "ACR",
                              "dateOfSuspension": "2026-11-22T19:00:02", "checking": True}),
        ("revival.apply", {"noticeNo": "500500303J", "suspensionType": "TS", "revivalReason": "SUP",
                           "revivalRemarks": "done", "officerAuthorisingRevival": "JOHNLEE", "channel": "staff"}),
        ("revival.apply", {"noticeNo": "500500322D", "suspensionType": "TS", "revivalReason": "HAV",
                           "officerAuthorisingRevival": "ocmsizmgr", "channel": "hst", "hstIdNo": "S9900112G"}),
        ("stage.change", {"noticeNo": "500500309Q", "mode": "submit", "source": "OCMS", "officer": "JOHNLEE",
                          "newStage": "DN2", "reason": "SUP", "remarks": "Verified by AO", "isConfirmation": True}),
        ("stage.change", {"noticeNo": "500500310R", "mode": "plus", "source": "PLUS", "officer": "PLUS",
                          "newStage": "DR3", "currentStage": "DN2", "offenderType": "DRIVER",
                          "newStageDate": "2025-09-25T06:58:42"}),
        ("stage.change", {"noticeNo": "500500311S", "mode": "toppan", "source": "SYSTEM", "officer": "SYSTEM",
                          "currentStage": "DR3", "processingDate": "2026-11-23T00:30:00"}),
        ("stage.change", {"noticeNo": "500500311S", "mode": "toppan", "source": "SYSTEM", "officer": "SYSTEM"}),
        ("court.update", court),
        ("court.update", dict(court, amount_payable=12.34, suspension_type=None)),
        ("court.update", {"notice_no": "500500314V", "amount_payable": -1, "next_processing_stage": "zz"}),
    ]
    for t, p in payloads:
        put("worker_command", envelope(t, p))
        put("worker_command", envelope(t, p, **reply_to))
    put("worker_command", envelope("suspension.apply", payloads[0][1],
                                   replayOf={"topic": "ocms.cmd.suspension", "partition": 3, "offset": 17}))
    hostile = [
        b"", b"not json", b"{}", b"[]", b"\xff\xfe{}",
        envelope("suspension.apply", payloads[0][1], issuedAt="2025-02-30T00:00:00").encode(),
        envelope("suspension.apply", payloads[0][1], issuedAt="0000-01-01T00:00:00+14:00").encode(),
        envelope("suspension.apply", payloads[0][1], schemaVersion=2).encode(),
        envelope("suspension.nuke", {"noticeNo": "1"}).encode(),
        envelope("suspension.apply", {"noticeNo": "X" * 300, "suspensionType": "TS"}, **reply_to).encode(),
        envelope("suspension.apply", dict(payloads[0][1], **{"k" * 600: 1}), **reply_to).encode(),
        envelope("suspension.apply", payloads[0][1],
                 replayOf={"topic": "t", "partition": 4294967296, "offset": 18446744073709551615}).encode(),
        envelope("suspension.apply", dict(payloads[0][1], dateOfSuspension="2025-13-01T00:00:00")).encode(),
        envelope("court.update", dict(court, amount_payable=1e300)).encode(),
        envelope("court.update", dict(court, amount_payable="1.005")).encode(),
        envelope("stage.change", dict(payloads[6][1], processingDate="2025-02-30T00:00:00")).encode(),
        b'{"commandId":"5b0e7d8a","type":"suspension.apply","payload":' + b"[" * 5000,
    ]
    for h in hostile:
        put("worker_command", h)


# ---------------------------------------------------------------- reply_decode
def reply_decode():
    base = {"commandId": "5b0e7d8a-0c43-4d55-9d1f-6a3b2f0e9c11", "requestId": "7be1806a-889a-4db5-baa2-a02aeab4c248",
            "type": "suspension.apply", "noticeNo": "500500303J", "appCode": "OCMS-2000", "message": "TS Success",
            "data": {"srNo": 1234, "dueDateOfRevival": "2025-04-12T19:00:02"},
            "processedAt": "2025-04-12T19:00:02.123456+08:00", "fromInbox": False, "batch": {"index": 0, "size": 2}}
    def enc(d):
        return json.dumps(d, separators=(",", ":"))
    put("reply_decode", enc(base))
    put("reply_decode", enc(dict(base, fromInbox=True, appCode="OCMS-4002", message="Refused")))
    put("reply_decode", enc({k: v for k, v in base.items() if k not in ("data", "batch", "requestId")}))
    put("reply_decode", enc(dict(base, batch={"index": 4294967296, "size": -1})))
    put("reply_decode", enc(dict(base, processedAt="yesterday")))
    put("reply_decode", enc(dict(base, appCode="OCMS-20000000000000")))
    put("reply_decode", enc(dict(base, data=[1, 2])))
    dlq = {"reason": "json", "error": "not JSON", "sourceTopic": "ocms.cmd.suspension", "partition": 0, "offset": 17,
           "key": "500500303J", "commandId": None, "deadLetteredAt": "2025-04-12T19:00:02.000000+08:00",
           "original": base64.b64encode(b"\xff\x00garbage").decode(), "originalEncoding": "base64"}
    put("reply_decode", enc(dlq))
    put("reply_decode", enc(dict(dlq, original="not base64 !", originalEncoding="base64")))
    for h in (b"", b"{", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"[" * 3000):
        put("reply_decode", h)


# ---------------------------------------------------------------- jwt_auth
def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def token(header, claims, key=KEY):
    signing = b64url(json.dumps(header).encode()) + b"." + b64url(json.dumps(claims).encode())
    return signing + b"." + b64url(hmac.new(key, signing, hashlib.sha256).digest())


def jwt_auth():
    good = {"sub": "JOHNLEE", "iss": "ocms", "iat": 1766232000, "exp": 1900000000,
            "roles": ["OCMS_STAFF", "PLUS", "CAS", "HST", "OPS", "INTERNAL"]}
    hs = {"alg": "HS256", "typ": "JWT"}
    raw = [
        b"Bearer " + token(hs, good),
        b"Bearer " + token(hs, good, key=b"another key"),
        b"Bearer " + token(hs, dict(good, exp=1000)),
        b"Bearer " + token(hs, dict(good, iss="evil")),
        b"Bearer " + token({"alg": "none"}, good)[: -43],
        b"Bearer " + token({"alg": "HS512"}, good),
        b"Bearer " + b64url(json.dumps({"alg": "none"}).encode()) + b"." + b64url(json.dumps(good).encode()) + b".",
        b"Bearer ", b"bearer x.y.z", b"Basic dXNlcjpwYXNz", b"Bearer a.b.c.d", b"Bearer " + b"A" * 9000,
    ]
    for r in raw:
        put("jwt_auth", b"\x00" + r)
    structured = [
        (hs, good), (hs, dict(good, exp="1900000000")), (hs, dict(good, roles="OPS")),
        (hs, dict(good, roles=[1, None, "OPS"])), (hs, {k: v for k, v in good.items() if k != "iss"}),
        (hs, dict(good, sub="../../x\u0000y" * 10)), ({"alg": "none"}, good), ({"alg": "HS256", "crit": ["x"]}, good),
    ]
    for h, c in structured:
        put("jwt_auth", b"\x01" + json.dumps(h).encode() + b"\n" + json.dumps(c).encode())
    put("jwt_auth", b'\x01{"alg":"HS256","alg":"none"}\n{"iss":"evil","iss":"ocms","exp":1900000000}')
    put("jwt_auth", b"\x00fuzz-apim-key-1")


if __name__ == "__main__":
    edge_http()
    worker_command()
    reply_decode()
    jwt_auth()
    for d in sorted(CORPUS.iterdir()):
        print(d.name, len(list(d.iterdir())))
