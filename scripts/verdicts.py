#!/usr/bin/env python3
"""verdicts.py - every verdict and report of a foliofuzz binary, for
before/after comparisons of a refactoring.

    scripts/verdicts.py record FOLIOFUZZ OUT.tsv [--gen N] [--jobs J]
    scripts/verdicts.py compare BEFORE.tsv AFTER.tsv

`record` (run it from one directory each time: generated programs go to
./verdicts-gen/, made once and reused) runs `FOLIOFUZZ run` over every corpus and regression trace and
over N generated programs per target (`foliofuzz gen`), each with no knob,
with --no-suppress, and with every bug and fix knob in turn, and writes one
line per run: case, flags, exit status, and the SHA-256 of everything the
run printed (report text included).  `compare` prints the runs whose exit
status or output differ and exits 1 if there is any.

Outputs are compared whole: a refactoring that keeps behaviour keeps every
report byte for byte.  Sanitizer reports (knobs of kind ASAN) hold
addresses, so for those runs only the first line naming the sanitizer and
the exit status are kept.
"""
import argparse
import concurrent.futures
import hashlib
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def knobs(ff):
    out = subprocess.run([ff, "knobs"], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t")[0] for line in out.splitlines() if line]


def targets(ff):
    """The target names; `foliofuzz targets` when the binary has it."""
    r = subprocess.run([ff, "targets"], capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.strip():
        return [line.split("\t")[0] for line in r.stdout.splitlines()]
    return ["ops", "dax", "devmem", "snapshot", "memdesc"]


SAN = re.compile(r"(ERROR: \w+Sanitizer: [\w-]+|runtime error: .*)")


def digest(text):
    m = SAN.search(text)
    if m:  # addresses and stacks differ run to run: keep the kind
        text = "SANITIZER " + m.group(1).split(" on ")[0]
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_one(ff, case, path, flags):
    r = subprocess.run([ff, "run", *flags, str(path)], capture_output=True,
                       text=True, errors="replace",
                       env={**os.environ, "ASAN_OPTIONS":
                            "detect_leaks=0:abort_on_error=0"})
    return case, " ".join(flags), r.returncode, digest(r.stdout + r.stderr)


def record(args):
    ff = os.path.abspath(args.foliofuzz)
    cases = sorted((str(p.relative_to(ROOT)), p)
                   for p in ROOT.glob("corpus/*/*.trace"))
    # Generated programs run from one fixed relative path per case: the
    # path is part of what `run` prints.
    gen = pathlib.Path("verdicts-gen")  # in the working directory
    gen.mkdir(exist_ok=True)
    for t in targets(ff):
        for seed in range(args.gen):
            p = gen / f"{t}-{seed}.trace"
            if p.exists():  # the same programs before and after
                cases.append((f"gen/{t}/{seed}", p))
                continue
            subprocess.run([ff, "gen", f"--seed={seed}", "--len=120",
                            f"--target={t}", "--text", "-o", str(p)],
                           check=True, capture_output=True)
            cases.append((f"gen/{t}/{seed}", p))
    legs = [[], ["--no-suppress"]] + [[f"--bugs={k}"] for k in knobs(ff)]
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for case, path in cases:
            for flags in legs:
                jobs.append(ex.submit(run_one, ff, case, path, flags))
        rows = [j.result() for j in jobs]
    with open(args.out, "w") as f:
        for case, flags, rc, h in rows:
            f.write(f"{case}\t{flags}\t{rc}\t{h}\n")
    print(f"verdicts: {len(rows)} runs of {len(cases)} cases -> {args.out}")


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            case, flags, rc, h = line.rstrip("\n").split("\t")
            out[(case, flags)] = (rc, h)
    return out


def compare(args):
    a, b = load(args.before), load(args.after)
    bad = 0
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            bad += 1
            if bad <= 40:
                print(f"differs: {key[0]} [{key[1]}]: "
                      f"{a.get(key)} -> {b.get(key)}")
    same = len(set(a) & set(b)) - sum(
        1 for k in set(a) & set(b) if a[k] != b[k])
    print(f"verdicts: {same} runs identical, {bad} differ")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("foliofuzz")
    r.add_argument("out")
    r.add_argument("--gen", type=int, default=40)
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = ap.parse_args()
    if args.cmd == "record":
        record(args)
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
