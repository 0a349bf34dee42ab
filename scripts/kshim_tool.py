#!/usr/bin/env python3
"""kshim_tool.py - the text work of scripts/kshim.sh (docs/kshim.md).

    kshim_tool.py flags KBUILD_LOG      the kernel's C flags for a userspace
                                        object, from a `make V=1` log
    kshim_tool.py enums PREPROCESSED.i  E(NAME) lines for ks_enums.h: the
                                        members of enum pageflags and enum
                                        pagetype as the tree's .config has
                                        them
    kshim_tool.py extract --tree TREE --file REL [--locs LOCS.h]
                          [--out OUT.c] NAME [NAME...]
                                        the named definitions of TREE/REL,
                                        each under a #line pointing back to
                                        the user's file

`flags` keeps what decides what the headers mean (include paths, -D and
-include, -std, warnings off) and drops the kernel-only code generation
(code model, red zone, retpolines, patchable entries, stack protector,
no-SSE, stack alignment), so the object links into a normal program.
Its and `enums`' errors go to stderr with exit 1.

`extract` copies top-level definitions out of a kernel source file: a
function (its definition, not a prototype), a macro (object- or
function-like), or `struct:TAG`, `enum:TAG`, `union:TAG`; `NAME#K` picks
the K-th of a name defined more than once (#ifdef/#else).  The output is
in source order, each definition under `#line FIRST "/abs/TREE/REL"` so
diagnostics, sanitizer reports and __FILE__/__LINE__ name the user's tree.
It is GPL kernel code: it stays in the build directory.  --locs writes
`#define KS_LOC_<name> "REL:LINE"` for each (KS_LOC_struct_TAG for
struct:TAG).  A missing or ambiguous name, a missing file and bad usage
are one message on stderr and exit 2.
"""
import argparse
import bisect
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


# ---- extract ---------------------------------------------------------------
#
# The scanner works on a copy of the file in which comments, string and
# char literals are blanked (newlines kept, so offsets and line numbers
# stay) and, for brace counting, preprocessor lines too: a `/* } */`, a
# `'{'` or a `#define X {` never moves the depth.  Macros are found on the
# directive lines; functions and types as top-level brace groups, by the
# code before the '{' (their "head").  Where the braces cannot be followed
# (#if branches opening different numbers of braces between bodies), the
# not-found message says from which line.

# A comment, string or char literal.  A literal ends at an unescaped
# newline even when unterminated (an apostrophe in `#error don't`); a //
# comment goes on over a backslash-newline.
LEXEME = re.compile(r'''
      /\*.*?(?:\*/|\Z)
    | //(?:[^\\\n]|\\.)*
    | "(?:[^"\\\n]|\\.)*"?
    | '(?:[^'\\\n]|\\.)*'?
''', re.S | re.X)
DEFINE = re.compile(r"\s*#\s*define\s+([A-Za-z_]\w*)")
CONDITIONAL = re.compile(r"\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|"
                         r"endif)\b")
IF, ELSE, ENDIF = "\x01", "\x02", "\x03"     # their marks in the scanned code
HEAD_START = re.compile(r"[^\s\x01-\x03]")
INVOCATION = re.compile(r"[A-Z0-9_]*[A-Z][A-Z0-9_]*\b(?:\s*\()?")
# a head of only these (and identifiers) defines a type: attribute calls
# such as __attribute__((packed)) are dropped first
TYPE_ATTR = re.compile(
    r"\b(?:__attribute__|__attribute|__aligned|__section|_Alignas|alignas)"
    r"\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)")
TYPE_HEAD = re.compile(r"\s*(?:(?:typedef|static|extern|const|volatile)\s+)*"
                       r"(struct|union|enum)((?:\s+\w+)*)\s*")
SPEC = re.compile(r"(?:(struct|enum|union):)?([A-Za-z_]\w*)(?:#([1-9][0-9]*))?")
PICKS = "src/kshim/picks.tsv"


class Def:
    """One definition: kind is "func", "macro", "struct", "enum" or
    "union"; first and last are 1-based lines, inclusive."""

    def __init__(self, kind, name, first, last):
        self.kind, self.name, self.first, self.last = kind, name, first, last


class ExtractError(Exception):
    """Bad input: the message goes to stderr and extract exits 2."""


def _blank(m):
    return re.sub(r"[^\n]", " ", m.group())


