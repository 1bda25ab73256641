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
