"""Run one benchmark case in this process and print its figures as one JSON line."""

from __future__ import annotations

import argparse
import json

from valuechain.bench.registry import run_case

parser = argparse.ArgumentParser(prog="python -m valuechain.bench")
parser.add_argument("--case", required=True)
parser.add_argument("--size", required=True, help="the size, as JSON")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
print(json.dumps(run_case(args.case, json.loads(args.size), args.quick), default=str))
