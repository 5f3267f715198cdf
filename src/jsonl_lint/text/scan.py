"""One scan of an example's texts for the privacy (P) and hygiene (J004, J005) rules.

Every record pays these checks, so each text is read as few times as possible:

* the texts of an example are joined and looked at once; each string is scanned
  on its own only when something turned up (a few examples in a hundred);
* single characters that every candidate needs (``@`` for an e-mail, ``<`` or
  ``[`` for a special token, ``:`` for a transcript) are looked for with ``in``,
  which runs at memory speed;
* phone numbers, secrets, control characters and mojibake share one regular
  expression, ``_GATE``, whose first character is a small class (digits,
  ``+ ( - _ K S z J``, control and zero-width characters, the continuation
  characters of mis-decoded UTF-8), so the regex engine skips every other
  character without trying a match;
* the gate has a compiled prefilter (``_scan.c``), which says, in one pass at a
  table lookup per character, whether the gate may match at all; the regex runs
  only when it may (a few examples in a hundred, tests/text/test_scan_gate.py);
* the precise patterns run only on the strings (and from the places) where the
  gate found a candidate.

The results of an example are computed once (``example.derive``): the seven rules read them.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import NamedTuple

import orjson

from jsonl_lint.example import Example, Turn
from jsonl_lint.text import compiled, lazy


class Hit(NamedTuple):
    """Something found in a text: where, the text as written, and what to say about it."""

    start: int
    end: int
    value: str
    label: str = ""  # the kind of secret, the repaired text, the character's name...


class Scan(NamedTuple):
    """The hits in one string of an example, by rule code (only codes with hits)."""

    turn: Turn
    path: str  # JSON path of the string
    hits: dict[str, list[Hit]]


# -- control, zero-width and replacement characters (J004) ---------------------------

_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
_JOINERS = "\u200c\u200d"  # legitimate between letters of scripts that use them and in emoji sequences
CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\ufffd"
_CONTROL = lazy(f"[{CONTROL_CLASS}]")


def char_name(ch: str) -> str:
    """``U+001B (ESC)``, ``U+200B ZERO WIDTH SPACE``."""
    code = ord(ch)
    if code < 0x20:
        return f"U+{code:04X} ({_C0_NAMES[code]})"
    if code == 0x7F:
        return "U+007F (DEL)"
    if code < 0xA0:
        return f"U+{code:04X} (C1 control)"
    return f"U+{code:04X} {unicodedata.name(ch, 'unnamed')}"


def controls(text: str, start: int = 0) -> list[Hit]:
    """Control, zero-width and replacement characters from ``start`` on.

    A zero-width joiner or non-joiner between two non-ASCII characters is left
    alone: emoji sequences and scripts such as Persian or Devanagari need them.
    """
    found = []
    for m in _CONTROL().finditer(text, start):
        ch = m.group()
        i = m.start()
        if ch in _JOINERS and 0 < i < len(text) - 1 and not text[i - 1].isascii() and not text[i + 1].isascii():
            if not text[i - 1].isspace() and not text[i + 1].isspace():
                continue
        found.append(Hit(i, i + 1, ch, char_name(ch)))
    return found


# -- mojibake (J005) ------------------------------------------------------------------


def _cp1252(byte: int) -> str:
    """The character Windows-1252 gives ``byte``; Latin-1's for the five bytes it leaves undefined."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _chars(chars) -> str:
    """A regex character class body for ``chars``."""
    return "".join(re.escape(c) for c in sorted(set(chars)))


def _members(body: str) -> str:
    """The characters of a regex character class body of single characters (escaped or not) and
    ranges, such as :func:`_chars` and ``CONTROL_CLASS`` write: what the compiled prefilter reads."""
    chars, i = [], 0
    while i < len(body):
        first, i = (body[i + 1], i + 2) if body[i] == "\\" else (body[i], i + 1)
        if i + 1 < len(body) and body[i] == "-":
            last, i = (body[i + 2], i + 3) if body[i + 1] == "\\" else (body[i + 1], i + 2)
            chars.extend(map(chr, range(ord(first), ord(last) + 1)))
        else:
            chars.append(first)
    return "".join(sorted(set(chars)))


