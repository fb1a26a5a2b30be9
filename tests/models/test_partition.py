"""Visible/hidden partitions: invariants and validation."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tnbp.models.partition import Partition


def test_first_and_sizes():
    p = Partition.first(2, 6)
    assert p == Partition((0, 1), (2, 3, 4, 5))
    assert (p.n, p.n_visible, p.n_hidden) == (6, 2, 4)
    everything = Partition.first(3, 3)
    assert everything.hidden == () and everything.n == 3


def test_blocks_anywhere_in_the_chain():
    """Only Partition.first existed: no visible set in the middle of the chain."""
    assert Partition.middle(2, 6) == Partition((2, 3), (0, 1, 4, 5))
    assert Partition.middle(2, 7) == Partition(
        (2, 3), (0, 1, 4, 5, 6)
    )  # left of centre
    assert Partition.middle(3, 7) == Partition((2, 3, 4), (0, 1, 5, 6))
    assert Partition.middle(1, 1) == Partition.first(1, 1) == Partition.last(1, 1)
    assert Partition.last(2, 5) == Partition((3, 4), (0, 1, 2))
    assert Partition.block(1, 4, 6) == Partition((1, 2, 3), (0, 4, 5))
    assert Partition.block(0, 2, 6) == Partition.first(2, 6)
    assert Partition.block(4, 6, 6) == Partition.last(2, 6)
    assert Partition.from_visible([5, 1], 6) == Partition((5, 1), (0, 2, 3, 4))
    assert Partition.from_visible(3, 4) == Partition((3,), (0, 1, 2))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_middle_blocks_are_centred(case):
    n, k = case
    p = Partition.middle(k, n)
    left, right = p.visible[0], n - 1 - p.visible[-1]
    assert p.visible == tuple(range(left, left + k)) and p.n == n
    assert right - left in (0, 1)  # centred, or one qubit left of centre


def test_bad_blocks_name_the_argument():
    with pytest.raises(ValueError, match="start < stop <= n = 6.*start=3, stop=3"):
        Partition.block(3, 3, 6)
    with pytest.raises(ValueError, match="start < stop <= n = 6"):
        Partition.block(4, 7, 6)
    with pytest.raises(ValueError, match="`start`"):
        Partition.block(-1, 2, 6)
    with pytest.raises(TypeError, match="`stop`"):
        Partition.block(0, 2.5, 6)
    with pytest.raises(ValueError, match="`n_visible` \\(4\\) exceeds `n` \\(3\\)"):
        Partition.middle(4, 3)
    with pytest.raises(ValueError, match="`n_visible`"):
        Partition.last(0, 3)
    with pytest.raises(ValueError, match="`n`"):
        Partition.middle(1, 0)
    with pytest.raises(
        ValueError, match="`visible` has qubit\\(s\\) \\[6\\] out of range"
    ):
        Partition.from_visible([0, 6], 6)
    with pytest.raises(ValueError, match="`visible` has repeated"):
        Partition.from_visible([1, 1], 6)


def test_sequences_become_tuples_and_the_record_is_frozen():
    p = Partition([3, 0], [1, 2])
    assert p.visible == (3, 0) and p.hidden == (1, 2)  # order kept as given
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.visible = (0,)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(st.just(n), st.permutations(range(n)))
    ),
    st.integers(1, 12),
)
def test_any_split_of_a_permutation_is_a_partition(case, k):
    n, order = case
    k = min(k, n)
    p = Partition(order[:k], order[k:])
    assert p.n == n and p.n_visible == k and p.n_hidden == n - k
    assert sorted(p.visible + p.hidden) == list(range(n))
    assert not set(p.visible) & set(p.hidden)
    assert p.check(n) is p


def test_bad_partitions_name_the_argument():
    with pytest.raises(ValueError, match="overlap on qubits \\[1\\]"):
        Partition((0, 1), (1, 2))
    with pytest.raises(ValueError, match="missing \\[2\\]"):
        Partition((0, 1), (3,))
    with pytest.raises(ValueError, match="`visible`"):
        Partition((), (0, 1))
    with pytest.raises(ValueError, match="`hidden` has repeated"):
        Partition((0,), (1, 1))
    with pytest.raises(ValueError, match="`visible` has negative"):
        Partition((-1,), (0,))
    with pytest.raises(TypeError, match="`visible`"):
        Partition("01", ())
    with pytest.raises(ValueError, match="`n_visible`"):
        Partition.first(4, 3)
    with pytest.raises(ValueError, match="`part` is a Partition of 3 qubits"):
        Partition.first(1, 3).check(4, name="part")
