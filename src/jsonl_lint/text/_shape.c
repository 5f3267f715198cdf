/* The compiled accelerator of jsonl_lint.jsonpath.shape: a record's type shape, which S005 keys every
 * record by.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in jsonpath.py is the reference and the fallback. shape() gives an object equal to the
 * Python's, of the same nested tuples and type objects, so its repr and hash, S005's memo and its
 * stable keys are the same (tests/test_jsonpath.py compares the two on random values, real records
 * and whole lints). It lives here, with the other twins; S005 (rules/schema.py) chooses it, for
 * jsonpath is a leaf of the import layers and imports nothing of the package.
 *
 * The Python's list of distinct item shapes is dict.fromkeys(found). Here a dict item of scalars
 * whose keys and value types are those of a shape already found (the same key objects, or equal
 * exact strings, and the same types) is a duplicate without building its shape: equal, with the same
 * hash, to one dict.fromkeys holds. Every other item's shape goes through a dict, as in the Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define DICT ((PyObject *)&PyDict_Type)
#define LIST ((PyObject *)&PyList_Type)

static PyObject *shape_of(PyObject *value, Py_ssize_t depth);

/* The depth below a level: a negative depth, which never reaches 0 in the Python, stays negative. */
static inline Py_ssize_t lower(Py_ssize_t depth) { return depth > 0 ? depth - 1 : depth; }

/* A two-tuple of `first` and `second`, which it takes (both NULL-safe: NULL on a NULL). */
static PyObject *pair(PyObject *first, PyObject *second) {
    PyObject *result = first && second ? PyTuple_New(2) : NULL;
    if (!result) {
        Py_XDECREF(first);
        Py_XDECREF(second);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, first);
    PyTuple_SET_ITEM(result, 1, second);
    return result;
}

/* Whether a value of type `kind` is shaped in full: an exact dict or list. */
static inline int nested(PyObject *kind) { return kind == DICT || kind == LIST; }

/* The shape of the dict `value` at a depth that is not 0: (tuple of its keys, tuple of its values'
 * types, a dict's or a list's its shape one level down). */
static PyObject *dict_shape(PyObject *value, Py_ssize_t depth) {
    Py_ssize_t n = PyDict_GET_SIZE(value), pos = 0, i = 0;
    PyObject *keys = PyTuple_New(n), *types = PyTuple_New(n), *key, *item, *values = NULL;
    int deeper = 0;
    if (!keys || !types)
        goto fail;
    while (i < n && PyDict_Next(value, &pos, &key, &item)) { /* no Python code runs in this loop */
        PyObject *kind = (PyObject *)Py_TYPE(item);
        deeper |= nested(kind);
        Py_INCREF(key);
        PyTuple_SET_ITEM(keys, i, key);
        Py_INCREF(kind);
        PyTuple_SET_ITEM(types, i, kind);
        i++;
    }
    if (deeper) {
        /* the values held while they are shaped: a key's __hash__, run below, may change the dict */
        values = PyDict_Values(value);
        if (!values)
            goto fail;
        if (Py_EnterRecursiveCall(" in shape"))
            goto fail;
        for (i = 0; i < n && i < PyList_GET_SIZE(values); i++) {
            if (!nested(PyTuple_GET_ITEM(types, i)))
                continue;
            PyObject *found = shape_of(PyList_GET_ITEM(values, i), lower(depth));
            if (!found) {
                Py_LeaveRecursiveCall();
                goto fail;
            }
            Py_SETREF(((PyTupleObject *)types)->ob_item[i], found);
        }
        Py_LeaveRecursiveCall();
        Py_DECREF(values);
    }
    return pair(keys, types);
fail:
    Py_XDECREF(keys);
    Py_XDECREF(types);
    Py_XDECREF(values);
    return NULL;
}

/* Whether two keys are the same object or equal exact strings (no Python code runs). */
static int same_key(PyObject *a, PyObject *b) {
    if (a == b)
        return 1;
    if (!PyUnicode_CheckExact(a) || !PyUnicode_CheckExact(b))
        return 0;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(a) || PyUnicode_READY(b)) { /* strings of the old C API, which 3.12 removed */
        PyErr_Clear();
        return 0;
    }
#endif
    Py_ssize_t length = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return length == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b) &&
           !memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)length * kind);
}

/* Whether the dict of scalars `item` has the shape `found` holds at one of its first `count` places:
 * an exact (keys, types) pair of its keys (same_key) and the very types of its values. */