# UTF-8 read as Windows-1252 or Latin-1: a lead byte C2-F4 and its continuation bytes 80-BF.
_CP_LEADS = "\u00c2-\u00f4"
_CP_CONT = _chars([_cp1252(b) for b in range(0x80, 0xC0)] + [chr(b) for b in range(0x80, 0xC0)])
_CP_RUN = lazy(f"(?:[\u00c2-\u00df][{_CP_CONT}]|[\u00e0-\u00ef][{_CP_CONT}]{{2}}|[\u00f0-\u00f4][{_CP_CONT}]{{3}})+")
_TO_LATIN1 = {ord(_cp1252(b)): b for b in range(0x80, 0xA0) if _cp1252(b) != chr(b)}
# UTF-8 read as Mac Roman. Only the lead bytes whose Mac Roman characters never start a word
# (C2-C6: ¬ √ ƒ ≈ ∆, for U+0080-U+01BF; E2: ‚ for punctuation; F0: the Apple logo, for emoji):
# the others are quotes and dashes, which legitimately stand before an accented letter.
_MAC = {b: bytes([b]).decode("mac_roman") for b in range(0x80, 0x100)}
_MAC_CONT = _chars(_MAC[b] for b in range(0x80, 0xC0))
_MAC_LEAD2 = _chars(_MAC[b] for b in range(0xC2, 0xC7))
_MAC_RUN = lazy(f"(?:[{_MAC_LEAD2}][{_MAC_CONT}]|{_MAC[0xE2]}[{_MAC_CONT}]{{2}}|{_MAC[0xF0]}[{_MAC_CONT}]{{3}})+")
_MAC_LEADS = f"{_MAC_LEAD2}{_MAC[0xE2]}{_MAC[0xF0]}"
#: What may follow a word: after an accented capital, one of these is ordinary typography
#: (``IRMÔ``), not a mis-decoded letter, unless the word goes on.
_FOLLOWERS = frozenset("\u00a0’”‘“›»…–—•°ªº²³¹™®·´")


def _plausible(ch: str) -> bool:
    """A character that real text contains (what a repair must produce)."""
    if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"):
        return False
    return not 0x250 <= ord(ch) <= 0x2AF  # IPA: what an accented capital and a quote mark decode to


def _decode(run: str, codec: str) -> str | None:
    """``run`` re-encoded with ``codec`` and decoded as UTF-8, if every character it gives is plausible."""
    try:
        data = run.encode("mac_roman") if codec == "mac" else run.translate(_TO_LATIN1).encode("latin-1")
        fixed = data.decode("utf-8")
    except UnicodeError:
        return None
    if len(fixed) == 1 and not _alone(ord(fixed)):
        return None
    return fixed if all(_plausible(c) for c in fixed) else None


def _alone(code: int) -> bool:
    """A character that mis-decoded text may hold on its own, amid Latin text.

    Latin and Greek letters, punctuation and symbols (U+2000-U+2BFF), ligatures, the
    byte-order mark, emoji. A single Cyrillic, Arabic or CJK character between Latin
    letters is an accented capital and a symbol by chance; text really written in
    those scripts, mis-decoded, gives a run of several.
    """
    return code < 0x400 or 0x2000 <= code < 0x2C00 or 0xFB00 <= code < 0xFB50 or code == 0xFEFF or code >= 0x10000


def _doubtful(text: str, start: int, end: int) -> bool:
    """One sequence that ordinary text could hold: an accented capital then a closing quote, a dash..."""
    if end - start == 2:
        lead, cont = text[start], text[start + 1]
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return cont in _FOLLOWERS and lead.isupper() and not before.islower() and not after.isalpha()
    if end - start == 3:  # a lowercase accented letter followed by two marks: "é…”"
        return text[start + 1] in _FOLLOWERS and text[start + 2] in _FOLLOWERS
    return False


