r"""Perceptrons as unitary matrices: parameter matrix multiplication (arXiv:2005.12458, eq. 13).

In the training method of Beer et al. the perceptrons of a :class:`~tnbp.DQNN`
are not decomposed into gates but held as unitary matrices :math:`V_j^l` on
their :math:`m = n_{l-1} + 1` qubits (inputs, then output) and updated all at
once,

.. math::

    V_j^l(s + \varepsilon) = e^{i \varepsilon H_j^l} V_j^l(s),
    \qquad
    H_j^l = \sum_{P \in \{I, X, Y, Z\}^{\otimes m}} h_P\, P,
    \quad h_P \in \mathbb{R},
    \quad \mathrm{Tr}[(H_j^l)^2] = 2^m \sum_P h_P^2 \le 2^m .

The paper writes :math:`H = \sum_{u, v} h_{u,v} X^u Z^v`; since
:math:`X^u Z^v = (-i)^{u \cdot v} P_{u,v}` with :math:`P_{u,v}` the Hermitian
Pauli string that has :math:`Y` where :math:`u_q = v_q = 1`, the two forms are
the same set of Hermitian matrices, and here the coefficients are real and
multiply Hermitian strings (:func:`pauli_generator`). The bound
:math:`\mathrm{Tr} H^2 \le 2^{n+1}` of eq. (13) is :math:`2^m` for a global
perceptron (:math:`m = n + 1`); for any perceptron it is taken as :math:`2^m`.

This module is pure data: the matrices of a network's perceptrons
(:func:`perceptron_unitaries`), generators (:func:`pauli_generator`,
:func:`random_generators`, :func:`check_generators`) and the update
(:func:`update_unitaries`). The cost of a network of matrices and its
derivative :math:`\partial_s C` are in :mod:`tnbp.gradients.dqnn_matrix`.

References
----------
.. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458, eqs. (13)-(14) and Theorem 2.
.. [2] K. Beer et al., "Training deep quantum neural networks", Nat. Commun.
   11, 808 (2020), arXiv:1902.10445 (the update rule).
"""

from __future__ import annotations

import numpy as np

from .._checks import as_rng, check_int, check_real
from .._threads import blas_threads_limit
from ..limits import MAX_PERCEPTRON_MATRIX_QUBITS
from .dqnn import DQNN, Perceptron
from .gates import check_unitary
from .gue import gue_matrix
from .paulis import PAULI_MATRICES

__all__ = [
    "check_generators",
    "check_unitaries",
    "pauli_generator",
    "perceptron_qubits",
    "perceptron_unitaries",
    "random_generators",
    "update_unitaries",
]

#: Relative tolerance of the generator checks: :math:`\|H - H^\dagger\|_F`
#: against :math:`\|H\|_F`, and :math:`\mathrm{Tr} H^2` against :math:`2^m`
#: (rounding of a generator built at the bound is ~1e-15).
GENERATOR_RTOL = 1e-10


def perceptron_qubits(p: Perceptron) -> tuple[int, ...]:
    """The qubits a perceptron's matrix acts on: its inputs, then its outputs.

    Parameters
    ----------
    p : Perceptron
        A record of :attr:`tnbp.DQNN.perceptrons`.

    Returns
    -------
    tuple of int
        ``p.inputs + p.outputs`` (register labels); the first is the most
        significant factor of the matrix.
    """
    return tuple(p.inputs) + tuple(p.outputs)


def _check_net(net) -> DQNN:
    if not isinstance(net, DQNN):
        raise TypeError(f"`net` must be a tnbp.DQNN, got {type(net).__name__}.")
    m = max(len(perceptron_qubits(p)) for p in net.perceptrons)
    if m > MAX_PERCEPTRON_MATRIX_QUBITS:
        raise ValueError(
            f"`net` has a perceptron on {m} qubits; its matrix is limited to "
            f"MAX_PERCEPTRON_MATRIX_QUBITS = {MAX_PERCEPTRON_MATRIX_QUBITS}."
        )
    return net