def _match_paren(code, open_at, end):
    """Offset of the ')' closing the '(' at open_at, or None before end."""
    depth = 0
    for i in range(open_at, end):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _skip_invocations(code, b, e):
    """The head code[b:e] without the top-level macro invocations at its
    start that end their line with no ';': lines such as a page-flags.h
    `PAGEFLAG(Locked, locked, PF_NO_TAIL)` or a btf_ids.h `BTF_ID_UNUSED`
    above a function, i.e. an all-capitals NAME or NAME(...) alone on its
    line(s) and followed by more head.  Returns the new b."""
    while True:
        m = INVOCATION.match(code, b, e)
        if not m:
            return b
        close = m.end() - 1
        if m.group().endswith("("):
            close = _match_paren(code, close, e)
            if close is None:
                return b
        eol = code.find("\n", close, e)
        if eol < 0 or code[close + 1:eol].strip():
            return b
        nxt = HEAD_START.search(code, eol, e)
        if not nxt:     # the invocation is all the head: SYSCALL_DEFINE1(...)
            return b
        b = nxt.start()


def _head_start(code, begin, end):
    """Where the definition whose head lies in code[begin:end] starts: its
    first code, after the last #if/#else/#endif mark outside parentheses
    that has head after it (`subsys_initcall(oom_init)` `#else` `static
    inline void ...`), and after leading macro invocations."""
    first = HEAD_START.search(code, begin, end)
    if not first:
        return end
    b, depth = first.start(), 0
    for m in re.compile("[()" + IF + ELSE + ENDIF + "]").finditer(
            code, first.start(), end):
        c = m.group()
        if c in "()":
            depth += 1 if c == "(" else -1
        elif depth == 0:
            nxt = HEAD_START.search(code, m.end(), end)
            if nxt:
                b = nxt.start()
    return _skip_invocations(code, b, end)


def _classify(head):
    """What a top-level brace group whose head is `head` defines:
    ("func", {names}), (kind, tag) for a type, or ("other", None) for an
    initializer or anything else."""
    depth, names, eq = 0, set(), False
    for m in re.finditer(r"([A-Za-z_]\w*)?\s*\(|[)=]", head):
        if m.group().endswith("("):
            if depth == 0 and m.group(1):
                names.add(m.group(1))
            depth += 1
        elif m.group() == ")":
            depth -= 1
        elif depth == 0:
            eq = True
    if eq:
        return "other", None
    m = TYPE_HEAD.fullmatch(TYPE_ATTR.sub(" ", head))
    if m:
        words = m.group(2).split()
        return m.group(1), words[-1] if words else None
    if names:
        return "func", names
    return "other", None


def _line_starts(lines):
    starts = [0]
    for l in lines[:-1]:
        starts.append(starts[-1] + len(l) + 1)
    return starts