def _runs(text: str, start: int = 0):
    """(start, end, codec, repaired) of each mis-decoded stretch from ``start`` on."""
    pos = start
    while True:
        m = _GATE_MOJIBAKE().search(text, pos)
        if m is None:
            return
        i = m.start() - (m.lastgroup == "J005")  # that branch stands on the second character
        for codec, pattern in (("cp1252", _CP_RUN()), ("mac", _MAC_RUN())):
            run = pattern.match(text, i)
            if run is None:
                continue
            fixed = _decode(run.group(), codec)
            if fixed is not None and not _doubtful(text, i, run.end()):
                yield i, run.end(), codec, fixed
                pos = run.end()
                break
        else:
            pos = m.end()


def repair(text: str) -> str:
    """``text`` with every mis-decoded stretch repaired (twice-mis-decoded text too)."""
    for _ in range(3):
        pieces, last = [], 0
        for start, end, _codec, fixed in _runs(text):
            pieces += (text[last:start], fixed)
            last = end
        if not pieces:
            break
        text = "".join(pieces) + text[last:]
    return text


_CODEC_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1", "mac": "Mac Roman"}


def mojibake(text: str, start: int = 0) -> list[Hit]:
    """Each mis-decoded word: the word as written, labelled ``repaired word|codec name``."""
    runs = list(_runs(text, start))
    found: list[Hit] = []
    i = 0
    while i < len(runs):
        begin, end, codec, _fixed = runs[i]
        left = begin
        while left > 0 and _in_word(text[left - 1]) and begin - left < 30:
            left -= 1
        right = end
        i += 1
        while True:  # the word, with every stretch it holds (a non-breaking space can be one)
            while right < len(text) and _in_word(text[right]) and right - end < 30:
                right += 1
            if i < len(runs) and runs[i][0] <= right:
                right = end = max(right, runs[i][1])
                i += 1
            else:
                break
        word = text[left:right]
        fixed = repair(word)
        if fixed == word or _runs_any(fixed):
            continue  # the repair did not hold: no new mojibake allowed
        if codec == "cp1252" and any("\x80" <= c <= "\x9f" for c in text[begin:end]):
            codec = "latin-1"
        found.append(Hit(left, right, word, f"{fixed}|{_CODEC_NAMES[codec]}"))
    return found


def _in_word(ch: str) -> bool:
    return ch.isalnum() or not (ch.isascii() or ch.isspace())


def _runs_any(text: str) -> bool:
    return next(_runs(text), None) is not None


# -- e-mail addresses (P001) ----------------------------------------------------------

# The domain first: its pattern starts with `@`, which the regex engine finds fast; then the
# local part, looked for only in the 64 characters before the `@`.
_EMAIL_DOMAIN = lazy(r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])")
_EMAIL_LOCAL = lazy(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\Z")
#: Reserved for documentation and tests (RFC 2606, RFC 6761), and the placeholders documentation
#: uses instead: never anybody's address.
_RESERVED_DOMAINS = ("test.com", "domain.com", "yourdomain.com")
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
#: A domain with one of these labels is a placeholder whatever its suffix (``example.co.uk``,
#: ``mail.exemplo.com.br``): "example" in the languages documentation is written in, and the
#: localised "your domain" / "your company".
_PLACEHOLDER_LABELS = frozenset(
    "example exemplo ejemplo exemple esempio beispiel voorbeeld exempel eksempel esimerkki przyklad priklad "
    "primjer ornek yourdomain yourcompany seudominio suaempresa seusite tudominio tuempresa votredomaine "
    "deinedomain".split()
)
#: "Top-level domains" that are file extensions: ``logo@2x.png`` is a file name.
_FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp ico bmp tif tiff avif js mjs cjs ts tsx jsx css scss less py rb go rs java "
    "kt php json yaml yml toml md txt html htm xml csv lock zip gz".split()
)