def perceptron_unitaries(net: DQNN) -> tuple[np.ndarray, ...]:
    r"""The unitary matrix :math:`V_j^l` of every perceptron of a network.

    The product of the perceptron's gates (at the network's current angles),
    in the order they act.

    Parameters
    ----------
    net : DQNN
        Any network (built-in or user perceptrons).

    Returns
    -------
    tuple of numpy.ndarray of complex128, each of shape (2^m, 2^m)
        One per entry of :attr:`tnbp.DQNN.perceptrons`, in order, on the
        qubits :func:`perceptron_qubits` (``m`` of them, the first the most
        significant factor).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`.
    ValueError
        If a perceptron acts on more than
        :data:`~tnbp.limits.MAX_PERCEPTRON_MATRIX_QUBITS` qubits.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eqs. (1) and (13) (perceptrons as unitary matrices).

    Examples
    --------
    A toy perceptron is a SWAP followed by :math:`R_Y(\theta)` on the output:

    >>> import numpy as np, tnbp
    >>> net = tnbp.DQNN((1, 1), "toy").bind([0.0])
    >>> (V,) = tnbp.perceptron_unitaries(net)
    >>> V.real.astype(int).tolist()
    [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    """
    gates = _check_net(net).circuit.gates
    # one BLAS thread: the products are of 2^m-sized tensors, where threading
    # costs more than it gains (12.8 ms vs 0.27 ms per gate at m = 7, loaded)
    with blas_threads_limit(1):
        out = [_perceptron_unitary(p, gates) for p in net.perceptrons]
    return tuple(out)


def _perceptron_unitary(p, gates) -> np.ndarray:
    """The product of perceptron ``p``'s gates on :func:`perceptron_qubits`."""
    qubits = perceptron_qubits(p)
    m = len(qubits)
    local = {q: i for i, q in enumerate(qubits)}
    # the identity as a (2,)*m + (2^m,) tensor; each gate acts on its axes
    V = np.eye(2**m, dtype=complex).reshape((2,) * m + (2**m,))
    for k in p.gates:
        g = gates[k]
        axes = tuple(local[q] for q in g.qubits)
        G = g.to_matrix().reshape((2,) * (2 * len(axes)))
        V = np.tensordot(G, V, axes=(tuple(range(len(axes), 2 * len(axes))), axes))
        V = np.moveaxis(V, tuple(range(len(axes))), axes)
    return V.reshape(2**m, 2**m)


def check_unitaries(
    unitaries, net: DQNN, *, name: str = "unitaries"
) -> tuple[np.ndarray, ...]:
    """Validate one unitary matrix per perceptron of ``net``.

    Parameters
    ----------
    unitaries : sequence of array_like
        One ``(2^m, 2^m)`` unitary per entry of :attr:`tnbp.DQNN.perceptrons`,
        on the qubits :func:`perceptron_qubits`.
    net : DQNN
        The network.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    tuple of numpy.ndarray of complex128, each of shape (2^m, 2^m)
        Read-only copies.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, or ``unitaries`` is not a
        sequence of numeric matrices.
    ValueError
        If there is not one matrix per perceptron, or one has the wrong shape,
        non-finite entries or is not unitary (to
        :data:`~tnbp.limits.UNITARY_ATOL`).
    """
    perceptrons = _check_net(net).perceptrons
    _check_matrices(unitaries, name, len(perceptrons), "unitary per perceptron")
    return tuple(
        check_unitary(V, len(perceptron_qubits(p)), name=f"{name}[{k}]")
        for k, (V, p) in enumerate(zip(unitaries, perceptrons))
    )


def pauli_generator(coefficients, num_qubits: int) -> np.ndarray:
    r"""The generator :math:`H = \sum_P h_P P` from real Pauli-string coefficients.

    Parameters
    ----------
    coefficients : array_like of float, shape (4^m,)
        :math:`h_P` for the strings :math:`P \in \{I, X, Y, Z\}^{\otimes m}` in
        lexicographic order of the letters ``I X Y Z`` (qubit 0 first: index
        :math:`\sum_q a_q 4^{m-1-q}` with :math:`a_q` the letter's position).
    num_qubits : int
        ``m``, at least 1 and at most
        :data:`~tnbp.limits.MAX_PERCEPTRON_MATRIX_QUBITS`.

    Returns
    -------
    numpy.ndarray of complex128, shape (2^m, 2^m)
        The Hermitian :math:`H`, with :math:`\mathrm{Tr} H^2 = 2^m \sum_P h_P^2`
        (the strings are orthogonal, :math:`\mathrm{Tr}[PQ] = 2^m \delta_{PQ}`).

    Raises
    ------
    TypeError
        If ``coefficients`` is not real or ``num_qubits`` is not an int.
    ValueError
        If ``coefficients`` does not have shape ``(4^m,)`` or is not finite, or
        ``num_qubits`` is out of range.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eq. (13) (:math:`H = \sum h_{u,v} X^u Z^v`, here with Hermitian strings).

    Examples
    --------
    >>> import numpy as np
    >>> h = np.zeros(4); h[3] = 0.5  # 0.5 Z
    >>> pauli_generator(h, 1).real.tolist()
    [[0.5, 0.0], [0.0, -0.5]]
    """
    m = check_int(num_qubits, "num_qubits", minimum=1)
    if m > MAX_PERCEPTRON_MATRIX_QUBITS:
        raise ValueError(
            f"`num_qubits` must be <= MAX_PERCEPTRON_MATRIX_QUBITS = "
            f"{MAX_PERCEPTRON_MATRIX_QUBITS}, got {m}."
        )
    h = np.asarray(coefficients)
    if not np.issubdtype(h.dtype, np.number) or np.iscomplexobj(h):
        raise TypeError(
            f"`coefficients` must be real numbers, got dtype {h.dtype} (the "
            "strings are Hermitian, so real coefficients give a Hermitian H)."
        )
    if h.shape != (4**m,):
        raise ValueError(
            f"`coefficients` must have shape (4^{m},) = ({4**m},), got {h.shape}."
        )
    if not np.isfinite(h).all():
        raise ValueError("`coefficients` must be finite.")
    return _expand(h.astype(float), m)


