"""The part of Structured Field Values (RFC 8941) signatures read, with RFC 8941's examples."""

import pytest

from fediverse import structured_fields as sf


def test_a_dictionary_of_every_item_kind_is_read_and_serialised_back():
    text = 'a=?0, b, c;foo=bar, d=("x" "y";q=1);n=-42, e=:cHJldGVuZCB0aGlzIGlzIGJpbmFyeQ==:'

    members = sf.parse_dictionary(text)

    assert members["a"] == (False, {})
    assert members["b"] == (True, {})
    assert members["c"] == (True, {"foo": sf.Token("bar")})
    assert members["d"] == ([("x", {}), ("y", {"q": 1})], {"n": -42})
    assert members["e"] == (b"pretend this is binary", {})
    assert sf.serialize_inner_list(*members["d"]) == '("x" "y";q=1);n=-42'
    assert sf.serialize_item(*members["c"]) == "?1;foo=bar"
    assert sf.serialize_item(members["e"][0]) == ":cHJldGVuZCB0aGlzIGlzIGJpbmFyeQ==:"


def test_whitespace_around_members_and_inside_inner_lists_is_not_kept():
    members = sf.parse_dictionary('sig1=(  "@method"   "@path" );created=1 ,  sig2=()')

    assert sf.serialize_inner_list(*members["sig1"]) == '("@method" "@path");created=1'
    assert members["sig2"] == ([], {})


@pytest.mark.parametrize(
    "text",
    ["a=", "A=1", "a=1,", "a=(1 2", 'a="unterminated', 'a="\\n"', "a=1.5", "a=:abc", "a=1 b=2"],
)
def test_what_is_not_a_dictionary_is_refused(text):
    with pytest.raises(sf.StructuredFieldError):
        sf.parse_dictionary(text)
