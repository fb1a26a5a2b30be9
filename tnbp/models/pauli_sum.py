r"""The :class:`~tnbp.PauliSum`: a Hamiltonian :math:`H = c_0 + \sum_t c_t P_t` as pure data.

Real coefficients, Pauli strings on listed qubits, kept in canonical form
(:class:`~tnbp.models.paulis.PauliTerm`). Conversions to a dense matrix, an
observable and a quimb MPO, and the operator norm (exact or DMRG), live here;
the models of the source papers are built in :mod:`tnbp.hamiltonian`.
"""

from __future__ import annotations

import numpy as np

from .._checks import check_cutoff, check_int, check_opt, check_real
from ..limits import EXACT_NORM_QUBITS, MAX_DENSE_HAMILTONIAN_QUBITS
from .operators import Observable, pauli_sum
from .paulis import PAULI_MATRICES, PauliTerm, pauli_matrix, pauli_term

#: phase of the operator an open two-qubit term carries along the MPO's bonds
#: (:meth:`PauliSum.to_mpo`): iY is real
_CHANNEL_PHASE = {"X": 1.0, "Y": 1j, "Z": 1.0}

__all__ = ["PauliSum"]


class PauliSum:
    r"""A Hamiltonian :math:`H = c_0 + \sum_t c_t P_t` with real coefficients.

    Terms are added with :meth:`add` (chainable) and kept in canonical form
    (:class:`~tnbp.models.paulis.PauliTerm`); the identity part is
    :attr:`constant`. Energies are in the units of the coefficients.

    Parameters
    ----------
    n : int
        Number of qubits, ``>= 1``.

    Attributes
    ----------
    constant : float
        :math:`c_0`, the coefficient of the identity.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> H = PauliSum(3)
    >>> H.add(1.0, "XX", (0, 1)).add(0.5, "Z", (2,))
    PauliSum(n=3, terms=2)
    >>> H.locality
    2
    """

    def __init__(self, n: int):
        self._n = check_int(n, "n", minimum=1)
        self._terms: list[PauliTerm] = []
        self.constant = 0.0

    @property
    def n(self) -> int:
        """Number of qubits."""
        return self._n

    @property
    def terms(self) -> tuple[PauliTerm, ...]:
        """Every non-identity term as a :class:`~tnbp.models.paulis.PauliTerm`.

        Each unpacks as ``(coeff, pauli, qubits)``, in canonical form: identity
        letters dropped, letters ordered by qubit.
        """
        return tuple(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __repr__(self) -> str:
        return f"PauliSum(n={self._n}, terms={len(self._terms)})"

    @property
    def locality(self) -> int:
        """Largest number of qubits a term acts on (0 for a constant)."""
        return max((len(q) for _, _, q in self._terms), default=0)

    def add(self, coeff, pauli: str, qubits) -> PauliSum:
        """Add ``coeff * pauli`` on ``qubits``; returns ``self`` for chaining.

        The term is parsed by :func:`~tnbp.models.paulis.pauli_term`: ``coeff``
        must be real and finite, identity letters are dropped and the rest
        ordered by qubit; an all-identity string adds to :attr:`constant` and a
        zero coefficient adds nothing.

        Parameters
        ----------
        coeff : float
            Real, finite coefficient.
        pauli : str
            Letters I, X, Y, Z, one per qubit.
        qubits : int or sequence of int
            Distinct qubits in ``0..n-1``.

        Returns
        -------
        PauliSum
            ``self``.

        Raises
        ------
        TypeError, ValueError
            As :func:`~tnbp.models.paulis.pauli_term`, naming `coeff`,
            `pauli` or `qubits`.
        """
        term = pauli_term(coeff, pauli, qubits, n=self._n)
        if term.is_identity:
            self.constant += term.coeff
        elif term.coeff != 0.0:
            self._terms.append(term)
        return self

    def scaled(self, factor) -> PauliSum:
        r""":math:`\lambda H` as a new sum.

        Parameters
        ----------
        factor : float
            The real, finite factor :math:`\lambda` (0 leaves no terms).

        Returns
        -------
        PauliSum
            Every coefficient and the constant times ``factor``; ``self`` is
            unchanged.

        Raises
        ------
        TypeError
            If ``factor`` is not a real number.
        ValueError
            If ``factor`` is not finite.
        """
        factor = check_real(factor, "factor")
        out = PauliSum(self._n)
        out._terms = [
            PauliTerm(factor * c, p, q) for c, p, q in self._terms if factor != 0
        ]
        out.constant = factor * self.constant
        return out

    def simplified(self) -> PauliSum:
        """Equal strings on equal qubits merged, zero coefficients dropped.

        Returns
        -------
        PauliSum
            The same operator with one term per distinct ``(pauli, qubits)``, in
            order of first appearance, and the same constant.
        """
        acc: dict[tuple[str, tuple[int, ...]], float] = {}
        for c, p, q in self._terms:
            acc[(p, q)] = acc.get((p, q), 0.0) + c
        out = PauliSum(self._n)
        out._terms = [PauliTerm(c, p, q) for (p, q), c in acc.items() if c != 0.0]
        out.constant = self.constant
        return out

    def traceless(self) -> PauliSum:
        r""":math:`H - \mathrm{Tr}(H)/2^n`: the constant removed.

        Returns
        -------
        PauliSum
            :meth:`simplified`, with ``constant = 0``.
        """
        out = self.simplified()
        out.constant = 0.0
        return out

    def require_terms(self, name: str = "H") -> PauliSum:
        """Check that there is a non-identity term.

        Parameters
        ----------
        name : str, optional
            The argument the sum was passed as, for the message.

        Returns
        -------
        PauliSum
            ``self``.

        Raises
        ------
        ValueError
            If the sum has no term (it is empty or a constant).
        """
        if not self._terms:
            raise ValueError(
                f"`{name}` has no terms (an empty or constant Hamiltonian)."
            )
        return self

    # ------------------------------------------------------------ conversions
    def to_observable(self) -> Observable:
        """The same operator as an :class:`~tnbp.models.operators.Observable`.

        Returns
        -------
        Observable
            One Pauli product per term, the same constant, labelled ``"pauli_sum"``.

        Raises
        ------
        ValueError
            If the sum has no non-identity term.
        """
        self.require_terms()
        return pauli_sum(list(self._terms), constant=self.constant, name="H")

    def to_dense(self) -> np.ndarray:
        r"""The dense matrix of :math:`H`, qubit 0 most significant.

        Each term is placed by bit arithmetic, :math:`P|b\rangle = \phi(b)\,
        |b \oplus f\rangle` with ``f`` the bits flipped by X and Y and the phase
        :math:`\phi` from Z and Y, at :math:`O(2^n)` per term.

        Returns
        -------
        numpy.ndarray of complex128, shape (2^n, 2^n)
            The Hermitian matrix.

        Raises
        ------
        ValueError
            If ``n`` exceeds :data:`~tnbp.limits.MAX_DENSE_HAMILTONIAN_QUBITS`.
        """
        if self._n > MAX_DENSE_HAMILTONIAN_QUBITS:
            raise ValueError(
                f"`H`: dense matrices are limited to {MAX_DENSE_HAMILTONIAN_QUBITS} "
                f"qubits, got n = {self._n}."
            )
        n = self._n
        basis = np.arange(2**n)
        out = self.constant * np.eye(2**n, dtype=complex)
        for c, p, q in self._terms:
            # P|b> = phase(b)|b ^ flip>: X flips, Z gives (-1)^b, Y = i X Z
            flip, value = 0, np.full(basis.size, complex(c))
            for letter, qubit in zip(p, q):
                shift = n - 1 - qubit
                sign = 1 - 2 * ((basis >> shift) & 1)
                if letter in "XY":
                    flip |= 1 << shift
                if letter == "Z":
                    value *= sign
                elif letter == "Y":
                    value *= 1j * sign
            out[basis ^ flip, basis] += value
        return out

    def local_terms(self) -> dict[tuple[int, ...], np.ndarray]:
        """Sum of the terms on each support, as a dense matrix on those qubits.

        Returns
        -------
        dict of tuple of int to numpy.ndarray of complex128
            ``{qubits: h}`` with ``qubits`` increasing and ``h`` the
            matrix of shape ``(2^k, 2^k)``, ``k = len(qubits)``, of the terms acting
            exactly on ``qubits`` (first listed most significant); the constant is
            left out.
        """
        out: dict[tuple[int, ...], np.ndarray] = {}
        for c, p, q in self._terms:
            out[q] = out.get(q, 0) + c * pauli_matrix(p)
        return out

    def to_mpo(self, *, cutoff: float = 1e-12):
        r""":math:`H` as a quimb ``MatrixProductOperator`` (1- and 2-local terms).

        Built by the finite-state-automaton construction: a bond carries either
        "nothing placed yet", "term complete", or an open :math:`\sigma^i_a`
        waiting for its partner, then compressed.

        Parameters
        ----------
        cutoff : float, optional
            Relative singular-value cutoff of the compression, in ``[0, 1)``.

        Returns
        -------
        quimb.tensor.MatrixProductOperator
            ``n`` sites of physical dimension 2; float64 when :math:`H` is a
            real matrix (every term with an even number of Y's and a real
            coefficient), else complex128.

        Raises
        ------
        TypeError
            If ``cutoff`` is not a real number.
        ValueError
            If a term acts on more than two qubits or ``cutoff`` is outside
            ``[0, 1)``.
        """
        import quimb.tensor as qtn

        cutoff = check_cutoff(cutoff)
        if self.locality > 2:
            raise ValueError(f"`H` has {self.locality}-local terms; to_mpo takes <= 2.")
        n = self._n
        if n == 1:
            return qtn.MatrixProductOperator([self.to_dense()], shape="ud")
        onsite = [np.zeros((2, 2), dtype=complex) for _ in range(n)]
        onsite[0] += self.constant * np.eye(2)
        pairs: dict[tuple[int, str], dict[int, np.ndarray]] = {}
        for c, p, q in self._terms:
            if len(q) == 1:
                onsite[q[0]] += c * PAULI_MATRICES[p]
            else:
                ops = pairs.setdefault((q[0], p[0]), {})
                ops[q[1]] = ops.get(q[1], 0) + c * PAULI_MATRICES[p[1]]
        last = {key: max(ops) for key, ops in pairs.items()}
        eye = np.eye(2, dtype=complex)
        channels_left: list = []  # open (i, a) on the bond left of the site
        arrays = []
        for k in range(n):
            channels_right = [ch for ch in channels_left if last[ch] > k]
            channels_right += [ch for ch in sorted(pairs) if ch[0] == k]
            dl, dr = 2 + len(channels_left), 2 + len(channels_right)
            W = np.zeros((dl, dr, 2, 2), dtype=complex)
            W[0, 0] = eye
            W[1, 1] = eye
            W[0, 1] = onsite[k]
            rpos = {ch: 2 + r for r, ch in enumerate(channels_right)}
            # an open Y travels as the real iY and its partner absorbs -i times its
            # operator, (iY) (x) (-i B) = Y (x) B: a real H gets a real MPO
            for ch in channels_right:
                if ch[0] == k:
                    W[0, rpos[ch]] = PAULI_MATRICES[ch[1]] * _CHANNEL_PHASE[ch[1]]
            for lpos, ch in enumerate(channels_left, start=2):
                if k in pairs[ch]:
                    W[lpos, 1] = pairs[ch][k] / _CHANNEL_PHASE[ch[1]]
                if ch in rpos:
                    W[lpos, rpos[ch]] = eye
            arrays.append(W)
            channels_left = channels_right
        arrays[0] = arrays[0][0]  # start in "nothing placed"
        arrays[-1] = arrays[-1][:, 1]  # end in "complete"
        if not any(np.any(W.imag) for W in arrays):
            arrays = [W.real.copy() for W in arrays]
        mpo = qtn.MatrixProductOperator(arrays, shape="lrud")
        mpo.compress(cutoff=cutoff, cutoff_mode="rel")
        return mpo

    # ------------------------------------------------------------------ norms
    def norm(
        self, *, method: str = "auto", bond_dims=(8, 16, 32, 64), tol=1e-9
    ) -> float:
        r"""Operator norm :math:`\|H\| = \max(|E_{min}|, |E_{max}|)`.

        ``method="exact"`` diagonalizes the dense matrix; ``"dmrg"`` runs quimb's
        two-site DMRG for the ground states of :math:`+H` and :math:`-H`
        (variational, so a lower bound on the norm, converged to ``tol``);
        ``"auto"`` is exact up to :data:`~tnbp.limits.EXACT_NORM_QUBITS` qubits.
        Known issue: with quimb 1.15 and cotengra 0.8.3 DMRG fails on the MPOs of
        all-to-all models beyond ~12 qubits (nearest-neighbour ones work); a
        ``RuntimeError`` then says so. ``method="exact"`` works to 14 qubits.

        Parameters
        ----------
        method : {"auto", "exact", "dmrg"}, optional
            How the extreme eigenvalues are found.
        bond_dims : sequence of int, optional
            DMRG bond dimensions, one per sweep (the last repeats).
        tol : float, optional
            DMRG energy tolerance, in the units of the coefficients.

        Returns
        -------
        float
            :math:`\|H\|`, in the units of the coefficients (the constant
            included).

        Raises
        ------
        ValueError
            If ``method`` is unknown, the sum has no term, or ``"exact"`` is asked
            beyond :data:`~tnbp.limits.MAX_DENSE_HAMILTONIAN_QUBITS` qubits.
        RuntimeError
            If quimb's DMRG fails (see above).
        """
        check_opt("method", method, ("auto", "exact", "dmrg"))
        self.require_terms()
        if method == "exact" or (method == "auto" and self._n <= EXACT_NORM_QUBITS):
            w = np.linalg.eigvalsh(self.to_dense())
            return float(max(abs(w[0]), abs(w[-1])))
        import quimb.tensor as qtn

        energies = []
        for sign in (1.0, -1.0):
            dmrg = qtn.DMRG2(self.scaled(sign).to_mpo(), bond_dims=list(bond_dims))
            try:
                dmrg.solve(tol=tol, max_sweeps=20, verbosity=0)
            except AttributeError as exc:  # raised inside quimb/cotengra
                raise RuntimeError(
                    "quimb's DMRG failed on this Hamiltonian's MPO (seen with quimb "
                    "1.15 / cotengra 0.8.3 for all-to-all couplings beyond ~12 qubits: "
                    f"{exc}). Use method='exact' (up to {MAX_DENSE_HAMILTONIAN_QUBITS} "
                    "qubits) or scale by a known norm with scaled()."
                ) from exc
            energies.append(float(np.real(dmrg.energy)))
        return float(max(abs(e) for e in energies))

    def normalized(self, **norm_opts) -> PauliSum:
        r""":math:`H / \|H\|` (see :meth:`norm`).

        Parameters
        ----------
        **norm_opts : dict
            Keyword options of :meth:`norm` (``method``, ``bond_dims``, ``tol``).

        Returns
        -------
        PauliSum
            The scaled sum, of unit operator norm.

        Raises
        ------
        ValueError, RuntimeError
            As :meth:`norm`.
        """
        return self.scaled(1.0 / self.norm(**norm_opts))
