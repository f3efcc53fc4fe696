"""Validate a labelled eval JSONL file (default: holdout.jsonl next to this script).

Checks: valid JSON per line, required fields, unique sequential ids, kind/verdict/category
values, span/absent texts verbatim in text, categories == set of span categories,
verdict consistent with categories, NHS numbers valid mod-11 in the 900-999 test range.
"""
import collections
import json
import os
import re
import sys

CATS = {"thirdParty", "safeguarding", "sensitive", "harm"}
VERDICTS = {"visible", "review", "withhold"}


def nhs_ok(digits):
    if len(digits) != 10 or not digits.isdigit():
        return False
    s = sum(int(c) * w for c, w in zip(digits[:9], range(10, 1, -1)))
    chk = 11 - (s % 11)
    if chk == 11:
        chk = 0
    return chk != 10 and chk == int(digits[9])


def main(path):
    errs = []
    recs = []
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    if "\r" in raw:
        errs.append("file contains CR characters")
    for n, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            recs.append((n, json.loads(line)))
        except json.JSONDecodeError as e:
            errs.append(f"line {n}: invalid JSON: {e}")
    ids = set()
    for i, (n, r) in enumerate(recs, 1):
        rid = r.get("id", f"line{n}")
        def bad(msg):
            errs.append(f"{rid}: {msg}")
        for k in ("id", "kind", "patient", "text", "verdict", "categories", "spans", "absent", "note"):
            if k not in r:
                bad(f"missing {k}")
        # ids share the first record's prefix ("ho", "b2", "b4"...) and run 0001, 0002, ...
        prefix = str(recs[0][1].get("id", "ho-")).split("-")[0]
        if rid != "%s-%04d" % (prefix, i):
            bad(f"id out of sequence (expected {prefix}-{i:04d})")
        if rid in ids:
            bad("duplicate id")
        ids.add(rid)
        if r.get("kind") not in ("entry", "letter"):
            bad("bad kind")
        if r.get("verdict") not in VERDICTS:
            bad("bad verdict")
        p = r.get("patient", {})
        if not p.get("name") or p.get("sex") not in ("male", "female"):
            bad("bad patient name/sex")
        if "nhsNumber" in p:
            d = p["nhsNumber"].replace(" ", "")
            if not nhs_ok(d) or not d.startswith("9"):
                bad(f"invalid patient NHS number {p['nhsNumber']}")
        if "dateOfBirth" in p and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["dateOfBirth"]):
            bad("bad dateOfBirth format")
        text = r.get("text", "")
        if "{" in text or "}" in text:
            bad("unfilled placeholder in text")
        for m in re.finditer(r"(?<![\d ])(9\d\d ?\d\d\d ?\d\d\d\d)(?![\d])", text):
            d = m.group(1).replace(" ", "")
            if len(d) == 10 and not nhs_ok(d):
                bad(f"invalid NHS-like number in text: {m.group(1)}")
        if r.get("kind") == "letter" and not ("nhsNumber" in p and "dateOfBirth" in p):
            bad("letter patient lacks nhsNumber/dateOfBirth")
        if r.get("kind") == "letter" and "nhsNumber" in p and p["nhsNumber"] not in text:
            bad("letter does not contain the patient's NHS number")
        span_cats = set()
        for key in ("spans", "absent"):
            for s in r.get(key, []):
                if s.get("category") not in CATS:
                    bad(f"{key}: bad category {s.get('category')}")
                if not s.get("text") or s["text"] not in text:
                    bad(f"{key}: text not verbatim: {s.get('text')!r}")
                if key == "spans":
                    span_cats.add(s.get("category"))
        cats = r.get("categories", [])
        if len(cats) != len(set(cats)):
            bad("duplicate categories")
        if set(cats) != span_cats:
            bad(f"categories {sorted(cats)} != span categories {sorted(span_cats)}")
        v = r.get("verdict")
        if v == "visible" and set(cats) - {"thirdParty"}:
            bad(f"visible with non-thirdParty categories {cats}")
        if v in ("review", "withhold") and not cats:
            bad(f"{v} with no affirmed finding")
    kinds = collections.Counter(r["kind"] for _, r in recs)
    verdicts = collections.Counter(r["verdict"] for _, r in recs)
    cross = collections.Counter((r["verdict"], r["kind"]) for _, r in recs)
    print(f"{len(recs)} records; kinds {dict(kinds)}; verdicts {dict(verdicts)}")
    print("by verdict x kind:", {f"{a}/{b}": c for (a, b), c in sorted(cross.items())})
    cat_count = collections.Counter(c for _, r in recs for c in r["categories"])
    print("records per category:", dict(cat_count))
    if errs:
        print(f"{len(errs)} ERRORS:")
        for e in errs:
            print("  " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "holdout.jsonl")
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else default))
