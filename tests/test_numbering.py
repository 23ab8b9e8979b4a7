"""Renumbering a list a move left out of order (plans.numbering): a pure rule."""

import pytest

from plans.numbering import renumbered


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["1.1", "1.3", "1.2"], ["1.1", "1.2", "1.3"]),
        (["1.2", "1.3", "1.1", "1.4"], ["1.1", "1.2", "1.3", "1.4"]),
        (["2", "1"], ["1", "2"]),  # outcomes numbered as Merton's ESS plan numbers them
        (["3.", "1.", "2."], ["1.", "2.", "3."]),
        (["A2", "A1"], ["A1", "A2"]),
        (["4.10", "4.9"], ["4.9", "4.10"]),  # counted, not sorted as text
        (["1.1", "1.1"], ["1.1", "1.2"]),  # a repeated number is out of order too
        (["1.1", "1.2", "1.3"], None),  # in order
        (["1.1", "1.3"], None),  # a gap is in order: numbers a board knows stay
        (["1.1"], None),
        (["", ""], None),  # unnumbered outcomes
        (["1.2", "2.1", "1.1"], None),  # not one stem
        (["B.", "A."], None),  # lettered steps
        (["1.2", "1.1a"], None),
    ],
)
def test_renumbered(numbers, expected):
    assert renumbered(numbers) == expected
