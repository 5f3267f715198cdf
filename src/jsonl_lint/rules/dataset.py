"""D rules: the dataset as a whole (counts, exact and near-duplicates, conflicting answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from jsonl_lint.diagnostics import Diagnostic, Location, Severity
from jsonl_lint.rules.base import Choice, DatasetRule, Option, Positive
from jsonl_lint.text import minhash
from jsonl_lint.text.dedup import candidate_pairs, first_of_runs, same_prompt_pairs
from jsonl_lint.text.keys import TEXT_PARTS, Keys, combine, keys, pack, part_turns


class CountRule(DatasetRule):
    """A limit on the number of examples in a training file.

    Validation and test splits are not held to it, nor files without records
    (F006 or F008 says why those have none).
    """

    def message(self, count: int) -> str | None:
        raise NotImplementedError

    def reduce(self, items, sources):
        for source in sources:
            if source.held_out or not source.records:
                continue
            message = self.message(source.records)
            if message:
                yield self.diagnostic(Location(source.path), message, fingerprint=f"{self.code}:{source.path}")


MIN_EXAMPLES = Option("min-examples", int, None, "Fewest examples a training file may have; none: no minimum")


class TooFewExamples(CountRule):
    code, name, severity = "D001", "too-few-examples", Severity.ERROR
    summary = "Fewer examples than the profile's minimum"
    options = (MIN_EXAMPLES,)

    def message(self, count):
        minimum = self.settings["min-examples"]
        if minimum is not None and count < minimum:
            return f"Only {count} example(s); at least {minimum} are required (`min-examples`)"
        return None


class FewExamples(CountRule):
    code, name, severity = "D002", "few-examples", Severity.WARNING
    summary = "Fewer examples than recommended"
    options = (
        Option("recommended-examples", int, None, "Examples recommended for a clear improvement; none: no advice"),
        MIN_EXAMPLES,  # below it, D001's finding
    )

    def message(self, count):
        recommended = self.settings["recommended-examples"]
        # Below the hard minimum (`min-examples`), D001 reports the file instead.
        if recommended is not None and (self.settings["min-examples"] or 0) <= count < recommended:
            return f"Only {count} examples; {recommended} or more are recommended (`recommended-examples`)"
        return None


class TooManyExamples(CountRule):
    code, name, severity = "D003", "too-many-examples", Severity.ERROR
    summary = "More examples than the profile's maximum"
    options = (Option("max-examples", int, None, "Most examples a training file may have (none: no limit)"),)

    def message(self, count):
        maximum = self.settings["max-examples"]
        if maximum is not None and count > maximum:
            return f"{count:,} examples; at most {maximum:,} are accepted (`max-examples`)"
        return None


def pools(sources) -> dict[str, str]:
    """The pool each file's examples are compared in: its held-out split, or "train" for every other file."""
    return {s.path: (s.split if s.held_out else "train") for s in sources}


def pool_ids(items, sources) -> np.ndarray:
    """Each row's pool as a small integer."""
    pool_of = pools(sources)
    names = sorted(set(pool_of.values()))
    by_file = np.array([names.index(pool_of[path]) for path in items.files], np.int32)
    return by_file[items.paths()]


def held_out_rows(items, sources) -> np.ndarray | None:
    """A mask of the rows that stand in a held-out split; None when none does (nothing can leak)."""
    held = {s.path for s in sources if s.held_out}
    if not len(items) or not held.intersection(items.files):
        return None
    return np.array([path in held for path in items.files], bool)[items.paths()]


def where(original: Location, location: Location) -> str:
    """How a message names an earlier place: "line 3" in the same file, "train.jsonl:3" in another."""
    return f"line {original.line}" if original.path == location.path else f"{original.path}:{original.line}"


#: A verified pair of near-duplicate rows: ``(earlier or training row, later or held-out row, similarity,
#: same prompt)``, the last True when the pair is the same prompt with a near-copy of its answer.
Edge = tuple[int, int, float, bool]


