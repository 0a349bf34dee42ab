#!/usr/bin/env python3
"""kshim_tool.py - the text work of scripts/kshim.sh (docs/kshim.md).

    kshim_tool.py flags KBUILD_LOG      the kernel's C flags for a userspace
                                        object, from a `make V=1` log
    kshim_tool.py enums PREPROCESSED.i  E(NAME) lines for ks_enums.h: the
                                        members of enum pageflags and enum
                                        pagetype as the tree's .config has
                                        them

`flags` keeps what decides what the headers mean (include paths, -D and
-include, -std, warnings off) and drops the kernel-only code generation
(code model, red zone, retpolines, patchable entries, stack protector,
no-SSE, stack alignment), so the object links into a normal program.
Errors go to stderr with exit 1.
"""
import re
import shlex
import sys

DROP = {
    "-mcmodel=kernel", "-mno-red-zone", "-fno-PIE", "-mskip-rax-setup",
    "-mindirect-branch-register", "-mindirect-branch-cs-prefix",
    "-fstack-protector-strong", "-fstack-protector", "-mno-80387",
    "-mno-fp-ret-in-387", "-mno-sse", "-mno-mmx", "-mno-sse2", "-mno-3dnow",
    "-mno-avx", "-DMODULE", "-Werror", "-fcf-protection=branch",
    "-ftrivial-auto-var-init=zero", "-c", "-pg", "-mfentry",
    "-mrecord-mcount",
}
DROP_PREFIX = (
    "-Wp,", "-mindirect-branch=", "-mfunction-return=",
    "-fpatchable-function-entry", "-mpreferred-stack-boundary",
    "-DKBUILD_", "-D__KBUILD_", "-fmacro-prefix-map", "-o",
)


def flags(log):
    with open(log, errors="replace") as f:
        for seg in (s for line in f for s in line.split(";")):
            m = re.search(r"(?:^|\s)(\S*gcc|\S*clang)\s+(.*?)\s+(\S+\.c)\s*$",
                          seg.strip())
            if m and "-D__KERNEL__" in seg:
                words = shlex.split(m.group(2))
                out, skip = [], False
                for w in words:
                    if skip:
                        skip = False
                        continue
                    if w == "-o":
                        skip = True
                        continue
                    if w in DROP or w.startswith(DROP_PREFIX):
                        continue
                    out.append(w)
                print(m.group(1))
                print(" ".join(shlex.quote(w) for w in out))
                return 0
    print(f"kshim_tool: {log}: no kernel compile command in it",
          file=sys.stderr)
    return 1


def enums(path):
    # without the preprocessor's "# LINE FILE" markers
    text = "".join(l for l in open(path, errors="replace")
                   if not l.lstrip().startswith("#"))
    names = []
    for enum in ("pageflags", "pagetype"):
        m = re.search(r"enum\s+" + enum + r"\s*\{(.*?)\}\s*;", text, re.S)
        if not m:
            print(f"kshim_tool: {path}: no enum {enum}", file=sys.stderr)
            return 1
        for item in m.group(1).split(","):
            n = re.match(r"\s*((?:PG|PGTY)_[A-Za-z0-9_]+)", item)
            if n and not n.group(1).startswith("PG___"):
                names.append(n.group(1))
    if not names:
        print(f"kshim_tool: {path}: empty enums", file=sys.stderr)
        return 1
    for n in names:
        print(f"E({n})")
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("flags", "enums"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return flags(sys.argv[2]) if sys.argv[1] == "flags" else enums(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
