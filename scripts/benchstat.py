#!/usr/bin/env python3
"""benchstat.py - the arithmetic of the measurement scripts (bench.sh,
bugbench.sh, plot.sh): medians, censored medians, survival curves, ratios
and markdown tables.  Python 3 standard library only.  The scripts start
the processes, time them and draw with gnuplot; this computes.

  benchstat.py cli-table CLI_TSV        bench.sh: `foliofuzz bench` table
  benchstat.py lf-row --header          bench.sh: libfuzzer.tsv header
  benchstat.py lf-row --target T --seconds S --max-len N --log LOG
                      --null-log LOG --time-file F --null-time-file F
                      --corpus DIR...   one libfuzzer.tsv row
  benchstat.py lf-table LIBFUZZER_TSV   bench.sh: exec/s vs fuzz_null table
  benchstat.py summary TRIALS_TSV       bugbench.sh: time-to-bug table
  benchstat.py survival TRIALS_TSV --limit S --out DAT [--per-knob]
                                        bugbench.sh: survival curve data
  benchstat.py progress PROGRESS_TSV    plot.sh: KEY=VALUE facts for the plot
  benchstat.py machine                  "N CPUs (model), X GiB"

Time to bug is censored: a trial that did not find the bug within its
limit counts as +infinity, so the median over all trials is the middle of
the sorted times (the mean of the two middle ones for an even count, or
+infinity when either is), printed "> LIMIT" when infinite.  min and max
are over the trials that found the bug.

Exit status: 0, 1 on malformed input (the message names FILE:LINE), 2 on
bad usage.
"""

import argparse
import math
import os
import re
import sys

INF = math.inf


class InputError(Exception):
    """Malformed input: the message names the file and line."""


# ---- reading --------------------------------------------------------------


def read_tsv(path, columns):
    """Rows of a TSV file with a header line, as dicts; the header must
    hold every name in columns."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    if not lines:
        raise InputError(f"{path}: empty (no header line)")
    header = lines[0].split("\t")
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"{path}:1: header lacks column(s) {', '.join(missing)}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise InputError(f"{path}:{n}: {len(fields)} fields, "
                             f"the header has {len(header)}")
        row = dict(zip(header, fields))
        row["_line"] = n
        rows.append(row)
    return rows


def num(row, col, path, default=None):
    """A column as a float; an empty field is default (an error when
    default is None)."""
    v = row[col]
    if v == "" and default is not None:
        return default
    try:
        return float(v)
    except ValueError:
        raise InputError(f"{path}:{row['_line']}: column {col}: "
                         f"'{v}' is not a number") from None


def awk_int(x):
    """awk's %d: truncation toward zero."""
    return int(x)


# ---- statistics -----------------------------------------------------------


