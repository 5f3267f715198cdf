/* The compiled accelerator of jsonl_lint.text.keys: the whitespace-blind bytes of an example's parts.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in keys.py is the reference and the fallback. stripped() gives, byte for byte, what
 * keys.py's join, NUL escape, encode("utf-8", "surrogatepass"), translate and split give
 * (tests/text/test_keys.py compares them on random texts), in one pass over each string without
 * the joined, encoded and translated copies. keys() computes an example's Keys as keys._keys() does,
 * from its turns, without a Python frame per step; it hashes with the hashlib SHA-1 it is given (OpenSSL,
 * with the processor's SHA instructions where there are some), which took 2.8 us for an example's parts
 * where a SHA-1 written here in plain C took 6.7, and combines keys with hash() of a tuple, as
 * keys.combine() does, so that the two give the same integers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define PARTS 4 /* system, prompt, answer, tail */

/* 1 for the ASCII characters that keys keep, 0 for keys._WHITESPACE (ASCII spaces, tabs, line breaks and
 * form feeds, which keys ignore); only ASCII is looked up. */
static const unsigned char KEPT[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* put()'s loop for ASCII without NUL: each byte written always, kept unless whitespace: no branch to
 * mispredict in text full of spaces (1.9 us an example, where skipping whitespace with a branch took
 * 3.5), and a lookup for whether to keep it (half the instructions of the comparisons). */
static Py_ssize_t put_kept(unsigned char *out, const unsigned char *chars, Py_ssize_t length) {
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = chars[i];
        out[n] = c;
        n += KEPT[c];
    }
    return n;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PACKED 1
/* For each mask of 8 bytes to keep (bit k: byte k), where the kept bytes come from, in order: the
 * shuffle that packs them first. */
static unsigned char PACK[256][8];
static int packs; /* the processor has SSSE3's shuffle (checked as the module loads) */

/* put()'s loop for an ASCII text without NUL, 16 bytes at a time: the whitespace found by two
 * comparisons, each half of the bytes packed by one shuffle and written 8 bytes at once, the next half
 * written where the kept bytes end (put()'s room: a string of kind 1 has 2 bytes a character). */
__attribute__((target("ssse3,popcnt"))) static Py_ssize_t put_packed(unsigned char *out, const unsigned char *chars,
                                                                     Py_ssize_t length) {
    const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), four = _mm_set1_epi8(4);
    Py_ssize_t n = 0, i = 0;
    for (; i + 16 <= length; i += 16) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(chars + i));
        __m128i past_tab = _mm_sub_epi8(bytes, tab); /* \t to \r: 0 to 4 */
        __m128i blank = _mm_or_si128(_mm_cmpeq_epi8(bytes, space),
                                     _mm_cmpeq_epi8(_mm_min_epu8(past_tab, four), past_tab));
        unsigned kept = ~(unsigned)_mm_movemask_epi8(blank), low = kept & 0xFF, high = kept >> 8 & 0xFF;
        _mm_storel_epi64((__m128i *)(out + n), _mm_shuffle_epi8(bytes, _mm_loadl_epi64((const __m128i *)PACK[low])));
        n += __builtin_popcount(low);
        __m128i upper = _mm_srli_si128(bytes, 8);
        _mm_storel_epi64((__m128i *)(out + n), _mm_shuffle_epi8(upper, _mm_loadl_epi64((const __m128i *)PACK[high])));
        n += __builtin_popcount(high);
    }
    return n + put_kept(out + n, chars + i, length - i);
}

static void init_packs(void) {
    for (int mask = 0; mask < 256; mask++)
        for (int bit = 0, k = 0; bit < 8; bit++)
            if (mask >> bit & 1)
                PACK[mask][k++] = (unsigned char)bit;
    __builtin_cpu_init();
    packs = __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt");
}
#else
#define PACKED 0
#endif

/* The most bytes `text` can take: a NUL takes 2 (NUL 1), and a code point of a string of kind 1, 2 or
 * 4 (its widest code point's bytes) 2, 3 or 4. */
static Py_ssize_t most_bytes(PyObject *text) {
    int kind = PyUnicode_KIND(text);
    return PyUnicode_GET_LENGTH(text) * (kind == PyUnicode_4BYTE_KIND ? 4 : kind + 1);
}

/* Write the UTF-8 of `text` at `out`, ASCII whitespace deleted and a NUL as NUL 1 (a surrogate is
 * encoded as any other code point, as "surrogatepass" does); the number of bytes written. */
