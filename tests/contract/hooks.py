"""Schemathesis hooks for OCMS: every request carries the credentials its route asks for.

The roles come from each operation's `x-ocms-roles` in schemas/openapi.yaml (tests/unit/edge
checks they equal the edge's route table); an operation whose `security` names `apimKey` also gets
an accepted Ocp-Apim-Subscription-Key. Tokens are HS256 JWTs signed with the edge's own key
($OCMS_JWT_SECRET_FILE), issuer $OCMS_JWT_ISSUER, minted once per role set and valid for an hour:
the identity each caller's identity provider would issue. Nothing here is generated at random.
"""

import base64
import hashlib
import hmac
import json
import os
import time

import schemathesis

# Imported here, at the top of the stack, not lazily from inside a generated case: anyio 4.16's
# lazy importer compile()s its own source, which CPython 3.11.7 can fail with "SystemError: AST
# constructor recursion depth mismatch" when it runs deep inside hypothesis's recursion (a CI run
# of 2026-12-04 errored POST /api/cron/auto-revival/trigger that way, with every case passing).
import schemathesis.transport.asgi  # noqa: F401  (imports anyio)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def mint_token(roles, subject="contract-test", lifetime_s=3600):
    with open(os.environ["OCMS_JWT_SECRET_FILE"], "rb") as f:
        key = f.read().rstrip(b"\r\n")
    now = int(time.time())
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {
        "sub": subject,
        "iss": os.environ.get("OCMS_JWT_ISSUER") or "ocms",
        "iat": now,
        "exp": now + lifetime_s,
        "roles": list(roles),
    }
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing = f"{header}.{body}".encode("ascii")
    sig = _b64url(hmac.new(key, signing, hashlib.sha256).digest())
    return f"{header}.{body}.{sig}"


def apim_key():
    with open(os.environ["OCMS_APIM_KEYS_FILE"], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                return line
    raise RuntimeError("no key in OCMS_APIM_KEYS_FILE")


def _credentials(operation):
    raw = operation.definition.raw
    roles = raw.get("x-ocms-roles")
    if roles is None:
        raise RuntimeError(f"{operation.method.upper()} {operation.path}: no x-ocms-roles in schemas/openapi.yaml")
    security = raw.get("security", [{"bearerJwt": []}])
    needs_apim = any("apimKey" in alt for alt in security)
    return tuple(roles), needs_apim


_tokens = {}


# refresh_interval=None: schemathesis would otherwise reuse one get() result for every operation;
# the tokens are cached here, per role set. retry_on=[]: a 401 is an answer to check, not a cue to log in again.
@schemathesis.auth(refresh_interval=None, retry_on=[])
class RouteCredentials:
    """One token per role set of the route; the APIM key where the route's security names it."""

    def get(self, case, context):
        roles, needs_apim = _credentials(context.operation)
        token = None
        if roles:
            if roles not in _tokens:
                _tokens[roles] = mint_token(roles)
            token = _tokens[roles]
        return {"token": token, "apim": apim_key() if needs_apim else None}

    def set(self, case, data, context):
        headers = dict(case.headers or {})
        if data["token"]:
            headers["Authorization"] = f"Bearer {data['token']}"
        if data["apim"]:
            headers["Ocp-Apim-Subscription-Key"] = data["apim"]
        case.headers = headers
