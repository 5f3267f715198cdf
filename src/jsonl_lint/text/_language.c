/* The compiled accelerator of jsonl_lint.text.language: the stop-word pass of evidence().
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in language.py is the reference and the fallback. plain() takes the commonest texts, in
 * ASCII with nothing for clean() to remove, from the str itself. stop_words() gives, bit for bit,
 * the words, letters, hits and scores evidence() computes from a text's lower-cased UTF-8
 * (tests/text/test_evidence.py compares them on random texts): the punctuation replaced, the bytes
 * translated and split, each word looked up, in one pass and without a bytes object per word. The
 * word lists, the translation table, the punctuation, the code symbols and the distinct letters are
 * language.py's, handed over once to lexicon().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_LANGUAGES 64
#define MAX_GROUPS 1024
#define MAX_CHARACTERS 32 /* of punctuation, and of distinct letters */
#define MAX_WORD 255      /* bytes: a longer word is none of the lexicon's */
#define CAPSULE "jsonl_lint.text._language.lexicon"
/* What a byte of the text is, once translated (Lexicon.flags): */
#define SYMBOL 1 /* one of _CODE_SYMBOLS */
#define LETTER 2 /* not a space: counted in letters, as len(spaced) - spaced.count(b" ") counts */
#define BREAK 4  /* ASCII whitespace: what bytes.split() splits at */

typedef struct {
    unsigned char bytes[4]; /* one UTF-8 character, of 2 to 4 bytes */
    int length;
    int entry, language; /* of a distinct letter: its entry of _LETTERS, and the language it counts for */
} Character;

typedef struct {
    uint32_t offset; /* of the word in the pool; length 0: an empty slot */
    uint16_t length, group;
} Slot;

typedef struct {
    int language;
    double weight;
} Share;

typedef struct {
    int languages, groups; /* groups: the number of group ids, 0 (none) included */
    unsigned char table[256]; /* language._SEPARATORS */
    unsigned char flags[256]; /* SYMBOL, LETTER and BREAK, of each byte */
    unsigned char lower_table[256], lower_flags[256]; /* the same of each byte lower-cased (ASCII) first */
    Character punctuation[MAX_CHARACTERS], letters[MAX_CHARACTERS];
    int punctuations, letter_count;
    Py_ssize_t longest; /* bytes of the longest word */
    size_t mask;        /* slots - 1 (a power of two, at least twice the words) */
    Slot *slots;
    unsigned char *pool;
    Py_ssize_t *starts; /* group g's shares are shares[starts[g]] to shares[starts[g + 1] - 1] */
    Share *shares;
} Lexicon;

/* FNV-1a, a byte at a time: stop_words() hashes each word as it reads it. */
#define FNV_START 2166136261U
static inline uint32_t fnv1a(uint32_t hash, unsigned char byte) { return (hash ^ byte) * 16777619U; }

/* The group of `word` (its hash: `hash`), 0 if it is none of the lexicon's. */
static int group_of(const Lexicon *lexicon, const unsigned char *word, Py_ssize_t length, uint32_t hash) {
    if (length > lexicon->longest)
        return 0;
    for (size_t i = hash & lexicon->mask;; i = (i + 1) & lexicon->mask) {
        const Slot *slot = &lexicon->slots[i];
        if (!slot->length)
            return 0;
        if (slot->length == length && !memcmp(lexicon->pool + slot->offset, word, length))
            return slot->group;
    }
}

static void lexicon_free(Lexicon *lexicon) {
    PyMem_Free(lexicon->slots);
    PyMem_Free(lexicon->pool);
    PyMem_Free(lexicon->starts);
    PyMem_Free(lexicon->shares);
    PyMem_Free(lexicon);
}

static void capsule_free(PyObject *capsule) { lexicon_free(PyCapsule_GetPointer(capsule, CAPSULE)); }

static inline int whitespace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Read `item` (bytes) as one non-ASCII UTF-8 character into `character`; -1 (ValueError) if it is not
 * one. Such a character is found in valid UTF-8 only where it starts, and never overlaps itself: counted
 * at every byte, it is counted as bytes.count and _PUNCTUATION.sub count it. */
