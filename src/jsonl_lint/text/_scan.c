/* The compiled prefilter of jsonl_lint.text.scan's gate: whether _GATE may match a text at all.
 *
 * Optional: built by pip with the system's C compiler when there is one (hatch_build.py), and the
 * Python code in scan.py is the reference and the fallback. may_match() says no only where _GATE has
 * no match (tests/text/test_scan_gate.py checks it on random texts and real examples); a yes costs only
 * time, for _gate() then runs the regex as it always does, so findings cannot change. On ordinary
 * prose the regex engine spends most of its time testing each character against the first
 * character's class; here a table lookup per character passes over all but the few that may start a
 * candidate, and only those look at their neighbours:
 *
 * - P002: a digit with, at least ten characters before it, one of [0-9+(] and only [0-9 ().-] between
 *   (the phone branch exactly);
 * - P003: the literal anchors of _SECRET_BRANCHES (sk-, xox[baprs]-, -----BEGIN, AKIA, ASIA,
 *   SecretAccessKey, AIza, gh[pousr]_, github_pat_, secret_access in any case, eyJ), without the \b;
 * - J004: any character of CONTROL_CLASS;
 * - J005: a Windows-1252 continuation character after one of U+00C2-U+00F4, or a Mac Roman lead
 *   character before a Mac Roman continuation character (the mojibake branches exactly).
 *
 * The control and mojibake classes are scan.py's, handed over once to classes(); every one is in the
 * Basic Multilingual Plane. The phone and secret characters are the regex's literals, written here.
 * An ASCII string meets no mojibake class: none of its characters has those flags.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define CAPSULE "jsonl_lint.text._scan.classes"
#define PLANE 0x10000 /* the table covers the Basic Multilingual Plane */
/* What a character may be (Classes.flags): */
#define CONTROL 1   /* J004 */
#define DIGIT 2     /* the end of a phone number */
#define SECRET 4    /* - _ K S z J: where the regex enters a secret's anchor */
#define CP_LEAD 8   /* U+00C2-U+00F4 */
#define CP_CONT 16  /* a continuation byte read as Windows-1252 or Latin-1 */
#define MAC_LEAD 32 /* ¬ √ ƒ ≈ ∆ ‚ and the Apple logo */
#define MAC_CONT 64 /* a continuation byte read as Mac Roman */
#define ENTRY (CONTROL | DIGIT | SECRET | CP_CONT | MAC_LEAD) /* a character a candidate may stand on */

typedef struct {
    unsigned char flags[PLANE];
} Classes;

static void capsule_free(PyObject *capsule) { PyMem_Free(PyCapsule_GetPointer(capsule, CAPSULE)); }

/* Mark each character of `chars` (a str) with `flag`; -1 (ValueError) if one is beyond the table. */
static int mark(Classes *classes, PyObject *chars, unsigned char flag) {
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(chars))
        return -1;
#endif
    int kind = PyUnicode_KIND(chars);
    const void *data = PyUnicode_DATA(chars);
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(chars); i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= PLANE) {
            PyErr_SetString(PyExc_ValueError, "the classes are characters of the Basic Multilingual Plane");
            return -1;
        }
        classes->flags[c] |= flag;
    }
    return 0;
}

/* classes(control, cp_leads, cp_cont, mac_leads, mac_cont) -> capsule: the characters of each class,
 * each a str, as scan.py's regexes have them. */
static PyObject *classes(PyObject *self, PyObject *args) {
    PyObject *sets[5];
    static const unsigned char flags[5] = {CONTROL, CP_LEAD, CP_CONT, MAC_LEAD, MAC_CONT};
    if (!PyArg_ParseTuple(args, "UUUUU", &sets[0], &sets[1], &sets[2], &sets[3], &sets[4]))
        return NULL;
    Classes *classes = PyMem_Calloc(1, sizeof(Classes));
    if (!classes)
        return PyErr_NoMemory();
    for (int s = 0; s < 5; s++)
        if (mark(classes, sets[s], flags[s])) {
            PyMem_Free(classes);
            return NULL;
        }
    for (int c = '0'; c <= '9'; c++)
        classes->flags[c] |= DIGIT;
    for (const char *c = "-_KSzJ"; *c; c++)
        classes->flags[(unsigned char)*c] |= SECRET;
    PyObject *capsule = PyCapsule_New(classes, CAPSULE, capsule_free);
    if (!capsule)
        PyMem_Free(classes);
    return capsule;
}

/* A text being read: PyUnicode_READ's view of it. The neighbours of the few characters that may
 * start a candidate are read this way; the loop over every character has a copy per kind. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t length;
} Text;

static inline Py_UCS4 at(const Text *text, Py_ssize_t i) { return PyUnicode_READ(text->kind, text->data, i); }

static inline unsigned char flags_of(const Classes *classes, Py_UCS4 c) { return c < PLANE ? classes->flags[c] : 0; }

/* The text from `i` on starts with the ASCII `literal`. */
static int literal(const Text *text, Py_ssize_t i, const char *literal) {
    Py_ssize_t n = (Py_ssize_t)strlen(literal);
    if (i < 0 || i + n > text->length)
        return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (at(text, i + k) != (unsigned char)literal[k])
            return 0;
    return 1;
}