static Py_ssize_t put(unsigned char *out, PyObject *text) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), n = 0;
    const void *data = PyUnicode_DATA(text);
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *chars = data;
        if (!memchr(chars, 0, length)) {
#if PACKED
            if (packs)
                return put_packed(out, chars, length);
#endif
            return put_kept(out, chars, length);
        }
        for (Py_ssize_t i = 0; i < length; i++) { /* a NUL written as NUL 1 */
            unsigned char c = chars[i];
            out[n] = c;
            n += KEPT[c];
            if (!c)
                out[n++] = 1;
        }
        return n;
    }
    int kind = PyUnicode_KIND(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            if (!KEPT[c])
                continue;
            out[n++] = (unsigned char)c;
            if (!c)
                out[n++] = 1;
        } else if (c < 0x800) {
            out[n++] = (unsigned char)(0xC0 | c >> 6);
            out[n++] = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[n++] = (unsigned char)(0xE0 | c >> 12);
            out[n++] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            out[n++] = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            out[n++] = (unsigned char)(0xF0 | c >> 18);
            out[n++] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
            out[n++] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            out[n++] = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    return n;
}

/* The whitespace-blind UTF-8 of each of the four `parts` (lists of str: each part's strings joined with
 * NUL 2), as a tuple of 4 bytes; NULL (TypeError) for a part that holds something else. */
static PyObject *strip_parts(PyObject *const parts[PARTS]) {
    PyObject *result = NULL;
    unsigned char *out = NULL;
    Py_ssize_t most = 1; /* the most bytes a part can take: the room each is written in, in turn */
    for (int p = 0; p < PARTS; p++) {
        Py_ssize_t size = 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parts[p]); i++) {
            PyObject *text = PyList_GET_ITEM(parts[p], i);
            if (!PyUnicode_Check(text)) {
                PyErr_SetString(PyExc_TypeError, "a part holds strings");
                goto done;
            }
#if PY_VERSION_HEX < 0x030C0000
            if (PyUnicode_READY(text)) /* a string of the old C API, which 3.12 removed */
                goto done;
#endif
            size += 2 + most_bytes(text); /* and the NUL 2 before it */
        }
        most = size > most ? size : most;
    }
    out = PyMem_Malloc(most);
    if (!out) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyTuple_New(PARTS);
    for (int p = 0; result && p < PARTS; p++) {
        Py_ssize_t n = 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parts[p]); i++) {
            if (i) {
                out[n++] = 0;
                out[n++] = 2;
            }
            n += put(out + n, PyList_GET_ITEM(parts[p], i));
        }
        PyObject *part = PyBytes_FromStringAndSize((const char *)out, n);
        if (part)
            PyTuple_SET_ITEM(result, p, part);
        else
            Py_CLEAR(result);
    }
done:
    PyMem_Free(out);
    return result;
}

/* stripped(system, prompt, answer, tail) -> tuple of 4 bytes: each part's strings (a list of str)
 * joined with NUL 2, as whitespace-blind UTF-8. */
static PyObject *stripped(PyObject *self, PyObject *args) {
    PyObject *parts[PARTS];
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyList_Type, &parts[0], &PyList_Type, &parts[1], &PyList_Type,
                          &parts[2], &PyList_Type, &parts[3]))
        return NULL;
    return strip_parts(parts);
}

/* keys.stable_hash(part) with `sha1` (hashlib's): the first 8 bytes of the digest, little-endian. */
static PyObject *stable_hash(PyObject *sha1, PyObject *part) {
    PyObject *hasher = PyObject_CallOneArg(sha1, part);
    if (!hasher)
        return NULL;
    static PyObject *name = NULL; /* "digest", made once */
    if (!name && !(name = PyUnicode_InternFromString("digest"))) {
        Py_DECREF(hasher);
        return NULL;
    }
    PyObject *digest = PyObject_CallMethodNoArgs(hasher, name);
    Py_DECREF(hasher);
    if (!digest)
        return NULL;
    if (!PyBytes_Check(digest) || PyBytes_GET_SIZE(digest) < 8) {
        Py_DECREF(digest);
        PyErr_SetString(PyExc_ValueError, "a digest of at least 8 bytes");
        return NULL;
    }
    const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(digest);
    unsigned long long value = 0;
    for (int k = 7; k >= 0; k--)
        value = value << 8 | bytes[k];
    Py_DECREF(digest);
    return PyLong_FromUnsignedLongLong(value);
}

/* keys.combine(*keys): hash() of the tuple of `keys` (NULL as -1), which is the same in every process. */
static PyObject *combine(PyObject *const *keys, int count) {
    PyObject *tuple = PyTuple_New(count);
    if (!tuple)
        return NULL;
    for (int k = 0; k < count; k++) {
        PyObject *key = keys[k];
        if (!key && !(key = PyLong_FromLong(-1))) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, k, key == keys[k] ? Py_NewRef(key) : key);
    }
    Py_hash_t hash = PyObject_Hash(tuple);
    Py_DECREF(tuple);
    return hash == -1 && PyErr_Occurred() ? NULL : PyLong_FromSsize_t(hash);
}

