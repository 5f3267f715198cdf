/* The compiled accelerator of jsonl_lint.text.minhash: shingles, MinHash signatures and band keys.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * numpy code in minhash.py is the reference and the fallback. Every function gives, bit for bit,
 * what its numpy twin gives (tests/text/test_minhash.py compares them on random texts): the same
 * arithmetic modulo 2**64 and 2**32, done a value at a time instead of an array at a time, which
 * saves the numpy calls' overhead on texts of a few hundred words.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BASE 0x100000001B3ULL /* minhash._BASE */
#define SPACE 32

/* Sort `values` (n of them) with `scratch` of the same size: a least-significant-digit radix sort,
 * eight passes of a byte each, three times faster than qsort on a few hundred shingles. */
static void radix_sort(uint64_t *values, uint64_t *scratch, Py_ssize_t n) {
    uint64_t *from = values, *to = scratch;
    for (int shift = 0; shift < 64; shift += 8) {
        Py_ssize_t counts[257] = {0};
        for (Py_ssize_t i = 0; i < n; i++)
            counts[((from[i] >> shift) & 0xFF) + 1]++;
        if (counts[((from[0] >> shift) & 0xFF) + 1] == n)
            continue; /* every value has this byte: nothing moves */
        for (int d = 0; d < 256; d++)
            counts[d + 1] += counts[d];
        for (Py_ssize_t i = 0; i < n; i++)
            to[counts[(from[i] >> shift) & 0xFF]++] = from[i];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != values)
        memcpy(values, from, n * sizeof(uint64_t));
}

/* `map` = the identity: the map of bytes normalised already. */
static void identity(unsigned char map[256]) {
    for (int c = 0; c < 256; c++)
        map[c] = (unsigned char)c;
}

/* The hashes of the word n-grams of the bytes `chars`, each read through `map` (normalised already: the
 * identity; an ASCII str: its normalisation), into `out` (room for size / 2 + 1), in text order, repeats
 * kept; their number. Words are runs of mapped bytes other than a space. */
static Py_ssize_t grams(const unsigned char *chars, Py_ssize_t size, const unsigned char *map, Py_ssize_t n,
                        const uint64_t *multipliers, uint64_t *out) {
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < size;) {
        if (map[chars[i]] == SPACE) {
            i++;
            continue;
        }
        uint64_t hash = 0, power = 1;
        for (unsigned char c; i < size && (c = map[chars[i]]) != SPACE; i++) {
            hash += c * power;
            power *= BASE;
        }
        out[count++] = hash;
    }
    if (!count)
        return 0;
    Py_ssize_t width = n < count ? n : count, found = count - width + 1;
    for (Py_ssize_t k = 0; k < found; k++) { /* in place: gram k reads words k.. k+width-1 only */
        uint64_t gram = 0;
        for (Py_ssize_t i = 0; i < width; i++)
            gram += out[k + i] * multipliers[i];
        out[k] = gram;
    }
    return found;
}

static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6BU;
    h ^= h >> 13;
    h *= 0xC2B2AE35U;
    return h ^ (h >> 16);
}

/* x86-64's baseline (SSE2) has no 32-bit vector multiply or minimum: the loop is also compiled for
 * AVX2, chosen at load time where the processor has it (GCC and Clang on ELF systems). */
#if defined(__x86_64__) && defined(__ELF__) && (defined(__clang__) || __GNUC__ >= 6)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* Permutations whose minima are computed together, over all the hashes: in registers (with their a and b),
 * where a loop over every permutation for each hash loaded and stored them all (2.2 times as long). */
#define PERM_BLOCK 32

/* least[p] = min over the hashes of a[p] * fmix32(hash >> 32) + b[p] modulo 2**32 (`values`: room for
 * count uint32, the mixed hashes). */