def scan(text):
    """(defs, unbalanced): every definition in the C text, in source
    order, and the first line where its braces stop balancing (or None)."""
    lines = text.split("\n")
    starts = _line_starts(lines)
    # (a stray control character in the file must not pass for a mark)
    mlines = LEXEME.sub(_blank, text).translate(
        {ord(IF): " ", ord(ELSE): " ", ord(ENDIF): " "}).split("\n")
    comment_on = set()      # lines a block comment goes on past the end of
    for m in LEXEME.finditer(text):
        if m.group().startswith("/*") and "\n" in m.group():
            a = bisect.bisect_right(starts, m.start()) - 1
            z = bisect.bisect_right(starts, m.end() - 1) - 1
            comment_on.update(range(a, z))

    # Preprocessor lines: a #define is a macro definition (wherever it is,
    # as the preprocessor sees it).  Every directive is blanked for the
    # brace count; a conditional leaves a mark: IF, ELSE (#elif too), ENDIF.
    defs, i = [], 0
    while i < len(lines):
        if mlines[i].lstrip().startswith("#"):
            j = i
            while j + 1 < len(lines) and (
                    lines[j].rstrip("\r").endswith("\\") or j in comment_on):
                j += 1
            m = DEFINE.match(mlines[i])
            if m:
                defs.append(Def("macro", m.group(1), i + 1, j + 1))
            m = CONDITIONAL.match(mlines[i])
            mark = m and (IF if m.group(1).startswith("if") else
                          ENDIF if m.group(1) == "endif" else ELSE)
            for k in range(i, j + 1):
                mlines[k] = ""
            mlines[i] = mark or ""
            i = j + 1
        else:
            i += 1
    code = "\n".join(mlines)
    cstarts = _line_starts(mlines)

    def line_of(offset):
        return bisect.bisect_right(cstarts, offset)

    # Top-level chunks: from after a ';' or a closing '}' at depth 0 to the
    # next ';' or, for a function, the '}' closing its body; a type or an
    # initializer goes on to its ';'.  Between bodies, a ';' or a brace
    # inside parentheses (`DEFINE_LOCK_GUARD_1(..., struct rq *rq; ...)`)
    # belongs to the chunk.
    #
    # Inside a body, #if branches may open different numbers of braces
    # (`#ifdef X` `for (...) {` `#else` `for (...) {` `#endif`): each
    # branch starts from the depth at the #if, and the depth after the
    # first branch goes on after the #endif.
    depth, parens, begin, unbalanced = 0, 0, 0, None
    pending = None      # (kind, name, first) of a body-ended chunk awaiting ';'
    current = None      # the chunk whose brace group is open
    conds = []          # per open #if: [depth at the #if, depth after branch 1]
    for m in re.finditer("[{}();" + IF + ELSE + ENDIF + "]", code):
        c, p = m.group(), m.start()
        if c == IF:
            conds.append([depth, None])
        elif c == ELSE:
            if conds and conds[-1][0] > 0:
                if conds[-1][1] is None:
                    conds[-1][1] = depth
                depth = conds[-1][0]
        elif c == ENDIF:
            if conds:
                at_if, after_first = conds.pop()
                if at_if > 0 and after_first is not None:
                    depth = after_first
        elif depth == 0 and c in "()":
            parens = parens + 1 if c == "(" else max(parens - 1, 0)
        elif depth == 0 and parens:
            pass
        elif depth == 0:
            if c == "{" and pending is None:
                b = _head_start(code, begin, p)
                kind, what = _classify(
                    re.sub("[" + IF + ELSE + ENDIF + "]", " ", code[b:p]))
                current = (kind, what, line_of(b))
                depth = 1
            elif c == "{":
                depth = 1
            elif c == ";":
                if pending and pending[0] in ("struct", "enum", "union") \
                        and pending[1]:
                    defs.append(Def(pending[0], pending[1], pending[2],
                                    line_of(p)))
                pending, begin = None, p + 1
            elif c == "}":      # stray
                if unbalanced is None:
                    unbalanced = line_of(p)
                pending, begin = None, p + 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and current is None:
                begin = p + 1   # a second #if branch closing a body
            elif depth == 0:
                kind, what, first = current
                current = None
                if kind == "func":
                    for n in sorted(what):
                        defs.append(Def("func", n, first, line_of(p)))
                    begin = p + 1
                else:
                    pending = (kind, what, first)
    if (depth or parens) and unbalanced is None:
        unbalanced = line_of(len(code))
    defs.sort(key=lambda d: (d.first, d.kind, d.name))
    return defs, unbalanced


def _c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') \
        .replace("\n", "\\n") + '"'


