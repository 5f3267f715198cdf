/* The compiled accelerator of jsonl_lint.text.keys: the whitespace-blind bytes of an example's parts.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in keys.py is the reference and the fallback. stripped() gives, byte for byte, what
 * keys.py's join, NUL escape, encode("utf-8", "surrogatepass"), translate and split give
 * (tests/text/test_keys.py compares them on random texts), in one pass over each string without
 * the joined, encoded and translated copies. The hashing stays in Python: hashlib's SHA-1 (OpenSSL,
 * with the processor's SHA instructions where there are some) took 2.8 us for an example's parts
 * where a SHA-1 written here in plain C took 6.7.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define PARTS 4 /* system, prompt, answer, tail */

/* keys._WHITESPACE: ASCII spaces, tabs, line breaks and form feeds, which keys ignore. */
static inline int whitespace(Py_UCS4 c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

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
        for (Py_ssize_t i = 0; i < length; i++) {
            /* written always, kept unless whitespace: no branch to mispredict in text full of spaces
             * (1.9 us an example, where skipping whitespace with a branch took 3.5) */
            unsigned char c = chars[i];
            out[n] = c;
            n += !whitespace(c);
            if (!c)
                out[n++] = 1;
        }
        return n;
    }
    int kind = PyUnicode_KIND(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            if (whitespace(c))
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

/* stripped(system, prompt, answer, tail) -> tuple of 4 bytes: each part's strings (a list of str)
 * joined with NUL 2, as whitespace-blind UTF-8. */
static PyObject *stripped(PyObject *self, PyObject *args) {
    PyObject *parts[PARTS];
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyList_Type, &parts[0], &PyList_Type, &parts[1], &PyList_Type,
                          &parts[2], &PyList_Type, &parts[3]))
        return NULL;
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

static PyMethodDef methods[] = {
    {"stripped", stripped, METH_VARARGS, "The whitespace-blind UTF-8 of each of an example's four parts."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_keys", NULL, -1, methods};

PyMODINIT_FUNC PyInit__keys(void) { return PyModule_Create(&module); }