class DuplicateExample(DatasetRule):
    code, name, severity = "D004", "duplicate-example", Severity.WARNING
    summary = "An exact duplicate of an earlier example"
    width = 8
    partition = 0  # the example key: duplicates share it
    fixable = "unsafe"  # the record may differ in what the comparison ignores (metadata, whitespace)
    fix_message = "Remove the repeat (the first occurrence stays)"

    def fix_line(self, content, found):
        return None  # drop the repeat; the first occurrence stays

    def map(self, example):
        # A record without a single usable message is S002's finding, not a duplicate.
        return pack(keys(example).example) if example.turns else None

    def reduce(self, items, sources):
        if not len(items):
            return
        key = items.array()[:, 0]
        first, seen = first_of_runs(pool_ids(items, sources), key)
        for row in np.flatnonzero(seen):
            location, original = items.location(row), items.location(first[row])
            yield self.diagnostic(
                location,
                f"Duplicate of the example at {where(original, location)} (ignoring whitespace)",
                related=(original,),
                fingerprint=f"{self.code}:{key[row]:016x}:{seen[row]}",
                group=f"{key[first[row]]:016x}",
            )


IGNORE_SYSTEM = Option(
    "ignore-system-prompt", bool, True, "Compare prompts without their system messages (a shared one is not a match)"
)


def prompt_key(found: Keys, settings) -> int | None:
    """The key of an example's prompt, None when it has no answer or no prompt to compare."""
    if found.prompt is None:
        return None
    return found.prompt if settings["ignore-system-prompt"] else combine(found.system, found.prompt)


THRESHOLD = Option(
    "threshold", float, 0.8, "Jaccard similarity of word n-grams from which examples are near-duplicates"
)
NGRAM = Positive("ngram", int, 5, "Words per shingle (n-gram)", maximum=minhash.MAX_NGRAM)
#: Earlier distinct answers to its prompt that an answer is compared with (D005, D006): a prompt asked
#: a thousand times costs at most this many comparisons per answer.
PROMPT_PAIRS = 8


def answer_shingles(example, ngram: int) -> np.ndarray:
    """The shingles of the example's final answer: what tells a near-copy (the answer reworded a little)
    from another answer to the same prompt."""
    return minhash.shingles("\n".join(value for _, value in part_turns(example, "answer", True)), ngram)


def similarities(
    items, pairs: Iterable[tuple[int, int]], shingles_of: Callable[[int, object], np.ndarray]
) -> Iterator[tuple[int, int, float]]:
    """``(earlier, later, Jaccard similarity)`` of each pair of rows, their records read again once, in input
    order; ``shingles_of(row, example)`` gives a record's shingles, each kept only until its last pair."""
    earlier: dict[int, list[int]] = {}
    last_use: dict[int, int] = {}
    for a, b in pairs:
        earlier.setdefault(b, []).append(a)
        last_use[a] = max(last_use.get(a, b), b)
    kept: dict[int, np.ndarray] = {}
    for row, example in items.examples(sorted({*earlier, *last_use})):
        hashes = shingles_of(row, example)
        for a in earlier.get(row, ()):
            if a in kept:
                yield a, row, minhash.jaccard(kept[a], hashes)
                if last_use[a] == row:
                    del kept[a]
        if row in last_use:
            kept[row] = hashes


def alike(similarity: float | None, ngram: int) -> str:
    """How alike two answers are, for a message."""
    return "" if similarity is None else f" (answers {similarity:.0%} alike, Jaccard of word {ngram}-grams)"


