"""The array work of duplicate and leakage reduces: grouping equal rows, candidate pairs by band, leaks.

Summaries arrive as numpy arrays, a row per example; these sort and group them with no Python
object per example.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def first_of_runs(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group equal rows (all ``columns`` equal); return ``(first, seen)`` per row.

    ``first[i]`` is the earliest row equal to row ``i``, ``seen[i]`` how many equal rows
    come before it (0 for the first).
    """
    count = len(columns[0])
    columns = tuple(c for c in columns if count and (c != c[0]).any()) or columns[-1:]  # a constant tells nothing
    # by the columns, then by row (stable sorts): one column needs no sort by several keys
    order = np.argsort(columns[0], kind="stable") if len(columns) == 1 else np.lexsort(columns[::-1])
    new = boundaries(order, columns)
    starts = np.flatnonzero(new)
    run = np.cumsum(new) - 1
    first, seen = np.empty(count, np.int64), np.empty(count, np.int64)
    first[order] = order[starts][run]
    seen[order] = np.arange(count) - starts[run]
    return first, seen


def boundaries(order: np.ndarray, columns) -> np.ndarray:
    """True where a run of equal rows starts, the rows taken in ``order`` (sorted by ``columns``)."""
    new = np.zeros(len(order), bool)
    new[:1] = True
    for column in columns:
        ordered = column[order]
        new[1:] |= ordered[1:] != ordered[:-1]
    return new


def same_prompt_pairs(pool: np.ndarray, prompt: np.ndarray, answer: np.ndarray, cap: int) -> np.ndarray:
    """``(earlier row, later row)``: each distinct answer to a prompt (in a pool) with the first ``cap``
    distinct answers to it before it. A prompt key of 0 is no prompt.

    The pairs that decide whether a later answer is a near-copy of an earlier one (D005) or another
    answer (D006): at most ``cap`` per row, however often a prompt is asked.
    """
    _, seen = first_of_runs(pool, prompt, answer)
    distinct = np.flatnonzero((seen == 0) & (prompt != 0))
    if not len(distinct):
        return np.empty((0, 2), np.int64)
    order = np.lexsort((distinct, prompt[distinct], pool[distinct]))
    rows = distinct[order]
    new = boundaries(np.arange(len(rows)), (pool[rows], prompt[rows]))
    start = np.flatnonzero(new)[np.cumsum(new) - 1]
    rank = np.arange(len(rows)) - start  # each row's place among its prompt's distinct answers
    found = [np.stack([rows[start[rank > j] + j], rows[rank > j]], 1) for j in range(cap)]
    pairs = np.concatenate(found)
    return pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]


def candidate_pairs(bands: np.ndarray, pool: np.ndarray, chosen: Sequence[np.ndarray], side: np.ndarray | None = None):
    """Candidate pairs ``(earlier row, later row)``: rows sharing a band key in a pool, ``chosen[b]``
    the rows (in row order) that take part in band ``b`` (all of a bucket's, when every row of the
    bucket is there: a cluster gives each worker the buckets of its part of every band).

    A bucket's rows are paired with its first row and with the row before them (a
    bucket of k rows gives at most 2k pairs, not k^2); union-find and the other bands
    connect the rest. With ``side`` (True for held-out rows), only training rows are
    paired with held-out ones: a held-out row with the bucket's first and its last
    training row before it.
    """
    found = []
    for band, rows in enumerate(chosen):
        key = bands[rows, band]
        group = pool[rows] if side is None else None
        if group is not None and (not len(rows) or (group == group[0]).all()):
            group = None  # one pool: nothing to sort or split by
        if side is not None:  # by key, training rows first, then by row (stable)
            order = np.lexsort((side[rows], key))
        elif group is None:
            order = np.argsort(key, kind="stable")
        else:
            order = np.lexsort((key, group))
        ordered = rows[order]
        new = boundaries(order, (key,) if group is None else (key, group))
        start = np.flatnonzero(new)[np.cumsum(new) - 1]
        if side is None:
            later = np.flatnonzero(~new)
            found.append(np.stack([ordered[start[later]], ordered[later]], 1))
            found.append(np.stack([ordered[later - 1], ordered[later]], 1))
        else:
            held = side[ordered]
            # training rows sort before held-out rows in a bucket: pair each held-out row with
            # the bucket's first row and the last one before the held-out rows, if training rows
            last_train = np.maximum.accumulate(np.where(~held, np.arange(len(ordered)), -1))
            take = np.flatnonzero(held & ~held[start] & (last_train >= 0))
            found.append(np.stack([ordered[start[take]], ordered[take]], 1))
            found.append(np.stack([ordered[last_train[take]], ordered[take]], 1))
    if not found:
        return np.empty((0, 2), np.int64)
    pairs = np.concatenate(found)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    # np.unique(pairs, axis=0), without it: numpy's unique imports numpy.ma (40 ms), a tenth of a
    # pre-commit run's start-up
    earlier, later = pairs[:, 0], pairs[:, 1]
    order = np.lexsort((later, earlier))
    return pairs[order[boundaries(order, (earlier, later))]]


def leaked(whole: np.ndarray, prompt: np.ndarray, held: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first training row with the same whole example, and with the same prompt (-1: none).

    Only held-out rows get a match; a prompt key of 0 is no prompt.
    """
    found = []
    train = np.flatnonzero(~held)
    for column in (whole, prompt):
        match = np.full(len(column), -1, np.int64)
        values, first = np.unique(column[train], return_index=True)  # first occurrence of each key
        if len(values):
            asked = column[held]
            position = np.minimum(np.searchsorted(values, asked), len(values) - 1)
            hit = values[position] == asked
            match[np.flatnonzero(held)[hit]] = train[first[position[hit]]]
        found.append(match)
    whole_match, prompt_match = found
    prompt_match[prompt == 0] = -1
    return whole_match, prompt_match
