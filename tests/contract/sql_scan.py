#!/usr/bin/env python3
"""SQL only with parameters: the C++ of common/, consumers/ and producers/ must never put a value
into SQL text.

Reads every .cpp/.hpp (comments dropped, C++ string literals and raw strings understood), finds
each concatenation chain (`a + b + ...`, `x += ...`) that builds SQL text (a literal in it, or the
variable it extends, reads as SQL), and judges each piece joined to the SQL:
  - a string literal: fine, unless it leaves a SQL quote open next to a non-literal (`'" + x`),
    which is the shape of a value pasted into a SQL string: always an error;
  - a placeholder: `"$" + std::to_string(n)` (the number of a parameter), or a call of a function
    listed in PLACEHOLDER_FUNCTIONS, which return "$n" text: fine;
  - a constant: an identifier kName (a constexpr fragment of SQL): fine;
  - std::to_string(...) not after "$": a value printed into the SQL: an error;
  - any other expression: a fragment built elsewhere; it must be listed in REVIEWED with why it
    cannot carry a value, or it is an error.
Prints every dynamic SQL site with its verdict and exits 1 on any error. Runs in a second.
"""

import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTS = ["common", "consumers", "producers"]
# A literal that reads as SQL: a statement or clause keyword, or a condition's start ("v.col = ").
SQL_STRONG = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|ORDER BY|LIMIT|OFFSET|RETURNING|ON CONFLICT|UNION)\b"
    r"|^\s*(AND\s+|OR\s+)?[a-z_]+\.[a-z_]+\s*(=|<>|<=|>=|<|>|IN|LIKE|ILIKE)\s*$")

# Functions that append a parameter and return its placeholder text ("$3").
PLACEHOLDER_FUNCTIONS = {
    ("producers/edge/reads/read_store.cpp", "param"): "pushes the value into Sql::params, returns \"$n\"",
    ("producers/edge/reads/read_store.cpp", "in_list"): "\"(\" + param(...) for each value + \")\"",
}

# Fragments built elsewhere, each read and found to hold only SQL the code wrote (never a value).
REVIEWED = {
    ("producers/edge/reads/read_store.cpp", "where"):
        "notice_list_sql: ' WHERE '/' AND ' + literal conditions whose values are param() placeholders",
    ("producers/edge/reads/read_store.cpp", "cond"):
        "the add() lambda's argument: a literal condition + param()/in_list() placeholders",
    ("producers/edge/reads/read_store.cpp", "limit"): "param(p, std::to_string(q.limit)): a placeholder",
    ("producers/edge/reads/read_store.cpp", "offset"): "param(p, std::to_string(q.skip)): a placeholder",
    ("common/support/support_store.cpp", "one"): "a literal SELECT prefix + kDeadLetterCols",
    ("common/support/support_store.cpp", "order"): "a literal ORDER BY ... LIMIT $1 suffix",
    ("common/stage_store/stage_store.cpp", "c"):
        "search(): each condition is a literal with a $n placeholder pushed beside it",
    ("common/stage_store/stage_store.cpp", "where"): "' WHERE '/' AND ' + those conditions",
}

TOKEN = re.compile(
    r'(?P<raw>R"(?P<delim>[^(\s]*)\((?P<rawbody>.*?)\)(?P=delim)")'
    r'|(?P<str>"(?:\\.|[^"\\\n])*")'
    r"|(?P<chr>'(?:\\.|[^'\\\n])+')"
    r"|(?P<lc>//[^\n]*)"
    r"|(?P<bc>/\*.*?\*/)"
    r"|(?P<id>[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)"
    r"|(?P<num>\d[\w.']*)"
    r"|(?P<op>\+=|->|::|[-+*/%<>=!&|^~?:;,.(){}\[\]])"
    r"|(?P<ws>\s+)",
    re.S,
)


def tokenize(text):
    out = []
    pos = 0
    line = 1
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            pos += 1
            continue
        kind = m.lastgroup if m.lastgroup not in ("delim", "rawbody") else "raw"
        if m.group("raw") is not None:
            out.append(("str", m.group("rawbody"), line))
        elif kind == "str":
            out.append(("str", bytes(m.group("str")[1:-1], "utf-8").decode("unicode_escape", "ignore"), line))
        elif kind in ("id", "num", "op"):
            out.append((kind, m.group(kind), line))
        elif kind == "chr":
            out.append(("num", m.group("chr"), line))
        line += m.group(0).count("\n")
        pos = m.end()
    # adjacent literals are one literal in C++
    merged = []
    for t in out:
        if t[0] == "str" and merged and merged[-1][0] == "str":
            merged[-1] = ("str", merged[-1][1] + t[1], merged[-1][2])
        else:
            merged.append(t)
    return merged


