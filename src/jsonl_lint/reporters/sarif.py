"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import orjson

from jsonl_lint import docs
from jsonl_lint._version import __version__
from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.files.remote import is_url
from jsonl_lint.text.scan import mask_pii

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "jsonlLint/v1"
#: GitHub code scanning rejects a run with more results (and shows the 5,000 most severe).
MAX_RESULTS = 25_000


def _uri(path: str) -> str:
    """A relative URI for paths under the current folder (resolved against %SRCROOT%); a URL as it is."""
    if path == "-":
        return "stdin"
    if is_url(path):
        return quote(path, safe=":/")
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


def _location(path: str, line: int | None, column: int | None = None, end_column: int | None = None) -> dict:
    artifact = {"uri": _uri(path)}
    if not os.path.isabs(path) and path != "-" and not is_url(path):
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict = {"artifactLocation": artifact}
    if line is not None:
        region = {"startLine": line}
        if column is not None:
            region["startColumn"] = column
            if end_column is not None:
                region["endColumn"] = end_column
        physical["region"] = region
    return {"physicalLocation": physical}


def _rule(rule) -> dict:
    full = docs.description(rule.code) or rule.summary
    uri = docs.help_uri(rule)  # None for a plugin rule that names no page on the web
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        **({"helpUri": uri} if uri else {}),
        "help": {"text": f"{rule.summary}. See {uri}" if uri else full},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": [rule.name]},
    }


def _result(d: Diagnostic, index: int) -> dict:
    result = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": LEVEL[d.severity],
        "message": {"text": mask_pii(d.message)},  # public on public repositories
        "locations": [_location(d.path, d.line, d.column, d.end_column)],
        "partialFingerprints": {FINGERPRINT: d.fingerprint or f"{d.code}:{d.path}:{d.line}"},
    }
    if d.count > 1:  # a finding that repeats on most lines of its file, reported once
        result["occurrenceCount"] = d.count
    if d.group is not None:  # duplicates and leakage: the group of alike examples
        result["properties"] = {"group": d.group}
    if d.related:
        result["relatedLocations"] = [
            {"id": i, **_location(loc.path, loc.line), "message": {"text": "first occurrence"}}
            for i, loc in enumerate(d.related)
        ]
    return result


def capped(diagnostics: list[Diagnostic], limit: int) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(kept, left out): at most ``limit`` diagnostics, the most severe first, each list in report order."""
    if len(diagnostics) <= limit:
        return diagnostics, []
    ranked = sorted(range(len(diagnostics)), key=lambda i: -diagnostics[i].severity)  # stable: report order
    keep = set(ranked[:limit])
    kept = [d for i, d in enumerate(diagnostics) if i in keep]
    return kept, [d for i, d in enumerate(diagnostics) if i not in keep]


def _omitted(left_out: list[Diagnostic], total: int) -> tuple[dict, dict]:
    """The notification and the run property that account for the results left out."""
    notification = {
        "level": "warning",
        "message": {
            "text": f"{len(left_out):,} of {total:,} results left out: GitHub code scanning accepts at most "
            f"{MAX_RESULTS:,} per run; the most severe were kept. `--output-format json` lists every finding."
        },
        "descriptor": {"id": "jsonl-lint/results-capped"},
    }
    by_rule = Counter(d.code for d in left_out)
    by_severity = Counter(str(d.severity) for d in left_out)
    prop = {"count": len(left_out), "limit": MAX_RESULTS, "byRule": dict(by_rule), "bySeverity": dict(by_severity)}
    return notification, prop


def report(result, out: TextIO, style=None) -> None:
    rules = list(result.rules.values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    notifications = [
        {"level": "error", "message": {"text": error}, "descriptor": {"id": "jsonl-lint/input"}}
        for error in result.errors
    ]
    kept, left_out = capped(result.diagnostics, MAX_RESULTS)
    properties: dict = {}
    if left_out:
        notification, properties["omittedResults"] = _omitted(left_out, len(result.diagnostics))
        notifications.append(notification)
    run = {
        "tool": {
            "driver": {
                "name": "jsonl-lint",
                "version": __version__,
                "informationUri": docs.DOCS_URL.rsplit("/blob/", 1)[0],
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "results": [_result(d, index[d.code]) for d in kept],
        "properties": {
            **properties,
            "profile": result.resolved.profile.name,
            "files": [
                {
                    "path": s.path,
                    "split": s.split,
                    "records": s.records,
                    "format": s.main_format,
                    "formats": dict(s.formats),
                }
                for s in result.sources
            ],
        },
    }
    document = {"version": "2.1.0", "$schema": SCHEMA, "runs": [run]}
    out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    out.write("\n")
