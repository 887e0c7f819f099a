"""GlueSQL on the SQL oracle corpus (tests/sql_oracle): every query through GlueSQL
(`engine-study oracle`, over the corpus's tables in GlueSQL's type names) and through SQLite
(tests/sql_oracle/oracle.py), compared by the rules of tests/sql_oracle.rs, except that a
decimal comes from GlueSQL as a number, so it is compared as one. Prints the pass count and
the first disagreements.

    python3 studies/engine/compare.py ENGINE_STUDY_BINARY
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "..", "..", "tests", "sql_oracle")
setup = os.path.join(corpus, "setup.sql")
queries = []
for line in open(os.path.join(corpus, "queries.sql"), encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("--"):
        queries.append(line.rstrip(";"))
stdin = "\n".join(queries) + "\n"


def run(cmd):
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


sqlite = run([sys.executable, os.path.join(corpus, "oracle.py"), setup])
glue = run([sys.argv[1], "oracle", setup])
assert len(sqlite) == len(glue) == len(queries)


def ordered(q):
    up = q.upper()
    at = up.rfind("ORDER BY")
    return at >= 0 and up[:at].count("(") == up[:at].count(")")


def cell_eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool):
        a = int(a)
    if isinstance(b, bool):
        b = int(b)
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def rows_eq(q, a, b):
    if len(a) != len(b):
        return False
    row_eq = lambda x, y: len(x) == len(y) and all(cell_eq(p, q) for p, q in zip(x, y))
    if ordered(q):
        return all(row_eq(x, y) for x, y in zip(a, b))
    left = list(b)
    for r in a:
        i = next((i for i, s in enumerate(left) if row_eq(r, s)), None)
        if i is None:
            return False
        left.pop(i)
    return True


passed, errors, wrong = 0, [], []
for q, s, g in zip(queries, sqlite, glue):
    if "error" in g:
        errors.append((q, g["error"]))
    elif rows_eq(q, g["rows"], s["rows"]):
        passed += 1
    else:
        wrong.append(q)
print(f"GlueSQL agrees with SQLite on {passed} of {len(queries)} corpus queries "
      f"({len(errors)} refused or failed, {len(wrong)} wrong results)")
for q, e in errors[:15]:
    print(f"  error: {q}\n         {e[:160]}")
for q in wrong[:15]:
    print(f"  wrong: {q}")
