"""Visible/hidden partitions of a register.

In the papers' language, the *visible* qubits carry a QNN's output and the
*hidden* qubits are traced out; entanglement between the two makes the visible
state look maximally mixed (arXiv:2010.15968, Sec. IV).
"""

from __future__ import annotations

import dataclasses

from .._checks import check_int, check_labels


@dataclasses.dataclass(frozen=True)
class Partition:
    """A split of the qubits ``0..n-1`` into visible and hidden sets.

    A frozen dataclass: the sequences given are validated and stored as tuples.

    Parameters
    ----------
    visible : sequence of int
        The visible qubits (non-empty, distinct).
    hidden : sequence of int
        The hidden qubits (distinct, disjoint from ``visible``; may be empty).

    Raises
    ------
    TypeError
        If ``visible`` or ``hidden`` is not a sequence of integers.
    ValueError
        If ``visible`` is empty, a qubit repeats or is negative, the two sets
        overlap, or together they do not cover ``0..n-1``.

    Examples
    --------
    >>> Partition.first(2, 6)
    Partition(visible=(0, 1), hidden=(2, 3, 4, 5))
    """

    visible: tuple[int, ...]
    hidden: tuple[int, ...]

    def __post_init__(self):
        vis = check_labels(self.visible, "visible", allow_empty=False)
        hid = check_labels(self.hidden, "hidden", allow_empty=True)
        both = set(vis) & set(hid)
        if both:
            raise ValueError(
                f"`visible` and `hidden` overlap on qubits {sorted(both)}."
            )
        everything = sorted(vis + hid)
        if everything != list(range(len(everything))):
            missing = sorted(set(range(max(everything) + 1)) - set(everything))
            raise ValueError(
                f"`visible` and `hidden` must together cover qubits 0..n-1; "
                f"missing {missing}."
            )
        object.__setattr__(self, "visible", vis)
        object.__setattr__(self, "hidden", hid)

    @classmethod
    def first(cls, n_visible: int, n: int) -> Partition:
        """Visible qubits ``0..n_visible-1``, hidden the rest of ``n``.

        Parameters
        ----------
        n_visible : int
            Number of visible qubits, ``1 <= n_visible <= n``.
        n : int
            Total number of qubits, ``>= 1``.

        Returns
        -------
        Partition
            ``visible = (0, ..., n_visible - 1)``, ``hidden = (n_visible, ..., n - 1)``.

        Raises
        ------
        TypeError
            If ``n_visible`` or ``n`` is not an integer.
        ValueError
            If ``n < 1``, ``n_visible < 1`` or ``n_visible > n``.
        """
        n = check_int(n, "n", minimum=1)
        n_visible = check_int(n_visible, "n_visible", minimum=1)
        if n_visible > n:
            raise ValueError(f"`n_visible` ({n_visible}) exceeds `n` ({n}).")
        return cls(tuple(range(n_visible)), tuple(range(n_visible, n)))

    @property
    def n(self) -> int:
        """Total number of qubits."""
        return len(self.visible) + len(self.hidden)

    @property
    def n_visible(self) -> int:
        """Number of visible qubits."""
        return len(self.visible)

    @property
    def n_hidden(self) -> int:
        """Number of hidden qubits (0 for an all-visible register)."""
        return len(self.hidden)

    def check(self, n: int, *, name: str = "partition") -> Partition:
        """Check that this partition is of an ``n``-qubit register.

        Parameters
        ----------
        n : int
            Number of qubits of the state it is used with.
        name : str, optional
            The argument the partition was passed as, for the message.

        Returns
        -------
        Partition
            ``self``.

        Raises
        ------
        ValueError
            If the partition covers a number of qubits other than ``n``.
        """
        if self.n != n:
            raise ValueError(
                f"`{name}` is a Partition of {self.n} qubits but the state has {n}."
            )
        return self
