/* The compiled accelerator of jsonl_lint.files.reader: the colons of a JSON line, and the keys it writes.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in reader.py is the reference and the fallback. colons() gives what reader.py's
 * raw.count(b":") and len(_KEY_END.findall(raw)) give (tests/files/test_reader.py compares them on
 * random lines), in one memchr() pass, where the two took 1.5 and 5.2 us on a 1.8 KB line.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* reader._KEY_END's whitespace: a key's closing quote, then these, then its colon. */
static inline int spacing(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* colons(raw) -> (colons, keys): the colons of the bytes `raw`, and those of them that a quote and
 * optional whitespace come before, as many as _KEY_END matches (each match ends at its only colon, and
 * a colon ends a match exactly when the byte before its whitespace is a quote). */
static PyObject *colons(PyObject *self, PyObject *arg) {
    Py_buffer raw;
    if (PyObject_GetBuffer(arg, &raw, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *start = raw.buf, *end = start + raw.len, *at = start;
    Py_ssize_t count = 0, keys = 0;
    while ((at = memchr(at, ':', end - at)) != NULL) {
        const unsigned char *back = at;
        while (back > start && spacing(back[-1]))
            back--;
        keys += back > start && back[-1] == '"';
        count++;
        at++;
    }
    PyBuffer_Release(&raw);
    return Py_BuildValue("nn", count, keys);
}

static PyMethodDef methods[] = {
    {"colons", colons, METH_O, "The colons of a JSON line, and the keys it writes (a quote, whitespace, a colon)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_reader", NULL, -1, methods};

PyMODINIT_FUNC PyInit__reader(void) { return PyModule_Create(&module); }
