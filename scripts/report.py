#!/usr/bin/env python3
"""report.py - a campaign's web report (scripts/report.sh; docs/campaigns.md).

    report.py [--out DIR] WORKDIR [WORKDIR ...]

Writes DIR/index.html (default WORKDIR/report/ for one work dir, else
report/): a static page that opens from disk, with no server, scripts or
downloads.  For each work dir of scripts/fuzz.sh, side by side:

  - the campaign's settings (campaign.conf) and totals (progress.tsv);
  - exec/s, coverage and corpus size over time, as inline SVG plots;
  - the crashes grouped by invariant id or sanitizer kind (the ID of each
    crashes/ID-HASH file), with their count, when the first was found,
    the smallest reproducer (ID-HASH.min.trace when triage or minimize left
    one, else ID-HASH.trace) and its report, whose page-array rows are
    drawn as coloured cells (head, tail, free block, free, small; the
    affected pfn highlighted), before and after the failing step;
  - links to the raw files, and the coverage summary when there is one.

The page is written to a temporary file and renamed, so an interrupted run
never leaves half a report.  A missing or malformed work dir is one message
on stderr and exit 2.
"""
import argparse
import html
import os
import re
import sys
import tempfile
import time

CRASH = re.compile(r"^((?:I_[A-Z0-9_]+)|(?:asan|ubsan|lsan)-[A-Za-z0-9-]+|"
                   r"timeout|oom|slow-unit|crash)-([0-9a-f]{6,})$")
CELL = {"H": ("head", "folio head"), "T": ("tail", "tail page"),
        "B": ("buddy", "free block head"), ".": ("free", "free page"),
        "s": ("small", "small page")}


class BadInput(Exception):
    pass


def read_conf(wd):
    conf = {}
    path = os.path.join(wd, "campaign.conf")
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k:
                    conf[k] = v
    return conf


def read_progress(wd):
    """rows of (elapsed, execs, exec_per_s, cov, corpus, crashes); the
    elapsed time runs on across resumed sessions"""
    path = os.path.join(wd, "progress.tsv")
    rows, base, last_session, last_elapsed = [], 0, None, 0
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split()
            # NaN: a status line before the engine printed any stats
            if len(cols) != 10 or not all(re.fullmatch(r"-?\d+|NaN", c) for c in cols):
                raise BadInput("%s:%d: want 10 whole numbers (or NaN), have %r"
                               % (path, n, line.strip()))
            v = [None if c == "NaN" else int(c) for c in cols]
            if v[1] is None or v[9] is None:
                raise BadInput("%s:%d: no elapsed time or session" % (path, n))
            session = v[9]
            if last_session is not None and session != last_session:
                base += last_elapsed
            last_session, last_elapsed = session, v[1]
            rows.append((base + v[1], v[2], v[3], v[4], v[6], v[7]))
    return rows


def read_crashes(wd):
    d = os.path.join(wd, "crashes")
    groups = {}
    if not os.path.isdir(d):
        return groups
    for name in sorted(os.listdir(d)):
        m = CRASH.match(name)
        path = os.path.join(d, name)
        if not m or not os.path.isfile(path):
            continue
        gid = m.group(1)
        g = groups.setdefault(gid, [])
        g.append({"name": name, "path": path, "mtime": os.path.getmtime(path)})
    return groups


def read_text(path, limit=200000):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(limit)
    except OSError:
        return None


def best_reproducer(items):
    """the shortest trace of the group: .min.trace first, then .trace"""
    best = None
    for it in items:
        for ext in (".min.trace", ".trace"):
            t = read_text(it["path"] + ext)
            if t is None:
                continue
            ops = [l for l in t.splitlines() if l.strip() and not l.startswith("#")]
            key = (ext != ".min.trace", len(ops))
            if best is None or key < best[0]:
                best = (key, it, it["path"] + ext, t)
            break
    return best


