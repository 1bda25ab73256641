"""optnative.StringBuilder and optnative.join against ''.join (the oracle):
equal text *and* the same canonical str kind (ASCII, latin-1, UCS-2, UCS-4),
which sys.getsizeof exposes.

Run by meson with PYTHONPATH=<build>/native; by hand:
    PYTHONPATH=build-nativea/native /usr/bin/python3.11 -m pytest tests/test_optnative_strings.py
"""
import sys

import pytest
from hypothesis import given, settings, strategies as st

import optnative

settings.register_profile("optdemo", deadline=None, max_examples=200)
settings.load_profile("optdemo")

# Every kind of character, lone surrogates included (they are valid in str).
any_char = st.characters(blacklist_categories=())
pieces = st.lists(st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x7F)),       # ASCII
    st.text(alphabet=st.characters(max_codepoint=0xFF)),       # latin-1
    st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=())),
    st.text(alphabet=any_char),
))


def assert_same_str(ours, expected):
    assert type(ours) is str
    assert ours == expected
    # Same length and same storage kind: the canonical form ''.join makes.
    assert sys.getsizeof(ours) == fresh_size(expected)


def fresh_size(text):
    """sys.getsizeof of a new str holding text, whatever text itself carries:
    ''.join of one piece is that piece, and a character below 256 is
    CPython's cached singleton, which 3.12+ keeps with its UTF-8 form beside
    it (3.13: the singleton '\x80' is 77 bytes, a new '\x80' 74).  Text
    twice over is a new string; one copy's characters come off again."""
    if not text:
        return sys.getsizeof(text)
    widest = max(map(ord, text))
    width = 1 if widest < 0x100 else 2 if widest < 0x10000 else 4
    return sys.getsizeof(text * 2) - len(text) * width


@given(pieces)
def test_join_equals_str_join(parts):
    expected = "".join(parts)
    assert_same_str(optnative.join(parts), expected)            # list
    assert_same_str(optnative.join(tuple(parts)), expected)     # tuple
    assert_same_str(optnative.join(iter(parts)), expected)      # any iterable


@given(pieces, pieces)
def test_builder_append_extend_build(first, second):
    builder = optnative.StringBuilder()
    for part in first:
        builder.append(part)
    assert_same_str(builder.build(), "".join(first))
    builder.extend(second)
    builder.extend(x for x in second)
    expected = "".join(first) + "".join(second) * 2
    assert len(builder) == builder.len() == len(expected)
    assert_same_str(builder.build(), expected)
    assert_same_str(builder.build(), expected)      # build() does not consume


def test_kinds_widen_in_any_order():
    parts = ["a", "\xe9", "\u20ac", "\U0001F600", "b"]
    for order in (parts, parts[::-1], parts[2:] + parts[:2]):
        assert_same_str(optnative.join(order), "".join(order))


def test_empty():
    assert_same_str(optnative.join([]), "")
    assert_same_str(optnative.join(["", ""]), "")
    assert_same_str(optnative.StringBuilder().build(), "")
    assert len(optnative.StringBuilder()) == 0


def test_str_subclasses_are_joined_as_str():
    class Name(str):
        pass
    result = optnative.join([Name("ab"), "c"])
    assert_same_str(result, "abc")


def test_many_pieces_cross_the_growth_steps():
    parts = [str(i) for i in range(100_000)]
    builder = optnative.StringBuilder()
    for part in parts:
        builder.append(part)
    assert_same_str(builder.build(), "".join(parts))
    assert sys.getsizeof(builder) >= len("".join(parts))


@pytest.mark.parametrize("bad, error, message", [
    (["a", 1], TypeError, "sequence item 1: expected str instance, int found"),
    (("a", b"b"), TypeError, "sequence item 1: expected str instance, bytes found"),
    (iter(["a", None]), TypeError, "sequence item 1: expected str instance, NoneType found"),
    (5, TypeError, "not iterable"),
])
def test_join_bad_input_matches_str_join(bad, error, message):
    with pytest.raises(error, match=message):
        optnative.join(bad)