/* The text from `i` on starts with `lower` (ASCII letters) in any case, as Python's case-insensitive
 * matching has it: s is also the long s, U+017F (tests/text/test_scan_gate.py lists the others). */
static int folded(const Text *text, Py_ssize_t i, const char *lower) {
    Py_ssize_t n = (Py_ssize_t)strlen(lower);
    if (i < 0 || i + n > text->length)
        return 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 c = at(text, i + k), letter = (unsigned char)lower[k];
        if (c != letter && c != letter - 32 && !(letter == 's' && c == 0x17F))
            return 0;
    }
    return 1;
}

/* The text at `i` is one of the ASCII `characters`. */
static int one_of(const Text *text, Py_ssize_t i, const char *characters) {
    if (i < 0 || i >= text->length)
        return 0;
    Py_UCS4 c = at(text, i);
    for (; *characters; characters++)
        if (c == (unsigned char)*characters)
            return 1;
    return 0;
}

/* A secret's anchor around the text's `i`th character, one of - _ K S z J, as _SECRET_BRANCHES enters
 * each (without its \b). */
static int secret(const Text *text, Py_ssize_t i) {
    switch (at(text, i)) {
    case '-':
        return literal(text, i - 2, "sk") || (literal(text, i - 4, "xox") && one_of(text, i - 1, "baprs")) ||
               literal(text, i + 1, "----BEGIN");
    case 'K':
        return (literal(text, i - 1, "AK") && literal(text, i + 1, "IA")) ||
               (literal(text, i - 12, "SecretAccess") && literal(text, i + 1, "ey"));
    case 'S':
        return literal(text, i - 1, "AS") && literal(text, i + 1, "IA");
    case 'z':
        return literal(text, i - 2, "AI") && literal(text, i + 1, "a");
    case '_':
        return (literal(text, i - 3, "gh") && one_of(text, i - 1, "pousr")) ||
               (literal(text, i - 6, "github") && literal(text, i + 1, "pat_")) ||
               (folded(text, i - 6, "secret") && folded(text, i + 1, "access"));
    case 'J':
        return literal(text, i - 2, "ey");
    }
    return 0;
}

/* A phone branch ending at the digit at `j`: one of [0-9+(] at least ten characters before it, and
 * only [0-9 ().-] between. */
static int phone(const Text *text, Py_ssize_t j) {
    Py_ssize_t i = j - 1;
    for (; i >= 0; i--) {
        Py_UCS4 c = at(text, i);
        int digit = c >= '0' && c <= '9';
        if (!digit && c != ' ' && c != '(' && c != ')' && c != '.' && c != '-')
            break;
        if (i <= j - 10 && (digit || c == '('))
            return 1;
    }
    return i >= 0 && i <= j - 10 && at(text, i) == '+';
}

/* The loop over every character, for strings of code units of TYPE: most characters have no flag
 * that starts a candidate and cost one table lookup. */
#define SCANNER(TYPE)                                                                                       \
    static int scan_##TYPE(const Classes *classes, const Text *text) {                                     \
        const TYPE *chars = text->data;                                                                     \
        for (Py_ssize_t i = 0; i < text->length; i++) {                                                     \
            unsigned char flags = flags_of(classes, chars[i]);                                              \
            if (!(flags & ENTRY))                                                                           \
                continue;                                                                                   \
            if (flags & CONTROL)                                                                            \
                return 1;                                                                                   \
            if ((flags & DIGIT) && i >= 10 && phone(text, i))                                               \
                return 1;                                                                                   \
            if ((flags & SECRET) && secret(text, i))                                                        \
                return 1;                                                                                   \
            if ((flags & CP_CONT) && i > 0 && (flags_of(classes, chars[i - 1]) & CP_LEAD))                  \
                return 1;                                                                                   \
            if ((flags & MAC_LEAD) && i + 1 < text->length && (flags_of(classes, chars[i + 1]) & MAC_CONT)) \
                return 1;                                                                                   \
        }                                                                                                   \
        return 0;                                                                                           \
    }

SCANNER(Py_UCS1)
SCANNER(Py_UCS2)
SCANNER(Py_UCS4)

/* may_match(text, classes) -> bool: False only if scan._GATE matches nowhere in `text`. */
static PyObject *may_match(PyObject *self, PyObject *args) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, "UO", &text, &capsule))
        return NULL;
    const Classes *classes = PyCapsule_GetPointer(capsule, CAPSULE);
    if (!classes)
        return NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text)) /* a string of the old C API, which 3.12 removed */
        return NULL;
#endif
    Text view = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    int found;
    switch (view.kind) {
    case PyUnicode_1BYTE_KIND:
        found = scan_Py_UCS1(classes, &view);
        break;
    case PyUnicode_2BYTE_KIND:
        found = scan_Py_UCS2(classes, &view);
        break;
    default:
        found = scan_Py_UCS4(classes, &view);
    }
    return PyBool_FromLong(found);
}

static PyMethodDef methods[] = {
    {"classes", classes, METH_VARARGS, "What may_match() reads: the control and mojibake classes."},
    {"may_match", may_match, METH_VARARGS, "False only if the content scan's gate matches nowhere in a text."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