static int character_of(PyObject *item, Character *character) {
    char *bytes;
    Py_ssize_t length;
    if (PyBytes_AsStringAndSize(item, &bytes, &length))
        return -1;
    unsigned char lead = (unsigned char)bytes[0];
    int expected = lead >= 0xF8 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    for (Py_ssize_t i = 1; i < length; i++)
        if ((bytes[i] & 0xC0) != 0x80)
            expected = 0;
    if (!length || length != expected) {
        PyErr_SetString(PyExc_ValueError, "punctuation and distinct letters are non-ASCII characters");
        return -1;
    }
    memcpy(character->bytes, bytes, length);
    character->length = (int)length;
    return 0;
}

/* The shares of each group: weights[g] is a tuple of (language index, weight) pairs. */
static int read_shares(Lexicon *lexicon, PyObject *weights) {
    Py_ssize_t total = 0;
    for (int g = 0; g < lexicon->groups; g++) {
        if (!PyTuple_Check(PyList_GET_ITEM(weights, g))) {
            PyErr_SetString(PyExc_TypeError, "a group's weights are a tuple");
            return -1;
        }
        total += PyTuple_GET_SIZE(PyList_GET_ITEM(weights, g));
    }
    lexicon->starts = PyMem_Malloc(sizeof(Py_ssize_t) * (lexicon->groups + 1));
    lexicon->shares = PyMem_Malloc(sizeof(Share) * (total ? total : 1));
    if (!lexicon->starts || !lexicon->shares) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t k = 0;
    for (int g = 0; g < lexicon->groups; g++) {
        PyObject *shares = PyList_GET_ITEM(weights, g);
        lexicon->starts[g] = k;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(shares); i++, k++) {
            Share *share = &lexicon->shares[k];
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(shares, i), "id", &share->language, &share->weight))
                return -1;
            if (share->language < 0 || share->language >= lexicon->languages) {
                PyErr_SetString(PyExc_ValueError, "a language index out of range");
                return -1;
            }
        }
    }
    lexicon->starts[lexicon->groups] = k;
    return 0;
}

/* The hash table of the words: LEXICON, word (bytes) -> group (1 to groups - 1). */
static int read_words(Lexicon *lexicon, PyObject *words) {
    Py_ssize_t count = PyDict_GET_SIZE(words), pool = 0, position = 0;
    PyObject *word, *group;
    while (PyDict_Next(words, &position, &word, &group)) {
        if (!PyBytes_Check(word) || PyBytes_GET_SIZE(word) < 1 || PyBytes_GET_SIZE(word) > MAX_WORD) {
            PyErr_SetString(PyExc_ValueError, "a word is 1 to 255 bytes");
            return -1;
        }
        pool += PyBytes_GET_SIZE(word);
    }
    if (pool > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many words");
        return -1;
    }
    size_t slots = 16;
    while (slots < 2 * (size_t)count)
        slots *= 2;
    lexicon->mask = slots - 1;
    lexicon->slots = PyMem_Calloc(slots, sizeof(Slot));
    lexicon->pool = PyMem_Malloc(pool ? pool : 1);
    if (!lexicon->slots || !lexicon->pool) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t used = 0;
    position = 0;
    while (PyDict_Next(words, &position, &word, &group)) {
        long id = PyLong_AsLong(group);
        if (id < 1 || id >= lexicon->groups) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a word's group out of range");
            return -1;
        }
        const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(word);
        Py_ssize_t length = PyBytes_GET_SIZE(word);
        uint32_t hash = FNV_START;
        for (Py_ssize_t k = 0; k < length; k++)
            hash = fnv1a(hash, bytes[k]);
        size_t i = hash & lexicon->mask;
        while (lexicon->slots[i].length) /* a dict's keys are distinct: a free slot is found */
            i = (i + 1) & lexicon->mask;
        memcpy(lexicon->pool + used, bytes, length);
        lexicon->slots[i] = (Slot){(uint32_t)used, (uint16_t)length, (uint16_t)id};
        used += length;
        lexicon->longest = length > lexicon->longest ? length : lexicon->longest;
    }
    return 0;
}

/* lexicon(words, weights, languages, separators, punctuation, symbols, letters) -> capsule: what
 * stop_words() reads, from language.py's LEXICON (bytes -> group), GROUP_WEIGHTS (per group, its
 * (language index, weight) pairs), the number of languages, _SEPARATORS (a translation table),
 * the punctuation read as spaces (characters, UTF-8), _CODE_SYMBOLS and _LETTERS ((language index,
 * its distinct letters in UTF-8) pairs). */
