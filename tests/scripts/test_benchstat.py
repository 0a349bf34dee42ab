#!/usr/bin/env python3
"""test_benchstat.py - scripts/benchstat.py computes the known answers for
the fixed inputs in tests/data/ (ctest unit/benchstat).

  python3 tests/scripts/test_benchstat.py

tests/data/bugbench_trials.tsv holds five knob/engine/start groups whose
medians, min/max, found counts and false alarms are worked out by hand in
the tests below, including censored medians (trials that did not find the
bug count as +infinity); bench_cli.tsv and progress.tsv likewise.
"""

import contextlib
import io
import math
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
SCRIPT = os.path.join(ROOT, "scripts", "benchstat.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchstat  # noqa: E402


def run(*argv):
    """benchstat.main(argv): (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = benchstat.main(list(argv))
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


def table_rows(text):
    """The body rows of a markdown table, as lists of cells."""
    rows = [line.strip("|").split("|") for line in text.splitlines()
            if line.startswith("|")][2:]
    return [[c.strip() for c in r] for r in rows]


class CensoredMedian(unittest.TestCase):
    def test_odd_and_even(self):
        self.assertEqual(benchstat.censored_median([3, 1, 2]), 2)
        self.assertEqual(benchstat.censored_median([4, 1, 3, 2]), 2.5)

    def test_censored(self):
        inf = math.inf
        # the middle trial found it: a number although 2 of 5 did not
        self.assertEqual(benchstat.censored_median([4, inf, inf, 1, 2]), 4)
        # half did not find it: the median is beyond the limit
        self.assertTrue(math.isinf(
            benchstat.censored_median([10, 20, inf, inf])))
        self.assertTrue(math.isinf(benchstat.censored_median([inf])))

    def test_empty(self):
        with self.assertRaises(ValueError):
            benchstat.censored_median([])


class Summary(unittest.TestCase):
    def setUp(self):
        rc, out, err = run("summary",
                           os.path.join(DATA, "bugbench_trials.tsv"))
        self.assertEqual(rc, 0, err)
        self.rows = {(r[0], r[2], r[3]): r for r in table_rows(out)}

    def test_groups(self):
        self.assertEqual(len(self.rows), 5)

    def test_all_found(self):
        self.assertEqual(self.rows["knob_a", "libfuzzer", "seeds"],
                         ["knob_a", "I_A", "libfuzzer", "seeds", "1.50",
                          "0.50", "2.50", "3/3", "0"])

    def test_even_count_one_missed(self):
        # 1, 2, 3, inf: the middle two are found, their mean
        self.assertEqual(self.rows["knob_a", "afl", "empty"][4:8],
                         ["2.50", "1.00", "3.00", "3/4"])

    def test_censored_median_beyond_limit(self):
        # 10, 20, inf (not found), inf (false alarm): "> limit"
        self.assertEqual(self.rows["knob_a", "random", "seeds"][4:],
                         ["> 60", "10.00", "20.00", "2/4", "1 (I_OTHER)"])

    def test_censored_median_found(self):
        # 1, 2, 4, inf, inf: the median counts the misses, 4 (not 2)
        self.assertEqual(self.rows["knob_b", "random", "seeds"][4:8],
                         ["4.00", "1.00", "4.00", "3/5"])

    def test_none_found(self):
        self.assertEqual(self.rows["knob_b", "libfuzzer", "seeds"][1:],
                         ["ASAN", "libfuzzer", "seeds", "> 60", "-", "-",
                          "0/3", "2 (I_X)"])


class Survival(unittest.TestCase):
    def blocks(self, *extra):
        with tempfile.TemporaryDirectory() as d:
            dat = os.path.join(d, "s.dat")
            rc, out, err = run("survival",
                               os.path.join(DATA, "bugbench_trials.tsv"),
                               "--limit", "60", "--out", dat, *extra)
            self.assertEqual(rc, 0, err)
            with open(dat, encoding="utf-8") as f:
                text = f.read()
        blocks = [[tuple(float(x) for x in line.split())
                   for line in b.splitlines() if line]
                  for b in text.split("\n\n\n") if b.strip()]
        return out.splitlines(), blocks

    def test_groups(self):
        names, blocks = self.blocks()
        self.assertEqual(names, ["afl/empty", "libfuzzer/seeds",
                                 "random/seeds"])
        self.assertEqual(len(blocks), 3)
        # random/seeds over both knobs: 9 trials, 5 found at 1 2 4 10 20
        self.assertEqual([p[0] for p in blocks[2]],
                         [0.01, 1, 2, 4, 10, 20, 60])
        self.assertAlmostEqual(blocks[2][-1][1], 4 / 9, places=5)
        self.assertAlmostEqual(blocks[2][1][1], 8 / 9, places=5)
        # libfuzzer/seeds: knob_a's three finds, knob_b's three misses
        want = [(0.01, 1), (0.5, 5 / 6), (1.5, 4 / 6), (2.5, 0.5),
                (60, 0.5)]
        self.assertEqual(len(blocks[1]), len(want))
        for got, exp in zip(blocks[1], want):
            self.assertAlmostEqual(got[0], exp[0], places=5)
            self.assertAlmostEqual(got[1], exp[1], places=5)

    def test_per_knob(self):
        names, blocks = self.blocks("--per-knob")
        self.assertEqual(len(names), 6)  # 2 knobs x 3 groups, empty too
        self.assertEqual(names[3], "knob_b\tafl/empty")
        # a knob without trials in a group: a flat line at 1, then 0
        self.assertEqual(blocks[3], [(0.01, 1), (60, 0)])
        # knob_b libfuzzer: nothing found, still 1 at the limit
        self.assertEqual(blocks[4], [(0.01, 1), (60, 1)])

    def test_curve(self):
        inf = math.inf
        self.assertEqual(benchstat.survival_curve([0.001, 3, inf, inf], 9),
                         [(0.01, 1), (0.01, 0.75), (3, 0.5), (9, 0.5)])


class Bench(unittest.TestCase):
    def test_cli_table(self):
        rc, out, err = run("cli-table", os.path.join(DATA, "bench_cli.tsv"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(table_rows(out), [
            ["asan", "ops", "512", "64", "1.00M", "1000", "64.0", "2.00M",
             "50%"],
            ["release", "dax", "128", "16", "3.46M", "289", "4.6", "4.00M",
             "14%"]])

    def test_lf_row_and_table(self):
        with tempfile.TemporaryDirectory() as d:
            def write(name, text):
                path = os.path.join(d, name)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                return path
            log = write("t.log", "stat::number_of_executed_units: 5000\n"
                        "stat::average_exec_per_sec: 400\n"
                        "stat::average_exec_per_sec: 500\n"
                        "stat::peak_rss_mb: 40\n")
            nlog = write("n.log", "stat::number_of_executed_units: 20000\n"
                         "stat::average_exec_per_sec: 2000\n"
                         "stat::peak_rss_mb: 30\n")
            tf = write("t.time", "9.5 0.5\n")
            ntf = write("n.time", "8.0 2.0\n")
            corpus = os.path.join(d, "corpus")
            os.mkdir(corpus)
            for i, size in enumerate([10, 20, 31]):
                write(os.path.join("corpus", str(i)), "x" * size)
            rc, out, err = run("lf-row", "--target", "ops", "--seconds",
                               "10", "--max-len", "4096", "--log", log,
                               "--null-log", nlog, "--time-file", tf,
                               "--null-time-file", ntf, "--corpus", corpus)
            self.assertEqual(rc, 0, err)
            row = out.rstrip("\n").split("\t")
            rc, head, _ = run("lf-row", "--header")
            self.assertEqual(dict(zip(head.split(), row)), {
                "target": "ops", "seconds": "10", "max_len": "4096",
                "corpus_inputs": "3", "corpus_avg_bytes": "20",
                "execs": "5000", "exec_per_s": "500", "peak_rss_mb": "40",
                "null_execs": "20000", "null_exec_per_s": "2000",
                "null_peak_rss_mb": "30", "ratio": "0.2500",
                "cpu_s": "10.000", "exec_per_cpu_s": "500",
                "null_cpu_s": "10.000", "null_exec_per_cpu_s": "2000",
                "ratio_cpu": "0.2500"})
            tsv = write("lf.tsv", head + out)
            rc, out, err = run("lf-table", tsv)
            self.assertEqual(rc, 0, err)
            self.assertEqual(table_rows(out), [[
                "ops", "3, 20", "500 (500)", "2000 (2000)", "25.00%", "40",
                "30"]])


class Progress(unittest.TestCase):
    def test_progress(self):
        rc, out, err = run("progress", os.path.join(DATA, "progress.tsv"))
        self.assertEqual(rc, 0, err)
        facts = dict(line.split("=", 1) for line in out.splitlines())
        self.assertEqual(facts, {
            "rows": "5", "last": "200", "runs": "3", "unit": "60",
            "uname": "minutes", "resumes": "0.5 3.33333", "maxc": "12",
            "cstep": "5", "cmax": "15", "has_4": "1", "has_5": "1",
            "has_6": "0", "has_7": "1", "has_8": "1"})

    def test_crash_step(self):
        self.assertEqual([benchstat.crash_step(m) for m in
                          (0, 5, 6, 11, 26, 60, 400)],
                         [1, 1, 2, 5, 10, 20, 100])


class BadInput(unittest.TestCase):
    """A clear message naming the file (and line), exit 1; usage 2."""

    def test_missing_file(self):
        rc, _, err = run("summary", "/nonexistent/trials.tsv")
        self.assertEqual(rc, 1)
        self.assertIn("/nonexistent/trials.tsv", err)

    def test_bad_rows(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.tsv")
            with open(os.path.join(DATA, "bugbench_trials.tsv"),
                      encoding="utf-8") as f:
                lines = f.read().splitlines()
            for bad, want in ((lines[1].replace("\t1.500\t", "\tfast\t"),
                               "is not a number"),
                              (lines[1].replace("\t60\t1\t", "\t60\t7\t"),
                               "want 0 or 1"),
                              ("a\tb", "fields")):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(lines[0] + "\n" + bad + "\n")
                rc, _, err = run("summary", path)
                self.assertEqual(rc, 1, bad)
                self.assertIn(f"{path}:2:", err)
                self.assertIn(want, err)
            with open(path, "w", encoding="utf-8") as f:
                f.write("knob\ttime_s\n")
            rc, _, err = run("summary", path)
            self.assertEqual(rc, 1)
            self.assertIn("header lacks", err)

    def test_usage(self):
        self.assertEqual(run("frobnicate")[0], 2)
        self.assertEqual(run("survival", "x.tsv")[0], 2)  # no --limit
        self.assertEqual(run("lf-row", "--target", "ops")[0], 2)

    def test_command_line(self):
        p = subprocess.run([sys.executable, SCRIPT, "progress",
                            os.path.join(DATA, "bench_cli.tsv")],
                           capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("bench_cli.tsv", p.stderr)


if __name__ == "__main__":
    unittest.main()