def reserved_domain(domain: str) -> bool:
    """A domain kept for examples and tests: example.* and its localised forms (exemplo.com.br, beispiel.de)
    and their subdomains, .test, .invalid..."""
    labels = domain.lower().split(".")
    if labels[-1] in _RESERVED_TLDS or not _PLACEHOLDER_LABELS.isdisjoint(labels[:-1]):
        return True
    domain = ".".join(labels)
    return any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS)


def emails(text: str) -> list[Hit]:
    """E-mail addresses, except reserved domains, file names (``icon@2x.png``) and ``git@host`` remotes."""
    found = []
    for m in _EMAIL_DOMAIN().finditer(text):
        domain = m.group(1)
        local = _EMAIL_LOCAL().search(text, max(0, m.start() - 64), m.start())
        if local is None or local.group() == "git":
            continue
        if reserved_domain(domain) or domain.rpartition(".")[2].lower() in _FILE_EXTENSIONS:
            continue
        found.append(Hit(local.start(), m.end(), text[local.start() : m.end()]))
    return found


# -- phone numbers (P002) -------------------------------------------------------------

_PHONE = lazy(
    r"(?<![\w+/.,:-])(?:"
    r"(?P<intl>\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){2,6})"  # +55 11 98765-4321, +1 (555) 123-4567
    r"|(?P<paren>\([0-9]{2,3}\) ?[0-9]{3,5}[ .-][0-9]{4})"  # (11) 98765-4321, (555) 123-4567
    r"|(?P<nanp>[2-9][0-9]{2}(?P<s1>[.-])[2-9][0-9]{2}(?P=s1)[0-9]{4})"  # 555-123-4567
    r"|(?P<br>[1-9][0-9] 9[0-9]{4}-[0-9]{4})"  # 11 98765-4321
    r"|(?P<trunk>0[0-9]{1,4}(?P<s2>[ .-])[0-9]{2,4}(?:(?P=s2)[0-9]{2,4}){1,3})"  # 020 7946 0958, 01 23 45 67 89
    r")(?![\w-]|[.,][0-9])"
)
_DIGIT_RANGES = {"intl": (8, 15), "paren": (10, 11), "nanp": (10, 10), "br": (11, 11), "trunk": (10, 11)}


def phone_key(number: str) -> str:
    """The number without separators, ``+`` kept: what ``allow-phones`` globs match."""
    return ("+" if number.startswith("+") else "") + "".join(c for c in number if c.isdigit())


def _fictional(digits: str) -> bool:
    """North American numbers kept for fiction: area code 555, or 555-0100 to 555-0199."""
    national = digits[-10:]
    return len(national) == 10 and (national.startswith("555") or national[3:8] == "55501")


def _placeholder(digits: str) -> bool:
    """A number nobody has, in any country: the last 7 digits one digit repeated (``(11) 99999-9999``,
    ``+33 1 00 00 00 00``). Numbers that count up (``030 1234 5678``) are real numbers' shape."""
    tail = digits[-7:]
    return tail.count(tail[0]) == 7


def phones(text: str, start: int = 0) -> list[Hit]:
    """Phone numbers in international and common national formats (separators required)."""
    found = []
    for m in _PHONE().finditer(text, start):
        kind = m.lastgroup if m.lastgroup in _DIGIT_RANGES else next(k for k in _DIGIT_RANGES if m.group(k))
        number = m.group()
        key = phone_key(number)
        digits = key.lstrip("+")
        low, high = _DIGIT_RANGES[kind]
        if not low <= len(digits) <= high:
            continue
        if (kind in ("nanp", "paren") or digits.startswith("1")) and _fictional(digits) or _placeholder(digits):
            continue
        found.append(Hit(m.start(), m.end(), number))
    return found


def mask_pii(text: str) -> str:
    """``text`` with the e-mail addresses and phone numbers P001 and P002 would report masked, character for
    character (columns stay right): ``o•••••@example.org``, ``+44 20 •••• ••21``. What public outputs
    (annotations, SARIF, job summaries) show, and local output unless ``--show-pii``."""
    hits = emails(text) + phones(text)
    if not hits:
        return text
    chars = list(text)
    for hit in hits:
        if "@" in hit.value:
            for i in range(hit.start + 1, hit.start + hit.value.index("@")):
                chars[i] = "•"
        else:
            digits = [i for i in range(hit.start, hit.end) if chars[i].isdigit()]
            for i in digits[:-2]:
                chars[i] = "•"
    return "".join(chars)