static int known(PyObject *item, PyObject *found, Py_ssize_t count) {
    Py_ssize_t n = PyDict_GET_SIZE(item);
    for (Py_ssize_t f = 0; f < count; f++) {
        PyObject *shape = PyList_GET_ITEM(found, f);
        if (!PyTuple_CheckExact(shape) || PyTuple_GET_SIZE(shape) != 2)
            continue;
        PyObject *keys = PyTuple_GET_ITEM(shape, 0), *types = PyTuple_GET_ITEM(shape, 1);
        if (!PyTuple_CheckExact(keys) || !PyTuple_CheckExact(types) || PyTuple_GET_SIZE(keys) != n ||
            PyTuple_GET_SIZE(types) != n)
            continue;
        Py_ssize_t pos = 0, i = 0;
        PyObject *key, *value;
        while (PyDict_Next(item, &pos, &key, &value)) {
            if (i >= n || PyTuple_GET_ITEM(types, i) != (PyObject *)Py_TYPE(value) ||
                !same_key(PyTuple_GET_ITEM(keys, i), key))
                break;
            i++;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

/* The shape of the non-empty list `value` at a depth that is not 0: (list, *its items' distinct
 * shapes, in the order first seen), as the Python code finds each item's. */
static PyObject *list_shape(PyObject *value, Py_ssize_t depth) {
    PyObject *found = PyList_New(0), *seen = NULL, *result = NULL;
    if (!found || Py_EnterRecursiveCall(" in shape")) {
        Py_XDECREF(found);
        return NULL;
    }
    depth = lower(depth);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
        PyObject *item = PyList_GET_ITEM(value, i), *shape;
        int flat = 0; /* a (keys, types) pair: hashable, needs no hash to be the first */
        Py_INCREF(item);
        if (PyDict_CheckExact(item)) {
            /* an object of scalars is its keys and types at any depth, as in the Python */
            Py_ssize_t pos = 0;
            PyObject *key, *member;
            flat = 1;
            while (flat && PyDict_Next(item, &pos, &key, &member))
                flat = !nested((PyObject *)Py_TYPE(member));
            if (flat && known(item, found, PyList_GET_SIZE(found))) {
                Py_DECREF(item);
                continue;
            }
            shape = flat || depth ? dict_shape(item, depth) : Py_NewRef(DICT);
        } else if (PyTuple_CheckExact(item)) {
            /* the Python takes a tuple among the items for an object's (keys, types) pair: itself if
             * its second member holds neither dict nor list, else its type (orjson gives none) */
            if (PyTuple_GET_SIZE(item) < 2) {
                PyErr_SetString(PyExc_IndexError, "tuple index out of range");
                shape = NULL;
            } else {
                PyObject *second = PyTuple_GET_ITEM(item, 1);
                Py_INCREF(second);
                int holds = PySequence_Contains(second, DICT);
                if (holds == 0)
                    holds = PySequence_Contains(second, LIST);
                Py_DECREF(second);
                shape = holds < 0 ? NULL : holds ? shape_of(item, depth) : Py_NewRef(item);
            }
        } else {
            shape = shape_of(item, depth);
        }
        Py_DECREF(item);
        if (!shape)
            goto done;
        if (!PyList_GET_SIZE(found)) { /* dict.fromkeys hashes it (a shape holding a list cannot be) */
            int failed = !flat && PyObject_Hash(shape) == -1;
            failed = failed || PyList_Append(found, shape);
            Py_DECREF(shape);
            if (failed)
                goto done;
            continue;
        }
        if (!seen) { /* the dict of dict.fromkeys, made when a second shape may be new */
            seen = PyDict_New();
            for (Py_ssize_t f = 0; seen && f < PyList_GET_SIZE(found); f++)
                if (PyDict_SetItem(seen, PyList_GET_ITEM(found, f), Py_None))
                    Py_CLEAR(seen);
            if (!seen) {
                Py_DECREF(shape);
                goto done;
            }
        }
        Py_ssize_t before = PyDict_GET_SIZE(seen);
        int failed = PyDict_SetItem(seen, shape, Py_None);
        if (!failed && PyDict_GET_SIZE(seen) > before)
            failed = PyList_Append(found, shape);
        Py_DECREF(shape);
        if (failed)
            goto done;
    }
    result = PyTuple_New(1 + PyList_GET_SIZE(found));
    if (result) {
        PyTuple_SET_ITEM(result, 0, Py_NewRef(LIST));
        for (Py_ssize_t f = 0; f < PyList_GET_SIZE(found); f++)
            PyTuple_SET_ITEM(result, 1 + f, Py_NewRef(PyList_GET_ITEM(found, f)));
    }
done:
    Py_LeaveRecursiveCall();
    Py_DECREF(found);
    Py_XDECREF(seen);
    return result;
}

static PyObject *shape_of(PyObject *value, Py_ssize_t depth) {
    PyObject *kind = (PyObject *)Py_TYPE(value);
    if (kind == DICT)
        return depth ? dict_shape(value, depth) : Py_NewRef(DICT);
    if (kind == LIST)
        return depth && PyList_GET_SIZE(value) ? list_shape(value, depth) : Py_NewRef(LIST);
    return Py_NewRef(kind);
}

/* shape(value, depth) -> the shape jsonpath.shape gives; depth an int (a bool is one). */
static PyObject *shape(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "shape() takes a value and a depth");
        return NULL;
    }
    if (!PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "the depth is an int");
        return NULL;
    }
    int overflow;
    long depth = PyLong_AsLongAndOverflow(args[1], &overflow);
    if (depth == -1 && PyErr_Occurred())
        return NULL;
    if (overflow) /* deeper than any value nests, or never reaching 0 */
        depth = overflow > 0 ? LONG_MAX : -1;
    return shape_of(args[0], depth > PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : depth < -1 ? -1 : (Py_ssize_t)depth);
}

static PyMethodDef methods[] = {
    {"shape", (PyCFunction)(void (*)(void))shape, METH_FASTCALL, "The type shape of a parsed JSON value."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_shape", NULL, -1, methods};

PyMODINIT_FUNC PyInit__shape(void) { return PyModule_Create(&module); }