VECTOR_CLONES static void permute(const uint64_t *restrict hashes, Py_ssize_t count, const uint32_t *restrict a,
                                  const uint32_t *restrict b, uint32_t *restrict least, Py_ssize_t perms,
                                  uint32_t *restrict values) {
    for (Py_ssize_t i = 0; i < count; i++)
        values[i] = fmix32((uint32_t)(hashes[i] >> 32));
    Py_ssize_t p = 0;
    for (; p + PERM_BLOCK <= perms; p += PERM_BLOCK) {
        uint32_t lo[PERM_BLOCK], pa[PERM_BLOCK], pb[PERM_BLOCK];
        for (int k = 0; k < PERM_BLOCK; k++) {
            lo[k] = UINT32_MAX;
            pa[k] = a[p + k];
            pb[k] = b[p + k];
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            uint32_t value = values[i];
            for (int k = 0; k < PERM_BLOCK; k++) {
                uint32_t permuted = pa[k] * value + pb[k];
                lo[k] = permuted < lo[k] ? permuted : lo[k];
            }
        }
        for (int k = 0; k < PERM_BLOCK; k++)
            least[p + k] = lo[k];
    }
    for (; p < perms; p++) { /* the permutations past the last whole block */
        uint32_t lo = UINT32_MAX;
        for (Py_ssize_t i = 0; i < count; i++) {
            uint32_t permuted = a[p] * values[i] + b[p];
            lo = permuted < lo ? permuted : lo;
        }
        least[p] = lo;
    }
}

/* keys[band] = the upper 32 bits of the sum modulo 2**64 of the band's values times their multipliers. */
static void bands_of(const uint32_t *values, Py_ssize_t bands, Py_ssize_t rows, const uint64_t *multipliers,
                     uint32_t *keys) {
    for (Py_ssize_t band = 0; band < bands; band++) {
        uint64_t sum = 0;
        for (Py_ssize_t row = band * rows; row < (band + 1) * rows; row++)
            sum += values[row] * multipliers[row];
        keys[band] = (uint32_t)(sum >> 32);
    }
}

static int check_ngram(Py_ssize_t n, const Py_buffer *position) {
    if (n >= 1 && (size_t)n <= position->len / sizeof(uint64_t))
        return 0;
    PyErr_SetString(PyExc_ValueError, "n-gram size out of range");
    return -1;
}

static int check_bands(Py_ssize_t bands, Py_ssize_t rows, Py_ssize_t values, const Py_buffer *multipliers) {
    if (bands >= 0 && rows >= 0 && bands * rows <= values &&
        (size_t)(bands * rows) <= multipliers->len / sizeof(uint64_t))
        return 0;
    PyErr_SetString(PyExc_ValueError, "more bands and rows than signature values");
    return -1;
}

/* shingles(data, n, position) -> bytes: the sorted unique n-gram hashes of `data` (`position`: the
 * multipliers of the places in an n-gram, at least n uint64). */
static PyObject *shingles(PyObject *self, PyObject *args) {
    Py_buffer data, position;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*ny*", &data, &n, &position))
        return NULL;
    PyObject *result = NULL;
    uint64_t *words = NULL;
    Py_ssize_t most = data.len / 2 + 1; /* a word and its separator: 2 bytes */
    if (check_ngram(n, &position))
        goto done;
    words = PyMem_Malloc(sizeof(uint64_t) * 2 * most); /* the n-grams, and room to sort them */
    if (!words) {
        PyErr_NoMemory();
        goto done;
    }
    unsigned char same[256];
    identity(same);
    Py_ssize_t found = grams(data.buf, data.len, same, n, position.buf, words), unique = 0;
    if (found)
        radix_sort(words, words + most, found);
    for (Py_ssize_t k = 0; k < found; k++)
        if (!unique || words[k] != words[unique - 1])
            words[unique++] = words[k];
    result = PyBytes_FromStringAndSize((const char *)words, unique * sizeof(uint64_t));
done:
    PyMem_Free(words);
    PyBuffer_Release(&data);
    PyBuffer_Release(&position);
    return result;
}

/* signature(hashes, a, b) -> bytes: the MinHash signature (uint32, one per permutation) of the 64-bit
 * shingle hashes (a and b: uint32, as many as there are permutations). */
static PyObject *signature(PyObject *self, PyObject *args) {
    Py_buffer hashes, a, b;
    if (!PyArg_ParseTuple(args, "y*y*y*", &hashes, &a, &b))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t perms = a.len / sizeof(uint32_t), count = hashes.len / sizeof(uint64_t);
    if (b.len != a.len || !count) {
        PyErr_SetString(PyExc_ValueError, "a signature needs shingles, and as many b as a");
        goto done;
    }
    uint32_t *values = PyMem_Malloc(sizeof(uint32_t) * count);
    if (!values) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, perms * sizeof(uint32_t));
    if (result)
        permute(hashes.buf, count, a.buf, b.buf, (uint32_t *)PyBytes_AS_STRING(result), perms, values);
    PyMem_Free(values);
done:
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return result;
}

