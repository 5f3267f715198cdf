"""``jsonl-lint stats PATHS``: the dataset report, as text, JSON and a self-contained HTML page;
``--compare OLD.json`` adds the drift from an earlier report, ``--fail-on-drift`` judges it."""

from __future__ import annotations

import argparse

import orjson

from jsonl_lint.cli.args import Parser, codes, load_settings
from jsonl_lint.cli.output import Outcome, errors, output, refuse_inputs
from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine import Linter
from jsonl_lint.errors import UsageError, closest
from jsonl_lint.reporters import stats_html, stats_text
from jsonl_lint.stats import DRIFT_LIMITS, MIN_CLASS_SHARE, ExampleStats, is_report, report


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="jsonl-lint stats",
        description="The dataset report: an overview, then per file sizes, tokens, languages, duplicates, leakage, "
        "answers and billing; with --compare, the drift from an earlier report.",
    )
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
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report (overview, charts, samples)")
    p.add_argument(
        "--line-url",
        metavar="TEMPLATE",
        help="in the HTML report, link each path:line to TEMPLATE with {path} and {line} "
        "(e.g. https://github.com/ORG/REPO/blob/main/{path}#L{line})",
    )
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
    p.add_argument(
        "--price-per-million",
        type=float,
        metavar="USD",
        help="the model's training price per million tokens: adds a cost estimate to the billed tokens",
    )
    p.add_argument(
        "--compare", metavar="OLD.json", help="an earlier `stats --output-format json` report: show what drifted"
    )
    p.add_argument(
        "--fail-on-drift",
        type=limits,
        action="extend",
        metavar="LIMITS",
        help="with --compare, exit 1 when a limit is exceeded: "
        + ", ".join(f"{name}[={default:g}]" for name, (default, _) in DRIFT_LIMITS.items()),
    )
    p.set_defaults(fail_on=None)
    return p


def limits(value: str) -> list[tuple[str, float]]:
    """``examples.decrease,label.share.change=0.05`` as (name, threshold) pairs; a name alone takes its default."""
    found = []
    for part in codes(value):
        name, _, given = part.partition("=")
        name = name.strip()
        if name not in DRIFT_LIMITS:
            raise UsageError(f"--fail-on-drift: unknown limit `{name}`{closest(name, list(DRIFT_LIMITS))}")
        try:
            threshold = float(given) if given.strip() else DRIFT_LIMITS[name][0]
        except ValueError:
            raise UsageError(f"--fail-on-drift {name}: `{given}` is not a number") from None
        if threshold < 0:
            raise UsageError(f"--fail-on-drift {name}: the threshold must not be negative")
        found.append((name, threshold))
    return found


def earlier(path: str) -> dict:
    """The report of ``--compare``; a usage error naming the path when it is not one."""
    try:
        with open(path, "rb") as stream:
            data = orjson.loads(stream.read())
    except OSError as exc:
        raise UsageError(f"--compare {path}: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"--compare {path}: not JSON ({exc})") from None
    if not is_report(data):
        raise UsageError(f"--compare {path}: not a `jsonl-lint stats --output-format json` report")
    return data


def run(argv: list[str]) -> Outcome:
    args = parser().parse_args(argv)
    if not 0 <= args.min_class_share <= 1:
        raise UsageError("--min-class-share must be between 0 and 1")
    if args.price_per_million is not None and args.price_per_million < 0:
        raise UsageError("--price-per-million must not be negative")
    if args.line_url is not None and not args.line_url.lower().startswith(stats_html.LINK_SCHEMES):
        raise UsageError(f"--line-url must start with one of {', '.join(stats_html.LINK_SCHEMES)}")
    if args.fail_on_drift and not args.compare:
        raise UsageError("--fail-on-drift needs --compare OLD.json")
    previous = earlier(args.compare) if args.compare else None
    settings: Settings = load_settings(args)
    refuse_inputs(args.paths, settings, (args.output_file, "--output-file"), (args.html, "--html"))
    result = Linter(resolve(settings), (ExampleStats,)).run(args.paths, settings, args.jobs)
    errors(result.errors)
    data = report(
        result,
        args.min_class_share,
        settings.fail_on,
        args.price_per_million,
        previous,
        dict(args.fail_on_drift or []),
    )
    with output(args.output_file) as out:
        (stats_text.write_json if args.output_format == "json" else stats_text.write_text)(data, out)
    if args.html:
        with output(args.html, "--html") as out:
            out.write(stats_html.render(data, args.line_url, stats_html.rule_pages(result.resolved.rules)))
    if result.errors:
        return Outcome.ERROR
    return Outcome.FINDINGS if data.get("drift", {}).get("exceeded") else Outcome.CLEAN
