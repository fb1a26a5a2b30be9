r"""The :class:`~tnbp.Circuit` model: an ordered list of gates on ``n`` qubits.

A circuit is pure data. Backends (:func:`tnbp.simulate`) turn it into states;
nothing here simulates anything.

Conventions: qubit 0 is the most significant tensor factor; a 2-qubit matrix
applied to ``(i, j)`` has ``i`` as its first factor; rotations are
:math:`e^{-i\theta P/2}`.
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq

import numpy as np

from .._checks import check_int, check_qubits, check_real
from .gates import CNOT, CZ, SWAP, Gate, H, check_unitary
from .paulis import PAULI_MATRICES, check_pauli


class Circuit:
    """A quantum circuit on ``n`` qubits: an ordered list of :class:`~tnbp.models.Gate`.

    Gates are appended by the builder methods (:meth:`apply`,
    :meth:`pauli_rotation`, :meth:`rx`, :meth:`cz`, ...); rotations are
    trainable by default, and their angles, in gate order, are
    :attr:`parameters`.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(3)
    >>> c.ry(0.3, 0); c.cz(0, 1); c.pauli_rotation(0.5, "XY", (1, 2))
    >>> c.parameters
    array([0.3, 0.5])
    >>> c.bind([0.1, 0.2]).parameters
    array([0.1, 0.2])
    """

    def __init__(self, n: int):
        self._n = check_int(n, "n", minimum=1)
        self._gates: list[Gate] = []
        self._index: tuple[int, list[list[int]]] | None = None  # see _per_qubit
        self._counted: tuple[list[Gate], int, int] | None = None  # see num_parameters

    # ------------------------------------------------------------------ access
    @property
    def n(self) -> int:
        """Number of qubits."""
        return self._n

    @property
    def gates(self) -> tuple[Gate, ...]:
        """The gates in application order (a tuple of :class:`~tnbp.models.Gate`)."""
        return tuple(self._gates)

    def __len__(self) -> int:
        return len(self._gates)

    def __iter__(self):
        return iter(self._gates)

    def __repr__(self) -> str:
        return (
            f"Circuit(n={self._n}, gates={len(self._gates)}, "
            f"parameters={self.num_parameters}, depth={self.depth})"
        )

    @property
    def num_parameters(self) -> int:
        """Number of trainable angles."""
        # gates are only ever appended to a circuit's list (every other change
        # makes a new circuit with a new list), so a count of the same list
        # stays valid for its first gates: count only those appended since
        gates = self._gates
        listed, done, count = self._counted or (None, 0, 0)
        if listed is not gates:
            done = count = 0
        count += sum(g.trainable for g in gates[done:])
        self._counted = (gates, len(gates), count)
        return count

    @property
    def parameters(self) -> np.ndarray:
        """The trainable angles (radians) in gate order, as a new float64 array.

        Shape ``(num_parameters,)``; new angles are set with :meth:`bind`.
        """
        return np.array([g.theta for g in self._gates if g.trainable], dtype=float)

    @property
    def parameter_gates(self) -> list[int]:
        """Gate index of each trainable parameter, in the order of :attr:`parameters`."""
        return [k for k, g in enumerate(self._gates) if g.trainable]

    def subcircuit(self, gate_indices) -> Circuit:
        """A circuit on the same qubits with only the given gates, in their order.

        Parameters
        ----------
        gate_indices : iterable of int
            Indices into :attr:`gates` (applied in increasing order whatever the
            order given).

        Returns
        -------
        Circuit
            On the same ``n`` qubits, sharing the (immutable) gates.
        """
        new = Circuit(self._n)
        new._gates = [self._gates[k] for k in sorted(gate_indices)]
        return new

    def restrict(self, gate_indices, qubits=()) -> tuple[Circuit, list[int]]:
        """The given gates on only the qubits they touch, relabelled ``0..m-1``.

        Parameters
        ----------
        gate_indices : iterable of int
            Gates to keep (applied in their original order).
        qubits : iterable of int, optional
            Further qubits to keep even if no kept gate touches them.

        Returns
        -------
        circuit : Circuit
            On ``m`` qubits; qubit ``r`` is the ``r``-th smallest kept label.
        labels : list of int
            The original label of each of the ``m`` qubits.
        """
        kept = [self._gates[k] for k in sorted(gate_indices)]
        labels = sorted(set(qubits).union(*(g.qubits for g in kept)))
        rel = {q: r for r, q in enumerate(labels)}
        new = Circuit(len(labels))
        new._gates = [
            dataclasses.replace(g, qubits=tuple(rel[q] for q in g.qubits)) for g in kept
        ]
        return new, labels

    def copy(self) -> Circuit:
        """A shallow copy: a new circuit holding the same (immutable) gates.

        Returns
        -------
        Circuit
            Appending gates to it leaves this circuit unchanged.
        """
        new = Circuit(self._n)
        new._gates = list(self._gates)
        return new

    def compose(self, other: Circuit) -> Circuit:
        """A new circuit: the gates of this one, then those of ``other``.

        Parameters
        ----------
        other : Circuit
            A circuit on the same number of qubits.

        Returns
        -------
        Circuit
            A new circuit sharing the (immutable) gates; its
            :attr:`parameters` are this circuit's followed by ``other``'s.

        Raises
        ------
        TypeError
            If ``other`` is not a :class:`Circuit`.
        ValueError
            If ``other`` has a different number of qubits.
        """
        if not isinstance(other, Circuit):
            raise TypeError(f"`other` must be a tnbp.Circuit, got {type(other)!r}.")
        if other.n != self._n:
            raise ValueError(
                f"`other` has {other.n} qubits, this circuit has {self._n}."
            )
        new = Circuit(self._n)
        new._gates = self._gates + other._gates
        return new

    # ----------------------------------------------------------------- builders
    def _append(self, gate: Gate) -> None:
        self._gates.append(gate)

    def apply(self, U, *qubits: int, label: str = "U") -> None:
        """Apply a fixed unitary on one or two qubits (at any distance).

        Parameters
        ----------
        U : array_like, shape (2, 2) or (4, 4)
            The unitary; for two qubits ``(i, j)``, ``i`` is its first factor.
        *qubits : int
            One or two distinct qubits.
        label : str, optional
            Name of the gate for display (default ``"U"``).

        Raises
        ------
        TypeError
            If ``U`` is not numeric or a qubit is not an integer.
        ValueError
            If there are not one or two ``qubits``, they repeat or are out of
            range, or ``U`` is not a unitary of the matching shape.
        """
        if len(qubits) not in (1, 2):
            raise ValueError(
                f"`qubits`: apply() takes one or two qubits, got {len(qubits)}."
            )
        qubits = check_qubits(qubits, self._n)
        self._append(Gate(qubits, label, matrix=check_unitary(U, len(qubits))))

    def pauli_rotation(
        self, theta, pauli: str, qubits, *, trainable: bool = True
    ) -> None:
        r"""Apply :math:`e^{-i\theta P/2}` for a Pauli string on one or two qubits.

        Parameters
        ----------
        theta : float
            Angle in radians.
        pauli : str
            Pauli string, e.g. ``"XY"``, one letter per qubit.
        qubits : int or tuple of int
            The qubits, first letter on the first qubit.
        trainable : bool, optional
            Whether ``theta`` joins :attr:`parameters` (default True).

        Raises
        ------
        TypeError
            If ``theta`` is not a real number, ``pauli`` is not a string or
            ``qubits`` are not integers.
        ValueError
            If there are not one or two ``qubits``, they repeat or are out of
            range, ``pauli`` does not have one letter I, X, Y, Z per qubit, or
            ``theta`` is not finite.
        """
        qubits = check_qubits(qubits, self._n)
        if len(qubits) > 2:
            raise ValueError(
                f"`qubits`: rotations act on 1 or 2 qubits, got {len(qubits)}."
            )
        pauli = check_pauli(pauli, len(qubits))
        theta = check_real(theta, "theta")
        label = f"R{pauli}" if len(pauli) == 1 else f"R_{pauli}"
        self._append(Gate(qubits, label, pauli=pauli, theta=theta, trainable=trainable))

    def rx(self, theta, q: int, *, trainable: bool = True) -> None:
        r""":math:`R_X(\theta) = e^{-i\theta X/2}` on qubit ``q``.

        The same gate as ``pauli_rotation(theta, "X", q)``.

        Parameters
        ----------
        theta : float
            Angle in radians.
        q : int
            The qubit, in ``0..n-1``.
        trainable : bool, optional
            Whether ``theta`` joins :attr:`parameters` (default True).

        Raises
        ------
        TypeError
            If ``theta`` is not a real number or ``q`` is not an integer.
        ValueError
            If ``theta`` is not finite or ``q`` is out of range.
        """
        self.pauli_rotation(theta, "X", self._qubit(q, "q"), trainable=trainable)

    def ry(self, theta, q: int, *, trainable: bool = True) -> None:
        r""":math:`R_Y(\theta) = e^{-i\theta Y/2}` on qubit ``q``.

        The same gate as ``pauli_rotation(theta, "Y", q)``.

        Parameters
        ----------
        theta : float
            Angle in radians.
        q : int
            The qubit, in ``0..n-1``.
        trainable : bool, optional
            Whether ``theta`` joins :attr:`parameters` (default True).

        Raises
        ------
        TypeError
            If ``theta`` is not a real number or ``q`` is not an integer.
        ValueError
            If ``theta`` is not finite or ``q`` is out of range.
        """
        self.pauli_rotation(theta, "Y", self._qubit(q, "q"), trainable=trainable)

    def rz(self, theta, q: int, *, trainable: bool = True) -> None:
        r""":math:`R_Z(\theta) = e^{-i\theta Z/2}` on qubit ``q``.

        The same gate as ``pauli_rotation(theta, "Z", q)``.

        Parameters
        ----------
        theta : float
            Angle in radians.
        q : int
            The qubit, in ``0..n-1``.
        trainable : bool, optional
            Whether ``theta`` joins :attr:`parameters` (default True).

        Raises
        ------
        TypeError
            If ``theta`` is not a real number or ``q`` is not an integer.
        ValueError
            If ``theta`` is not finite or ``q`` is out of range.
        """
        self.pauli_rotation(theta, "Z", self._qubit(q, "q"), trainable=trainable)

    def _qubit(self, q, name: str) -> int:
        """Validate one qubit index passed as argument ``name``."""
        q = check_int(q, name)
        if not 0 <= q < self._n:
            raise ValueError(
                f"`{name}` = {q} is out of range for {self._n} qubits (0..{self._n - 1})."
            )
        return q

    def _fixed(self, U: np.ndarray, label: str, **qubits: int) -> None:
        """Append a fixed gate; ``qubits`` maps argument names to qubit indices."""
        qs = tuple(self._qubit(q, name) for name, q in qubits.items())
        if len(set(qs)) != len(qs):
            names = " and ".join(f"`{name}`" for name in qubits)
            raise ValueError(
                f"{names} must be different qubits, got repeated qubits {qs}."
            )
        self._append(Gate(qs, label, matrix=U))

    def h(self, q: int) -> None:
        r"""Hadamard :math:`(X + Z)/\sqrt2` on qubit ``q`` (a fixed gate).

        Parameters
        ----------
        q : int
            The qubit, in ``0..n-1``.

        Raises
        ------
        TypeError
            If ``q`` is not an integer.
        ValueError
            If ``q`` is out of range.
        """
        self._fixed(H, "H", q=q)

    def x(self, q: int) -> None:
        """Pauli X (bit flip) on qubit ``q`` (a fixed gate).

        Parameters
        ----------
        q : int
            The qubit, in ``0..n-1``.

        Raises
        ------
        TypeError
            If ``q`` is not an integer.
        ValueError
            If ``q`` is out of range.
        """
        self._fixed(PAULI_MATRICES["X"], "X", q=q)

    def cz(self, i: int, j: int) -> None:
        r"""Controlled-Z :math:`\mathrm{diag}(1, 1, 1, -1)` on qubits ``i`` and ``j``.

        Parameters
        ----------
        i, j : int
            Two different qubits in ``0..n-1``, at any distance (the gate is symmetric).

        Raises
        ------
        TypeError
            If ``i`` or ``j`` is not an integer.
        ValueError
            If ``i`` or ``j`` is out of range, or ``i == j``.
        """
        self._fixed(CZ, "CZ", i=i, j=j)

    def cnot(self, i: int, j: int) -> None:
        """CNOT with control ``i`` and target ``j``.

        Parameters
        ----------
        i, j : int
            Two different qubits in ``0..n-1``, at any distance.

        Raises
        ------
        TypeError
            If ``i`` or ``j`` is not an integer.
        ValueError
            If ``i`` or ``j`` is out of range, or ``i == j``.
        """
        self._fixed(CNOT, "CNOT", i=i, j=j)

    def swap(self, i: int, j: int) -> None:
        """SWAP of qubits ``i`` and ``j``.

        Parameters
        ----------
        i, j : int
            Two different qubits in ``0..n-1``, at any distance.

        Raises
        ------
        TypeError
            If ``i`` or ``j`` is not an integer.
        ValueError
            If ``i`` or ``j`` is out of range, or ``i == j``.
        """
        self._fixed(SWAP, "SWAP", i=i, j=j)

    # ------------------------------------------------------------- parameters
    def bind(self, params) -> Circuit:
        """A circuit of the same structure with new trainable angles.

        Parameters
        ----------
        params : array_like, shape (num_parameters,)
            Finite real angles (radians), in the order of :attr:`parameters`.

        Returns
        -------
        Circuit
            The same gates with the trainable angles replaced; fixed gates and
            fixed-angle rotations are shared. This circuit is unchanged.

        Raises
        ------
        TypeError
            If ``params`` is not real (complex, object or string arrays).
        ValueError
            If ``params`` is not 1-D of length :attr:`num_parameters` or is not
            finite.
        """
        arr = np.asarray(params)
        if arr.ndim != 1 or arr.shape[0] != self.num_parameters:
            raise ValueError(
                f"`params` must be a 1-D array of length {self.num_parameters}, "
                f"got shape {arr.shape}."
            )
        if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            raise TypeError(f"`params` must be real numbers, got dtype {arr.dtype}.")
        if not np.all(np.isfinite(arr)):
            raise ValueError("`params` must be finite (no NaN or inf).")
        values = iter(arr.astype(float))
        new = Circuit(self._n)
        new._gates = [
            g.with_theta(next(values)) if g.trainable else g for g in self._gates
        ]
        return new

    # --------------------------------------------------------------- structure
    def layers(self) -> list[list[int]]:
        """Group gate indices into layers (moments) of gates on disjoint qubits.

        Each gate is placed in the earliest layer after every earlier gate that
        shares a qubit with it, so applying the layers in order is equivalent to
        applying the gates in order.

        Returns
        -------
        list of list of int
            Indices into :attr:`gates`, increasing within each layer; their
            number is :attr:`depth`.
        """
        front = [0] * self._n
        layers: list[list[int]] = []
        for k, g in enumerate(self._gates):
            level = max(front[q] for q in g.qubits)
            if level == len(layers):
                layers.append([])
            layers[level].append(k)
            for q in g.qubits:
                front[q] = level + 1
        return layers

    def lightcone(self, qubits) -> list[int]:
        r"""Indices of the gates in the reverse lightcone of ``qubits``.

        Going backwards from the end, a gate is in the cone if it touches a qubit
        already in it, and then adds its qubits. Gates outside the cone cancel in
        :math:`U^\dagger O U` for any ``O`` supported on ``qubits``, so their
        parameters have exactly zero gradient.

        Cost: proportional to the size of the cone (times a log), not to the
        circuit: every gate of the cone pulls in the previous gate on each of its
        qubits, found in a per-qubit index.

        Parameters
        ----------
        qubits : int or iterable of int
            Distinct qubits in ``0..n-1`` (the support of ``O``; may be empty).

        Returns
        -------
        list of int
            Indices into :attr:`gates`, increasing (empty for no qubits).

        Raises
        ------
        TypeError
            If ``qubits`` is not a qubit index or an iterable of them.
        ValueError
            If ``qubits`` has an index out of range or repeats one.
        """
        start = check_qubits(qubits, self._n, allow_empty=True)
        on = self._per_qubit()
        heap = [-on[q][-1] for q in start if on[q]]
        heapq.heapify(heap)
        inside: set[int] = set()
        while heap:
            k = -heapq.heappop(heap)
            if k in inside:
                continue
            inside.add(k)
            for q in self._gates[k].qubits:
                i = bisect.bisect_left(on[q], k)
                if i:
                    heapq.heappush(heap, -on[q][i - 1])
        return sorted(inside)

    def _per_qubit(self) -> list[list[int]]:
        """Ascending gate indices on each qubit (rebuilt when gates were added)."""
        if self._index is None or self._index[0] != len(self._gates):
            on: list[list[int]] = [[] for _ in range(self._n)]
            for k, g in enumerate(self._gates):
                for q in g.qubits:
                    on[q].append(k)
            self._index = (len(self._gates), on)
        return self._index[1]

    @property
    def depth(self) -> int:
        """Number of layers (see :meth:`layers`)."""
        return len(self.layers())
