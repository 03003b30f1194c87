"""Run the harness's cases and print one table: case, tried, held, failed.

    python -m tests.torture [--quick] [--seed N] [--only CASE ...] [--folder DIR]

``--quick`` (or ``TORTURE_QUICK=1``) is a short run for development. The large
archive is built once into the folder (``.torture/`` by default) and kept there;
every failure is written to ``torture.log`` in it, and the first few are shown.
The exit status is 1 if anything failed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.torture.common import FULL, QUICK, ROOT, SHOWN_FAILURES, TINY, Context, Outcome

CASES = ("kills", "edits", "searches", "imports", "damage")
SEED = 1922


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.torture",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("TORTURE_QUICK", "") not in ("", "0"),
                        help="a short run, for development (also TORTURE_QUICK=1)")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("TORTURE_SEED", SEED)),
                        help=f"the seed everything is generated from (default {SEED})")
    parser.add_argument("--only", nargs="+", choices=CASES, metavar="CASE",
                        help=f"run only these cases ({', '.join(CASES)})")
    parser.add_argument("--folder", type=Path, default=ROOT / ".torture",
                        help="where the large archive is kept and the log written")
    return parser


def table(outcomes: Sequence[Outcome]) -> str:
    """The outcomes as a Markdown table, as the README quotes it."""
    lines = ["| case | tried | held | failed |", "|---|---:|---:|---:|"]
    lines += [f"| {o.case} | {o.tried:,} | {o.held:,} | {o.failed:,} |" for o in outcomes]
    return "\n".join(lines)


def _run_case(name: str, ctx: Context, log: Callable[[str], None]) -> Outcome:
    module = importlib.import_module(f"tests.torture.{name}")
    started = time.monotonic()
    try:
        outcome: Outcome = module.run(ctx)
    except Exception as exc:  # the table must still be printed
        log(traceback.format_exc())
        outcome = Outcome(name)
        outcome.record(f"the case stopped: {type(exc).__name__}: {exc}")
    outcome.remarks.append(f"{time.monotonic() - started:.0f} s")
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    scale = TINY if args.tiny else QUICK if args.quick else FULL
    folder = args.folder.resolve()
    work = folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ctx = Context(folder, work, scale, args.seed)
    log_path = folder / "torture.log"
    started = time.monotonic()
    outcomes = []
    with log_path.open("w", encoding="utf-8") as log_file:
        def log(text: str) -> None:
            log_file.write(text.rstrip("\n") + "\n")
            log_file.flush()

        log(f"seed {args.seed}; scale {scale}")
        for name in [c for c in CASES if c in (args.only or CASES)]:
            print(f"torture: {name}…", flush=True)
            outcome = _run_case(name, ctx, log)
            outcomes.append(outcome)
            log(f"\n== {outcome.case}: tried {outcome.tried}, held {outcome.held}, "
                f"failed {outcome.failed}")
            log("\n".join(outcome.remarks))
            log("\n".join(outcome.failures))
        summary = _summary(outcomes, args.seed, time.monotonic() - started, log_path)
        log("\n" + summary)
    print(summary)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if any(o.failed for o in outcomes) else 0


def _summary(outcomes: Sequence[Outcome], seed: int, seconds: float, log_path: Path) -> str:
    lines = ["", table(outcomes), ""]
    for outcome in outcomes:
        lines.append(f"{outcome.case}: {'; '.join(outcome.remarks)}")
        for failure in outcome.failures[:SHOWN_FAILURES]:
            lines.append(f"    failed: {failure}")
        if outcome.failed > SHOWN_FAILURES:
            lines.append(f"    … and {outcome.failed - SHOWN_FAILURES:,} more in {log_path}")
    lines.append(f"\nSeed {seed}; {sum(o.tried for o in outcomes):,} tries in "
                 f"{seconds / 60:.1f} min.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
