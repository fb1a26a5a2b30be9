"""Visible/hidden partitions of a register.

In the papers' language, the *visible* qubits carry a QNN's output and the
*hidden* qubits are traced out; entanglement between the two makes the visible
state look maximally mixed (arXiv:2010.15968, Sec. IV).
"""

from __future__ import annotations

import dataclasses

from .._checks import check_int, check_labels, check_qubits


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

    See Also
    --------
    Partition.first, Partition.last, Partition.middle, Partition.block :
        Contiguous visible blocks at the start, end or centre of the chain, or
        anywhere.
    Partition.from_visible : Any visible set; the hidden set is the rest.

    Examples
    --------
    >>> Partition.first(2, 6)
    Partition(visible=(0, 1), hidden=(2, 3, 4, 5))
    >>> Partition.middle(2, 6)
    Partition(visible=(2, 3), hidden=(0, 1, 4, 5))
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
    def from_visible(cls, visible, n: int) -> Partition:
        """Visible qubits as given; hidden every other qubit of ``n``, in order.

        The general constructor: any (also non-contiguous) visible set, e.g.
        ``Partition.from_visible(range(0, 8, 2), 8)`` for every other qubit.

        Parameters
        ----------
        visible : int or sequence of int
            The visible qubits, distinct, in ``0..n-1`` (order kept).
        n : int
            Total number of qubits, ``>= 1``.

        Returns
        -------
        Partition
            ``visible`` as given, ``hidden`` the remaining qubits ascending.

        Raises
        ------
        TypeError
            If ``n`` is not an integer or ``visible`` is not a qubit index or a
            sequence of them.
        ValueError
            If ``n < 1``, or ``visible`` is empty, out of range or repeats a
            qubit.

        Examples
        --------
        >>> Partition.from_visible([5, 1], 6)
        Partition(visible=(5, 1), hidden=(0, 2, 3, 4))
        """
        n = check_int(n, "n", minimum=1)
        vis = check_qubits(visible, n, name="visible")
        return cls(vis, tuple(q for q in range(n) if q not in set(vis)))

    @classmethod
    def block(cls, start: int, stop: int, n: int) -> Partition:
        """Visible the contiguous block ``start..stop-1`` (Python slice convention).

        Parameters
        ----------
        start : int
            First visible qubit, ``>= 0``.
        stop : int
            One past the last visible qubit, ``start < stop <= n``.
        n : int
            Total number of qubits, ``>= 1``.

        Returns
        -------
        Partition
            ``visible = (start, ..., stop - 1)``; ``hidden`` the qubits on
            either side, ascending.

        Raises
        ------
        TypeError
            If ``start``, ``stop`` or ``n`` is not an integer.
        ValueError
            If ``n < 1``, ``start < 0``, or not ``start < stop <= n``.

        Examples
        --------
        >>> Partition.block(2, 4, 6)
        Partition(visible=(2, 3), hidden=(0, 1, 4, 5))
        """
        n = check_int(n, "n", minimum=1)
        start = check_int(start, "start", minimum=0)
        stop = check_int(stop, "stop")
        if not start < stop <= n:
            raise ValueError(
                f"`start` and `stop` must satisfy start < stop <= n = {n} (a "
                f"non-empty block of qubits start..stop-1), got start={start}, "
                f"stop={stop}."
            )
        return cls.from_visible(range(start, stop), n)

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
        n_visible, n = _block_size(n_visible, n)
        return cls.block(0, n_visible, n)

    @classmethod
    def last(cls, n_visible: int, n: int) -> Partition:
        """Visible the last ``n_visible`` qubits ``n-n_visible..n-1``, hidden the rest.

        Parameters
        ----------
        n_visible : int
            Number of visible qubits, ``1 <= n_visible <= n``.
        n : int
            Total number of qubits, ``>= 1``.

        Returns
        -------
        Partition
            ``visible = (n - n_visible, ..., n - 1)``,
            ``hidden = (0, ..., n - n_visible - 1)``.

        Raises
        ------
        TypeError
            If ``n_visible`` or ``n`` is not an integer.
        ValueError
            If ``n < 1``, ``n_visible < 1`` or ``n_visible > n``.

        Examples
        --------
        >>> Partition.last(2, 5)
        Partition(visible=(3, 4), hidden=(0, 1, 2))
        """
        n_visible, n = _block_size(n_visible, n)
        return cls.block(n - n_visible, n, n)

    @classmethod
    def middle(cls, n_visible: int, n: int) -> Partition:
        """Visible a block of ``n_visible`` qubits in the centre of the chain.

        The block starts at ``(n - n_visible) // 2``: centred when
        ``n - n_visible`` is even, one qubit left of centre otherwise. Away
        from the ends, the block meets the hidden qubits across two cuts of
        the chain instead of one, so a circuit of local gates entangles it
        about twice as fast as :meth:`first` (area law: twice the boundary).

        Parameters
        ----------
        n_visible : int
            Number of visible qubits, ``1 <= n_visible <= n``.
        n : int
            Total number of qubits, ``>= 1``.

        Returns
        -------
        Partition
            ``visible = (s, ..., s + n_visible - 1)`` with
            ``s = (n - n_visible) // 2``; ``hidden`` the qubits on either side.

        Raises
        ------
        TypeError
            If ``n_visible`` or ``n`` is not an integer.
        ValueError
            If ``n < 1``, ``n_visible < 1`` or ``n_visible > n``.

        Examples
        --------
        >>> Partition.middle(2, 6)
        Partition(visible=(2, 3), hidden=(0, 1, 4, 5))
        >>> Partition.middle(2, 7).visible
        (2, 3)
        """
        n_visible, n = _block_size(n_visible, n)
        start = (n - n_visible) // 2
        return cls.block(start, start + n_visible, n)

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


def _block_size(n_visible, n) -> tuple[int, int]:
    """Validate a block of ``n_visible`` of ``n`` qubits; return both as ints."""
    n = check_int(n, "n", minimum=1)
    n_visible = check_int(n_visible, "n_visible", minimum=1)
    if n_visible > n:
        raise ValueError(f"`n_visible` ({n_visible}) exceeds `n` ({n}).")
    return n_visible, n
