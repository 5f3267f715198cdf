"""The one table of built-in rules, in catalogue order (``../shared/design/RULES.md``).

Every code the pipeline can emit is declared here (a test proves it). The built-in rules reach
the registry through the same ``register_rules`` hook as a plugin's: this module is the
built-in plugin.
"""

from __future__ import annotations

from jsonl_lint.hooks import hookimpl
from jsonl_lint.rules.base import Rule
from jsonl_lint.rules.conversation import (
    BadFirstRole,
    BadLastRole,
    ConsecutiveRoles,
    DegenerateAnswer,
    EmptyContent,
    InvalidWeight,
    MisplacedSystem,
    MissingAssistant,
    NothingToTrain,
    UnknownRole,
)
from jsonl_lint.rules.dataset import (
    ConflictingAnswers,
    DuplicateExample,
    FewExamples,
    NearDuplicate,
    TooFewExamples,
    TooManyExamples,
)
from jsonl_lint.rules.file import (
    BlankLine,
    ByteOrderMark,
    CrlfLineEnding,
    EmptyFile,
    FileTooLarge,
    InvalidUtf8,
    MissingFinalNewline,
    NotJsonl,
)
from jsonl_lint.rules.hygiene import ControlCharacter, Mojibake
from jsonl_lint.rules.language import LanguageMix, LanguageSwitch, ScriptSwitch, UnexpectedLanguage
from jsonl_lint.rules.leakage import NearLeakage, PromptLeakage, SplitLeakage
from jsonl_lint.rules.privacy import EmailAddress, PhoneNumber, Secret, SpecialToken, TemplateArtefact
from jsonl_lint.rules.schema import MixedFormats, SchemaViolation, TypeDrift, UnknownFormat, UnknownKey
from jsonl_lint.rules.syntax import DuplicateKey, InvalidJson, MultiLineRecord, NotAnObject
from jsonl_lint.rules.tokens import LengthOutlier, OverTokenLimit, TooLong, TooShort
from jsonl_lint.rules.tools import PreferencePair, ToolCallMismatch

#: Rule families reserved for built-in rules, in catalogue order; plugins use other prefixes.
FAMILY_ORDER = "FJSCDVLTP"

#: Every built-in rule, in catalogue order.
RULES: tuple[type[Rule], ...] = (
    # F: the file as bytes
    InvalidUtf8,
    ByteOrderMark,
    CrlfLineEnding,
    BlankLine,
    MissingFinalNewline,
    NotJsonl,
    FileTooLarge,
    EmptyFile,
    # J: each line as JSON
    InvalidJson,
    NotAnObject,
    DuplicateKey,
    ControlCharacter,
    Mojibake,
    MultiLineRecord,
    # S: the record's format
    UnknownFormat,
    SchemaViolation,
    UnknownKey,
    MixedFormats,
    TypeDrift,
    # C: conversation structure
    UnknownRole,
    MissingAssistant,
    MisplacedSystem,
    ConsecutiveRoles,
    BadLastRole,
    EmptyContent,
    BadFirstRole,
    InvalidWeight,
    NothingToTrain,
    ToolCallMismatch,
    PreferencePair,
    DegenerateAnswer,
    # D: the dataset as a whole
    TooFewExamples,
    FewExamples,
    TooManyExamples,
    DuplicateExample,
    NearDuplicate,
    ConflictingAnswers,
    # V: leakage across splits
    SplitLeakage,
    NearLeakage,
    PromptLeakage,
    # L: language
    UnexpectedLanguage,
    LanguageMix,
    LanguageSwitch,
    ScriptSwitch,
    # T: tokens and length
    OverTokenLimit,
    TooShort,
    TooLong,
    LengthOutlier,
    # P: privacy and hygiene
    EmailAddress,
    PhoneNumber,
    Secret,
    SpecialToken,
    TemplateArtefact,
)


@hookimpl
def register_rules(register):
    for rule in RULES:
        register(rule)
