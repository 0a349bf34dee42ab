#!/usr/bin/env python3
"""kshim_picks.py - turn src/kshim/picks.tsv into a kshim build (docs/kshim.md).

    kshim_picks.py generate --root ROOT --tree TREE --out OUT --release REL
                            [--picks LIST]

For the picks in LIST (comma-separated; default: all) whose version range
holds REL, it runs the extractor (kshim_tool.py extract) on the tree and
writes, under OUT:

  gen/<pick>.c     the tree's extracted code for an extract pick, each
                   function renamed ks_<name> (the pick file
                   src/kshim/pick_<pick>.c includes it)
  gen/ks_locs.h    KS_LOC_<name> "file:line" of every extracted name
  gen/ks_build.h   KS_RELEASE, KS_VERSION_CODE, KS_TREE, KS_PICKS,
                   KS_PICK_<pick>
  gen/ks_manifest.h  what `foliofuzz kshim` prints: the source files used
                   with their sha256, the picks and their names
  kshim.cmake      what CMakeLists.txt adds to the library (FF_KSHIM_DIR)

and prints one line "bridge PICK FILE" per bridge pick, for kshim.sh to
compile with the tree's flags.  Exit 2 on a bad pick list, a version no
row supports, or a name the tree does not have (the extractor's message).
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile


def die(msg, code=2):
    sys.stderr.write("kshim: %s\n" % msg)
    sys.exit(code)


def version_tuple(text):
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        return None
    return tuple(int(x or 0) for x in m.groups())


def read_picks(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                die("%s:%d: want 6 tab-separated columns, have %d"
                    % (path, lineno, len(cols)))
            pick, tech, versions, file, names, replaces = cols
            lo, _, hi = versions.partition("-")
            lo_v = version_tuple(lo)
            hi_v = version_tuple(hi) if hi else None
            if tech not in ("extract", "bridge") or not lo_v or (hi and not hi_v):
                die("%s:%d: bad technique or version range" % (path, lineno))
            rows.append(dict(pick=pick, tech=tech, lo=lo_v[:2],
                             hi=hi_v[:2] if hi_v else None, file=file,
                             names=[] if names == "-" else names.split(),
                             replaces=replaces, line=lineno))
    return rows


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def c_string(text):
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + out.replace("\n", "\\n\"\n\t\"") + '"'


def write_atomic(path, text):
    """writes text to path unless it holds it already (a rerun with
    nothing changed rebuilds nothing)"""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def generate(a):
    rel = version_tuple(a.release)
    if not rel:
        die("bad kernel release '%s'" % a.release)
    rows = read_picks(os.path.join(a.root, "src/kshim/picks.tsv"))
    known = sorted({r["pick"] for r in rows})
    wanted = known if not a.picks else [p for p in a.picks.split(",") if p]
    bad = [p for p in wanted if p not in known]
    if bad:
        die("unknown pick(s): %s (picks: %s)" % (", ".join(bad), ", ".join(known)))
    mm = rel[:2]
    sel = [r for r in rows if r["pick"] in wanted and r["lo"] <= mm
           and (r["hi"] is None or mm < r["hi"])]
    unsupported = [p for p in wanted if not any(r["pick"] == p for r in sel)]
    if unsupported:
        die("pick(s) %s: no row of src/kshim/picks.tsv covers Linux %s"
            % (", ".join(unsupported), a.release))

    gen = os.path.join(a.out, "gen")
    os.makedirs(gen, exist_ok=True)
    tool = os.path.join(a.root, "scripts/kshim_tool.py")
    locs, files, bridges, picks_built = [], {}, [], []
    for pick in wanted:
        # headers' macros first: the .c code uses them
        prows = sorted((r for r in sel if r["pick"] == pick),
                       key=lambda r: not r["file"].startswith("include/"))
        picks_built.append(pick)
        chunks, funcs = [], []
        for r in prows:
            if r["tech"] == "bridge":
                bridges.append((pick, os.path.join(a.root, r["file"])))
                continue
            src = os.path.join(a.tree, r["file"])
            with tempfile.TemporaryDirectory() as tmp:
                out_c = os.path.join(tmp, "x.c")
                out_h = os.path.join(tmp, "x.h")
                p = subprocess.run([sys.executable, tool, "extract", "--tree",
                                    a.tree, "--file", r["file"], "--locs", out_h,
                                    "--out", out_c] + r["names"],
                                   stderr=subprocess.PIPE, text=True)
                if p.returncode != 0:
                    sys.stderr.write(p.stderr)
                    die("pick %s (src/kshim/picks.tsv line %d) cannot be built "
                        "from this tree" % (pick, r["line"]), 2)
                with open(out_c, encoding="utf-8") as f:
                    text = f.read()
                with open(out_h, encoding="utf-8") as f:
                    locs.append(f.read())
            chunks.append(text)
            files[r["file"]] = sha256(src)
            for n in r["names"]:
                n = n.split("#")[0]
                if ":" in n:
                    continue
                if re.search(r"^\s*#\s*define\s+%s\b" % re.escape(n), text, re.M):
                    continue
                funcs.append(n)
        if chunks:
            head = ["/* generated by scripts/kshim_picks.py for pick %s from "
                    "Linux %s (%s).\n * GPL kernel code: it stays in this build "
                    "directory and is never committed. */" % (pick, a.release, a.tree)]
            head += ["#define %s ks_%s" % (n, n) for n in funcs]
            write_atomic(os.path.join(gen, pick + ".c"),
                         "\n".join(head) + "\n\n" + "\n".join(chunks))

    write_atomic(os.path.join(gen, "ks_locs.h"),
                 "/* generated: where each extracted name is in the tree */\n"
                 "#ifndef KS_LOCS_H\n#define KS_LOCS_H\n" + "".join(locs) +
                 "#endif\n")
    major, minor, patch = rel
    build = ["/* generated by scripts/kshim_picks.py */",
             "#ifndef KS_BUILD_H", "#define KS_BUILD_H",
             "#define KS_RELEASE %s" % c_string(a.release),
             "#define KS_VERSION_CODE %d" % ((major << 16) + (minor << 8) + min(patch, 255)),
             "#define KS_TREE %s" % c_string(os.path.abspath(a.tree)),
             "#define KS_PICKS %s" % c_string(" ".join(picks_built))]
    build += ["#define KS_PICK_%s 1" % p for p in picks_built]
    build += ["#endif", ""]
    write_atomic(os.path.join(gen, "ks_build.h"), "\n".join(build))

    man = ["Linux %s, tree %s" % (a.release, os.path.abspath(a.tree))]
    for pick in picks_built:
        for r in [r for r in sel if r["pick"] == pick]:
            man.append("pick %s (%s) %s: %s%s" % (
                pick, r["tech"], r["file"], " ".join(r["names"]) or "-",
                "" if r["replaces"] == "-" else "; in struct ff_kimpl: " + r["replaces"]))
    for f, h in sorted(files.items()):
        man.append("source %s sha256 %s" % (f, h))
    gate, refused = "", []
    gate_path = os.path.join(a.out, "gate.txt")
    if os.path.exists(gate_path):
        with open(gate_path, encoding="utf-8") as f:
            lines = f.readlines()
        gate = "".join("  " + l for l in lines)
        refused = [m.group(1) for m in
                   (re.match(r"helper (\S+): refused", l) for l in lines) if m]
    write_atomic(os.path.join(gen, "ks_gate.h"),
                 "/* generated from gate.txt: the helpers the layout gate "
                 "refused for this tree */\n#define KS_REFUSED %s\n"
                 % "".join('"%s", ' % h for h in refused))
    write_atomic(os.path.join(gen, "ks_manifest.h"),
                 "/* generated: `foliofuzz kshim` prints it */\n"
                 "static const char ks_manifest[] =\n\t%s;\n"
                 "static const char ks_gate_text[] =\n\t%s;\n"
                 % (c_string("\n".join(man) + "\n"), c_string(gate)))

    srcs = [os.path.join(a.root, "src/kshim/runtime.c")]
    srcs += [os.path.join(a.root, "src/kshim/pick_%s.c" % p) for p in picks_built]
    objs = [os.path.join(a.out, "obj", "bridge_%s.o" % p) for p, _ in bridges]
    cm = ["# generated by scripts/kshim_picks.py: read by CMakeLists.txt (FF_KSHIM_DIR)",
          "set(ff_kshim_release \"%s\")" % a.release,
          "set(ff_kshim_sources %s)" % " ".join('"%s"' % s for s in srcs),
          "set(ff_kshim_objects %s)" % " ".join('"%s"' % o for o in objs),
          "set(ff_kshim_gen \"%s\")" % gen,
          "set(ff_kshim_autoconf \"%s\")" % os.path.join(a.out, "kbuild/include/generated/autoconf.h"),
          ""]
    write_atomic(os.path.join(a.out, "kshim.cmake"), "\n".join(cm))
    for p, f in bridges:
        print("bridge %s %s" % (p, f))


def main():
    ap = argparse.ArgumentParser(prog="kshim_picks.py")
    sub = ap.add_subparsers(dest="cmd")
    g = sub.add_parser("generate")
    for opt in ("--root", "--tree", "--out", "--release"):
        g.add_argument(opt, required=True)
    g.add_argument("--picks", default="")
    a = ap.parse_args()
    if a.cmd != "generate":
        ap.print_usage(sys.stderr)
        sys.exit(2)
    generate(a)


if __name__ == "__main__":
    main()