# -- secrets (P003) -------------------------------------------------------------------

_SECRET = lazy(
    r"(?<![\w-])(?:"
    r"(?P<anthropic>sk-ant-[a-z]+[0-9]*-[A-Za-z0-9_-]{32,})"
    r"|(?P<openai>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}"
    r"|[A-Za-z0-9]{48}(?![\w-])))"
    r"|(?P<aws>(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9]))"
    r"|(?P<github>gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"
    r"|(?P<google>AIza[0-9A-Za-z_-]{35}(?![\w-]))"
    r"|(?P<slack>xox[baprs]-[0-9]{6,}-[A-Za-z0-9-]{8,})"
    r"|(?P<jwt>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})"
    r"|(?P<awssecret>(?i:aws_?)?(?i:secret_?access_?key)[\"']?\s*[:=]\s*[\"']?(?P<awsvalue>[A-Za-z0-9/+]{40})"
    r"(?![A-Za-z0-9/+]))"
    r")"
    r"|(?P<pem>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
    r"[ \t]*(?:\r?\n|\\n)(?:[A-Za-z-]+: [^\n]*\n)*\s*[A-Za-z0-9+/]{40}[A-Za-z0-9+/=\s\\]{24,})"
)
_SECRET_KINDS = {
    "anthropic": "Anthropic API key",
    "openai": "OpenAI API key",
    "aws": "AWS access key id",
    "awssecret": "AWS secret access key",
    "github": "GitHub token",
    "google": "Google API key",
    "slack": "Slack token",
    "jwt": "JSON Web Token",
    "pem": "private key",
}
#: An AWS secret access key right after its key id (within 200 characters): the pair.
_AWS_PAIR = lazy(r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[a-z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")
#: Published sample credentials (AWS documentation): placeholders, like example.com addresses.
SAMPLE_SECRETS = frozenset({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
#: The public part of a secret: what identifies its kind, not the key.
_PREFIX = lazy(r"sk-ant-[a-z]+[0-9]*-|sk-(?:proj-|svcacct-|admin-)?|github_pat_|gh[pousr]_|AKIA|ASIA|AIza|xox[a-z]-")


def _jwt_header(token: str) -> bool:
    """The first part decodes to a JSON object with an ``alg``, as a JWT header does."""
    head = token.split(".", 1)[0]
    try:
        header = orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header


def mask(value: str, kind: str) -> str:
    """What a message may show of a secret: its public prefix and four characters (at most a third)."""
    if kind == "pem":
        return "-----" + value.split("-----", 2)[1] + "----- …(masked)"
    if kind == "jwt":
        visible = 10  # the start of the header, which says `{"alg":`
    else:
        prefix = _PREFIX().match(value)
        visible = (prefix.end() if prefix else 0) + 4
    return f"{value[: min(visible, len(value) // 3)]}…(masked)"


def secrets(text: str, start: int = 0) -> list[Hit]:
    """API keys, tokens and private keys, labelled with their kind; ``value`` is the secret itself."""
    found = []
    for m in _SECRET().finditer(text, max(0, start - 24)):  # the gate stands a few characters into the prefix
        kind = m.lastgroup
        if kind == "awsvalue":
            kind = "awssecret"
        if kind == "jwt" and not _jwt_header(m.group()):
            continue
        if kind == "awssecret":
            found.append(Hit(m.start("awsvalue"), m.end("awsvalue"), m.group("awsvalue"), _SECRET_KINDS[kind]))
            continue
        found.append(Hit(m.start(), m.end(), m.group(), _SECRET_KINDS[kind]))
        if kind == "aws":
            pair = _AWS_PAIR().search(text, m.end(), m.end() + 240)
            if pair and not any(h.start == pair.start() for h in found):
                found.append(Hit(pair.start(), pair.end(), pair.group(), _SECRET_KINDS["awssecret"]))
    found.sort()
    unique = [h for i, h in enumerate(found) if not i or h.start >= found[i - 1].end]
    return [h for h in unique if h.value not in SAMPLE_SECRETS]


def secret_kind(label: str) -> str:
    """The short kind (``openai``) of a secret's label (``OpenAI API key``)."""
    return next(kind for kind, name in _SECRET_KINDS.items() if name == label)


def mask_secrets(text: str) -> str:
    """``text`` (a message, a JSON path) with each secret in it masked as P003 shows one: a message
    may echo a value or a key name that is a key, and no output may show it."""
    if _SECRET_GATE().search(text) is None:
        return text
    for hit in reversed(secrets(text)):
        text = text[: hit.start] + mask(hit.value, secret_kind(hit.label)) + text[hit.end :]
    return text


_JSON_STRING = lazy(r'"(?:[^"\\]|\\.)*"')


def redact_line(line: str) -> str:
    """A JSON line with each string that holds a secret blanked out, character for character.

    Strings are decoded first, so a secret written with escapes (``\\/``, ``\\u0041``)
    is found as well; the line keeps its length and shape, so columns stay right.
    """

    if _SECRET_GATE().search(line) is None:
        return line

    def blank(m: re.Match) -> str:
        token = m.group()
        if _SECRET_GATE().search(token) is None:
            return token
        try:
            value = orjson.loads(token)
        except orjson.JSONDecodeError:
            return token
        hits = secrets(value) if type(value) is str else []
        if not hits:
            return token
        if "\\" in token:  # escapes: offsets in the value are not offsets in the line
            return '"' + "•" * (len(token) - 2) + '"'
        for hit in hits:
            token = token[: hit.start + 1] + "•" * (hit.end - hit.start) + token[hit.end + 1 :]
        return token

    return _JSON_STRING().sub(blank, line)


# -- special tokens (P004) ------------------------------------------------------------

# Two patterns, each starting with one literal character, which the regex engine finds fast.
_SPECIAL_ANGLE = lazy(
    r"<(?:\|[A-Za-z0-9_]{1,40}\|>"  # <|endoftext|>, <|im_start|>, <|eot_id|>, <|fim_prefix|>, <|user|>
    r"|\uff5c[^\uff5c>\n]{1,40}\uff5c>"  # DeepSeek's full-width bars
    r"|(?:fim_(?:prefix|middle|suffix|pad)|start_of_turn|end_of_turn|bos|eos|unk|pad)>"
    r"|s>(?=\s*(?:\[INST\]|<<SYS>>|<\|))|/s>(?=\s*(?:<s>|\Z))"  # Llama 2 (not HTML strike-through)
    r"|</?SYS>>)"
)
_SPECIAL_SQUARE = lazy(r"\[(?:/?(?:INST|AVAILABLE_TOOLS|TOOL_RESULTS|SYSTEM_PROMPT)|TOOL_CALLS)\]")


def special_tokens(text: str) -> list[Hit]:
    """Tokenizer control tokens written as text."""
    found = [
        Hit(m.start(), m.end(), m.group())
        for pattern, char in ((_SPECIAL_ANGLE(), "<"), (_SPECIAL_SQUARE(), "["))
        if char in text
        for m in pattern.finditer(text)
    ]
    if text.count("<s>") > sum(hit.value == "<s>" for hit in found):  # HTML strike-through: <s>...</s>
        found = [hit for hit in found if hit.value != "</s>"]
    stripped = text.lstrip()
    if (
        stripped.startswith("<s>")
        and "</s>" not in text
        and not any(hit.value == "<s>" and hit.start == len(text) - len(stripped) for hit in found)
    ):
        at = len(text) - len(stripped)
        found.append(Hit(at, at + 3, "<s>"))
    found.sort()
    return found


# -- transcripts inside one message (P005) ---------------------------------------------

_USER_NAMES = ("user", "human", "usuário", "usuario", "prompter")
_ASSISTANT_NAMES = ("assistant", "assistente", "asistente", "chatbot", "chatgpt", "bot", "gpt", "ai")
_SPEAKERS = _USER_NAMES + _ASSISTANT_NAMES


def _spellings(names) -> str:
    """``User|USER|user``: the ways a speaker label is written (case-sensitive matching is faster)."""
    return "|".join(dict.fromkeys(f for name in names for f in (name.capitalize(), name.upper(), name)))


_LABEL = (
    f"(?:#{{1,4}}[ \t]*(?P<h>{_spellings(('instruction', 'input', 'response'))})"
    f"|(?:#{{1,4}}[ \t]*)?(?:\\*\\*)?(?P<w>{_spellings(_SPEAKERS)}|ChatGPT)(?:\\*\\*)?)"
    r"[ \t]*:(?:\*\*)?"
)
#: What a label starts with: a heading's `#`, bold's `*`, a speaker name's first letter in either case.
_LABEL_STARTS = "#*" + "".join(sorted({c for name in _SPEAKERS for c in name[0] + name[0].upper()}))
_LABEL_FIRST = lazy(r"[ \t]*" + _LABEL)
# a line must start with one of them and have a colon near its start before the label's alternatives
# are tried: the first character alone sets most lines aside (3.0 -> 1.4 us a bench example with a colon)
_LABEL_LINE = lazy(f"\\n(?=[{_LABEL_STARTS}])(?=[^\\n:]{{1,30}}:)" + _LABEL)
_USER_SIDE = frozenset({"user", "human", "usuario", "usuário", "prompter", "instruction", "input"})


def transcript(text: str) -> list[Hit]:
    """Speaker turns (``User:``, ``### Response:``) at line starts, if both sides speak; else []."""
    labels = []
    first = _LABEL_FIRST().match(text)
    if first:
        labels.append(first)
    labels.extend(_LABEL_LINE().finditer(text))
    if len(labels) < 2:
        return []
    turns = []
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        if text[m.end() : end].strip():
            name = (m.group("h") or m.group("w")).lower()
            start = m.start() + (text[m.start()] == "\n")
            turns.append(
                Hit(start, m.end(), text[start : m.end()].strip(), "user" if name in _USER_SIDE else "assistant")
            )
    sides = {hit.label for hit in turns}
    return turns if len(sides) == 2 else []


# -- the scan ---------------------------------------------------------------------------

#: One pass for the candidates of four rules. The first character is a small class, so the
#: engine skips every other character; each branch then checks, by lookbehind, which
#: character it stands on. The group that matched names the rule.
_SECRET_BRANCHES = (  # the prefixes of the secrets, each entered by its rarest character
    r"(?<=-)(?:(?<=\bsk-)|(?<=\bxox[baprs]-)|----BEGIN)(?P<P003a>)"
    r"|(?<=K)(?:(?<=\bAK)IA|(?<=SecretAccessK)ey)(?P<P003b>)"
    r"|(?<=S)(?<=\bAS)IA(?P<P003c>)"
    r"|(?<=z)(?<=\bAIz)a(?P<P003d>)"
    r"|(?<=_)(?:(?<=\bgh[pousr]_)|(?<=\bgithub_)pat_|(?<=(?i:secret)_)(?i:access))(?P<P003e>)"
    r"|(?<=J)(?<=\beyJ)(?P<P003f>)"
)
_SECRET_GATE = lazy(f"[\\-_KSzJ](?:{_SECRET_BRANCHES})")
#: Mis-decoded UTF-8, entered at the continuation character (rarer than the accented letter
#: before it, which ordinary text is full of) or at a Mac Roman lead character.
_MOJIBAKE_BRANCHES = f"(?<=[{_CP_LEADS}][{_CP_CONT}])(?P<J005>)|(?<=[{_MAC_LEADS}])(?P<J005m>[{_MAC_CONT}])"
_GATE = lazy(
    f"[{CONTROL_CLASS}0-9+(\\-_KSzJ{_CP_CONT}{_MAC_LEADS}](?:"
    r"(?<=[0-9+(])(?P<P002>[0-9 ().-]{9,}[0-9])"  # 11 characters at least: not a date
    f"|(?<=[\\-_KSzJ])(?:{_SECRET_BRANCHES})"
    f"|{_MOJIBAKE_BRANCHES}"
    f"|(?<=[{CONTROL_CLASS}])(?P<J004>)"
    ")"
)
_GATE_MOJIBAKE = lazy(f"[{_CP_CONT}{_MAC_LEADS}](?:{_MOJIBAKE_BRANCHES})")
_FINDERS = (("P002", phones), ("P003", secrets), ("J004", controls), ("J005", mojibake))
_GATED = frozenset(code for code, _ in _FINDERS)
ALL_CODES = frozenset({"P001", "P002", "P003", "P004", "P005", "J004", "J005"})
#: The compiled prefilter of :func:`_gate`, and what it reads (the control and mojibake classes above).
_C = compiled("_scan")
_TWIN_CLASSES = (
    None if _C is None else _C.classes(*map(_members, (CONTROL_CLASS, _CP_LEADS, _CP_CONT, _MAC_LEADS, _MAC_CONT)))
)


def _gate(text: str) -> dict[str, int]:
    """First offset of a candidate per rule code (``P002``, ``P003``, ``J004``, ``J005``).

    The compiled prefilter (``_scan.c``) says no only where ``_GATE`` matches nowhere: 0.8 µs on
    a bench example (1.6 KB of text), where the regex takes 5.6 to find nothing. Where it may
    match, the regex runs as without it.
    """
    if _C is not None and not _C.may_match(text, _TWIN_CLASSES):
        return {}
    first: dict[str, int] = {}
    for m in _GATE().finditer(text):
        group = m.lastgroup
        code = group[:4]  # type: ignore[index]
        if code not in first:
            first[code] = m.start() - (group == "J005")  # that branch stands on the second character
            if len(first) == 4:
                break
    return first


def _candidates(text: str) -> set[str]:
    """Codes that may have a hit in ``text``: the cheap half of the scan."""
    codes = set(_gate(text))
    if "@" in text:
        codes.add("P001")
    if ("<" in text and (_SPECIAL_ANGLE().search(text) or "<s>" in text)) or (
        "[" in text and _SPECIAL_SQUARE().search(text)
    ):
        codes.add("P004")
    if ":" in text and (_LABEL_FIRST().match(text) or _LABEL_LINE().search(text)):
        codes.add("P005")
    return codes


def scan_text(text: str, codes: frozenset[str] | set[str] = ALL_CODES) -> dict[str, list[Hit]]:
    """Every hit in ``text`` by rule code, looking only for ``codes``; only codes with hits."""
    found: dict[str, list[Hit]] = {}
    for code, finder in (("P001", emails), ("P004", special_tokens), ("P005", transcript)):
        if code in codes:
            hits = finder(text)
            if hits:
                found[code] = hits
    first = _gate(text) if not codes.isdisjoint(_GATED) else {}
    for code, finder in _FINDERS:
        if code in first and code in codes:
            hits = finder(text, first[code])
            if hits:
                found[code] = hits
    return found


def scan(example: Example) -> list[Scan]:
    """The hits in each string of ``example`` (its turns, then a preference pair's rejected answer).

    Most examples have none: the cheap checks run once over all the texts joined by line
    breaks (no candidate crosses one), and the strings are scanned one by one only when
    something turned up.
    """
    return example.derive(_scan)


def _scan(example: Example) -> list[Scan]:
    turns = example.turns if example.rejected is None else [*example.turns, example.rejected]
    codes = _candidates("\n".join([turn.text for turn in turns]))
    result = []
    if codes:
        fmt = example.format
        for turn in turns:
            if turn.text:
                hits = scan_text(turn.text, codes)
                if hits:
                    result.append(Scan(turn, fmt.field_path(turn.path, "content"), hits))
    return result
