"""core.models.initials_of: the letters of a locally drawn avatar."""

import pytest

from core.models import initials_of


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Maria Rossi", "MR"),
        ("maria rossi bianchi", "MR"),  # two at most, upper case
        ("ada", "A"),
        ("- Maria  Rossi", "MR"),  # a word that is not a name's is skipped
        ("\U0001f4a5 Bang Bum", "BB"),
        ("Zoë \u201cZ\u201d", "Z"),
        ("", "?"),
        ("   ", "?"),
        ("--- ...", "?"),
    ],
)
def test_initials_are_the_first_letters_of_the_first_two_words(name, initials):
    assert initials_of(name) == initials
