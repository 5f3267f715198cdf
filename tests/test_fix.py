"""--fix, --unsafe-fixes and --diff: each fix, what is left, atomic writes, arbitrary bytes."""

from __future__ import annotations

import gzip
import io
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import orjson
from conftest import any_bytes, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, fix, lint
from jsonl_lint.files.reader import BOM
from jsonl_lint.rules.file import BlankLine

SRC = Path(__file__).resolve().parents[1] / "src"


def chat(i: int) -> bytes:
    record = {"messages": [{"role": "user", "content": f"Q{i}?"}, {"role": "assistant", "content": f"A{i}."}]}
    return orjson.dumps(record)


def lines(*numbers: int, end: bytes = b"\n") -> bytes:
    return b"".join(chat(i) + end for i in numbers)


def codes(run) -> set[str]:
    return {d["code"] for d in orjson.loads(run.out)}


def fixed(cli, path: Path, *args: str) -> bytes:
    run = cli(str(path), "--fix", "--output-format", "json", "--ignore", "D001,D002", *args, cwd=path.parent)
    assert run.code in (0, 1), run.err
    return path.read_bytes()


# -- each fix ----------------------------------------------------------------


def test_removes_the_byte_order_mark(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(BOM + lines(1, 2))
    assert fixed(cli, path) == lines(1, 2)


def test_removes_every_leading_byte_order_mark(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(BOM + BOM + lines(1))
    assert fixed(cli, path) == lines(1)


def test_adds_the_byte_order_mark_azure_requires(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 2))
    assert fixed(cli, path, "--profile", "azure-openai") == BOM + lines(1, 2)
    assert fixed(cli, path, "--profile", "azure-openai") == BOM + lines(1, 2)  # and keeps it


def test_keeps_the_byte_order_mark_on_the_first_line_written(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(BOM + b"\n" + lines(1))
    assert fixed(cli, path, "--profile", "azure-openai") == BOM + lines(1)


def test_turns_crlf_into_lf(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(chat(1) + b"\r\n" + chat(2) + b"\n" + chat(3) + b"\r\r\n")
    assert fixed(cli, path) == lines(1, 2, 3)


def test_drops_blank_lines(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\n" + chat(1) + b"\n \t\n" + chat(2) + b"\n\n")
    assert fixed(cli, path) == lines(1, 2)


def test_adds_the_final_newline(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1) + chat(2))
    assert fixed(cli, path) == lines(1, 2)


def test_a_final_bare_cr_does_not_become_crlf(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1) + chat(2) + b"\r")
    assert fixed(cli, path) == lines(1, 2)


def test_fixes_only_what_is_selected(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    original = BOM + chat(1) + b"\r\n\n" + chat(2)
    path.write_bytes(original)
    assert fixed(cli, path, "--ignore", "F005") == lines(1) + chat(2)  # the missing final newline stays
    path.write_bytes(original)
    assert fixed(cli, path, "--select", "F003") == BOM + lines(1) + b"\n" + chat(2)


def test_per_file_ignores_keep_a_missing_final_newline(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('[per-file-ignores]\n"raw/*" = ["F005"]\n')
    (tmp_path / "raw").mkdir()
    kept, other = tmp_path / "raw" / "a.jsonl", tmp_path / "b.jsonl"
    kept.write_bytes(chat(1) + b"\r\n" + chat(2))
    other.write_bytes(chat(3) + b"\r\n" + chat(4))
    run = cli(".", "--fix", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    assert kept.read_bytes() == lines(1) + chat(2)
    assert other.read_bytes() == lines(3, 4)


def test_duplicates_are_removed_only_with_unsafe_fixes(cli, tmp_path):
    path = tmp_path / "train.jsonl"
    original = lines(1, 2, 1, 3, 2, 1)
    path.write_bytes(original)
    assert fixed(cli, path) == original
    assert fixed(cli, path, "--unsafe-fixes") == lines(1, 2, 3)  # the first of each stays


def test_a_duplicate_of_another_file_goes_from_the_later_file(cli, tmp_path):
    first, second = tmp_path / "train_a.jsonl", tmp_path / "train_b.jsonl"
    first.write_bytes(lines(1, 2))
    second.write_bytes(lines(3, 1))
    run = cli(".", "--fix", "--unsafe-fixes", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    assert first.read_bytes() == lines(1, 2)
    assert second.read_bytes() == lines(3)


def test_unsafe_fixes_alone_marks_the_unsafe_fixes_available_and_changes_nothing(cli, tmp_path):
    """As ruff: without --fix, --unsafe-fixes only counts the unsafe fixes as available ([*])."""
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 1))
    plain = cli(str(path), "--select", "D004")
    assert " D004 warning:" in plain.out and "No fixes available with `--fix` alone (1 with" in plain.out
    run = cli(str(path), "--select", "D004", "--unsafe-fixes")
    assert run.code == 1
    assert " D004 [*] warning:" in run.out and "[*] 1 fixable with `--fix`." in run.out
    assert path.read_bytes() == lines(1, 1)


# -- what is reported after fixing ----------------------------------------------------


def test_fixed_findings_are_not_reported_and_the_rest_are(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(BOM + chat(1) + b"\r\n\n" + b'{"messages": []}\r\n' + chat(2))
    before = cli(str(path), "--output-format", "json", "--ignore", "D001,D002", cwd=tmp_path)
    assert codes(before) == {"F002", "F003", "F004", "F005", "S002"}
    after = cli(str(path), "--fix", "--output-format", "json", "--ignore", "D001,D002", cwd=tmp_path)
    assert after.code == 1
    [left] = orjson.loads(after.out)
    assert (left["code"], left["line"]) == ("S002", 2)  # at its line in the fixed file
    assert "fixed 4 findings in 1 file" in after.err


def test_fix_exits_zero_when_everything_was_fixed(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 2, end=b"\r\n"))
    run = cli(str(path), "--fix", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 0
    assert "All checks passed" in run.out


def test_standard_input_is_not_rewritten(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines(1) + b"\n")))
    run = cli("-", "--fix", "--output-format", "json", "--ignore", "D001,D002")
    assert codes(run) == {"F004"}
    assert "-: not fixed: standard input, named pipes, compressed and Parquet files are not rewritten" in run.err


# -- the file itself ----------------------------------------------------------------


def test_file_mode_is_preserved(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 2, end=b"\r\n"))
    path.chmod(0o640)
    fixed(cli, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == lines(1, 2)


def test_a_symbolic_link_stays_a_link(cli, tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_bytes(lines(1, 2, end=b"\r\n"))
    link = tmp_path / "a.jsonl"
    link.symlink_to(target.name)
    fixed(cli, link)
    assert link.is_symlink()
    assert target.read_bytes() == lines(1, 2)


def test_a_file_with_nothing_to_fix_is_not_rewritten(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 2))
    os.utime(path, (1_000_000, 1_000_000))
    run = cli(str(path), "--fix", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 0
    assert path.stat().st_mtime == 1_000_000


def test_an_error_while_fixing_leaves_the_original_untouched(cli, tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    original = lines(1) + b"\n" + lines(2) + b"\r\n"
    path.write_bytes(original)
    monkeypatch.setattr(BlankLine, "fix_line", lambda self, content, found: b"broken\nline")
    run = cli(str(path), "--fix", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 2
    assert "a.jsonl: not fixed: F004 fix of line 2 would split it" in run.err
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["a.jsonl"]  # no temporary file left behind


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from contextlib import contextmanager
    from jsonl_lint import cli, fix

    real = fix.atomic_write

    @contextmanager
    def dies_mid_write(path):
        with real(path) as out:
            class Stream:
                written = 0
                def write(self, data):
                    out.write(data)
                    self.written += len(data)
                    if self.written > 1_000_000:
                        out.flush()
                        os.kill(os.getpid(), signal.SIGKILL)
            yield Stream()

    fix.atomic_write = dies_mid_write
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def test_a_process_killed_mid_write_leaves_the_original_intact(tmp_path):
    path = tmp_path / "train.jsonl"
    original = lines(*range(40_000), end=b"\r\n")  # 2.6 MB: killed after the first megabyte
    path.write_bytes(original)
    path.chmod(0o600)
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(path), "--fix"], cwd=tmp_path, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert path.read_bytes() == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [partial] = [p for p in tmp_path.iterdir() if p.name != "train.jsonl"]  # what the killed run was writing
    assert partial.name.startswith(".train.jsonl.") and partial.name.endswith(".tmp")
    assert 1_000_000 < partial.stat().st_size < len(original)


# -- --diff ---------------------------------------------------------------------------


def apply_diff(old: bytes, diff: str) -> bytes:
    """Apply a unified diff (as written by --diff) to ``old``; check its context lines on the way."""
    source = old.splitlines(keepends=True)
    out: list[bytes] = []
    at = 0
    previous = b""
    body = diff.encode().splitlines(keepends=True)
    assert body[0].startswith(b"--- a/") and body[1].startswith(b"+++ b/")
    for line in body[2:]:
        hunk = re.match(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", line)
        if hunk:
            start = int(hunk[1]) - (1 if hunk[2] != b"0" else 0)
            out.extend(source[at:start])
            at = start
        elif line.startswith(b"\\ No newline"):
            if previous in (b" ", b"+"):  # the line just written has no newline
                out[-1] = out[-1][:-1]
        else:
            previous, text = line[:1], line[1:]
            if previous in (b" ", b"-"):
                assert source[at].rstrip(b"\n") == text.rstrip(b"\n"), (source[at], text)
                at += 1
            if previous in (b" ", b"+"):
                out.append(text)
    return b"".join(out + source[at:])


def test_diff_shows_the_fixes_writes_nothing_and_exits_1(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    original = BOM + lines(*range(10)) + b"\n" + lines(*range(10, 20)) + chat(20)
    path.write_bytes(original)
    run = cli("a.jsonl", "--diff", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 1
    assert path.read_bytes() == original
    assert run.out.startswith("--- a/a.jsonl\n+++ b/a.jsonl\n@@ -1,4 +1,4 @@\n")
    assert run.out.count("@@ -") == 3  # the BOM, the blank line, the last line: apart, so three hunks
    assert "\\ No newline at end of file" in run.out
    assert "would fix 3 findings in 1 file" in run.err
    assert apply_diff(original, run.out) == lines(*range(21))


def test_diff_exits_0_when_nothing_would_change(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(lines(1, 1))
    run = cli("a.jsonl", "--diff", cwd=tmp_path)
    assert (run.code, run.out) == (0, "")
    run = cli("a.jsonl", "--diff", "--unsafe-fixes", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 1
    assert "-" + chat(1).decode() in run.out


def test_diff_of_a_change_on_every_line_is_one_hunk(cli, tmp_path):
    path = tmp_path / "a.jsonl"
    original = lines(*range(3000), end=b"\r\n")
    path.write_bytes(original)
    run = cli("a.jsonl", "--diff", "--ignore", "D001,D002,D003", cwd=tmp_path)
    assert run.code == 1
    assert run.out.count("@@ -") == 1
    assert "@@ -1,3000 +1,3000 @@" in run.out
    assert apply_diff(original, run.out) == lines(*range(3000))


ascii_lines = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
edited_lines = st.lists(st.tuples(ascii_lines, st.sampled_from(["keep", "change", "drop"])), max_size=40)


@settings(max_examples=200, deadline=None)
@given(edits=edited_lines, final_newline=st.booleans(), context=st.integers(0, 4))
def test_unified_diff_applies_back_to_the_new_file(edits, final_newline, context):
    olds = [text.encode() + b"\n" for text, _ in edits]
    if olds and not final_newline and olds[-1] != b"\n":  # a stream never yields an empty line
        olds[-1] = olds[-1][:-1]
    pairs = [
        (old, old if what == "keep" else None if what == "drop" else b"#" + old)
        for old, (_, what) in zip(olds, edits, strict=True)
    ]
    out = io.StringIO()
    changed = fix.unified_diff(pairs, "x.jsonl", out, context)
    old = b"".join(olds)
    new = b"".join(n for _, n in pairs if n is not None)
    assert changed == any(o != n for o, n in pairs)
    if changed:
        assert apply_diff(old, out.getvalue()) == new
    else:
        assert out.getvalue() == ""


# -- any bytes --------------------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(data=any_bytes(600), profile=st.sampled_from(["openai", "azure-openai"]), unsafe=st.booleans())
def test_fixing_any_bytes_never_crashes_and_is_idempotent(data, profile, unsafe):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.jsonl"
        path.write_bytes(data)
        config = Settings(profile=profile)
        first = fix.apply(lint([str(path)], config), unsafe)
        assert not first.errors
        once = path.read_bytes()
        again = lint([str(path)], config)
        fixable = {"F002", "F003", "F004", "F005"} | ({"D004"} if unsafe else set())
        assert not [d for d in again.diagnostics if d.code in fixable], (data, once)
        second = fix.apply(again, unsafe)
        assert (second.files, second.errors) == ([], [])
        assert path.read_bytes() == once
        assert data == once or first.files


def test_compressed_files_are_not_rewritten(cli, tmp_path):
    name = "a.jsonl.gz"
    path = tmp_path / name
    path.write_bytes(gzip.compress(lines(1, 2, end=b"\r\n")))
    original = path.read_bytes()
    run = cli(name, "--fix", "--ignore", "D001,D002", cwd=tmp_path)
    assert run.code == 1
    assert path.read_bytes() == original
    assert "a.jsonl.gz: not fixed" in run.err


def test_mojibake_is_repaired_safely_and_control_tokens_stripped_only_when_unsafe(cli, tmp_path):
    path = tmp_path / "train.jsonl"
    record = {
        "messages": [{"role": "user", "content": "O NÃ­vel do rio"}, {"role": "assistant", "content": "Ok<|im_end|>"}]
    }
    path.write_bytes(orjson.dumps(record) + b"\n")
    safe = cli("train.jsonl", "--select", "J005,P004", "--fix", cwd=tmp_path)
    assert safe.code == 1 and "P004" in safe.out and "J005" not in safe.out
    assert orjson.loads(path.read_bytes())["messages"][0]["content"] == "O Nível do rio"
    unsafe = cli("train.jsonl", "--select", "J005,P004", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert unsafe.code == 0
    assert orjson.loads(path.read_bytes())["messages"][1]["content"] == "Ok"
    assert cli("train.jsonl", "--select", "J005,P004", "--diff", "--unsafe-fixes", cwd=tmp_path).code == 0


# -- fixes the messages promise ----------------------------------------------------------


def test_a_string_repair_leaves_the_rest_of_the_record_as_written(cli, tmp_path):
    """The mojibake fix changes the one string: spacing, key order and other strings' escapes stay."""
    line = (
        '{"messages": [ {"role": "user", "content": "caf\\u00e9 \\/ NÃ­vel?"},'
        ' {"role":"assistant",   "content":"Sim, \\"n\\u00edvel\\"."} ], "id" : 7}\n'
    ).encode()
    path = tmp_path / "train.jsonl"
    path.write_bytes(line)
    run = cli("train.jsonl", "--select", "J005", "--fix", cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    expected = line.replace(b'"caf\\u00e9 \\/ N\xc3\x83\xc2\xadvel?"', '"café / Nível?"'.encode())
    assert path.read_bytes() == expected


def test_role_synonyms_and_weight_spellings_are_fixed_in_place(cli, tmp_path):
    records = [
        b'{"messages":[{"role":"Human","content":"Hi there"},{"role":"assistant","content":"Hello","weight":1.0}]}\n',
        b'{"messages":[{"role":"user","content":"Hi"},{"role":"gpt","content":"Hey","weight":"0"}]}\n',
        b'{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yo","weight":2}]}\n',
        b'{"messages":[{"role":"robot","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n',
    ]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(records))
    preview = cli("train.jsonl", "--select", "C001,C008", "--show-fixes", cwd=tmp_path)
    assert "train.jsonl:1:15: C001 Rename the role `Human` to `user`" in preview.out
    assert "C008 Write the weight as 0" in preview.out and preview.out.count(" [*] ") == 4
    run = cli("train.jsonl", "--select", "C001,C008", "--fix", "--show-fixes", cwd=tmp_path)
    assert run.code == 1  # weight 2 and the role `robot` are the author's to decide
    assert path.read_bytes() == b"".join([
        records[0].replace(b'"Human"', b'"user"').replace(b"1.0", b"1"),
        records[1].replace(b'"gpt"', b'"assistant"').replace(b'"0"', b"0"),
        records[2],
        records[3],
    ])  # fmt: skip
    assert "Fixed:" in run.out and "C001 Rename the role `gpt` to `assistant`" in run.out
    assert ":3:" in run.out and "C008 error: `weight` must be the integer 0 or 1, not 2" in run.out
    assert "C001 error: Unknown role 'robot'" in run.out


def test_a_role_in_another_field_name_is_not_renamed(cli, tmp_path):
    """ShareGPT's `from: human` is its own name for the user (no C001); an unknown `from` gets no fix."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"conversations":[{"from":"Human","value":"Hi"},{"from":"gpt","value":"Hey"}]}\n')
    run = cli("train.jsonl", "--select", "C001", "--profile", "auto", cwd=tmp_path)
    assert "[*]" not in run.out


def test_a_fix_collapsed_over_many_lines_is_made_again_on_each(cli, tmp_path):
    """C001 on most lines is one finding; each line gets its own edit (the role stands at other turns)."""
    records = []
    for i in range(30):
        turns = [{"role": "user", "content": f"Q{i}"}, {"role": "assistant", "content": f"A{i}"}] * (1 + i % 3)
        turns[2 * (i % (len(turns) // 2))] = {"role": "Human", "content": f"Q{i}"}  # a turn that depends on the line
        records.append(orjson.dumps({"messages": turns}) + b"\n")
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(records))
    run = cli("train.jsonl", "--select", "C001", cwd=tmp_path)
    assert run.out.count(" C001 ") == 1 and "(and 29 more lines like it)" in run.out
    fixed = cli("train.jsonl", "--select", "C001", "--fix", cwd=tmp_path)
    assert fixed.code == 0, fixed.out + fixed.err
    assert path.read_bytes() == b"".join(records).replace(b'"Human"', b'"user"')


def test_keys_the_messages_suggest_renaming_are_renamed_on_every_line(cli, tmp_path):
    """S001's `message` -> `messages` and `response` -> `completion`, S003's typo: collapsed or not."""
    typo = b'{"message": [{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n'
    pairs = b'{"prompt": "Q?", "response": " A."}\n'
    (tmp_path / "typo.jsonl").write_bytes(typo * 12)
    (tmp_path / "pairs.jsonl").write_bytes(pairs * 3)
    (tmp_path / "spec.jsonl").write_bytes(
        b'{"input":{"messages":[{"role":"user","content":"Q"}]},"preferred_completion":[{"role":"assistant",'
        b'"content":"A"}],"non_preferred_output":[{"role":"assistant","content":"B"}],"tols":[]}\n'
    )
    run = cli(".", "--select", "S001,S003", "--fix", "--isolated", cwd=tmp_path)
    assert run.code == 1, run.out + run.err  # `tols` has no close key the record lacks: left to the author
    assert (tmp_path / "typo.jsonl").read_bytes() == typo.replace(b'"message"', b'"messages"') * 12
    assert (tmp_path / "pairs.jsonl").read_bytes() == pairs.replace(b'"response"', b'"completion"') * 3
    spec = (tmp_path / "spec.jsonl").read_bytes()
    assert b'"preferred_output":[' in spec and b'"tols":[]' in spec
    assert "S003 warning: Unknown key `tols`" in run.out


def test_records_of_another_format_are_converted_only_with_unsafe_fixes(cli, tmp_path):
    sharegpt = {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi?"},
                                  {"from": "gpt", "value": "Hello."}]}  # fmt: skip
    alpaca = {"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"}
    hh = {"chosen": "\n\nHuman: Hi?\n\nAssistant: Hello.", "rejected": "\n\nHuman: Hi?\n\nAssistant: Go away."}
    tools = {"conversations": [{"from": "human", "value": "Weather?"}, {"from": "function_call", "value": "{}"}]}
    path = write_jsonl(tmp_path / "train.jsonl", [sharegpt, alpaca, hh, tools])
    before = path.read_bytes()
    safe = cli("train.jsonl", "--select", "S001", "--fix", "--isolated", cwd=tmp_path)
    assert path.read_bytes() == before and "3 with `--fix --unsafe-fixes`" in safe.out
    run = cli("train.jsonl", "--select", "S001", "--fix", "--unsafe-fixes", "--isolated", cwd=tmp_path)
    assert run.code == 1  # the tool call is left to the author
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert lines[0] == {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"},
                                     {"role": "assistant", "content": "Hello."}]}  # fmt: skip
    assert lines[1]["messages"][-1] == {"role": "assistant", "content": "Bonjour"}
    assert lines[2] == {
        "input": {"messages": [{"role": "user", "content": "Hi?"}]},
        "preferred_output": [{"role": "assistant", "content": "Hello."}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }
    assert lines[3] == tools and "train.jsonl:4:1: S001 error:" in run.out


def test_a_record_spread_over_lines_is_written_on_one_line(cli, tmp_path):
    """J006's safe fix: the span becomes one line, only the whitespace between tokens gone; CRLF kept
    where F003 is not fixed; the other lines as they were."""
    compact = b'{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}'
    spread = (
        b'{\r\n  "messages": [\r\n    {"role": "user", "content": "a  \\"b\\""},\r\n'
        b'    {"role": "assistant", "content": "c"}\r\n  ]\r\n}\r\n'
    )
    path = tmp_path / "train.jsonl"
    path.write_bytes(compact + b"\n" + spread + compact + b"\n")
    after = fixed(cli, path, "--select", "J006")
    one = b'{"messages":[{"role":"user","content":"a  \\"b\\""},{"role":"assistant","content":"c"}]}\r\n'
    assert after == compact + b"\n" + one + compact + b"\n"
    assert cli(str(path), "--select", "J", "--isolated", cwd=tmp_path).code == 0