def censored_median(times):
    """Median of times where a censored trial is INF: the middle value, or
    the mean of the two middle values (INF when either is INF)."""
    t = sorted(times)
    n = len(t)
    if n == 0:
        raise ValueError("median of no trials")
    if n % 2:
        return t[n // 2]
    a, b = t[n // 2 - 1], t[n // 2]
    if math.isinf(a) or math.isinf(b):
        return INF
    return (a + b) / 2


def fmt_secs(v):
    return "-" if math.isinf(v) else f"{v:.2f}"


def survival_curve(times, limit):
    """Steps of the fraction of trials still searching: [(t, fraction)],
    from (0.01, 1) to (limit, fraction left at the end)."""
    t = sorted(times)
    n = len(t)
    left = n
    points = [(0.01, 1.0)]
    for v in t:
        if math.isinf(v):
            break
        left -= 1
        points.append((max(v, 0.01), left / n if n else 0.0))
    points.append((limit, left / n if n else 0.0))
    return points


def awk_num(v):
    """A number as awk prints it with print/%s: integers plainly, others
    with %.6g."""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.6g}"


# ---- bench.sh ----------------------------------------------------------------

CLI_COLUMNS = ["preset", "target", "pfns", "len", "checked_steps_per_cpu_s",
               "unchecked_ops_per_cpu_s", "ns_per_step"]


def cmd_cli_table(a):
    rows = read_tsv(a.tsv, CLI_COLUMNS)
    out = ["| preset | target | pfns | len | checked steps/s | ns/step | "
           "us/program | unchecked ops/s | check share |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        checked = num(r, "checked_steps_per_cpu_s", a.tsv)
        raw = num(r, "unchecked_ops_per_cpu_s", a.tsv)
        ns = num(r, "ns_per_step", a.tsv)
        length = num(r, "len", a.tsv)
        share = 100 * (1 - checked / raw) if raw > 0 else 0
        out.append(f"| {r['preset']} | {r['target']} | "
                   f"{awk_int(num(r, 'pfns', a.tsv))} | {awk_int(length)} | "
                   f"{checked / 1e6:.2f}M | {ns:.0f} | "
                   f"{ns * length / 1000:.1f} | {raw / 1e6:.2f}M | "
                   f"{share:.0f}% |")
    print("\n".join(out))


LF_COLUMNS = ["target", "seconds", "max_len", "corpus_inputs",
              "corpus_avg_bytes", "execs", "exec_per_s", "peak_rss_mb",
              "null_execs", "null_exec_per_s", "null_peak_rss_mb", "ratio",
              "cpu_s", "exec_per_cpu_s", "null_cpu_s", "null_exec_per_cpu_s",
              "ratio_cpu"]


def lf_stat(path, name):
    """The last 'stat::NAME: N' of a libFuzzer log, or '' without one."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    found = re.findall(rf"^stat::{re.escape(name)}:\s*([0-9]+)", text,
                       re.MULTILINE)
    return found[-1] if found else ""


def cpu_seconds(path):
    """User + system seconds from bash's `time` with TIMEFORMAT='%U %S'."""
    try:
        with open(path, encoding="utf-8") as f:
            words = f.read().split()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    try:
        user, system = float(words[-2]), float(words[-1])
    except (IndexError, ValueError):
        raise InputError(f"{path}: want 'USER SYS' seconds, "
                         f"got {' '.join(words)!r}") from None
    return user + system


def ratio(a, b, digits):
    a = float(a or 0)
    b = float(b or 0)
    return f"{a / b if b > 0 else 0:.{digits}f}"


def cmd_lf_row(a):
    if a.header:
        print("\t".join(LF_COLUMNS))
        return
    for opt in ("target", "seconds", "max_len", "log", "null_log",
                "time_file", "null_time_file"):
        if getattr(a, opt) is None:
            usage_error(f"lf-row: --{opt.replace('_', '-')} is required")
    sizes = []
    for d in a.corpus:
        if not os.path.isdir(d):
            raise InputError(f"{d}: not a directory")
        for root, _, files in os.walk(d):
            sizes += [os.path.getsize(os.path.join(root, f)) for f in files]
    avg = sum(sizes) / len(sizes) if sizes else 0
    e = lf_stat(a.log, "average_exec_per_sec")
    ne = lf_stat(a.null_log, "average_exec_per_sec")
    x = lf_stat(a.log, "number_of_executed_units")
    nx = lf_stat(a.null_log, "number_of_executed_units")
    c = cpu_seconds(a.time_file)
    nc = cpu_seconds(a.null_time_file)
    ec = f"{float(x or 0) / c if c > 0 else 0:.0f}"
    nec = f"{float(nx or 0) / nc if nc > 0 else 0:.0f}"
    row = [a.target, a.seconds, a.max_len, str(len(sizes)), f"{avg:.0f}",
           x, e, lf_stat(a.log, "peak_rss_mb"), nx, ne,
           lf_stat(a.null_log, "peak_rss_mb"), ratio(e, ne, 4), f"{c:.3f}",
           ec, f"{nc:.3f}", nec, ratio(ec, nec, 4)]
    print("\t".join(row))


def cmd_lf_table(a):
    rows = read_tsv(a.tsv, LF_COLUMNS)
    out = ["| target | corpus at end (inputs, avg bytes) | exec/s (wall) | "
           "null exec/s (wall) | efficiency | peak RSS MB | "
           "null peak RSS MB |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        def i(col):
            return awk_int(num(r, col, a.tsv, default=0))
        eff = 100 * num(r, "ratio_cpu", a.tsv, default=0)
        out.append(f"| {r['target']} | {i('corpus_inputs')}, "
                   f"{i('corpus_avg_bytes')} | {i('exec_per_cpu_s')} "
                   f"({i('exec_per_s')}) | {i('null_exec_per_cpu_s')} "
                   f"({i('null_exec_per_s')}) | {eff:.2f}% | "
                   f"{i('peak_rss_mb')} | {i('null_peak_rss_mb')} |")
    print("\n".join(out))


# ---- bugbench.sh -------------------------------------------------------------

TRIAL_COLUMNS = ["knob", "target", "expected", "engine", "start", "trial",
                 "limit_s", "found", "time_s", "id", "false_alarm"]


def trial_time(r, path):
    """A trial's time to bug: its time when it found the bug, else INF."""
    found = r["found"]
    if found not in ("0", "1"):
        raise InputError(f"{path}:{r['_line']}: found is '{found}', "
                         f"want 0 or 1")
    return num(r, "time_s", path) if found == "1" else INF


def read_trials(path):
    rows = read_tsv(path, TRIAL_COLUMNS)
    for r in rows:
        r["_t"] = trial_time(r, path)
        r["group"] = f"{r['engine']}/{r['start']}"
    return rows


def cmd_summary(a):
    rows = read_trials(a.tsv)
    groups = {}
    for r in rows:
        groups.setdefault((r["knob"], r["engine"], r["start"]), []).append(r)
    out = ["| knob | expect | engine | start | median s | min s | max s | "
           "found | false alarms |",
           "|---|---|---|---|---:|---:|---:|---:|---|"]
    for key in sorted(groups):
        g = sorted(groups[key], key=lambda r: r["_t"])
        first = groups[key][0]
        times = [r["_t"] for r in g]
        found = [t for t in times if not math.isinf(t)]
        med = censored_median(times)
        mtxt = f"> {first['limit_s']}" if math.isinf(med) else fmt_secs(med)
        lo = min(found) if found else INF
        hi = max(found) if found else INF
        fas = []
        nfa = 0
        for r in g:
            if r["false_alarm"] == "1":
                nfa += 1
                if r["id"] not in fas:
                    fas.append(r["id"])
        fatxt = f"{nfa} ({' '.join(fas)})" if nfa else "0"
        out.append(f"| {key[0]} | {first['expected']} | {key[1]} | "
                   f"{key[2]} | {mtxt} | {fmt_secs(lo)} | {fmt_secs(hi)} | "
                   f"{len(found)}/{len(g)} | {fatxt} |")
    print("\n".join(out))


def cmd_survival(a):
    """gnuplot data: one block (two blank lines apart) per engine/start
    group, or per knob and group; stdout names each block in order:
    GROUP, or KNOB<TAB>GROUP."""
    rows = read_trials(a.tsv)
    if a.limit <= 0:
        usage_error("survival: --limit must be > 0")
    groups = sorted({r["group"] for r in rows})
    blocks = []
    if a.per_knob:
        for k in sorted({r["knob"] for r in rows}):
            for g in groups:
                blocks.append((f"{k}\t{g}", [r["_t"] for r in rows
                               if r["knob"] == k and r["group"] == g]))
    else:
        for g in groups:
            blocks.append((g, [r["_t"] for r in rows if r["group"] == g]))
    with open(a.out, "w", encoding="utf-8") as f:
        for _, times in blocks:
            for t, frac in survival_curve(times, a.limit):
                f.write(f"{t:g} {frac:g}\n")
            f.write("\n\n")
    for name, _ in blocks:
        print(name)


# ---- plot.sh -----------------------------------------------------------------


def crash_step(maxc):
    """Integer tics for a crash count: 1, 2, 5, 10, 20, 50, ... with at
    most about five steps up to maxc."""
    step = 1
    while step * 5 < maxc:
        s = str(step)
        if s.startswith("1"):
            step *= 2
        elif s.startswith("2"):
            step = step * 5 // 2
        else:
            step *= 2
    return step


def cmd_progress(a):
    """KEY=VALUE lines: rows, last (elapsed seconds), runs (the last
    session), unit and uname (the time axis), resumes (x of each resumed
    run, in that unit), maxc, cstep and cmax (the crash axis), has_N=0|1
    (column N has a number somewhere: 4 exec/s .. 8 crashes)."""
    try:
        with open(a.tsv, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(f"{a.tsv}: {e.strerror}") from e
    rows = []
    for n, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split()
        if len(fields) < 10:
            raise InputError(f"{a.tsv}:{n}: {len(fields)} columns, want 10 "
                             "(unix_time elapsed execs exec_per_s cov ft "
                             "corpus crashes ids session)")
        rows.append((n, fields))
    if not rows:
        raise InputError(f"{a.tsv}: no data rows")

    def field(n, fields, i):
        try:
            return float(fields[i - 1])
        except ValueError:
            raise InputError(f"{a.tsv}:{n}: column {i}: "
                             f"'{fields[i - 1]}' is not a number") from None

    last = awk_int(field(*rows[-1], 2))
    runs = awk_int(field(*rows[-1], 10))
    if last >= 7200:
        unit, uname = 3600, "hours"
    elif last >= 120:
        unit, uname = 60, "minutes"
    else:
        unit, uname = 1, "seconds"
    resumes = []
    prev = None
    for n, f in rows:
        s = field(n, f, 10)
        if prev is not None and s != prev:
            resumes.append(awk_num(field(n, f, 2) / unit))
        prev = s
    maxc = 0
    for n, f in rows:
        if f[7] != "NaN":
            maxc = max(maxc, awk_int(field(n, f, 8)))
    cstep = crash_step(maxc)
    print(f"rows={len(rows)}")
    print(f"last={last}")
    print(f"runs={runs}")
    print(f"unit={unit}")
    print(f"uname={uname}")
    print(f"resumes={' '.join(resumes)}")
    print(f"maxc={maxc}")
    print(f"cstep={cstep}")
    print(f"cmax={(maxc // cstep + 1) * cstep}")
    for col in range(4, 9):
        has = any(f[col - 1] != "NaN" for _, f in rows)
        print(f"has_{col}={int(has)}")


def cmd_machine(_a):
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                m = re.match(r"model name\s*:\s*(.*)", line)
                if m:
                    model = m.group(1).strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                m = re.match(r"MemTotal:\s*([0-9]+)", line)
                if m:
                    mem = f", {int(m.group(1)) / 1048576:.1f} GiB"
    except OSError:
        pass
    print(f"{os.cpu_count()} CPUs ({model}){mem}")


# ---- main --------------------------------------------------------------------


def usage_error(msg):
    print(f"benchstat.py: {msg}", file=sys.stderr)
    sys.exit(2)


def parser():
    p = argparse.ArgumentParser(
        prog="benchstat.py",
        description="the arithmetic of bench.sh, bugbench.sh and plot.sh")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("cli-table", help="foliofuzz bench table (cli.tsv)")
    s.add_argument("tsv")
    s.set_defaults(fn=cmd_cli_table)
    s = sub.add_parser("lf-row", help="one libfuzzer.tsv row")
    s.add_argument("--header", action="store_true")
    s.add_argument("--target")
    s.add_argument("--seconds")
    s.add_argument("--max-len")
    s.add_argument("--log")
    s.add_argument("--null-log")
    s.add_argument("--time-file")
    s.add_argument("--null-time-file")
    s.add_argument("--corpus", nargs="*", default=[])
    s.set_defaults(fn=cmd_lf_row)
    s = sub.add_parser("lf-table", help="exec/s table (libfuzzer.tsv)")
    s.add_argument("tsv")
    s.set_defaults(fn=cmd_lf_table)
    s = sub.add_parser("summary", help="time-to-bug table (trials.tsv)")
    s.add_argument("tsv")
    s.set_defaults(fn=cmd_summary)
    s = sub.add_parser("survival", help="survival curves (trials.tsv)")
    s.add_argument("tsv")
    s.add_argument("--limit", type=float, required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--per-knob", action="store_true")
    s.set_defaults(fn=cmd_survival)
    s = sub.add_parser("progress", help="plot facts (progress.tsv)")
    s.add_argument("tsv")
    s.set_defaults(fn=cmd_progress)
    s = sub.add_parser("machine", help="CPUs and memory, one line")
    s.set_defaults(fn=cmd_machine)
    return p


def main(argv=None):
    a = parser().parse_args(argv)
    try:
        a.fn(a)
    except InputError as e:
        print(f"benchstat.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
