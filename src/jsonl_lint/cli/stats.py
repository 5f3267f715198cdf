"""``jsonl-lint stats PATHS``: the dataset report, as text, JSON and a self-contained HTML page."""

from __future__ import annotations

import argparse

from jsonl_lint.cli.args import Parser, codes, load_settings
from jsonl_lint.cli.output import Outcome, errors, output, refuse_inputs
from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine import Linter
from jsonl_lint.errors import UsageError
from jsonl_lint.reporters import stats_html, stats_text
from jsonl_lint.stats import MIN_CLASS_SHARE, ExampleStats, report, top_findings


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="jsonl-lint stats", description="Per-file dataset report: sizes, tokens, answers, billing.")
    p.add_argument("paths", nargs="*", default=["."], help="files or folders (folders: *.jsonl, *.ndjson); - for stdin")
    p.add_argument("--profile", help="target profile (its tokenizer and token limit)")
    p.add_argument(
        "--config", action="append", default=[], metavar="FILE_OR_OPTION", help="config file or `key = value`"
    )
    p.add_argument("--isolated", action="store_true", help="ignore config files found in parent folders")
    p.add_argument("--select", type=codes, action="extend", metavar="CODES", help="rules whose findings are counted")
    p.add_argument("--extend-select", type=codes, action="extend", default=[], metavar="CODES")
    p.add_argument("--ignore", type=codes, action="extend", default=[], metavar="CODES")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report (histograms, top findings)")
    p.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="worker processes (default: one per core for large inputs)"
    )
    p.add_argument(
        "--min-class-share",
        type=float,
        default=MIN_CLASS_SHARE,
        metavar="SHARE",
        help=f"note an answer class under this share of the examples (default {MIN_CLASS_SHARE})",
    )
    p.set_defaults(fail_on=None)
    return p


def run(argv: list[str]) -> Outcome:
    args = parser().parse_args(argv)
    if not 0 <= args.min_class_share <= 1:
        raise UsageError("--min-class-share must be between 0 and 1")
    settings: Settings = load_settings(args)
    refuse_inputs(args.paths, settings, (args.output_file, "--output-file"), (args.html, "--html"))
    result = Linter(resolve(settings), (ExampleStats,)).run(args.paths, settings, args.jobs)
    errors(result.errors)
    data = report(result, args.min_class_share)
    with output(args.output_file) as out:
        (stats_text.write_json if args.output_format == "json" else stats_text.write_text)(data, out)
    if args.html:
        with output(args.html, "--html") as out:
            out.write(stats_html.render(data, top_findings(result.diagnostics)))
    return Outcome.ERROR if result.errors else Outcome.CLEAN
