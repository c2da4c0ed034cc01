"""schemas/openapi.yaml against the JSON Schemas the edge really checks bodies with (schemas/http).

Every operation with a body names its schema (x-ocms-body-schema, the route table's body_schema;
tests/unit/edge checks those names against producers/edge/http/routes.cpp). Here the two schemas must
accept the same bodies: hypothesis-jsonschema generates bodies from the document's schema, each
must pass the edge's schema, and bodies from the edge's schema must pass the document's. A
difference means a caller reading the document would send what the edge refuses, or the
document promises a refusal the edge does not make. Deterministic (derandomize); prints each
difference with the smallest body that shows it and exits 1 if there is any.
"""

import copy
import json
import os
import sys

import hypothesis
import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = int(os.environ.get("OCMS_DOC_CHECK_EXAMPLES", "30"))


def resolve(node, root):
    """The document's local $refs inlined (the schemas here have no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = root
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, root)
        return {k: resolve(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, root) for v in node]
    return node


def openapi_to_json_schema(node):
    """OpenAPI 3.0 schema object -> JSON Schema: nullable becomes a null type; notes go."""
    if isinstance(node, list):
        return [openapi_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in ("example", "examples", "description", "default", "x-ocms-note", "format"):
            continue
        if k == "properties":
            out[k] = {name: openapi_to_json_schema(s) for name, s in v.items()}
        else:
            out[k] = openapi_to_json_schema(v)
    if out.pop("nullable", False):
        if "type" in out:
            t = out["type"]
            out["type"] = (t if isinstance(t, list) else [t]) + ["null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = out["enum"] + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def strip_notes(node):
    """A JSON Schema without the keywords that change nothing about what is accepted."""
    if isinstance(node, list):
        return [strip_notes(v) for v in node]
    if not isinstance(node, dict):
        return node
    return {k: strip_notes(v) if k != "properties" else {n: strip_notes(s) for n, s in v.items()}
            for k, v in node.items() if k not in ("$schema", "title", "description", "default", "format")}


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, op


def check_one(name, source, target, label):
    """Bodies generated from `source` must pass `target`; returns the failure text or None."""
    validator = jsonschema.Draft4Validator(target)
    failure = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink])
    @given(from_schema(source))
    def prop(body):
        errors = sorted(validator.iter_errors(body), key=str)
        if errors:
            failure[:] = [body, errors[0].message]
            raise AssertionError(errors[0].message)

    try:
        prop()
    except AssertionError:
        body, why = failure
        return f"{name}: {label}: {json.dumps(body)[:300]} -> {why[:300]}"
    return None


def main():
    doc = yaml.safe_load(open(os.path.join(REPO, "schemas", "openapi.yaml"), encoding="utf-8"))
    problems = []
    checked = 0
    for method, path, op in operations(doc):
        name = f"{method.upper()} {path}"
        if "x-ocms-roles" not in op:
            problems.append(f"{name}: no x-ocms-roles (the roles of its route)")
        body_name = op.get("x-ocms-body-schema")
        body = op.get("requestBody")
        if bool(body_name) != bool(body):
            problems.append(f"{name}: x-ocms-body-schema and requestBody must come together")
            continue
        if not body:
            continue
        media = body.get("content", {}).get("application/json")
        if not media or "schema" not in media:
            problems.append(f"{name}: requestBody without an application/json schema")
            continue
        documented = openapi_to_json_schema(resolve(media["schema"], doc))
        with open(os.path.join(REPO, "schemas", body_name + ".schema.json"), encoding="utf-8") as f:
            edge = strip_notes(json.load(f))
        for source, target, label in ((documented, edge, "documented body refused by the edge's schema"),
                                      (edge, documented, "body the edge accepts refused by the document")):
            p = check_one(name, copy.deepcopy(source), target, label)
            if p:
                problems.append(p)
        checked += 1
    for p in problems:
        print("DIFF", p)
    print(f"doc_check: {checked} request bodies compared with schemas/http ({EXAMPLES} bodies each way), "
          f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