class ConflictingAnswers(DatasetRule):
    """The same prompt with another answer; an answer that is a near-copy of an earlier answer to its
    prompt (Jaccard at or above ``threshold``) is D005's near-duplicate instead (the stronger evidence),
    unless D005 is off."""

    code, name, severity = "D006", "conflicting-answers", Severity.WARNING
    summary = "The same prompt with different answers"
    options = (IGNORE_SYSTEM, THRESHOLD, NGRAM)
    width = 16
    partition = 0  # the prompt key: conflicting answers share it
    rereads = True  # the answers of the conflicting examples, to say how different they are

    def map(self, example):
        found = keys(example)
        return None if found.prompt is None else pack(prompt_key(found, self.settings), found.answer)

    def reduce(self, items, sources):
        if not len(items):
            return
        table = items.array()
        prompt, answer = table[:, 0], table[:, 1]
        pool = pool_ids(items, sources)
        first, _ = first_of_runs(pool, prompt)  # the first example with each prompt
        _, repeat = first_of_runs(pool, prompt, answer)  # each answer to a prompt counts once
        # The first with its prompt, a repeat of the first answer, or an answer already reported: no finding.
        rows = np.flatnonzero((answer != answer[first]) & (repeat == 0))
        if not len(rows):
            return
        ngram, threshold = self.settings["ngram"], self.settings["threshold"]
        pairs = same_prompt_pairs(pool, prompt, answer, PROMPT_PAIRS).tolist()
        found = {
            (a, b): similarity
            for a, b, similarity in similarities(items, pairs, lambda _, e: answer_shingles(e, ngram))
        }
        copies = (
            {b for (_, b), similarity in found.items() if similarity >= threshold} if "D005" in self.enabled else set()
        )
        for row in rows:
            if row in copies:
                continue  # a near-copy of an earlier answer: D005's
            location, original = items.location(row), items.location(first[row])
            yield self.diagnostic(
                location,
                f"Same prompt as the example at {where(original, location)}, with a different answer"
                + alike(found.get((first[row], row)), ngram),
                related=(original,),
                fingerprint=f"{self.code}:{prompt[row]:016x}:{answer[first[row]]:016x}:{answer[row]:016x}",
            )


def compared(example, memo_key: tuple, templates: tuple | None) -> str | bytes:
    """The example's text that rules of these options (``memo_key``) compare: the templates left out
    (normalised bytes), or as it is."""
    text, ignore_system, *_ = memo_key
    turns = part_turns(example, text, ignore_system)
    if templates is None:
        return "\n".join([value for _, value in turns])
    table = {role: (prefixes, suffixes) for role, prefixes, suffixes in templates}
    none = ((), ())
    return b" ".join(minhash.strip(value, *table.get(role, none)) for role, value in turns)


def shingles(example, memo_key: tuple, templates: tuple | None) -> np.ndarray:
    """The example's shingles for rules of these options (``memo_key``), the templates left out."""
    return minhash.shingles(compared(example, memo_key, templates), memo_key[2])


def _band_keys(example, memo_key: tuple, templates: tuple | None) -> bytes:
    """The example's LSH band keys (b"" without a word to compare)."""
    return minhash.sketch(compared(example, memo_key, templates), *memo_key[2:5])