def skip_group(toks, i):
    """toks[i] is an opening bracket; returns the index after its match."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    close = pairs[toks[i][1]]
    depth = 0
    opening = toks[i][1]
    while i < len(toks):
        if toks[i][0] == "op" and toks[i][1] == opening:
            depth += 1
        elif toks[i][0] == "op" and toks[i][1] == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def render(toks):
    return "".join('"' + t[1] + '"' if t[0] == "str" else t[1] for t in toks)


def operand(toks, i):
    """Parses one operand at i; returns (kind, text, end). kind: str, call, name, group, other."""
    if i >= len(toks):
        return ("other", "", i)
    t = toks[i]
    if t[0] == "str":
        return ("str", t[1], i + 1)
    if t[0] == "op" and t[1] == "(":
        end = skip_group(toks, i)
        return ("group", render(toks[i:end]), end)
    if t[0] == "id":
        j = i + 1
        text = t[1]
        kind = "name"
        while j < len(toks):
            if toks[j][0] == "op" and toks[j][1] == "(":
                end = skip_group(toks, j)
                text += "(" + render(toks[j + 1:end - 1]) + ")"
                kind = "call"
                j = end
            elif toks[j][0] == "op" and toks[j][1] in (".", "->") and j + 1 < len(toks) and toks[j + 1][0] == "id":
                text += toks[j][1] + toks[j + 1][1]
                kind = "name" if kind == "name" else "call"
                j += 2
            elif toks[j][0] == "op" and toks[j][1] == "[":
                end = skip_group(toks, j)
                text += "[...]"
                j = end
            else:
                break
        return (kind, text, j)
    return ("other", t[1], i + 1)


def unwrap(kind, text):
    """std::string(x) and std::string_view(x) are x."""
    m = re.fullmatch(r"std::string(?:_view)?\((.*)\)", text)
    if kind == "call" and m:
        inner = m.group(1)
        if inner.startswith('"') and inner.endswith('"') and inner.count('"') == 2:
            return ("str", inner[1:-1])
        return ("name", inner)
    return (kind, text)


def judge(rel, pieces):
    """pieces: [(kind, text)] of one chain joined with SQL. Returns [(verdict, text)] for the non-literals."""
    out = []
    for idx, (kind, text) in enumerate(pieces):
        kind, text = unwrap(kind, text)
        if kind == "str":
            if text.count("'") % 2 == 1:
                neighbours = [pieces[j] for j in (idx - 1, idx + 1) if 0 <= j < len(pieces)]
                if any(unwrap(*n)[0] != "str" for n in neighbours):
                    out.append(("ERROR value inside SQL quotes", text))
            continue
        prev = unwrap(*pieces[idx - 1]) if idx > 0 else None
        base = text.split("(")[0]
        if prev and prev[0] == "str" and prev[1].endswith("$") and base == "std::to_string":
            out.append(("ok placeholder", "$" + text))
        elif base == "std::to_string":
            out.append(("ERROR value printed into SQL", text))
        elif kind == "group" and re.fullmatch(r'\([^"]*\?"[^"]*":"[^"]*"\)', text):
            out.append(("ok literal choice", text))
        elif re.fullmatch(r"k[A-Z]\w*", text):
            out.append(("ok constant", text))
        elif kind == "call" and (rel, base) in PLACEHOLDER_FUNCTIONS:
            out.append(("ok placeholder function", text))
        elif (rel, text) in REVIEWED:
            out.append(("ok reviewed: " + REVIEWED[(rel, text)], text))
        else:
            out.append(("ERROR unreviewed fragment", text))
    return out


def sql_variables(toks):
    """Names assigned or extended (= / +=) in a statement that has a SQL literal: SQL text."""
    names = set()
    for i in range(len(toks) - 1):
        if toks[i][0] == "id" and toks[i + 1][0] == "op" and toks[i + 1][1] in ("=", "+="):
            j = i + 2
            while j < len(toks) and not (toks[j][0] == "op" and toks[j][1] == ";"):
                if toks[j][0] == "str" and SQL_STRONG.search(toks[j][1]):
                    names.add(toks[i][1])
                    break
                j += 1
    return names


def scan_file(path, rel):
    return scan_text(open(path, encoding="utf-8").read(), rel)


def scan_text(text, rel):
    toks = tokenize(text)
    sql_vars = sql_variables(toks)
    findings = []
    i = 0
    while i < len(toks):
        t = toks[i]
        # name = <chain> / name += <chain>
        target = None
        if t[0] == "id" and i + 1 < len(toks) and toks[i + 1][0] == "op" and toks[i + 1][1] in ("+=", "="):
            target = (t[1], toks[i + 1][1])
            start = i + 2
        else:
            start = i
        kind, text, end = operand(toks, start)
        if kind == "other" and target is None:
            i += 1
            continue
        pieces = [(kind, text)]
        j = end
        while j < len(toks) and toks[j][0] == "op" and toks[j][1] == "+":
            k2, t2, j = operand(toks, j + 1)
            pieces.append((k2, t2))
        if j < len(toks) and toks[j][0] == "op" and toks[j][1] == "?":
            # the condition of a ?: (x += cond ? "a" : "b"): the literals after it are scanned on their own
            i = j + 1
            continue
        is_sql = any(unwrap(*p)[0] == "str" and SQL_STRONG.search(unwrap(*p)[1]) for p in pieces) or (
            target is not None and target[0] in sql_vars)
        if is_sql and (len(pieces) > 1 or (target and target[1] == "+=")):
            for verdict, what in judge(rel, pieces):
                findings.append((rel, t[2], verdict, what))
        # descend into call arguments and groups: chains there are scanned on their own
        if kind == "group":
            i = start + 1
        elif kind == "call":
            i = next(k for k in range(start, end) if toks[k][0] == "op" and toks[k][1] == "(") + 1
        else:
            i = max(j, i + 1)
    return findings


# The scanner must find what it is for: each snippet here has to give at least one error.
BAD = [
    'auto r = db.exec("SELECT * FROM ocms_user WHERE user_id = \'" + user + "\'");',
    'std::string sql = "SELECT 1 FROM t WHERE a = $1 LIMIT " + std::to_string(limit);',
    'std::string sql = "DELETE FROM ocms_hst WHERE id_no = "; sql += id_no;',
    'db.exec(std::string("UPDATE ocms_valid_offence_notice SET ") + column + " = $1", {v});',
    'add("von.vehicle_no = " + q.vehicle_no);',
]
GOOD = [
    'std::string sql = "SELECT 1 FROM t WHERE a = $" + std::to_string(params.size());',
    'static constexpr const char* kCols = "a, b"; std::string sql = std::string("SELECT ") + kCols + " FROM t";',
    'auto r = db.exec("SELECT 1 FROM t WHERE a = $1", {a});',
]


def self_test():
    ok = True
    for snippet in BAD:
        if not any(v.startswith("ERROR") for _, _, v, _ in scan_text(snippet, "self-test.cpp")):
            print(f"self-test: not caught: {snippet}")
            ok = False
    for snippet in GOOD:
        errs = [w for _, _, v, w in scan_text(snippet, "self-test.cpp") if v.startswith("ERROR")]
        if errs:
            print(f"self-test: wrongly refused {errs}: {snippet}")
            ok = False
    return ok


def main():
    if not self_test():
        return 1
    findings = []
    files = 0
    for root in ROOTS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(REPO, root)):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "console")]
            for name in sorted(filenames):
                if name.endswith((".cpp", ".hpp")):
                    path = os.path.join(dirpath, name)
                    files += 1
                    findings += scan_file(path, os.path.relpath(path, REPO))
    errors = [f for f in findings if f[2].startswith("ERROR")]
    for rel, line, verdict, what in sorted(set(findings)):
        print(f"{rel}:{line}: {verdict}: {what}")
    used = {(rel, what) for rel, _, verdict, what in findings if verdict.startswith("ok reviewed")}
    stale = [k for k in REVIEWED if k not in used]
    for rel, what in stale:
        print(f"{rel}: REVIEWED entry '{what}' no longer occurs: remove it")
    print(f"sql_scan: {files} files, {len(set(findings))} pieces joined to SQL text, {len(errors)} errors, "
          f"{len(stale)} stale review entries")
    return 1 if errors or stale else 0


if __name__ == "__main__":
    sys.exit(main())
