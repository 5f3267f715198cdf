"""Degenerate answers (jsonl_lint.text.repeats): loops found, repetitive but real text left alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.text.repeats import degenerate


def test_a_loop_of_one_sentence():
    found = degenerate("Eat a banana!" * 2000)
    assert found is not None and found.unit == "Eat a banana!" and found.count == 2000 and found.share == 1.0


def test_a_loop_after_a_real_start_is_found_by_its_share():
    found = degenerate("The report covers three regions. " + "Sales went up. " * 30)
    assert found is not None and found.unit == "Sales went up." and found.count == 30


def test_a_loop_without_sentence_marks():
    found = degenerate("always here for you " * 40)
    assert found is not None and found.unit == "always here for you"


def test_short_or_varied_text_is_not_looked_at():
    assert degenerate("No. " * 40) is None  # no letters to speak of: fewer than 200 characters
    assert degenerate(" ".join(f"word{i}" for i in range(300))) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_any_text(text):
    found = degenerate(text)
    assert found is None or (found.count >= 1 and 0 < found.share <= 1)