class NearDuplicateRule(DatasetRule):
    """MinHash near-duplicates of the chosen text (D005 within a split, V002 across splits).

    ``map`` packs (example key, prompt key, content key) and the example's LSH band
    keys; ``reduce`` finds candidate pairs by band, verifies each with the exact
    Jaccard similarity of the two examples' shingle sets (the few candidate records are
    read again), and reports each near-duplicate once.
    """

    rereads = True
    options = (
        THRESHOLD,
        NGRAM,
        Choice("text", str, "all", "What to compare: all (every turn), prompt, or answer", TEXT_PARTS),
        IGNORE_SYSTEM,
    )

    def __init__(self, settings=None, severity=None, profile=None):
        super().__init__(settings, severity, profile)
        threshold = self.settings["threshold"]
        if not 0 < threshold <= 1:
            raise ValueError(f"`threshold` must be above 0 and at most 1, got {threshold!r}")
        self.bands, self.rows = minhash.banding(threshold)
        self.width = 24 + 4 * self.bands
        ignore_system = self.settings["ignore-system-prompt"]
        self.memo_key = (self.settings["text"], ignore_system, self.settings["ngram"], self.bands, self.rows)

    def prepare(self, head):
        """The file's templates: per role, the words most of its turns start and end with."""
        text, ignore_system, *_ = self.memo_key
        by_role: dict[str, list[str]] = {}
        for example in head:
            for role, value in part_turns(example, text, ignore_system):
                by_role.setdefault(role, []).append(value)
        found = {role: minhash.affixes(texts) for role, texts in sorted(by_role.items())}
        return tuple((role, *affixes) for role, affixes in found.items() if any(affixes)) or None

    def context_of(self, path, contexts):
        """Every file's templates, for every file: a validation file too small to show its template
        still has it left out when it matches a training file's."""
        table: dict[str, tuple[set, set]] = {}
        for templates in contexts.values():
            for role, prefix, suffix in templates or ():
                prefixes, suffixes = table.setdefault(role, (set(), set()))
                prefixes.update([prefix] if prefix else [])
                suffixes.update([suffix] if suffix else [])
        merged = tuple((role, tuple(sorted(p)), tuple(sorted(s))) for role, (p, s) in sorted(table.items()))
        return merged or None

    def summary_key(self):
        return ("near-duplicates", self.memo_key)  # D005 and V002 with the same options

    def map(self, example, context=None):
        if not example.turns:
            return None
        bands = example.derive(_band_keys, self.memo_key, context)  # D005 and V002 with the same options share them
        if not bands:
            return None  # no words to compare
        found = keys(example)
        whole = found.content if self.settings["ignore-system-prompt"] else found.example
        return pack(found.example, prompt_key(found, self.settings), whole) + bands

    def reduce(self, items, sources):
        """:meth:`screen` and :meth:`band_pairs` over every row, then :meth:`report`: what a cluster does by
        parts (the screen by :meth:`screen_key`, the band pairs by band key), only the pairs coming back."""
        if not len(items) or not self.compares(sources):
            return
        rows, edges = self.screen(items, sources)
        edges += self.band_pairs(items, sources, [rows] * self.bands)
        keys_, _ = self.table(items)
        yield from self.report(edges, items.location, lambda row: keys_[row, 0])

    def compares(self, sources) -> bool:
        """The run has rows this rule can compare (V002: a held-out file)."""
        return True

    def screen_key(self, keys_: np.ndarray) -> np.ndarray:
        """The column (of the ``(example, prompt, whole)`` keys) that rows :meth:`screen` compares share."""
        raise NotImplementedError

    def screen(self, items, sources) -> tuple[np.ndarray, list[Edge]]:
        """The rows that take part in the band pairs (in row order), and the pairs found by their keys,
        from rows that share values of :meth:`screen_key` (all of the rows of each value)."""
        raise NotImplementedError

    def band_pairs(self, items, sources, chosen: list[np.ndarray]) -> list[Edge]:
        """The near-duplicate pairs among the rows ``chosen[b]`` sharing a key of band ``b`` (all the
        screened rows of each bucket), verified on the records read again."""
        raise NotImplementedError

    def report(
        self, edges: list[Edge], location: Callable[[int], Location], example_key: Callable[[int], int]
    ) -> Iterator[Diagnostic]:
        """The findings of the verified pairs (``edges``: each once or more, in any order) of rows whose
        place and example key are ``location(row)`` and ``example_key(row)`` (rows are in input order)."""
        raise NotImplementedError

    def table(self, items) -> tuple[np.ndarray, np.ndarray]:
        """(keys: example, prompt, whole; band keys) of every row."""
        data = items.array("u1")
        return data[:, :24].view("<u8"), data[:, 24:].view("<u4")  # views: no copy

    def verified(self, items, pairs: np.ndarray) -> Iterator[tuple[int, int, float]]:
        """``(earlier, later, similarity)`` for the candidate pairs at or above the threshold."""
        threshold = self.settings["threshold"]

        def shingles_of(row, example):
            return shingles(example, self.memo_key, items.contexts.get(items.location(row).path))

        for a, b, similarity in similarities(items, pairs.tolist(), shingles_of):
            if similarity >= threshold:
                yield a, b, similarity

    def copies(self, items, pairs: list) -> Iterator[tuple[int, int, float]]:
        """``(earlier, later, similarity)`` for pairs with the same prompt whose answers are near-copies."""
        ngram, threshold = self.settings["ngram"], self.settings["threshold"]
        for a, b, similarity in similarities(items, pairs, lambda _, example: answer_shingles(example, ngram)):
            if similarity >= threshold:
                yield a, b, similarity

    def message(self, similarity: float, original: Location, location: Location, same_prompt: bool = False) -> str:
        n, there = self.settings["ngram"], where(original, location)
        jaccard = f" (Jaccard of word {n}-grams)"
        if same_prompt:
            return f"Same prompt as the example at {there} and a {similarity:.0%} similar answer" + jaccard
        text = "" if self.settings["text"] == "all" else f"{self.settings['text']}s "
        return f"{similarity:.0%} similar {text}to the example at {there}" + jaccard