/* band_keys(sig, bands, rows, multipliers) -> bytes: one uint32 key per band of the signature. */
static PyObject *band_keys(PyObject *self, PyObject *args) {
    Py_buffer sig, multipliers;
    Py_ssize_t bands, rows;
    if (!PyArg_ParseTuple(args, "y*nny*", &sig, &bands, &rows, &multipliers))
        return NULL;
    PyObject *result = NULL;
    if (check_bands(bands, rows, sig.len / sizeof(uint32_t), &multipliers))
        goto done;
    result = PyBytes_FromStringAndSize(NULL, bands * sizeof(uint32_t));
    if (result)
        bands_of(sig.buf, bands, rows, multipliers.buf, (uint32_t *)PyBytes_AS_STRING(result));
done:
    PyBuffer_Release(&sig);
    PyBuffer_Release(&multipliers);
    return result;
}

#define MAX_PERMS 1024

/* sketch(data, n, position, a, b, bands, rows, multipliers[, table]) -> bytes: band_keys(signature(shingles(...)))
 * in one step, b"" without a word. The n-grams are neither sorted nor made unique: a minimum needs
 * neither. `data` is normalised bytes, or an ASCII str normalised here as minhash.normalise() does one:
 * lower-cased, then each byte through `table` (minhash._TABLE: the separators as spaces). */
static PyObject *sketch(PyObject *self, PyObject *args) {
    PyObject *source;
    Py_buffer data = {0}, position, a, b, multipliers, table = {0};
    Py_ssize_t n, bands, rows;
    if (!PyArg_ParseTuple(args, "Ony*y*y*nny*|y*", &source, &n, &position, &a, &b, &bands, &rows, &multipliers,
                          &table))
        return NULL;
    PyObject *result = NULL;
    uint64_t *words = NULL;
    unsigned char map[256]; /* what each byte reads as */
    uint32_t least[MAX_PERMS];
    Py_ssize_t perms = a.len / sizeof(uint32_t);
    if (check_ngram(n, &position) || check_bands(bands, rows, perms, &multipliers))
        goto done;
    if (b.len != a.len || perms > MAX_PERMS) {
        PyErr_SetString(PyExc_ValueError, "as many b as a, and at most 1024 permutations");
        goto done;
    }
    const unsigned char *chars;
    Py_ssize_t size;
    if (PyUnicode_Check(source)) {
        if (!PyUnicode_IS_ASCII(source) || table.len != 256) {
            PyErr_SetString(PyExc_ValueError, "a str must be ASCII, and come with the 256-byte table");
            goto done;
        }
        chars = PyUnicode_1BYTE_DATA(source);
        size = PyUnicode_GET_LENGTH(source);
        const unsigned char *separators = table.buf;
        for (int c = 0; c < 256; c++) /* str.lower() of ASCII, then bytes.translate(): one lookup a byte */
            map[c] = separators[c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c];
    } else {
        if (PyObject_GetBuffer(source, &data, PyBUF_SIMPLE) < 0)
            goto done;
        chars = data.buf;
        size = data.len;
        identity(map);
    }
    Py_ssize_t most = size / 2 + 1; /* n-grams at most: a word and its separator are 2 bytes */
    words = PyMem_Malloc((sizeof(uint64_t) + sizeof(uint32_t)) * most); /* and their mixed values */
    if (!words) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t found = grams(chars, size, map, n, position.buf, words);
    if (!found) {
        result = PyBytes_FromStringAndSize(NULL, 0);
        goto done;
    }
    permute(words, found, a.buf, b.buf, least, perms, (uint32_t *)(words + most));
    result = PyBytes_FromStringAndSize(NULL, bands * sizeof(uint32_t));
    if (result)
        bands_of(least, bands, rows, multipliers.buf, (uint32_t *)PyBytes_AS_STRING(result));
done:
    PyMem_Free(words);
    PyBuffer_Release(&data);
    PyBuffer_Release(&position);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&multipliers);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"shingles", shingles, METH_VARARGS, "Sorted unique word n-gram hashes of normalised bytes."},
    {"signature", signature, METH_VARARGS, "The MinHash signature of shingle hashes."},
    {"band_keys", band_keys, METH_VARARGS, "LSH band keys of a signature."},
    {"sketch", sketch, METH_VARARGS, "The LSH band keys of normalised bytes' (or an ASCII str's) n-grams."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_minhash", NULL, -1, methods};

PyMODINIT_FUNC PyInit__minhash(void) { return PyModule_Create(&module); }