def diagram(row_line, mark_line):
    """one page-array row ("pfn  576: H T | B . ...") as coloured cells"""
    m = re.match(r"pfn\s+(\d+): (.*)$", row_line)
    if not m:
        return ""
    base, body = int(m.group(1)), m.group(2)
    marked = None
    if mark_line:
        mm = re.search(r"\^ pfn (\d+)", mark_line)
        if mm:
            marked = int(mm.group(1))
    cells, pfn = [], base
    for tok in body.split():
        if tok == "|":
            cells.append('<span class="sep"></span>')
            continue
        cls, what = CELL.get(tok, ("other", tok))
        hl = " hl" if pfn == marked else ""
        cells.append('<span class="cell %s%s" title="pfn %d: %s">%s</span>'
                     % (cls, hl, pfn, what, html.escape(tok)))
        pfn += 1
    return ('<div class="diagram" data-base="%d"%s>%s</div>'
            % (base, ' data-marked="%d"' % marked if marked is not None else "",
               "".join(cells)))


def report_diagrams(text):
    """the before/after rows of a report, as diagrams"""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("---- before the step") or line.startswith("---- after the step"):
            label = "before" if "before" in line else "after"
            for j in range(i + 1, min(i + 4, len(lines))):
                if lines[j].startswith("pfn "):
                    mark = lines[j + 1] if j + 1 < len(lines) else ""
                    out.append('<div class="when">%s the step</div>%s'
                               % (label, diagram(lines[j], mark)))
                    break
    return "".join(out)


def svg_plot(rows, col, label, color, width=460, height=140):
    pts = [(r[0], r[col]) for r in rows if r[col] is not None]
    if len(pts) < 2:
        return '<div class="noplot">%s: not enough status lines yet</div>' % label
    x0, x1 = pts[0][0], max(pts[-1][0], pts[0][0] + 1)
    y1 = max(p[1] for p in pts) or 1
    sx = lambda x: 40 + (x - x0) * (width - 50) / (x1 - x0)
    sy = lambda y: height - 20 - y * (height - 30) / y1
    path = " ".join("%s%.1f,%.1f" % ("M" if i == 0 else "L", sx(x), sy(y))
                    for i, (x, y) in enumerate(pts))
    return ('<svg class="plot" width="%d" height="%d" role="img" aria-label="%s">'
            '<text x="40" y="12" class="t">%s (max %s)</text>'
            '<line x1="40" y1="%d" x2="%d" y2="%d" class="axis"/>'
            '<line x1="40" y1="10" x2="40" y2="%d" class="axis"/>'
            '<path d="%s" fill="none" stroke="%s" stroke-width="2"/>'
            '<text x="40" y="%d" class="t">0 s</text>'
            '<text x="%d" y="%d" class="t" text-anchor="end">%d s</text></svg>'
            % (width, height, html.escape(label), html.escape(label), "{:,}".format(y1),
               height - 20, width - 10, height - 20, height - 20, path, color,
               height - 5, width - 10, height - 5, x1 - x0))


def section(wd, outdir):
    conf = read_conf(wd)
    rows = read_progress(wd)
    groups = read_crashes(wd)
    rel = lambda p: html.escape(os.path.relpath(p, outdir))
    h = ['<section class="campaign"><h2>%s</h2>' % html.escape(os.path.abspath(wd))]
    h.append('<table class="conf">')
    for k in ("target", "engine", "bugs", "kshim"):
        h.append("<tr><th>%s</th><td>%s</td></tr>" % (k, html.escape(conf.get(k, "") or "-")))
    rows_known = [r for r in rows if None not in r]
    if rows_known:
        last = rows_known[-1]
        h.append("<tr><th>time</th><td>%d s</td></tr>" % last[0])
        h.append("<tr><th>executions</th><td>{:,}</td></tr>".format(last[1]))
        h.append("<tr><th>exec/s (last)</th><td>{:,}</td></tr>".format(last[2]))
        h.append("<tr><th>coverage</th><td>%d</td></tr>" % last[3])
        h.append("<tr><th>corpus</th><td>%d</td></tr>" % last[4])
    n_crashes = sum(len(v) for v in groups.values())
    h.append('<tr><th>crashes</th><td class="n-crashes">%d in %d groups</td></tr></table>'
             % (n_crashes, len(groups)))
    h.append('<div class="plots">%s%s%s</div>'
             % (svg_plot(rows, 2, "exec/s", "#1f77b4"), svg_plot(rows, 3, "coverage", "#2ca02c"),
                svg_plot(rows, 4, "corpus", "#ff7f0e")))
    cov = os.path.join(wd, "coverage", "summary.txt")
    if os.path.exists(cov):
        h.append('<h3>coverage</h3><pre class="cov">%s</pre>' % html.escape(read_text(cov) or ""))
    h.append("<h3>crash groups</h3>")
    if not groups:
        h.append('<p class="none">no crashes</p>')
    for gid in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        items = groups[gid]
        first = min(it["mtime"] for it in items)
        best = best_reproducer(items)
        h.append('<div class="group" data-id="%s" data-count="%d">' % (html.escape(gid), len(items)))
        h.append('<h4><span class="gid">%s</span> <span class="count">%d crash%s</span> '
                 '<span class="first">first %s</span></h4>'
                 % (html.escape(gid), len(items), "" if len(items) == 1 else "es",
                    time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(first))))
        h.append('<div class="files">%s</div>' % " ".join(
            '<a href="%s">%s</a>' % (rel(it["path"]), html.escape(it["name"])) for it in items[:20]))
        if best:
            _, it, tpath, ttext = best
            h.append('<div class="repro">reproducer <a href="%s">%s</a><pre>%s</pre></div>'
                     % (rel(tpath), html.escape(os.path.basename(tpath)), html.escape(ttext)))
            rep = read_text(it["path"] + ".report")
            if rep:
                h.append('<div class="diagrams">%s</div>' % report_diagrams(rep))
                h.append('<details><summary>report (<a href="%s">raw</a>)</summary><pre>%s</pre></details>'
                         % (rel(it["path"] + ".report"), html.escape(rep)))
        h.append("</div>")
    h.append("</section>")
    return "".join(h)