class NearDuplicate(NearDuplicateRule):
    code, name, severity = "D005", "near-duplicate", Severity.WARNING
    summary = "A near-duplicate of an earlier example"

    def screen_key(self, keys_: np.ndarray) -> np.ndarray:
        # an exact repeat has its original's example key, and the same prompt (the near-copies of an answer
        # are found among the answers to its prompt); rows with no prompt go by their example key
        return np.where(keys_[:, 1] != 0, keys_[:, 1], keys_[:, 0])

    def screen(self, items, sources):
        keys_, _ = self.table(items)
        pool = pool_ids(items, sources)
        example, prompt, whole = keys_[:, 0], keys_[:, 1], keys_[:, 2]
        rows = np.arange(len(example), dtype=np.int32)
        if "D004" in self.enabled:
            _, repeat = first_of_runs(pool, example)
            rows = np.flatnonzero(repeat == 0).astype(np.int32)  # exact repeats are D004's
        edges: list[Edge] = []
        if "D006" in self.enabled:
            # The same prompt with another answer: a near-copy when the answers are near-duplicates
            # (here), else D006's finding. Such pairs are all compared, as D006 compares them, not
            # only those the bands find.
            pairs = same_prompt_pairs(pool, prompt, whole, PROMPT_PAIRS).tolist()
            edges = [(a, b, similarity, True) for a, b, similarity in self.copies(items, pairs)]
        return rows, edges

    def band_pairs(self, items, sources, chosen):
        keys_, bands = self.table(items)
        pairs = candidate_pairs(bands, pool_ids(items, sources), chosen)
        if "D006" in self.enabled:  # pairs with the same prompt and other answers are judged in screen
            prompt, whole = keys_[:, 1], keys_[:, 2]
            conflicting = (prompt[pairs[:, 0]] == prompt[pairs[:, 1]]) & (prompt[pairs[:, 0]] != 0)
            pairs = pairs[~(conflicting & (whole[pairs[:, 0]] != whole[pairs[:, 1]]))]
        return [(a, b, similarity, False) for a, b, similarity in self.verified(items, pairs)]

    def report(self, edges, location, example_key) -> Iterator[Diagnostic]:
        """One finding per member of each group of near-duplicates but its first."""
        parent: dict[int, int] = {}

        def root(row: int) -> int:
            while parent.get(row, row) != row:
                parent[row] = row = parent.get(parent[row], parent[row])
            return row

        best: dict[int, tuple[float, int, bool]] = {}  # row -> (similarity, most similar earlier row, same prompt)
        fallback: dict[int, tuple[float, int, bool]] = {}  # row -> the same, of the most similar later row
        for a, b, similarity, same_prompt in sorted(set(edges)):  # a pair two parts of a cluster found, once
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
            if similarity > best.get(b, (-1.0, 0, False))[0]:
                best[b] = (similarity, a, same_prompt)
            if similarity > fallback.get(a, (-1.0, 0, False))[0]:
                fallback[a] = (similarity, b, same_prompt)
        size: dict[int, int] = {}
        for row in {*best, *fallback}:
            size[root(row)] = size.get(root(row), 0) + 1
        for row in sorted({*best, *fallback}):
            if root(row) == row:
                continue  # the group's first example
            similarity, other, same_prompt = best.get(row) or fallback[row]
            location_, original = location(row), location(other)
            group = size[root(row)]
            yield self.diagnostic(
                location_,
                self.message(similarity, original, location_, same_prompt)
                + (f"; {group} examples alike" if group > 2 else ""),
                related=(original,),
                fingerprint=f"{self.code}:{example_key(row):016x}:{example_key(other):016x}",
                group=f"{example_key(root(row)):016x}",  # the first member's: D004's group id for the same example
            )
