#!/usr/bin/env bash
# report.sh - a campaign's web report: one static index.html that opens from
# disk (scripts/report.py does the work; docs/campaigns.md).
#
#   scripts/report.sh [--out DIR] WORKDIR [WORKDIR...]
#
# Settings and totals, exec/s / coverage / corpus over time, crash groups
# with counts, reproducers and page-array diagrams, links to the raw files;
# several work dirs side by side.  Default DIR: WORKDIR/report/ for one
# work dir, report/ for several.  Paths are taken from where it is run.
# Exit 2 on a missing or malformed work dir.
exec python3 "$(dirname "${BASH_SOURCE[0]}")/report.py" "$@"