/* A turn's (role, text), borrowed, if it is a tuple of a str or None and a str; else 0. */
static int role_text(PyObject *turn, PyObject **role, PyObject **text) {
    if (!PyTuple_Check(turn) || PyTuple_GET_SIZE(turn) < 2)
        return 0;
    *role = PyTuple_GET_ITEM(turn, 0);
    *text = PyTuple_GET_ITEM(turn, 1);
    return (*role == Py_None || PyUnicode_CheckExact(*role)) && PyUnicode_CheckExact(*text);
}

/* Append a turn's role ("" for None) and text to `part`. */
static int add_turn(PyObject *part, PyObject *role, PyObject *text, PyObject *empty) {
    return PyList_Append(part, role == Py_None ? empty : role) || PyList_Append(part, text);
}

/* keys(turns, answer_roles, rejected, sha1) -> (example, content, system, prompt, answer): the fields of
 * keys._keys()'s Keys, computed as it computes them, or None for turns that are not a list of turns of
 * str roles (or None) and str texts (the Python code takes them). */
static PyObject *keys(PyObject *self, PyObject *args) {
    PyObject *turns, *answer_roles, *rejected, *sha1, *empty = NULL, *result = NULL;
    PyObject *parts[PARTS] = {NULL}, *hashed[PARTS] = {NULL}, *content = NULL, *whole = NULL;
    if (!PyArg_ParseTuple(args, "OOOO", &turns, &answer_roles, &rejected, &sha1))
        return NULL;
    PyObject *role, *text, *rejected_text = NULL;
    if (!PyList_Check(turns) || (rejected != Py_None && !role_text(rejected, &role, &rejected_text)))
        Py_RETURN_NONE;
    Py_ssize_t count = PyList_GET_SIZE(turns), last = -1;
    for (Py_ssize_t i = 0; i < count; i++)
        if (!role_text(PyList_GET_ITEM(turns, i), &role, &text))
            Py_RETURN_NONE;
    for (Py_ssize_t i = count - 1; i >= 0 && last < 0; i--) { /* the final answer */
        int found = PySequence_Contains(answer_roles, PyTuple_GET_ITEM(PyList_GET_ITEM(turns, i), 0));
        if (found < 0)
            return NULL;
        if (found)
            last = i;
    }
    Py_ssize_t end = last < 0 ? count : last;
    int prompted = 0; /* a turn before the answer that is no system turn */
    if (!(empty = PyUnicode_New(0, 0)))
        return NULL;
    for (int p = 0; p < PARTS; p++)
        if (!(parts[p] = PyList_New(0)))
            goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        role_text(PyList_GET_ITEM(turns, i), &role, &text);
        int system = role != Py_None && PyUnicode_CompareWithASCIIString(role, "system") == 0;
        int failed;
        if (i < end) {
            prompted |= !system;
            failed = add_turn(parts[system ? 0 : 1], role, text, empty);
        } else if (i == last)
            failed = PyList_Append(parts[2], text) || (rejected_text && PyList_Append(parts[2], rejected_text));
        else
            failed = add_turn(parts[3], role, text, empty);
        if (failed)
            goto done;
    }
    PyObject *stripped_parts = strip_parts(parts);
    if (!stripped_parts)
        goto done;
    for (int p = 0; p < PARTS; p++) { /* the system, prompt and tail keys when not empty; the answer's always */
        PyObject *part = PyTuple_GET_ITEM(stripped_parts, p);
        if ((p == 2 ? last >= 0 : PyBytes_GET_SIZE(part) > 0) && !(hashed[p] = stable_hash(sha1, part))) {
            Py_DECREF(stripped_parts);
            goto done;
        }
    }
    Py_DECREF(stripped_parts);
    PyObject *content_keys[3] = {hashed[1], hashed[2], hashed[3]};
    if (!(content = combine(content_keys, 3)))
        goto done;
    PyObject *whole_keys[2] = {hashed[0], content};
    if (!(whole = combine(whole_keys, 2)))
        goto done;
    PyObject *zero = hashed[0] ? NULL : PyLong_FromLong(0);
    if (!hashed[0] && !zero)
        goto done;
    PyObject *prompt = last >= 0 && prompted && hashed[1] ? hashed[1] : Py_None;
    result = PyTuple_Pack(5, whole, content, hashed[0] ? hashed[0] : zero, prompt, hashed[2] ? hashed[2] : Py_None);
    Py_XDECREF(zero);
done:
    for (int p = 0; p < PARTS; p++) {
        Py_XDECREF(parts[p]);
        Py_XDECREF(hashed[p]);
    }
    Py_XDECREF(content);
    Py_XDECREF(whole);
    Py_XDECREF(empty);
    return result;
}

static PyMethodDef methods[] = {
    {"stripped", stripped, METH_VARARGS, "The whitespace-blind UTF-8 of each of an example's four parts."},
    {"keys", keys, METH_VARARGS, "The fields of an example's Keys, or None for turns the Python code takes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_keys", NULL, -1, methods};

PyMODINIT_FUNC PyInit__keys(void) {
#if PACKED
    init_packs();
#endif
    return PyModule_Create(&module);
}