def test_builder_bad_input():
    builder = optnative.StringBuilder()
    builder.append("ok")
    with pytest.raises(TypeError, match="must be str, not int"):
        builder.append(3)
    with pytest.raises(TypeError):
        builder.extend(7)
    with pytest.raises(TypeError, match="takes no arguments"):
        optnative.StringBuilder("x")
    assert builder.build() == "ok"      # failures changed nothing


def test_extend_keeps_items_before_a_bad_one_like_list_extend():
    builder = optnative.StringBuilder()
    with pytest.raises(TypeError):
        builder.extend(["a", "\u20ac", 3, "b"])
    # The reservation widened the buffer for the euro sign; the text is "a€".
    assert_same_str(builder.build(), "a\u20ac")
    with pytest.raises(TypeError):
        builder.extend(["c", "\U0001F600"[:0], 4])
    assert_same_str(builder.build(), "a\u20acc")


def test_reserved_but_unused_width_still_gives_canonical_str():
    builder = optnative.StringBuilder()
    with pytest.raises(TypeError):
        builder.extend(["ab", 1, "\U0001F600"])   # reserves UCS-4, appends only "ab"
    assert_same_str(builder.build(), "ab")


def test_iterator_errors_propagate():
    def parts():
        yield "a"
        raise KeyError("boom")
    with pytest.raises(KeyError):
        optnative.join(parts())


# --- extend(list) into an empty builder: the strs go straight into the str
# --- build() returns (measured, allocated once, copied in its kind).

kinds_and_empties = st.lists(st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=9),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0xFF), max_size=3),
    st.text(alphabet=st.characters(min_codepoint=0x100, max_codepoint=0xFFFF,
                                   blacklist_categories=()), max_size=3),
    st.text(alphabet=st.characters(min_codepoint=0x10000, blacklist_categories=()),
            max_size=3),
), max_size=60)


@given(kinds_and_empties, kinds_and_empties, kinds_and_empties)
def test_extend_list_then_more_equals_join(first, second, third):
    """The first list is joined into the builder's str, the next ones go to
    its buffer after it (widening it either way), and build() joins both in
    the canonical kind; each build() is ''.join of everything so far."""
    builder = optnative.StringBuilder()
    builder.extend(first)
    assert len(builder) == len("".join(first))
    assert_same_str(builder.build(), "".join(first))
    builder.extend(tuple(second))
    assert_same_str(builder.build(), "".join(first + second))
    for part in third:
        builder.append(part)
    assert_same_str(builder.build(), "".join(first + second + third))
    assert_same_str(optnative.join(first + second + third), "".join(first + second + third))


@given(kinds_and_empties, st.integers(min_value=0, max_value=60), kinds_and_empties)
def test_extend_keeps_the_strs_before_a_non_str_at_any_position(parts, position, later):
    position = min(position, len(parts))
    bad = parts[:position] + [position] + parts[position:]
    builder = optnative.StringBuilder()
    with pytest.raises(TypeError, match=f"sequence item {position}: expected str instance, "
                                        "int found"):
        builder.extend(bad)
    assert_same_str(builder.build(), "".join(parts[:position]))
    builder.extend(later)
    assert_same_str(builder.build(), "".join(parts[:position] + later))
    with pytest.raises(TypeError, match=f"sequence item {position}: expected str"):
        optnative.join(bad)


@given(kinds_and_empties)
def test_extend_from_any_iterable_equals_join(parts):
    """Not a list or tuple: a generator, a map, a dict's keys go through the
    buffer one str at a time, into an empty builder or after a list's str."""
    for make in (lambda: (part for part in parts), lambda: map(str, parts),
                 lambda: dict.fromkeys(parts)):
        expected = "".join(make())
        builder = optnative.StringBuilder()
        builder.extend(make())
        assert_same_str(builder.build(), expected)
        builder.extend(make())
        assert_same_str(builder.build(), expected * 2)
        builder = optnative.StringBuilder()
        builder.extend(list(parts))
        builder.extend(make())
        assert_same_str(builder.build(), "".join(parts) + expected)
        assert_same_str(optnative.join(make()), expected)