static PyObject *lexicon(PyObject *self, PyObject *args) {
    PyObject *words, *weights, *punctuation, *letters;
    Py_buffer separators, symbols;
    int languages;
    if (!PyArg_ParseTuple(args, "O!O!iy*O!y*O!", &PyDict_Type, &words, &PyList_Type, &weights, &languages,
                          &separators, &PyList_Type, &punctuation, &symbols, &PyList_Type, &letters))
        return NULL;
    PyObject *result = NULL;
    Lexicon *found = PyMem_Calloc(1, sizeof(Lexicon));
    if (!found) {
        PyErr_NoMemory();
        goto done;
    }
    found->languages = languages;
    found->groups = (int)PyList_GET_SIZE(weights);
    if (separators.len != 256 || languages < 1 || languages > MAX_LANGUAGES || found->groups > MAX_GROUPS ||
        PyList_GET_SIZE(punctuation) > MAX_CHARACTERS) {
        PyErr_SetString(PyExc_ValueError, "a table of 256 bytes, at most 64 languages, 1024 groups, 32 marks");
        goto done;
    }
    memcpy(found->table, separators.buf, 256);
    for (int b = 0; b < 256; b++)
        found->flags[b] = (found->table[b] != ' ' ? LETTER : 0) | (whitespace(found->table[b]) ? BREAK : 0);
    for (Py_ssize_t i = 0; i < symbols.len; i++)
        found->flags[((const unsigned char *)symbols.buf)[i]] |= SYMBOL;
    for (int b = 0; b < 256; b++) {
        int lowered = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        found->lower_table[b] = found->table[lowered];
        found->lower_flags[b] = found->flags[lowered];
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(punctuation); i++)
        if (character_of(PyList_GET_ITEM(punctuation, i), &found->punctuation[found->punctuations++]))
            goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(letters); i++) {
        int language;
        PyObject *marks;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(letters, i), "iO!", &language, &PyList_Type, &marks))
            goto done;
        for (Py_ssize_t m = 0; m < PyList_GET_SIZE(marks); m++) {
            if (found->letter_count == MAX_CHARACTERS || language < 0 || language >= languages) {
                PyErr_SetString(PyExc_ValueError, "at most 32 distinct letters, each of a language");
                goto done;
            }
            Character *letter = &found->letters[found->letter_count++];
            letter->entry = (int)i;
            letter->language = language;
            if (character_of(PyList_GET_ITEM(marks, m), letter))
                goto done;
        }
    }
    if (read_shares(found, weights) || read_words(found, words))
        goto done;
    result = PyCapsule_New(found, CAPSULE, capsule_free);
done:
    if (!result && found)
        lexicon_free(found);
    PyBuffer_Release(&separators);
    PyBuffer_Release(&symbols);
    return result;
}

/* The character of `characters` (count of them) that `at` (`room` bytes) starts with, or -1. */
static int starts_with(const Character *characters, int count, const unsigned char *at, Py_ssize_t room) {
    for (int k = 0; k < count; k++)
        if (characters[k].length <= room && !memcmp(at, characters[k].bytes, characters[k].length))
            return k;
    return -1;
}

typedef struct {
    Py_ssize_t words, hits;
    Py_ssize_t counts[MAX_GROUPS]; /* of each group's words */
    uint16_t order[MAX_GROUPS];    /* the groups, in the order they first appear */
    int seen;
    Py_ssize_t marks[MAX_CHARACTERS]; /* of each distinct letter */
} Tally;

/* Count a word (its hash: `hash`), and its group if it is a stop word. */
static void tally_word(const Lexicon *lexicon, Tally *tally, const unsigned char *word, Py_ssize_t length,
                       uint32_t hash) {
    tally->words++;
    int group = group_of(lexicon, word, length, hash);
    if (group) {
        tally->hits++;
        if (!tally->counts[group]++)
            tally->order[tally->seen++] = (uint16_t)group;
    }
}

/* Python's float arithmetic, an operation at a time and in its order: each product and sum is
 * stored (volatile), so that none is fused into a multiply-add nor kept wider than a double (x87). */
