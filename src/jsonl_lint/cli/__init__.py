"""Command line: ``jsonl-lint [check] PATHS``, ``stats``, ``suppress``, ``filter``, ``rule CODE``, ``rules``,
``profiles``, ``plugins``, ``github-action``.

One module per command; each returns an :class:`~jsonl_lint.cli.output.Outcome`, and only
:func:`~jsonl_lint.cli.output.exit_code` turns it into the exit code: 0 no findings at or above
``--fail-on``; 1 findings; 2 usage, configuration or internal error (130 when interrupted, 143 when terminated).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import traceback

# The command line multiplies no matrices, and the OpenBLAS of numpy's wheels would start a thread per
# core as numpy is imported: 115 ms of CPU in every run, a third of a pre-commit run's. Set before the
# first import below, which imports numpy (a user's own setting stands).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from jsonl_lint.cli.output import Outcome, exit_code, own_process, say  # noqa: E402
from jsonl_lint.errors import InternalError, JsonlLintError, UsageError  # noqa: E402

#: command -> (module of jsonl_lint.cli, function); a command's module is imported when it runs, so
#: that a lint does not pay for the report, the action and the catalogue (start-up is most of a
#: pre-commit run)
COMMANDS = {
    "check": ("check", "run"),
    "rule": ("catalog", "rule_command"),
    "rules": ("catalog", "rules_command"),
    "profiles": ("catalog", "profiles_command"),
    "plugins": ("catalog", "plugins_command"),
    "stats": ("stats", "run"),
    "suppress": ("suppress", "run"),
    "filter": ("filter", "run"),
    "github-action": ("action", "run"),  # the step of action.yml; reads its inputs from INPUT_* variables
}


class Terminated(BaseException):
    """SIGTERM, raised where the program stands so that every ``finally`` runs (spools and temporary
    files removed, workers ended)."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the console script, python -m jsonl_lint: the process is the command's
        own_process()
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "check"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return exit_code(_run(command, rest))
    except Terminated:  # raised outside _run's handlers (while they ran): still quiet
        return exit_code(Outcome.TERMINATED)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(command: str, rest: list[str]) -> Outcome:
    debug = "--debug" in rest or bool(os.environ.get("JSONL_LINT_DEBUG"))
    try:
        if command != "check":
            importlib.import_module("jsonl_lint.cli.catalog").config_plugins()
        module, function = COMMANDS[command]
        return getattr(importlib.import_module(f"jsonl_lint.cli.{module}"), function)(rest)
    except UsageError as exc:
        say(f"jsonl-lint: error: {exc}")
        say("Run `jsonl-lint --help` for usage.")
        return Outcome.ERROR
    except InternalError as exc:
        say(f"jsonl-lint: internal error: {exc}")
        return Outcome.ERROR
    except JsonlLintError as exc:
        if debug and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__)
        say(f"jsonl-lint: error: {exc}")
        return Outcome.ERROR
    except KeyboardInterrupt:
        say("jsonl-lint: interrupted")
        return Outcome.INTERRUPTED
    except Terminated:
        return Outcome.TERMINATED
    except BrokenPipeError:
        # `jsonl-lint data/ | head`: the reader went away; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Outcome.CLEAN
    except Exception as exc:  # never a traceback; --debug (or JSONL_LINT_DEBUG=1) shows it
        if debug:
            traceback.print_exception(exc)
        say(f"jsonl-lint: internal error: {type(exc).__name__}: {exc} (--debug shows a traceback)")
        return Outcome.ERROR