def _write_atomic(path, data):
    """data (bytes) into path by a temporary file and a rename, so an
    interrupted run leaves the old file or the new one, never half."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path),
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _emit(target, text):
    """text into the file target (atomically), or to stdout for None."""
    try:
        if target:
            _write_atomic(target, text.encode("latin-1"))
        else:
            sys.stdout.buffer.write(text.encode("latin-1"))
            sys.stdout.flush()
    except OSError as e:
        raise ExtractError(f"kshim_tool: extract: {target or 'stdout'}: "
                           f"cannot write: {e.strerror}")


def _resolve(specs, defs, rel, path, unbalanced):
    """The Def each spec names, in source order; ExtractError listing
    every name that is missing, ambiguous or picked twice."""
    missing, problems, chosen = [], [], {}
    for spec in specs:
        kind, name, k = SPEC.fullmatch(spec).groups()
        found = [d for d in defs if d.name == name and
                 (d.kind == kind if kind else d.kind in ("func", "macro"))]
        label = f"{kind}:{name}" if kind else name
        where = ", ".join(str(d.first) for d in found)
        if not found:
            missing.append(label)
        elif k is None and len(found) > 1:
            problems.append(f"{label} is defined {len(found)} times, at lines"
                            f" {where}: pick one as {label}#1 .. "
                            f"{label}#{len(found)}")
        elif k is not None and int(k) > len(found):
            problems.append(f"{spec}: {label} is defined {len(found)} "
                            f"time{'s' if len(found) > 1 else ''}, at line"
                            f"{'s' if len(found) > 1 else ''} {where}")
        else:
            d = found[int(k or 1) - 1]
            loc = f"{kind}_{name}" if kind else name
            if loc in chosen and chosen[loc] is not d:
                problems.append(f"{label} is picked twice, at lines "
                                f"{chosen[loc].first} and {d.first}")
            chosen[loc] = d
    if missing:
        msg = (f"no definition of {', '.join(missing)} in {path}: renamed "
               f"or removed upstream? Update the picks table {PICKS}")
        if unbalanced:
            msg += (f" (note: the braces of {rel} stop balancing at line "
                    f"{unbalanced}, e.g. #if branches opening different "
                    f"numbers of braces; definitions after it are not seen)")
        problems.insert(0, msg)
    picked = sorted(chosen.items(), key=lambda kv: kv[1].first)
    outer = None        # the picked definition reaching furthest so far
    for loc, d in picked:
        if outer and d.first <= outer[1].last:
            problems.append(f"{loc} (lines {d.first}-{d.last}) lies within "
                            f"{outer[0]} (lines {outer[1].first}-"
                            f"{outer[1].last}): pick one")
        if not outer or d.last > outer[1].last:
            outer = (loc, d)
    if problems:
        raise ExtractError("\n".join(f"kshim_tool: extract: {rel}: {p}"
                                     for p in problems))
    return picked


def extract(argv):
    ap = argparse.ArgumentParser(
        prog="kshim_tool.py extract", allow_abbrev=False,
        description="Copy named definitions out of a kernel source file, "
        "each under a #line pointing back to it (docs/kshim.md).")
    ap.add_argument("--tree", required=True, help="the kernel source tree")
    ap.add_argument("--file", required=True, metavar="REL",
                    help="the file, relative to TREE (e.g. fs/dax.c)")
    ap.add_argument("--locs", metavar="LOCS.h",
                    help='also write #define KS_LOC_<name> "REL:LINE" here')
    ap.add_argument("--out", metavar="OUT.c", help="default: stdout")
    ap.add_argument("names", nargs="+", metavar="NAME",
                    help="FUNC, MACRO, struct:TAG, enum:TAG or union:TAG, "
                    "with #K for the K-th of several definitions")
    args = ap.parse_args(argv)
    for n in args.names:
        if not SPEC.fullmatch(n):
            ap.error(f"bad NAME {n!r}: want NAME, struct:TAG, enum:TAG or "
                     f"union:TAG, optionally followed by #K (K >= 1)")
    rel = os.path.normpath(args.file)
    if os.path.isabs(rel) or rel == ".." or rel.startswith(".." + os.sep):
        ap.error(f"--file {args.file}: want a path inside TREE")
    for o in (args.out, args.locs):
        if o is not None and (not o or os.path.isdir(o)):
            ap.error(f"{o!r}: not a file name")
        if o and not os.path.isdir(os.path.dirname(os.path.abspath(o))):
            ap.error(f"{o}: no such directory to write it in")
    if args.out and args.locs and \
            os.path.abspath(args.out) == os.path.abspath(args.locs):
        ap.error("--out and --locs name the same file")

    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        raise ExtractError(f"kshim_tool: extract: {args.tree}: no such "
                           f"directory (--tree wants a kernel source tree)")
    path = os.path.join(tree, rel)
    if not os.path.isfile(path):
        what = "not a regular file" if os.path.exists(path) else "no such file"
        raise ExtractError(f"kshim_tool: extract: {rel}: {what} in {tree}")
    try:
        with open(path, "rb") as f:
            # latin-1 maps bytes 1:1, so the copy is byte for byte
            text = f.read().decode("latin-1")
    except OSError as e:
        raise ExtractError(f"kshim_tool: extract: {path}: {e.strerror}")

    defs, unbalanced = scan(text)
    picked = _resolve(args.names, defs, rel, path, unbalanced)

    # Paths as the file system has them (latin-1 again keeps the bytes);
    # "*/" could end the comment early.
    fpath, frel, ftree = (os.fsencode(x).decode("latin-1")
                          for x in (path, rel, tree))
    lines = text.split("\n")
    out = ["/*\n"
           f" * Generated by scripts/kshim_tool.py extract from {frel}\n"
           f" * of the kernel tree {ftree}.\n".replace("*/", "* /") +
           " * GPL kernel code: it must stay in the build directory and must\n"
           " * never be committed.  Do not edit: rerun the extractor.\n"
           " */\n\n"]
    locs = ["/* Generated by scripts/kshim_tool.py extract: where each "
            "definition\n * taken from the kernel tree is, for reports. */\n"]
    for loc, d in picked:
        out.append(f"#line {d.first} {_c_string(fpath)}\n")
        out.append("\n".join(lines[d.first - 1:d.last]) + "\n\n")
        locs.append(f"#define KS_LOC_{loc} {_c_string(f'{frel}:{d.first}')}\n")
    _emit(args.out, "".join(out))
    if args.locs:
        _emit(args.locs, "".join(locs))
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "extract":
        try:
            return extract(sys.argv[2:])
        except ExtractError as e:
            print(e, file=sys.stderr)
        except OSError as e:    # a backstop: I/O is checked where it is done
            print(f"kshim_tool: extract: {e.filename or ''}: {e.strerror}",
                  file=sys.stderr)
        return 2
    if len(sys.argv) != 3 or sys.argv[1] not in ("flags", "enums"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return flags(sys.argv[2]) if sys.argv[1] == "flags" else enums(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