static void score(const Lexicon *lexicon, Tally *tally, volatile double *scores) {
    for (int k = 0; k < tally->seen; k++) {
        int group = tally->order[k];
        for (Py_ssize_t s = lexicon->starts[group]; s < lexicon->starts[group + 1]; s++) {
            volatile double product = lexicon->shares[s].weight * (double)tally->counts[group];
            scores[lexicon->shares[s].language] += product;
        }
    }
    for (int k = 0; k < lexicon->letter_count;) { /* the letters of one entry of _LETTERS, then the next */
        const Character *first = &lexicon->letters[k];
        Py_ssize_t found = 0;
        for (; k < lexicon->letter_count && lexicon->letters[k].entry == first->entry; k++)
            found += tally->marks[k];
        if (found) { /* each counts half a stop word, and marks its word as the language's */
            volatile double half = (double)found / 2;
            scores[first->language] += half;
            tally->hits = tally->hits + found < tally->words ? tally->hits + found : tally->words;
        }
    }
}

/* What evidence() counts of a text: its Evidence's fields but the sample. */
typedef struct {
    Py_ssize_t words, letters, hits;
    volatile double scores[MAX_LANGUAGES]; /* volatile: see score() */
} Counts;

/* Count `size` bytes of a text's UTF-8, lower-cased (or, with `lower`, of ASCII to lower-case here, as
 * str.lower() would) into `counts`: evidence()'s counts and scores (a float per language); 0, and nothing
 * counted, for no words, or code. */
static int count_text(const Lexicon *lexicon, const unsigned char *bytes, Py_ssize_t size, int lower,
                      Counts *counts) {
    Py_ssize_t length = 0;
    uint32_t hash = FNV_START;
    Py_ssize_t letters = 0, symbols = 0; /* in registers: the loop's own counts */
    Tally tally; /* zeroed by hand: an initializer would zero all 1024 counts, not the groups there are */
    tally.words = tally.hits = 0;
    tally.seen = 0;
    memset(tally.counts, 0, sizeof(Py_ssize_t) * lexicon->groups);
    memset(tally.marks, 0, sizeof(tally.marks));
    unsigned char word[MAX_WORD + 1];
    /* lower-casing is in the tables: a byte of 0x80 or more is no ASCII capital, and lower-cases to itself */
    const unsigned char *flag_of = lower ? lexicon->lower_flags : lexicon->flags;
    const unsigned char *table = lower ? lexicon->lower_table : lexicon->table;
    for (Py_ssize_t i = 0; i < size;) {
        unsigned char byte = bytes[i];
        int width = 1, k;
        if (byte >= 0x80) {
            if ((k = starts_with(lexicon->punctuation, lexicon->punctuations, bytes + i, size - i)) >= 0) {
                byte = ' '; /* the character is one space, as _PUNCTUATION.sub(b" ", raw) makes it */
                width = lexicon->punctuation[k].length;
            } else if ((k = starts_with(lexicon->letters, lexicon->letter_count, bytes + i, size - i)) >= 0)
                tally.marks[k]++;
        }
        unsigned char flags = flag_of[byte];
        symbols += flags & SYMBOL;
        letters += (flags & LETTER) != 0;
        if (!(flags & BREAK)) { /* a byte of a word, as raw.translate(_SEPARATORS) makes it */
            unsigned char spaced = table[byte];
            if (length <= MAX_WORD)
                word[length] = spaced;
            length++;
            hash = fnv1a(hash, spaced);
        } else if (length) {
            tally_word(lexicon, &tally, word, length, hash);
            length = 0;
            hash = FNV_START;
        }
        i += width;
    }
    if (length)
        tally_word(lexicon, &tally, word, length, hash);
    if (!tally.words || symbols * 6 > letters) /* code, markup or numbers, not prose */
        return 0;
    for (int l = 0; l < lexicon->languages; l++)
        counts->scores[l] = 0;
    score(lexicon, &tally, counts->scores);
    counts->words = tally.words;
    counts->letters = letters;
    counts->hits = tally.hits;
    return 1;
}

/* (words, letters, hits, scores) of `counts`, or with `first` (not NULL) (first, words, letters, hits,
 * scores): an Evidence's fields. */
static PyObject *counts_tuple(const Lexicon *lexicon, const Counts *counts, PyObject *first) {
    int at = first != NULL; /* where the counts start in the tuple */
    PyObject *found = PyTuple_New(at + 4), *scored = PyTuple_New(lexicon->languages);
    if (!found || !scored)
        goto failed;
    for (int l = 0; l < lexicon->languages; l++) {
        PyObject *value = PyFloat_FromDouble(counts->scores[l]);
        if (!value)
            goto failed;
        PyTuple_SET_ITEM(scored, l, value);
    }
    Py_ssize_t numbers[3] = {counts->words, counts->letters, counts->hits};
    for (int c = 0; c < 3; c++) {
        PyObject *value = PyLong_FromSsize_t(numbers[c]);
        if (!value)
            goto failed;
        PyTuple_SET_ITEM(found, at + c, value);
    }
    if (first)
        PyTuple_SET_ITEM(found, 0, Py_NewRef(first));
    PyTuple_SET_ITEM(found, at + 3, scored);
    return found;
failed:
    Py_XDECREF(found);
    Py_XDECREF(scored);
    return NULL;
}

