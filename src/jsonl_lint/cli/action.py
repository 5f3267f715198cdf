"""The GitHub Action (``action.yml``): one lint run, four outputs.

``jsonl-lint github-action`` reads the action's inputs from ``INPUT_*`` variables (set by
action.yml's ``env:``, never pasted into a shell script), lints once, then writes

- ``::error``/``::warning``/``::notice`` annotations on standard output (reporters/github.py),
- a Markdown job summary appended to ``$GITHUB_STEP_SUMMARY`` (reporters/markdown.py), within
  what is left of GitHub's 1 MiB,
- SARIF to the ``sarif-file`` input, for ``github/codeql-action/upload-sarif`` (reporters/sarif.py),
- step outputs to ``$GITHUB_OUTPUT``: counts, the SARIF path and the exit code,

and exits like ``jsonl-lint``: 0 clean, 1 findings at or above ``fail-on``, 2 an error.
"""

from __future__ import annotations

import os
import shlex
import sys
import uuid
from collections import Counter
from collections.abc import Mapping

from jsonl_lint.cli.args import check_parser, load_settings
from jsonl_lint.cli.check import lint_paths
from jsonl_lint.cli.output import Outcome, exit_code, judge, output, refuse_inputs
from jsonl_lint.diagnostics import Severity
from jsonl_lint.errors import UsageError
from jsonl_lint.reporters import github, markdown, sarif
from jsonl_lint.reporters.text import Style
from jsonl_lint.reporters.text import summary as summary_line

FAIL_ON = ("error", "warning", "info", "never")
#: Options that choose an output: the action writes its own.
OUTPUT_OPTIONS = ("output_format", "output_file", "statistics", "show_settings", "fix", "diff", "write_baseline")


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "true").strip().lower()
    if value not in ("true", "false", ""):
        raise UsageError(f"{name}: expected true or false, not {value!r}")
    return value != "false"


def _split(environ: Mapping[str, str], name: str) -> list[str]:
    try:
        return shlex.split(environ.get(name, ""))
    except ValueError as exc:  # an unbalanced quote
        raise UsageError(f"{name}: {exc}") from None


def command_line(environ: Mapping[str, str], extra: list[str]) -> list[str]:
    """The ``jsonl-lint`` arguments that the inputs stand for (paths and args split like a shell would)."""
    argv = [*_split(environ, "INPUT_ARGS"), *extra]
    profile = environ.get("INPUT_PROFILE", "").strip()
    if profile:
        argv += ["--profile", profile]
    fail_on = environ.get("INPUT_FAIL_ON", "").strip().lower()
    if fail_on and fail_on not in FAIL_ON:
        raise UsageError(f"INPUT_FAIL_ON: expected one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if fail_on == "never":
        argv.append("--exit-zero")
    elif fail_on:
        argv += ["--fail-on", fail_on]
    return argv + _split(environ, "INPUT_PATHS")


def set_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """Append step outputs to ``$GITHUB_OUTPUT``; a value with line breaks (made ``\\n``) uses a delimiter."""
    with open(path, "a", encoding="utf-8", newline="") as out:
        for name, value in outputs.items():
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if "\n" in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                out.write(f"{name}={value}\n")


def _summary_budget(path: str) -> int:
    """Bytes left for our summary in the step's file (GitHub's limit is per step; it may hold text already)."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    return markdown.MAX_BYTES - used


def run(argv: list[str], environ: Mapping[str, str] | None = None) -> Outcome:
    environ = os.environ if environ is None else environ
    args = check_parser().parse_args(command_line(environ, argv))
    chosen = [name for name in OUTPUT_OPTIONS if getattr(args, name)]
    if chosen:
        option = "--" + chosen[0].replace("_", "-")
        raise UsageError(f"{option}: the action writes annotations, a summary and SARIF itself (see its inputs)")
    settings = load_settings(args)
    sarif_file = environ.get("INPUT_SARIF_FILE", "").strip()
    refuse_inputs(args.paths, settings, (sarif_file, "sarif-file"))
    with output(sarif_file, "sarif-file", stdout=False) as sarif_out:  # opened first: a bad path fails at once
        result = lint_paths(args, settings)
        if sarif_out is not None:
            sarif.report(result, sarif_out)
    outcome = judge(result, settings.fail_on, args.exit_zero)
    if _flag(environ, "INPUT_ANNOTATIONS"):
        github.report(result, sys.stdout)
        for error in result.errors:  # an input that could not be read: on the run's page too
            sys.stdout.write(f"::error title=jsonl-lint::{github.escape_data(error)}\n")
    summary_line(result, sys.stdout, Style(False))
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and _flag(environ, "INPUT_SUMMARY"):
        budget = _summary_budget(summary_file)
        with open(summary_file, "a", encoding="utf-8") as out:
            markdown.summary(result, out, max_bytes=budget, environ=environ)
    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        by_severity = Counter(d.severity for d in result.diagnostics)
        set_outputs(
            output_file,
            {
                "findings": str(len(result.diagnostics)),
                "errors": str(by_severity[Severity.ERROR]),
                "warnings": str(by_severity[Severity.WARNING]),
                "infos": str(by_severity[Severity.INFO]),
                "sarif-file": sarif_file,
                "exit-code": str(exit_code(outcome)),
            },
        )
    return outcome
