#!/usr/bin/env python3
"""kshim_tool.py - the text work of scripts/kshim.sh (docs/kshim.md).

    kshim_tool.py flags KBUILD_LOG      the kernel's C flags for a userspace
                                        object, from a `make V=1` log
    kshim_tool.py enums PREPROCESSED.i  E(NAME) lines for ks_enums.h: the
                                        members of enum pageflags and enum
                                        pagetype as the tree's .config has
                                        them
    kshim_tool.py extract --tree TREE --file REL [--locs LOCS.h]
                          [--out OUT.c] NAME...
                                        the extractor: copies the named
                                        top-level definitions of TREE/REL
                                        (functions, macros, struct:TAG,
                                        enum:TAG, union:TAG; NAME#K for the
                                        K-th of several) with #line
                                        directives back to the tree

`flags` keeps what decides what the headers mean (include paths, -D and
-include, -std, warnings off) and drops the kernel-only code generation
(code model, red zone, retpolines, patchable entries, stack protector,
no-SSE, stack alignment), so the object links into a normal program.
Errors go to stderr with exit 1 (extract: exit 2 on bad input, and on a
name the file does not have, listing every missing name).
"""
import argparse
import os
import re
import shlex
import sys
import tempfile

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


# ---- the extractor ----------------------------------------------------------
#
# C is scanned on a mask of the text: comments and string and character
# literals become spaces (newlines kept), so braces and names inside them
# count for nothing.  Preprocessor lines (with their continuations) are left
# out of brace counting wherever they are; a definition's text is whole
# lines from its first declaration line to its closing brace.


class ExtractError(Exception):
    pass


def mask_text(text):
    """text with comments and literals blanked, same length, same lines"""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def preprocessor_lines(lines):
    """indexes of lines that belong to a preprocessor directive"""
    pp, cont = set(), False
    for i, l in enumerate(lines):
        if cont or l.lstrip().startswith("#"):
            pp.add(i)
            cont = l.rstrip().endswith("\\")
        else:
            cont = False
    return pp


class Source:
    def __init__(self, text):
        self.text = text
        self.mask = mask_text(text)
        self.lines = text.split("\n")
        self.mlines = self.mask.split("\n")
        self.pp = preprocessor_lines(self.mlines)
        # offset of each line start, and the brace depth at each line start
        self.starts, off = [], 0
        for l in self.lines:
            self.starts.append(off)
            off += len(l) + 1
        self.depth, d = [], 0
        for i, l in enumerate(self.mlines):
            self.depth.append(d)
            if i not in self.pp:
                d += l.count("{") - l.count("}")

    def line_of(self, off):
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def code(self):
        """(line, column, char) of every mask character outside directives"""
        for i, l in enumerate(self.mlines):
            if i in self.pp:
                continue
            for j, c in enumerate(l):
                yield i, j, c

    def depth_at(self, line, col):
        d = self.depth[line]
        if line not in self.pp:
            seg = self.mlines[line][:col]
            d += seg.count("{") - seg.count("}")
        return d

    def match_brace(self, line, col):
        """line of the } closing the { at (line, col)"""
        d = 0
        for i in range(line, len(self.mlines)):
            if i in self.pp:
                continue
            l = self.mlines[i]
            for j in range(col if i == line else 0, len(l)):
                if l[j] == "{":
                    d += 1
                elif l[j] == "}":
                    d -= 1
                    if d == 0:
                        return i, j
        raise ExtractError("unbalanced braces from line %d" % (line + 1))

    def decl_start(self, line):
        """first line of the declaration that has a word on line"""
        i = line
        while i > 0:
            prev = i - 1
            if prev in self.pp:
                break
            pl = self.mlines[prev].rstrip()
            if not pl.strip():
                break
            if pl.endswith((";", "}", "{")) and self.depth[prev] == 0:
                break
            i = prev
        return i

    def macros(self, name):
        rx = re.compile(r"^\s*#\s*define\s+%s(?![A-Za-z0-9_])" % re.escape(name))
        found = []
        for i in sorted(self.pp):
            if rx.match(self.lines[i]) and (i == 0 or i - 1 not in self.pp or
                                            not self.mlines[i - 1].rstrip().endswith("\\")):
                end = i
                while self.lines[end].rstrip().endswith("\\") and end + 1 < len(self.lines):
                    end += 1
                found.append((i, end))
        return found

    def functions(self, name):
        rx = re.compile(r"(?<![A-Za-z0-9_])%s\s*\(" % re.escape(name))
        found = []
        for m in rx.finditer(self.mask):
            line = self.line_of(m.start())
            col = m.start() - self.starts[line]
            if line in self.pp or self.depth_at(line, col) != 0:
                continue
            # the parameter list, then annotations, then { or not
            k, d = m.end() - 1, 0
            while k < len(self.mask):
                if self.mask[k] == "(":
                    d += 1
                elif self.mask[k] == ")":
                    d -= 1
                    if d == 0:
                        break
                k += 1
            k += 1
            while k < len(self.mask):
                c = self.mask[k]
                if c.isspace():
                    k += 1
                    continue
                if c == "{":
                    break
                mm = re.match(r"[A-Za-z_][A-Za-z0-9_]*\s*", self.mask[k:])
                if mm:  # an annotation: __releases(x), __attribute__((..))
                    k += mm.end()
                    if k < len(self.mask) and self.mask[k] == "(":
                        d = 0
                        while k < len(self.mask):
                            d += {"(": 1, ")": -1}.get(self.mask[k], 0)
                            k += 1
                            if d == 0:
                                break
                    continue
                break
            if k >= len(self.mask) or self.mask[k] != "{":
                continue  # a prototype or a call
            bl = self.line_of(k)
            if bl in self.pp:
                continue
            end, _ = self.match_brace(bl, k - self.starts[bl])
            found.append((self.decl_start(line), end))
        return found

    def types(self, kind, tag):
        rx = re.compile(r"(?<![A-Za-z0-9_])%s\s+%s\s*\{" % (kind, re.escape(tag)))
        found = []
        for m in rx.finditer(self.mask):
            line = self.line_of(m.start())
            if line in self.pp or self.depth_at(line, m.start() - self.starts[line]) != 0:
                continue
            bl = self.line_of(m.end() - 1)
            end, col = self.match_brace(bl, m.end() - 1 - self.starts[bl])
            semi = self.mask.find(";", self.starts[end] + col)
            found.append((self.decl_start(line), self.line_of(semi) if semi >= 0 else end))
        return found

    def find(self, name):
        m = re.match(r"(struct|enum|union):([A-Za-z_][A-Za-z0-9_]*)$", name)
        if m:
            return self.types(m.group(1), m.group(2))
        return sorted(set(self.macros(name) + self.functions(name)))