STYLE = """
body{font-family:sans-serif;margin:1em;color:#222}
.campaigns{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}
.campaign{border:1px solid #ccc;border-radius:6px;padding:.5em 1em}
.conf th{text-align:left;padding-right:1em}
.plot .axis{stroke:#888}.plot .t{font-size:11px;fill:#444}
.group{border-top:1px solid #ddd;margin-top:.5em}
.count{color:#a00}.first{color:#666;font-size:90%}
pre{background:#f6f6f6;padding:.4em;overflow-x:auto;font-size:85%}
.diagram{display:flex;flex-wrap:wrap;gap:1px;margin:.2em 0 .6em}
.cell{display:inline-block;width:12px;height:16px;font-size:10px;text-align:center;color:#fff}
.sep{display:inline-block;width:3px}
.head{background:#1f77b4}.tail{background:#6baed6}.buddy{background:#2ca02c}
.free{background:#a1d99b}.small{background:#9467bd}.other{background:#888}
.hl{outline:3px solid #d62728;outline-offset:-1px}
.when{font-size:85%;color:#444}
.legend span{margin-right:1em}
"""


def main():
    ap = argparse.ArgumentParser(prog="report.py", description="a campaign's web report")
    ap.add_argument("--out")
    ap.add_argument("workdirs", nargs="+")
    try:
        a = ap.parse_args()
    except SystemExit as e:
        return 2 if e.code else 0
    for wd in a.workdirs:
        if not os.path.isdir(wd):
            print("report: %s: no such directory" % wd, file=sys.stderr)
            return 2
        if not (os.path.exists(os.path.join(wd, "campaign.conf")) or
                os.path.exists(os.path.join(wd, "progress.tsv"))):
            print("report: %s: not a campaign work dir (no campaign.conf or progress.tsv; "
                  "scripts/fuzz.sh --workdir makes one)" % wd, file=sys.stderr)
            return 2
    out = a.out or (os.path.join(a.workdirs[0], "report") if len(a.workdirs) == 1 else "report")
    try:
        os.makedirs(out, exist_ok=True)
        sections = [section(wd, out) for wd in a.workdirs]
    except BadInput as e:
        print("report: %s" % e, file=sys.stderr)
        return 2
    except OSError as e:
        print("report: %s" % e, file=sys.stderr)
        return 2
    legend = "".join('<span><span class="cell %s">%s</span> %s</span>' % (c, html.escape(k), w)
                     for k, (c, w) in CELL.items())
    page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>foliofuzz campaign report</title>"
            "<style>%s</style></head><body><h1>foliofuzz campaign report</h1>"
            '<p class="legend">%s <span><span class="cell small hl">s</span> the affected pfn</span></p>'
            '<div class="campaigns">%s</div><p class="made">made %s by scripts/report.sh</p></body></html>\n'
            % (STYLE, legend, "".join(sections), time.strftime("%Y-%m-%d %H:%M:%S")))
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".index-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, os.path.join(out, "index.html"))
    print(os.path.join(out, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