def test_empty_pieces_only():
    for parts in ([], [""], ["", "", ""], ("",) * 1000):
        builder = optnative.StringBuilder()
        builder.extend(parts)
        assert len(builder) == 0
        assert_same_str(builder.build(), "")
        builder.extend(["", "a", ""])
        assert_same_str(builder.build(), "a")
        assert_same_str(optnative.join(parts), "")


def test_a_built_str_never_changes_afterwards():
    """build() may hand out the builder's own str: appending after it must
    make a new str, not write into the one already returned."""
    builder = optnative.StringBuilder()
    builder.extend(["ab", "c"])
    first = builder.build()
    assert builder.build() is first        # nothing after it: the same str
    builder.append("\u20ac")
    builder.extend(["d"])
    second = builder.build()
    assert first == "abc"
    assert_same_str(second, "abc\u20acd")
    assert first == "abc"


def test_huge_counts():
    parts = [chr(0x61 + i % 26) * (1 + i % 8) for i in range(1_000_000)]
    expected = "".join(parts)
    builder = optnative.StringBuilder()
    builder.extend(parts)
    assert_same_str(builder.build(), expected)
    builder.extend(parts)
    assert_same_str(builder.build(), expected * 2)
    assert_same_str(optnative.join(parts), expected)
    assert_same_str(optnative.join(iter(parts)), expected)
    # Many references to a few long strs of every kind, then a widening.
    longs = ["x" * 10_000, "\xe9" * 10_000, "\u20ac" * 10_000, "\U0001F600" * 10_000]
    many = [longs[i % 3] for i in range(3_000)] + [longs[3]]
    assert_same_str(optnative.join(many), "".join(many))
    builder = optnative.StringBuilder()
    builder.extend(many[:1000])
    builder.extend(many)
    assert_same_str(builder.build(), "".join(many[:1000] + many))


def test_str_subclass_items_in_every_kind():
    class Name(str):
        pass
    parts = [Name("ab"), Name("\xe9"), "c", Name("\u20ac"), Name("\U0001F600"), Name("")]
    for order in (parts, parts[::-1]):
        builder = optnative.StringBuilder()
        builder.extend(order)
        assert_same_str(builder.build(), "".join(order))
        builder.extend(order)
        assert_same_str(builder.build(), "".join(order) * 2)
        assert_same_str(optnative.join(order), "".join(order))


def test_sizeof_counts_the_str_extend_made():
    parts = [str(i) for i in range(10_000)]
    builder = optnative.StringBuilder()
    empty_size = sys.getsizeof(builder)
    builder.extend(parts)
    assert sys.getsizeof(builder) >= empty_size + len("".join(parts))


def test_reference_counts_are_exact():
    """Every reference taken is given back: the pieces' (on success and on
    the TypeError), the built str's (the builder keeps one until it goes)."""
    parts = [f"w{i}" for i in range(50)] + ["\u20ac", "\U0001F600"]
    counts = [sys.getrefcount(part) for part in parts]
    builder = optnative.StringBuilder()
    builder.extend(parts)
    builder.extend(iter(parts))
    with pytest.raises(TypeError):
        builder.extend(parts[:3] + [None] + parts)
    text = builder.build()
    optnative.join(parts)
    optnative.join(iter(parts))
    with pytest.raises(TypeError):
        optnative.join(parts + [None])
    assert [sys.getrefcount(part) for part in parts] == counts

    builder = optnative.StringBuilder()
    builder.extend(parts)
    text = builder.build()
    held = sys.getrefcount(text)
    assert builder.build() is text
    assert sys.getrefcount(text) == held
    del builder
    assert sys.getrefcount(text) == held - 1
