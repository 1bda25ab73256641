"""Pitfall: building a string with `+=` in a loop.

The classic advice is "never do s += piece in a loop, collect the pieces and
''.join() them". On CPython that advice is only half true, and this file
shows both halves. Run it with `optdemo run string_concat`.
"""

import random

try:
    import optnative
except ImportError:  # not built for this interpreter: native is reported unavailable
    optnative = None

ID = "string_concat"
TITLE = "Building a string with += in a loop"
SECTION = "String concatenation"
EXPLANATION = """\
Python strings are immutable, so `s += piece` must in principle build a new
string and copy everything written so far: n appends cost O(n^2) bytes of
copying. CPython cheats when it can prove nobody else sees the string: if `s`
is a local variable holding the only reference, the interpreter resizes the
string in place (realloc, which usually grows the block without copying) and
`+=` becomes amortised linear. So `before` below is often nearly as fast as
`''.join()`; the join is still ahead because it measures all the pieces first,
allocates the result once and copies each piece exactly once, with the loop
in C.

The shortcut disappears as soon as a second reference exists. `before_aliased`
keeps one (`alias = s`) and every `+=` copies the whole string: the quadratic
cost the advice warns about. The same happens, without any visible alias,
when the string lives in an attribute (`self.text += piece`), a dict entry or
a global, and always on PyPy, whose strings have no such shortcut. The
shortcut lives in one of the bytecodes CPython specialises as a loop warms
up (BINARY_OP_INPLACE_ADD_UNICODE, 3.11 on); the free-threaded 3.13t does not
specialise at all (CPython issue gh-115999), so there `before` is quadratic
too and `''.join()` wins by far more than on a GIL build.

`native` fills optnative's StringBuilder (a C buffer that doubles when full)
in one C loop and builds the str once. It is no faster than `''.join()`, a
little slower: the join already runs its loop in C and copies each piece
once, straight into the result, while the builder copies into its own buffer
and then into the str. What `native` gains over `before` comes from leaving
the bytecode loop, none of it from a cleverer buffer.

Timed region: one call builds the whole string from the list of pieces that
setup made (random short words, 1-8 characters). Building the pieces is not
timed; `after` is a single `''.join(pieces)`; `native` is one
`StringBuilder.extend(pieces)` and one `build()`.
"""
SIZES = {"quick": 5_000, "default": 50_000,
         "sweep": [2_000, 5_000, 10_000, 20_000, 50_000, 200_000]}
VARIANTS = ["before", "before_aliased", "after", "native"]
REQUIRES = {"native": ["optnative"]}
NOTES = {
    "before": "CPython resizes a string with one reference in place: linear, not quadratic",
    "before_aliased": "a second reference forces a full copy on every +=: quadratic",
}


def setup(n):
    """n pieces drawn from a vocabulary of 1000 random short words."""
    rng = random.Random(20240601)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
                  for _ in range(1000)]
    return [rng.choice(vocabulary) for _ in range(n)]


def before(pieces):
    text = ""
    for piece in pieces:
        text += piece
    return text


def before_aliased(pieces):
    text = ""
    for piece in pieces:
        alias = text          # a second reference: text can no longer grow in place
        text += piece
    return text


def after(pieces):
    return "".join(pieces)


def native(pieces):
    builder = optnative.StringBuilder()
    builder.extend(pieces)        # the loop over the pieces runs in C
    return builder.build()