def extract(argv):
    ap = argparse.ArgumentParser(prog="kshim_tool.py extract")
    ap.add_argument("--tree", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--locs")
    ap.add_argument("--out")
    ap.add_argument("names", nargs="+")
    try:
        a = ap.parse_args(argv)
    except SystemExit:
        return 2
    path = os.path.abspath(os.path.join(a.tree, a.file))
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            src = Source(f.read())
    except OSError as e:
        print("kshim_tool: extract: %s: %s" % (path, e.strerror), file=sys.stderr)
        return 2
    picked, missing, errors = [], [], []
    try:
        for spec in a.names:
            m = re.match(r"((?:struct:|enum:|union:)?[A-Za-z_][A-Za-z0-9_]*)(?:#([1-9][0-9]*))?$", spec)
            if not m:
                errors.append("bad name '%s'" % spec)
                continue
            name, k = m.group(1), m.group(2)
            found = src.find(name)
            if not found:
                missing.append(name)
            elif k:
                if int(k) > len(found):
                    errors.append("%s#%s: %s has only %d definitions" % (name, k, name, len(found)))
                else:
                    picked.append((found[int(k) - 1], name))
            elif len(found) > 1:
                errors.append("%s is defined %d times (lines %s): name one as %s#K"
                              % (name, len(found), ", ".join(str(s + 1) for s, _ in found), name))
            else:
                picked.append((found[0], name))
    except ExtractError as e:
        errors.append(str(e))
    if missing:
        errors.append("not found: %s (renamed or removed upstream? update "
                      "src/kshim/picks.tsv)" % ", ".join(missing))
    if errors:
        for e in errors:
            print("kshim_tool: extract: %s: %s" % (a.file, e), file=sys.stderr)
        return 2
    picked.sort()
    out = ["/* Generated by scripts/kshim_tool.py extract from %s of the kernel tree\n"
           " * %s.  GPL kernel code: it stays in the build directory and is never\n"
           " * committed. */\n" % (a.file, os.path.abspath(a.tree))]
    for (start, end), _ in picked:
        out.append('#line %d "%s"\n' % (start + 1, path))
        out.append("\n".join(src.lines[start:end + 1]) + "\n\n")
    locs = ["#define KS_LOC_%s \"%s:%d\"\n" % (n.replace(":", "_"), a.file, s + 1)
            for (s, _), n in picked]
    try:
        write_atomic(a.out, "".join(out))
        if a.locs:
            write_atomic(a.locs, "".join(locs))
    except OSError as e:
        print("kshim_tool: extract: cannot write: %s" % e, file=sys.stderr)
        return 2
    return 0


def write_atomic(path, text):
    if not path:
        sys.stdout.write(text)
        return
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "extract":
        return extract(sys.argv[2:])
    if len(sys.argv) != 3 or sys.argv[1] not in ("flags", "enums"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return flags(sys.argv[2]) if sys.argv[1] == "flags" else enums(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