/* stop_words(raw, lexicon) -> (words, letters, hits, scores) or None: count_text() of a text's lower-cased UTF-8. */
static PyObject *stop_words(PyObject *self, PyObject *args) {
    Py_buffer raw;
    PyObject *capsule;
    if (!PyArg_ParseTuple(args, "y*O", &raw, &capsule))
        return NULL;
    const Lexicon *lexicon = PyCapsule_GetPointer(capsule, CAPSULE);
    Counts counts;
    PyObject *result = !lexicon                                        ? NULL
                       : count_text(lexicon, raw.buf, raw.len, 0, &counts) ? counts_tuple(lexicon, &counts, NULL)
                                                                           : Py_NewRef(Py_None);
    PyBuffer_Release(&raw);
    return result;
}

/* Whether `needle` (a C string) is among the `size` bytes at `at`: memchr() finds each of its
 * character `anchor` (the rarest in prose: "://"'s colon, "www."'s full stop), then the rest is compared. */
static int holds(const unsigned char *at, Py_ssize_t size, const char *needle, Py_ssize_t anchor) {
    Py_ssize_t length = (Py_ssize_t)strlen(needle);
    const unsigned char *end = at + size, *found = at + anchor;
    while (found < end && (found = memchr(found, needle[anchor], end - found))) {
        const unsigned char *start = found - anchor;
        if (start + length <= end && !memcmp(start, needle, length))
            return 1;
        found++;
    }
    return 0;
}

