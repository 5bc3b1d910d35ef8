#!/usr/bin/env python3
"""Bounds no looser than they must be (issue 13, section 3; spec/accuracy.md, "How tight the bounds are").

For every clause whose tests record an error/bound ratio, the worst ratio observed over the
Reference, TorchSharp-CPU and Optimized-CPU (both element types) on the property and
known-answer cases; lists every clause whose worst ratio is below 1/100, i.e. whose bound was
never approached within a factor 100.

Reads the Kit's records (CONFORMANCE_RESULTS, `records-*.jsonl`, as `dotnet run --project
src/Report` leaves them in report/results/) or a report.json, and re-measures nothing:

    python3 scripts/loose-bounds.py report/results            # or report/report.json
    python3 scripts/loose-bounds.py DIR --threshold 0.01 --implementations Reference,Optimized-CPU

Exit status 0; the list is the output (Markdown table).
"""
import argparse, glob, json, os, sys
from collections import defaultdict

DEFAULT = ["Reference", "TorchSharp-CPU", "Optimized-CPU"]


def from_records(paths, implementations):
    worst = defaultdict(dict)      # clause -> column -> ratio
    tests = defaultdict(set)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                if r.get("implementation") not in implementations:
                    continue
                column = f'{r["implementation"]} ({r["elementType"]})'
                for c in r.get("clauses") or []:
                    ratio = c.get("worstRatio")
                    if ratio is None:
                        continue
                    ratio = float(ratio)   # "Infinity" / "NaN" are written as strings
                    tests[c["id"]].add(r["method"])
                    worst[c["id"]][column] = max(ratio, worst[c["id"]].get(column, 0.0))
    return worst, tests


def from_report(path, implementations):
    report = json.load(open(path, encoding="utf-8"))
    columns = {c["id"]: c for c in report["columns"]}
    worst, tests = defaultdict(dict), defaultdict(set)
    for clause in report["clauses"]:
        for cell in clause["cells"]:
            col = columns.get(cell["column"])
            if col is None or col["implementation"] not in implementations or cell.get("worstRatio") is None:
                continue
            worst[clause["id"]][f'{col["implementation"]} ({col["elementType"]})'] = float(cell["worstRatio"])
            tests[clause["id"]].update(clause.get("tests") or [])
    return worst, tests


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="report.json, or a folder (or glob) of records-*.jsonl")
    ap.add_argument("--threshold", type=float, default=0.01)
    ap.add_argument("--implementations", default=",".join(DEFAULT))
    a = ap.parse_args()
    impls = set(a.implementations.split(","))
    if a.source.endswith(".json"):
        worst, tests = from_report(a.source, impls)
    else:
        paths = glob.glob(os.path.join(a.source, "records-*.jsonl")) if os.path.isdir(a.source) else glob.glob(a.source)
        if not paths:
            sys.exit(f"no records-*.jsonl under {a.source}")
        worst, tests = from_records(paths, impls)
    rows = sorted(((max(cols.values()), cid, max(cols, key=cols.get)) for cid, cols in worst.items()), key=lambda r: r[0])
    below = [r for r in rows if r[0] < a.threshold]
    print(f"{len(rows)} clauses with a recorded ratio; {len(below)} with a worst ratio below {a.threshold:g} "
          f"(over {', '.join(sorted(impls))}):\n")
    print("| clause | worst ratio | where | tests recording it |")
    print("| --- | ---: | --- | --- |")
    for ratio, cid, col in below:
        print(f"| `{cid}` | {ratio:.2e} | {col} | {len(tests[cid])} |")
    print("\nAll clauses, worst ratio:\n")
    print(", ".join(f"`{cid}` {ratio:.2g}" for ratio, cid, _ in rows))


if __name__ == "__main__":
    main()
