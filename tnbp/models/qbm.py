r"""Quantum Boltzmann machines: trainable Hamiltonians with visible qubits (the model).

A :class:`QBM` is :math:`H(\theta) = \sum_k \theta_k P_k` with Pauli-string
generators :math:`P_k`, an inverse temperature :math:`\beta` and a set of
visible qubits; its output is the visible marginal
:math:`\mathrm{Tr}_h\, e^{-\beta H(\theta)}/Z` (arXiv:2010.15968, Sec. II,
where :math:`\beta = 1`). It is pure data: its Gibbs state comes from
:func:`tnbp.gibbs_state`, and its objectives and gradients from
:mod:`tnbp.qbm`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_beta, check_int, check_qubits
from .pauli_sum import PauliSum
from .paulis import pauli_term


class QBM:
    r""":math:`H(\theta) = \sum_k \theta_k P_k` on ``n`` qubits with visible qubits.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.
    generators : sequence of (pauli, qubits)
        The Pauli strings :math:`P_k`, one per parameter, parsed like the
        terms of a :class:`~tnbp.PauliSum` (identity letters dropped, letters
        ordered by qubit); :attr:`generators` holds them in that form.
    visible : sequence of int
        The visible qubits (the rest are hidden).
    beta : float, optional
        Inverse temperature of the model state, finite and >= 0, in units of
        1/energy of :math:`H(\theta)`.

    Attributes
    ----------
    n : int
        Number of qubits.
    generators : tuple of (str, tuple of int)
        The canonical :math:`P_k`.
    visible : tuple of int
        The visible qubits, in the order given.
    beta : float
        The inverse temperature.

    Raises
    ------
    TypeError
        If a generator is not a ``(pauli, qubits)`` pair, or an argument has
        the wrong type.
    ValueError
        If ``generators`` is empty, a generator is the identity or acts outside
        the register, ``visible`` is empty, repeated or out of range, or
        ``beta`` is negative or not finite.

    References
    ----------
    .. [1] C. Ortiz Marrero, M. Kieferova and N. Wiebe, "Entanglement-induced
       barren plateaus", PRX Quantum 2, 040316 (2021), arXiv:2010.15968,
       Sec. II (the model :math:`e^{-H(\theta)}/Z(\theta)`) and Sec. V.B.

    Examples
    --------
    >>> qbm = QBM(2, [("Z", 0), ("Z", 1), ("XX", (0, 1))], visible=[0])
    >>> qbm.hamiltonian([0.5, -0.5, 1.0]).terms[2]
    PauliTerm(coeff=1.0, pauli='XX', qubits=(0, 1))
    """

    def __init__(self, n: int, generators, visible, *, beta: float = 1.0):
        n = check_int(n, "n", minimum=1)
        gens = []
        for entry in generators:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(
                    f"`generators`: expected (pauli, qubits), got {entry!r}."
                )
            term = pauli_term(1.0, *entry, n=n, name="generators")
            if term.is_identity:
                raise ValueError(f"`generators`: {entry!r} is the identity.")
            gens.append((term.pauli, term.qubits))
        if not gens:
            raise ValueError("`generators` must not be empty.")
        self.n = n
        self.generators = tuple(gens)
        self.visible = check_qubits(visible, n, name="visible")
        self.beta = check_beta(beta)

    @classmethod
    def from_hamiltonian(cls, H: PauliSum, visible, *, beta: float = 1.0):
        """A QBM with one parameter per term of ``H``, and the parameters that give ``H``.

        Parameters
        ----------
        H : PauliSum
            The Hamiltonian; its constant is dropped (it does not change the
            Gibbs state).
        visible : sequence of int
            The visible qubits.
        beta : float, optional
            Inverse temperature, finite and ``>= 0``.

        Returns
        -------
        qbm : QBM
            Generators the Pauli strings of ``H.terms``, in order.
        theta : numpy.ndarray of float64, shape (len(H.terms),)
            The coefficients, so that ``qbm.hamiltonian(theta)`` has the terms of
            ``H``.

        Raises
        ------
        TypeError
            If ``visible`` or ``beta`` has the wrong type.
        ValueError
            If ``H`` has no term, ``visible`` is invalid or ``beta`` is negative or
            not finite.
        """
        H.require_terms("H")
        qbm = cls(H.n, [(p, q) for _, p, q in H.terms], visible, beta=beta)
        return qbm, np.array([c for c, _, _ in H.terms])

    @property
    def num_parameters(self) -> int:
        r"""Number of parameters :math:`\theta_k` (one per generator)."""
        return len(self.generators)

    @property
    def hidden(self) -> tuple[int, ...]:
        """The hidden qubits: those not in :attr:`visible`, increasing."""
        return tuple(q for q in range(self.n) if q not in self.visible)

    def check_theta(self, theta) -> np.ndarray:
        r"""Validate a parameter vector.

        Parameters
        ----------
        theta : array_like, shape (num_parameters,)
            Real, finite parameters :math:`\theta_k`, in units of energy.

        Returns
        -------
        numpy.ndarray of float64, shape (num_parameters,)
            ``theta`` as floats.

        Raises
        ------
        TypeError
            If ``theta`` is complex.
        ValueError
            If ``theta`` has the wrong shape or non-finite entries.
        """
        theta = np.asarray(theta)
        if np.iscomplexobj(theta):
            raise TypeError("`theta` must be real.")
        theta = theta.astype(float)
        if theta.shape != (self.num_parameters,):
            raise ValueError(
                f"`theta` must have shape ({self.num_parameters},), got {theta.shape}."
            )
        if not np.all(np.isfinite(theta)):
            raise ValueError("`theta` must be finite.")
        return theta

    def hamiltonian(self, theta) -> PauliSum:
        r"""The Hamiltonian :math:`H(\theta) = \sum_k \theta_k P_k`.

        Parameters
        ----------
        theta : array_like, shape (num_parameters,)
            Real, finite parameters.

        Returns
        -------
        PauliSum
            One term per non-zero :math:`\theta_k`, traceless.

        Raises
        ------
        TypeError
            If ``theta`` is complex.
        ValueError
            If ``theta`` has the wrong shape or non-finite entries.
        """
        theta = self.check_theta(theta)
        H = PauliSum(self.n)
        for t, (p, q) in zip(theta, self.generators):
            H.add(float(t), p, q)
        return H