/* str.strip()'s whitespace among ASCII characters. */
static inline int stripped(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

/* Whether the ASCII `data` (`size` bytes, from `first` to `last` once stripped) is one JSON value,
 * perhaps: what prose() tries to parse. */
static int json_like(const unsigned char *data, Py_ssize_t size) {
    Py_ssize_t first = 0, last = size;
    while (first < size && stripped(data[first]))
        first++;
    while (last > first && stripped(data[last - 1]))
        last--;
    return last > first && (data[first] == '{' || data[first] == '[') && (data[last - 1] == '}' || data[last - 1] == ']');
}

/* The characters of `text` that evidence() reads from it as they are, its first `sample`, when it is ASCII
 * that clean() leaves so (no markup, JSON, code, URL, e-mail address or NUL in what clean() reads); -1 for
 * any other text, which the Python code cleans. */
static Py_ssize_t plain_size(PyObject *text, Py_ssize_t sample) {
    if (!PyUnicode_IS_ASCII(text))
        return -1;
    const unsigned char *data = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    Py_ssize_t head = size < 8 * sample ? size : 8 * sample; /* what prose() reads */
    Py_ssize_t read = size < 4 * sample ? size : 4 * sample; /* what clean() looks for code and URLs in */
    Py_ssize_t kept = size < sample ? size : sample;
    if (memchr(data, '<', head) || json_like(data, head))
        return -1; /* tool traffic, markup or one JSON value, perhaps */
    if (memchr(data, '`', read) || memchr(data, '~', read) || memchr(data, '@', read) || holds(data, read, "://", 0)
        || holds(data, read, "www.", 3) || memchr(data, '\0', kept))
        return -1; /* code, a URL, an e-mail address or a NUL, perhaps */
    return kept;
}

/* An Evidence being built: its sample (NULL for NOTHING, no words) and its counts. */
typedef struct {
    PyObject *text;
    Counts counts;
} Found;

/* evidence() of a plain text (plain_size()) into `found`: 1; 0 for a text that is not plain (nothing
 * set); -1 on error. */
static int evidence_of(const Lexicon *lexicon, PyObject *text, Py_ssize_t sample, Found *found) {
    Py_ssize_t kept = plain_size(text, sample);
    if (kept < 0)
        return 0;
    found->text = NULL;
    if (!count_text(lexicon, PyUnicode_1BYTE_DATA(text), kept, 1, &found->counts))
        return 1;
    found->text = kept == PyUnicode_GET_LENGTH(text) ? Py_NewRef(text) : PyUnicode_Substring(text, 0, kept);
    return found->text ? 1 : -1;
}

/* `sum` + `other`, as Evidence.__add__ adds them (other's text is borrowed); -1 on error. */
static int add_found(const Lexicon *lexicon, Found *sum, const Found *other) {
    if (!other->text)
        return 0;
    if (!sum->text) {
        *sum = *other;
        Py_INCREF(sum->text);
        return 0;
    }
    PyObject *text = PyUnicode_FromFormat("%U\n%U", sum->text, other->text);
    if (!text)
        return -1;
    Py_SETREF(sum->text, text);
    sum->counts.words += other->counts.words;
    sum->counts.letters += other->counts.letters;
    sum->counts.hits += other->counts.hits;
    for (int l = 0; l < lexicon->languages; l++)
        sum->counts.scores[l] = sum->counts.scores[l] + other->counts.scores[l];
    return 0;
}

/* An Evidence's fields of `found`, or () for NOTHING. */
static PyObject *fields(const Lexicon *lexicon, const Found *found) {
    return found->text ? counts_tuple(lexicon, &found->counts, found->text) : PyTuple_New(0);
}

/* plain(text, sample, lexicon) -> (first, words, letters, hits, scores), () or None: evidence() of an ASCII
 * text that clean() leaves as its first `sample` characters, `first`, with count_text() of them lower-cased:
 * the fields of its Evidence, or () for no words, or code; None for any other text (plain_size()). */
static PyObject *plain(PyObject *self, PyObject *args) {
    PyObject *text, *capsule;
    Py_ssize_t sample;
    if (!PyArg_ParseTuple(args, "UnO", &text, &sample, &capsule))
        return NULL;
    const Lexicon *lexicon = PyCapsule_GetPointer(capsule, CAPSULE);
    if (!lexicon)
        return NULL;
    Found found;
    int done = evidence_of(lexicon, text, sample, &found);
    if (done <= 0)
        return done ? NULL : Py_NewRef(Py_None);
    PyObject *result = fields(lexicon, &found);
    Py_XDECREF(found.text);
    return result;
}

/* A turn's role (borrowed), text (borrowed) and nontext, if it is a tuple of a str or None, a str and a
 * third and fourth field; else 0. */
static int turn_of(PyObject *turn, PyObject **role, PyObject **text, int *nontext) {
    if (!PyTuple_Check(turn) || PyTuple_GET_SIZE(turn) < 4)
        return 0;
    *role = PyTuple_GET_ITEM(turn, 0);
    *text = PyTuple_GET_ITEM(turn, 1);
    if (!(*role == Py_None || PyUnicode_CheckExact(*role)) || !PyUnicode_CheckExact(*text))
        return 0;
    *nontext = PyObject_IsTrue(PyTuple_GET_ITEM(turn, 3));
    if (*nontext < 0) { /* a field whose truth raises: the Python code raises it */
        PyErr_Clear();
        return 0;
    }
    return 1;
}

static int is(PyObject *role, const char *name) {
    return role != Py_None && PyUnicode_CompareWithASCIIString(role, name) == 0;
}

/* parts(turns, answer_roles, sample, enough, lexicon) -> (whole, question, answer, answer index) or None:
 * language._parts() of an example whose texts it reads are all plain (plain_size()), as it computes them:
 * each evidence as an Evidence's fields or (), the index None without an answer; None for any other
 * example (turns that are no list of turns too), which the Python code takes. `enough`: ENOUGH_WORDS. */
static PyObject *parts(PyObject *self, PyObject *args) {
    PyObject *turns, *answer_roles, *capsule, *role, *text, *result = NULL, *rest = NULL;
    Py_ssize_t sample, enough;
    if (!PyArg_ParseTuple(args, "OOnnO", &turns, &answer_roles, &sample, &enough, &capsule))
        return NULL;
    const Lexicon *lexicon = PyCapsule_GetPointer(capsule, CAPSULE);
    if (!lexicon)
        return NULL;
    if (!PyList_Check(turns))
        Py_RETURN_NONE;
    Py_ssize_t count = PyList_GET_SIZE(turns), answer = -1, question = -1;
    int nontext, done = 0;
    Found found_answer = {NULL}, found_question = {NULL}, found_rest = {NULL}, whole = {NULL}, found;
    for (Py_ssize_t i = count - 1; i >= 0; i--) { /* the final answer, then the last question in words */
        if (!turn_of(PyList_GET_ITEM(turns, i), &role, &text, &nontext))
            goto other;
        int answering = answer < 0 ? PySequence_Contains(answer_roles, role) : 0;
        if (answering < 0)
            goto done;
        if (answering) {
            if (nontext)
                break; /* a tool call, not an answer in words */
            if ((done = evidence_of(lexicon, text, sample, &found_answer)) <= 0)
                goto failed;
            answer = i;
            if (!found_answer.text)
                break; /* no answer in words */
        } else if (answer >= 0 && is(role, "user")) {
            if ((done = evidence_of(lexicon, text, sample, &found)) <= 0)
                goto failed;
            if (found.text) {
                question = i;
                found_question = found;
                break;
            }
        }
    }
    /* (an evidence without words has counts of 0: its initializer's) */
    Py_ssize_t room = found_question.counts.words + found_answer.counts.words < enough ? sample : 0;
    if (room > 0 && !(rest = PyList_New(0)))
        goto done;
    for (Py_ssize_t i = 0; i < count && room > 0; i++) { /* the other turns, up to `sample` characters */
        if (!turn_of(PyList_GET_ITEM(turns, i), &role, &text, &nontext))
            goto other;
        if (i == answer || i == question || role == Py_None || (nontext && !is(role, "user")))
            continue;
        int spoken = is(role, "user") || is(role, "assistant") || PySequence_Contains(answer_roles, role);
        if (spoken < 0)
            goto done;
        if (!spoken)
            continue;
        if (!PyUnicode_IS_ASCII(text))
            goto other;
        const unsigned char *data = PyUnicode_1BYTE_DATA(text);
        Py_ssize_t size = PyUnicode_GET_LENGTH(text), read = size < 2 * room ? size : 2 * room;
        if (memchr(data, '<', read) || json_like(data, read))
            goto other; /* what prose() would change, perhaps */
        Py_ssize_t k = 0;
        while (k < read && stripped(data[k]))
            k++;
        if (k == read)
            continue; /* only whitespace */
        Py_ssize_t taken = read < room ? read : room;
        PyObject *piece = PyUnicode_Substring(text, 0, taken);
        if (!piece || PyList_Append(rest, piece)) {
            Py_XDECREF(piece);
            goto done;
        }
        Py_DECREF(piece);
        room -= taken;
    }
    if (rest && PyList_GET_SIZE(rest)) {
        PyObject *separator = PyUnicode_FromString("\n");
        PyObject *joined = separator ? PyUnicode_Join(separator, rest) : NULL;
        Py_XDECREF(separator);
        if (!joined)
            goto done;
        done = evidence_of(lexicon, joined, sample, &found_rest);
        Py_DECREF(joined);
        if (done <= 0)
            goto failed;
    }
    if (add_found(lexicon, &whole, &found_question) || add_found(lexicon, &whole, &found_answer)
        || add_found(lexicon, &whole, &found_rest))
        goto done;
    PyObject *items[3] = {fields(lexicon, &whole), fields(lexicon, &found_question), fields(lexicon, &found_answer)};
    PyObject *index = answer < 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(answer);
    if (items[0] && items[1] && items[2] && index)
        result = PyTuple_Pack(4, items[0], items[1], items[2], index);
    for (int k = 0; k < 3; k++)
        Py_XDECREF(items[k]);
    Py_XDECREF(index);
    goto done;
failed: /* evidence_of() gave 0 (not plain: the Python code) or -1 (an error) */
    if (done < 0)
        goto done;
other:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(rest);
    Py_XDECREF(found_answer.text);
    Py_XDECREF(found_question.text);
    Py_XDECREF(found_rest.text);
    Py_XDECREF(whole.text);
    return result;
}

static PyMethodDef methods[] = {
    {"lexicon", lexicon, METH_VARARGS, "What stop_words() reads: the word lists, tables and letters."},
    {"stop_words", stop_words, METH_VARARGS, "Words, letters, hits and scores of lower-cased UTF-8, or None."},
    {"plain", plain, METH_VARARGS, "An ASCII text's evidence fields, or (), if clean() leaves it as it is."},
    {"parts", parts, METH_VARARGS, "An example's evidence, when every text it reads is plain; else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_language", NULL, -1, methods};

PyMODINIT_FUNC PyInit__language(void) { return PyModule_Create(&module); }
