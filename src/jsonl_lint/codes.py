"""The codes the pipeline emits itself: the reader (F, J), the formats (S001-S003) and the engine (F007).

A leaf, so that the lowest layers name their findings without importing the rules that
declare them (:mod:`jsonl_lint.rules.file`, ``syntax``, ``schema``). Every code here is a
registered rule: a test proves it, and the engine treats any code it does not know as an
internal error, never a silent drop.
"""

F001, F002, F003, F004, F005, F006, F007, F008 = "F001", "F002", "F003", "F004", "F005", "F006", "F007", "F008"
J001, J002, J003, J006 = "J001", "J002", "J003", "J006"
S001, S002, S003 = "S001", "S002", "S003"

#: Findings about a file as bytes, not about a record, even where they name a line (the first CRLF line,
#: the last line without a newline): a keep-mask, ``filter`` and ``drops`` never drop a record for them.
ABOUT_THE_FILE = frozenset({F002, F003, F005, F006, F007, F008})

#: Every code above.
PIPELINE = frozenset({F001, F002, F003, F004, F005, F006, F007, F008, J001, J002, J003, J006, S001, S002, S003})
