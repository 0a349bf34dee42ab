#!/usr/bin/env python3
"""check_seam.py - model code sees the harness only through glue.h.

Model code is src/mm, src/fs and src/lib (kernel functions under kernel
names) plus the model headers below.  Each may include system headers, the
model headers and include/foliofuzz/glue.h, nothing else of ours; and none
may name the harness's world (struct ff_world, ff_cur).  Prints every
violation as file:line and exits 1 if there is one.

    tests/scripts/check_seam.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

MODEL_HEADERS = {"glue.h", "mm.h", "mm_types.h", "page-flags.h", "list.h",
                 "memdesc.h", "snapshot.h", "gup.h"}
# Data files the glue expands into its enums.
DATA = {"invariants.def", "findings.def", "bugs.def"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"foliofuzz/([^"]+)"')
HARNESS_NAMES = re.compile(r"\b(struct ff_world|ff_cur)\b")


def model_files(root):
    for d in ("src/mm", "src/fs", "src/lib"):
        yield from sorted((root / d).glob("*.[ch]"))
    for h in sorted(MODEL_HEADERS):
        yield root / "include/foliofuzz" / h


def check_checkpoints(root):
    """Every model function of more than a few lines starts with
    FF_FUNC(): blame's checkpoints (glue.h).  Kernel style: the opening
    brace of a function alone on its line, the closing one too."""
    bad = 0
    for d in ("src/mm", "src/fs", "src/lib"):
        for f in sorted((root / d).glob("*.c")):
            lines = f.read_text().splitlines()
            for i, line in enumerate(lines):
                if line != "{" or i == 0 or not lines[i - 1].rstrip().endswith(")"):
                    continue
                end = next((j for j in range(i + 1, len(lines)) if lines[j] == "}"), i)
                if end - i - 1 > 4 and lines[i + 1].strip() != "FF_FUNC();":
                    print(f"{f.relative_to(root)}:{i}: {lines[i - 1].strip()} "
                          f"does not start with FF_FUNC() (blame, glue.h)")
                    bad += 1
    return bad


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parents[2])
    bad = 0
    files = list(model_files(root))
    if len(files) < 10:
        print(f"check_seam: only {len(files)} model files under {root}")
        return 1
    for f in files:
        allowed = MODEL_HEADERS | (DATA if f.name == "glue.h" else set())
        for n, line in enumerate(f.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if m and m.group(1) not in allowed:
                print(f"{f.relative_to(root)}:{n}: includes harness "
                      f"header foliofuzz/{m.group(1)}; model code may "
                      f"include only glue.h and the model headers")
                bad += 1
            code = line.split("/*")[0].split("//")[0]
            if HARNESS_NAMES.search(code):
                print(f"{f.relative_to(root)}:{n}: names the harness "
                      f"world; use struct ff_kernel / ff_kern (glue.h)")
                bad += 1
    bad += check_checkpoints(root)
    print(f"check_seam: {len(files)} model files, {bad} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