def _expand(h: np.ndarray, m: int) -> np.ndarray:
    """``sum_P h_P P`` by recursion on the first letter (cost O(m 4^m))."""
    if m == 0:
        return np.array([[h[0]]], dtype=complex)
    blocks = h.reshape(4, -1)
    return sum(
        np.kron(PAULI_MATRICES[a], _expand(blocks[i], m - 1))
        for i, a in enumerate("IXYZ")
    )


def random_generators(net: DQNN, seed=None) -> tuple[np.ndarray, ...]:
    r"""One random generator per perceptron, each at the norm bound :math:`\mathrm{Tr} H^2 = 2^m`.

    :math:`H = \sqrt{2^m}\, G / \|G\|_F` with :math:`G` from the Gaussian
    unitary ensemble (:func:`tnbp.gue_matrix`): since the strings
    :math:`P/\sqrt{2^m}` are an orthonormal basis of the Hermitian matrices,
    this is
    :math:`H = \sum_P h_P P` with :math:`h` uniform on the unit sphere in
    :math:`\mathbb{R}^{4^m}` (the identity string included; it only adds a
    global phase, so the cost does not see it).

    Parameters
    ----------
    net : DQNN
        The network (only its perceptrons' sizes are used).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness.

    Returns
    -------
    tuple of numpy.ndarray of complex128, each of shape (2^m, 2^m)
        One Hermitian generator per perceptron, in the order of
        :attr:`tnbp.DQNN.perceptrons`, with :math:`\mathrm{Tr} H^2 = 2^m`.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN` or ``seed`` has the wrong type.
    ValueError
        If a perceptron acts on more than
        :data:`~tnbp.limits.MAX_PERCEPTRON_MATRIX_QUBITS` qubits, or ``seed``
        is negative.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eq. (13).
    """
    rng = as_rng(seed)
    out = []
    for p in _check_net(net).perceptrons:
        m = len(perceptron_qubits(p))
        G = gue_matrix(m, seed=rng)
        out.append(G * np.sqrt(2**m) / np.linalg.norm(G))
    return tuple(out)


def check_generators(
    generators, net: DQNN, *, name: str = "generators"
) -> tuple[np.ndarray, ...]:
    r"""Validate one Hermitian generator per perceptron within :math:`\mathrm{Tr} H^2 \le 2^m`.

    Parameters
    ----------
    generators : sequence of array_like
        One ``(2^m, 2^m)`` matrix per entry of :attr:`tnbp.DQNN.perceptrons`
        (``m`` its number of qubits).
    net : DQNN
        The network.
    name : str, optional
        The argument's name in error messages.

    Returns
    -------
    tuple of numpy.ndarray of complex128, each of shape (2^m, 2^m)
        The generators, made exactly Hermitian (:math:`(H + H^\dagger)/2`).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, or ``generators`` is not a
        sequence of numeric arrays.
    ValueError
        If there is not one generator per perceptron, one has the wrong shape,
        is not finite, not Hermitian (relative to :data:`GENERATOR_RTOL`), or
        has :math:`\mathrm{Tr} H^2 > 2^m (1 + \text{GENERATOR\_RTOL})`.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eq. (13) (the norm bound).
    """
    perceptrons = _check_net(net).perceptrons
    _check_matrices(generators, name, len(perceptrons), "generator per perceptron")
    return tuple(
        _check_generator(
            H,
            2 ** len(perceptron_qubits(p)),
            f"`{name}[{k}]` (perceptron V_{p.index}^{p.layer})",
            bound=True,
        )
        for k, (H, p) in enumerate(zip(generators, perceptrons))
    )


def _check_generator(H, d: int, where: str, *, bound: bool) -> np.ndarray:
    """One Hermitian ``(d, d)`` generator (within eq. 13's norm bound if ``bound``)."""
    H = np.asarray(H)
    if not np.issubdtype(H.dtype, np.number):
        raise TypeError(f"{where} must be a numeric matrix, got dtype {H.dtype}.")
    if H.shape != (d, d):
        raise ValueError(f"{where} must have shape ({d}, {d}), got {H.shape}.")
    if not np.isfinite(H).all():
        raise ValueError(f"{where} must be finite.")
    # compared at unit scale: huge entries overflow the norms (inf > rtol * inf
    # is False), and an absolute floor would pass any tiny anti-Hermitian H
    scale = float(np.max(np.abs(H))) if H.size else 0.0
    unit = H / scale if scale > 0 else H
    if np.linalg.norm(unit - unit.conj().T) > GENERATOR_RTOL * np.linalg.norm(unit):
        raise ValueError(f"{where} must be Hermitian.")
    with np.errstate(over="ignore"):  # inf for huge H: over the bound
        tr2 = (np.linalg.norm(unit) * np.float64(scale)) ** 2
    if bound and tr2 > d * (1 + GENERATOR_RTOL):
        raise ValueError(
            f"{where} violates the norm bound of eq. (13): Tr H^2 = {tr2:.6g} "
            f"> 2^m = {d}."
        )
    return ((H + H.conj().T) / 2).astype(complex)


def _check_matrices(values, name: str, count: int | None, each: str) -> None:
    """A sequence of matrices: ``count`` of them (one ``each``) unless None."""
    if isinstance(values, np.ndarray) or not hasattr(values, "__len__"):
        raise TypeError(
            f"`{name}` must be a sequence with one matrix per perceptron, got "
            f"{type(values).__name__}."
        )
    if count is not None and len(values) != count:
        raise ValueError(f"`{name}` must hold one {each} ({count}), got {len(values)}.")


def _any_unitary(V, name: str) -> np.ndarray:
    """A ``(2^m, 2^m)`` unitary of any ``m`` (read from its shape)."""
    arr = np.asarray(V)
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"`{name}` must be a numeric matrix, got {type(V).__name__}.")
    d = arr.shape[0] if arr.ndim == 2 else 0
    if d < 1 or d & (d - 1):
        raise ValueError(
            f"`{name}` must be a (2^m, 2^m) matrix, got shape {arr.shape}."
        )
    return check_unitary(arr, d.bit_length() - 1, name=name)


def update_unitaries(unitaries, generators, eps: float) -> tuple[np.ndarray, ...]:
    r"""The update :math:`V \leftarrow e^{i \varepsilon H} V` of eq. (13), for every perceptron.

    :math:`e^{i\varepsilon H} = U \mathrm{diag}(e^{i \varepsilon w}) U^\dagger`
    from the eigendecomposition :math:`H = U \mathrm{diag}(w) U^\dagger`
    (exactly unitary to rounding).

    Parameters
    ----------
    unitaries : sequence of numpy.ndarray, each of shape (d, d)
        The perceptrons (e.g. :func:`perceptron_unitaries`), unitary to
        :data:`~tnbp.limits.UNITARY_ATOL`, ``d`` a power of two.
    generators : sequence of numpy.ndarray, each of shape (d, d)
        Hermitian generators of the same shapes (relative to
        :data:`GENERATOR_RTOL`; :func:`check_generators` also checks the norm
        bound of eq. 13).
    eps : float
        The step :math:`\varepsilon` (dimensionless, as :math:`H`).

    Returns
    -------
    tuple of numpy.ndarray of complex128, each of shape (d, d)
        :math:`e^{i \varepsilon H_k} V_k` for each ``k``.

    Raises
    ------
    TypeError
        If ``eps`` is not a real number, ``unitaries`` or ``generators`` is not
        a sequence, or an entry is not a numeric matrix.
    ValueError
        If ``unitaries`` and ``generators`` differ in length or shapes, a
        unitary is not a finite ``(2^m, 2^m)`` unitary, a generator is not
        finite or not Hermitian, or ``eps`` is not finite.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
       eq. (13).
    """
    eps = check_real(eps, "eps")
    _check_matrices(unitaries, "unitaries", None, "unitary")
    _check_matrices(generators, "generators", len(unitaries), "generator per unitary")
    out = []
    for k, (V, H) in enumerate(zip(unitaries, generators)):
        V = _any_unitary(V, f"unitaries[{k}]")
        H = _check_generator(H, len(V), f"`generators[{k}]`", bound=False)
        w, U = np.linalg.eigh(H)
        out.append((U * np.exp(1j * eps * w)) @ (U.conj().T @ V))
    return tuple(out)
