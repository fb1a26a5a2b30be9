r"""Exact gradient variances over uniformly random angles: the twirled doubled circuit.

Let every trainable angle of a circuit be drawn independently and uniformly
from :math:`[0, 2\pi)`, the fixed gates staying as they are. The cost
:math:`C(\theta) = \mathrm{Tr}[O\,U\rho_0U^\dagger]` is :math:`2\pi`-periodic
in each angle, so :math:`\mathbb{E}[\partial_k C] = 0` and

.. math::

    \mathrm{Var}[\partial_k C] = \mathbb{E}[(\partial_k C)^2]
    = \mathrm{Tr}\big[(O \otimes O)\,
      \mathbb{E}[\partial_k \rho \otimes \partial_k \rho]\big],

the variance over random circuits that defines a barren plateau (McClean et
al., arXiv:1803.11173; eq. (6) of arXiv:2005.12458).

On two replicas every gate acts as :math:`\mathcal{U} \otimes \mathcal{U}`
with :math:`\mathcal{U}(X) = UXU^\dagger`. Because the angles are independent,
the average factorizes gate by gate: rotation :math:`j \ne k` becomes the
channel :math:`\mathbb{E}_\theta[\mathcal{R}_\theta \otimes \mathcal{R}_\theta]`
and rotation :math:`k` the map
:math:`\mathbb{E}_\theta[\mathcal{D}_\theta \otimes \mathcal{D}_\theta]` with
:math:`\mathcal{D}_\theta = \partial_\theta \mathcal{R}_\theta`. Both are
trigonometric polynomials of degree 2 in :math:`\theta`, so an 8-point
equispaced quadrature averages them exactly.

The doubled operator :math:`\rho \otimes \rho` is held as an MPS with one
16-dimensional site per qubit, index :math:`(k_1, k_2, b_1, b_2)` for the entry
:math:`\rho_{k_1 b_1} \rho_{k_2 b_2}`, and evolved with quimb's MPS gates.
One forward sweep stores the doubled state before each requested parameter,
one backward sweep carries :math:`O \otimes O` in the Heisenberg picture, and
each variance is the bilinear pairing of the two around gate ``k``
(:func:`tnbp.states.canonical.pair`, one transfer-matrix sweep): the cost of
two circuit runs, not one per parameter.

This answers the question sampling cannot. For the toy model of
arXiv:2001.00550 (:func:`tnbp.ansatz.toy_perceptron`) with its global cost,
:math:`\partial_1 C = \tfrac12\sin\theta_1\prod_{j>1}\cos^2(\theta_j/2)`: the
variance falls like :math:`(3/8)^n = e^{-0.98n}`, but a typical squared
derivative like :math:`e^{\mathbb{E}\ln(\partial_1 C)^2} \propto 16^{-n} =
e^{-2.77n}` (:math:`\mathbb{E}\ln\cos^4(\theta/2) = -4\ln 2`), so the sample
variance is dominated by rare events (``variance_reliable=False`` in
:func:`~tnbp.gradient_variance`).

This engine runs on any circuit (``engine="doubled"``), but its bond dimension
grows like :math:`9^{\rm layers}` for brick layers. Circuits of Pauli
rotations and Clifford gates with Pauli-sum costs run instead, at any depth,
on the Pauli-transfer chain of :mod:`tnbp.gradients.pauli_moments` (4-dimensional
sites), which :func:`exact_gradient_variance` chooses where it applies
(``engine="auto"``). With ``haar="average"`` both engines also average every
fixed gate labelled ``"HAAR"`` over the Haar measure: here by its Weingarten
form :math:`\Phi(X) = \alpha I + \beta F` on the two replicas (:math:`F`
their swap, :math:`\alpha, \beta` fixed by :math:`\mathrm{Tr}\,X` and
:math:`\mathrm{Tr}\,XF`).

Accuracy: singular values below ``cutoff`` times the largest are dropped at
each split; these are at floating-point noise level for the default
``1e-14``. The result is flagged ``truncated`` (and a warning says so) when a
finite ``max_bond`` is reached, or when ``cutoff`` exceeds
:data:`~tnbp.limits.MOMENTS_NOISE_CUTOFF` (1e-12): the weight such a cutoff
drops is not tracked here (``error_cutoff`` estimates it by a second run),
so the variances are then approximations of unknown error.

References
----------
.. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
   "Barren plateaus in quantum neural network training landscapes",
   Nat. Commun. 9, 4812 (2018), arXiv:1803.11173.
.. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
   function dependent barren plateaus in shallow parametrized quantum
   circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the toy model).
.. [3] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458, eq. (6) (the variance) and the text
   after Theorem 1 (the toy perceptrons of Fig. 3(a)).
"""

from __future__ import annotations

import dataclasses
import functools
import warnings

import numpy as np
import quimb.tensor as qtn

from .._checks import (
    check_bitstring,
    check_cutoff,
    check_int,
    check_max_bond,
    check_opt,
    check_parameters,
)
from .._threads import blas_threads_limit
from ..limits import MOMENTS_NOISE_CUTOFF
from ..models.circuit import Circuit
from ..models.gates import rotation_matrix
from ..models.operators import as_observable
from ..models.paulis import pauli_matrix
from ..states.canonical import pair, site_arrays
from ..states.record import TruncationWarning
from .pauli_moments import (
    HAAR_OPTIONS,
    pauli_transfer_reason,
    pauli_transfer_variance,
)

#: Quadrature points per rotation; exact for trigonometric degree < 8 (ours: 2).
QUADRATURE_POINTS = 8
#: The engines of :func:`exact_gradient_variance`.
ENGINES = ("auto", "pauli", "doubled")
#: The options of :func:`exact_gradient_variance` that
#: :func:`tnbp.gradient_variance` passes on from its ``sim_opts``.
EXACT_OPTIONS = ("max_bond", "cutoff", "engine", "haar", "error_cutoff", "threads")


@dataclasses.dataclass(frozen=True)
class GradientMoments:
    r"""Exact ensemble statistics of :math:`\partial_k C` over uniform angles.

    Attributes
    ----------
    parameters : numpy.ndarray of int64, shape (k,)
        Parameter indices, non-negative, in the order requested.
    variance : numpy.ndarray of float64, shape (k,)
        :math:`\mathrm{Var}[\partial_k C] = \mathbb{E}[(\partial_k C)^2]`, one
        per entry of ``parameters``, in (units of :math:`O`)² per radian²; the
        mean is exactly zero.
    max_bond_reached : int
        Largest bond dimension of the MPS in either sweep.
    truncated : bool
        Whether ``max_bond`` capped a bond or ``cutoff`` was above rounding
        level (the variances are then approximate).
    engine : str
        The engine that computed them: ``"pauli"`` (the Pauli-transfer chain,
        :mod:`tnbp.gradients.pauli_moments`) or ``"doubled"`` (the twirled
        doubled circuit).
    bond_dims : numpy.ndarray of int64, shape (2, n - 1)
        Largest dimension each bond reached in the forward (row 0) and the
        Heisenberg (row 1) sweep.
    discarded_weight : numpy.ndarray of float64, shape (2,)
        Sum over the truncations of the forward and of the Heisenberg sweep of
        the discarded squared singular values, each relative to the squared
        norm at that moment (dimensionless); NaN where not tracked (the
        doubled engine).
    variance_bound : numpy.ndarray of float64, shape (k,)
        Bound on :math:`|\text{variance} - \text{exact}|` from the
        truncations, in the units of ``variance``; NaN where not tracked (the
        doubled engine). Rigorous but loose for shallow circuits (see
        :mod:`tnbp.gradients.pauli_moments`).
    variance_error : numpy.ndarray of float64, shape (k,)
        :math:`|\text{variance} - \text{variance at error\_cutoff}|`, the
        change of each variance when rerun at the second cutoff, in the units
        of ``variance``; NaN when ``error_cutoff`` was not given.
    """

    parameters: np.ndarray
    variance: np.ndarray
    max_bond_reached: int
    truncated: bool
    engine: str
    bond_dims: np.ndarray
    discarded_weight: np.ndarray
    variance_bound: np.ndarray
    variance_error: np.ndarray


def _replica_map(U: np.ndarray, dU: np.ndarray | None = None) -> np.ndarray:
    r"""Superoperator of :math:`X \mapsto UXU^\dagger` (or its derivative) on one replica.

    Axes ``[k', b', k, b]``, each a block of ``m`` qubit axes. With ``dU`` it is
    :math:`X \mapsto dU\,X U^\dagger + U X\, dU^\dagger`.
    """
    m = U.shape[0].bit_length() - 1
    shape = (2,) * (2 * m)

    def outer(A, B):
        t = np.multiply.outer(A.reshape(shape), B.conj().reshape(shape))
        # axes [k', k, b', b] -> [k', b', k, b]
        blocks = [
            range(0, m),
            range(2 * m, 3 * m),
            range(m, 2 * m),
            range(3 * m, 4 * m),
        ]
        return t.transpose([a for blk in blocks for a in blk])

    return outer(U, U) if dU is None else outer(dU, U) + outer(U, dU)


def _doubled(T: np.ndarray, m: int) -> np.ndarray:
    """``T (x) T`` on two replicas: a ``16^m x 16^m`` matrix, sites ``(k1, k2, b1, b2)``."""
    S = np.multiply.outer(T, T)
    r = 4 * m  # axes of the second replica start here
    out = [
        off + base + q
        for base_pair in ((0, m), (2 * m, 3 * m))
        for q in range(m)
        for base, off in (
            (base_pair[0], 0),
            (base_pair[0], r),
            (base_pair[1], 0),
            (base_pair[1], r),
        )
    ]
    return S.transpose(out).reshape(16**m, 16**m)


@functools.lru_cache(maxsize=64)
def _twirl(pauli: str, derivative: bool) -> np.ndarray:
    r""":math:`\mathbb{E}_\theta` of the doubled rotation map (or its derivative)."""
    m = len(pauli)
    P = pauli_matrix(pauli)
    acc = np.zeros((16**m, 16**m), dtype=complex)
    for theta in 2 * np.pi * np.arange(QUADRATURE_POINTS) / QUADRATURE_POINTS:
        U = rotation_matrix(pauli, theta)
        T = _replica_map(U, -0.5j * P @ U if derivative else None)
        acc += _doubled(T, m)
    acc /= QUADRATURE_POINTS
    acc.setflags(write=False)
    return acc


@functools.lru_cache(maxsize=2)
def _haar_doubled(m: int) -> np.ndarray:
    r"""Haar average of the doubled map of an ``m``-qubit gate (symmetric).

    :math:`\mathbb E_U[(U\otimes U)X(U\otimes U)^\dagger] = \alpha I +
    \beta F` with :math:`F` the swap of the replicas,
    :math:`\alpha = (\mathrm{Tr}X - \mathrm{Tr}XF/d)/(d^2-1)` and
    :math:`\beta = (\mathrm{Tr}XF - \mathrm{Tr}X/d)/(d^2-1)`, :math:`d = 2^m`.
    """
    d = 2**m
    delta = np.eye(2)
    e_i = np.einsum("ab,cd->acbd", delta, delta).reshape(16)  # d(k1 b1) d(k2 b2)
    e_f = np.einsum("ad,cb->acbd", delta, delta).reshape(16)  # d(k1 b2) d(k2 b1)
    eye, swap = np.ones(1), np.ones(1)
    for _ in range(m):
        eye, swap = np.kron(eye, e_i), np.kron(swap, e_f)
    H = (np.outer(eye, eye - swap / d) + np.outer(swap, swap - eye / d)) / (d * d - 1)
    H.setflags(write=False)
    return H


def _gate_map(gate, haar: str) -> np.ndarray:
    if gate.trainable:
        return _twirl(gate.pauli, False)
    if haar == "average" and gate.label == "HAAR":
        return _haar_doubled(len(gate.qubits))
    return _doubled(_replica_map(gate.to_matrix()), len(gate.qubits))


def _observable_mps(obs, n: int, cutoff: float) -> qtn.MatrixProductState:
    r""":math:`\tilde O \otimes \tilde O` (constant dropped) as a 16-dim-site MPS.

    The identity part of every single-qubit term is dropped too (it is a
    constant).

    Pairing with the doubled state is the bilinear sum over ``(k1, k2, b1, b2)``
    of :math:`\tilde O_{b_1 k_1} \tilde O_{b_2 k_2}\, \sigma_{k_1 k_2 b_1 b_2}`.
    """
    eye = np.eye(2)
    single = None  # one replica: sites of dimension 4, index (k, b) -> O[b, k]
    for term in obs.terms:
        ops = term.as_dict()
        if len(ops) == 1:  # drop its identity part: Tr[d rho] = 0, and kept, the
            # pairing cancels O(1) pieces to leave Var ~ 1/n^2 (1e-10 relative
            # error of the local cost at n = 60 before)
            ((q, A),) = ops.items()
            ops = {q: A - np.trace(A) / 2 * eye}
        arrays = [ops.get(q, eye).T.reshape(4) for q in range(n)]
        arrays[0] = term.coeff * arrays[0]
        prod = qtn.MPS_product_state(arrays)
        single = (
            prod
            if single is None
            else single.add_MPS(prod, compress=True, cutoff=cutoff)
        )
    doubled = []
    for A in site_arrays(single):  # (l, (k, b), r)
        l, _, r = A.shape
        A = A.reshape(l, 2, 2, r)
        D = np.einsum("akbc,dlme->adklbmce", A, A).reshape(l * l, 16, r * r)
        doubled.append(D)
    doubled[0] = doubled[0][0]
    doubled[-1] = doubled[-1][..., 0]
    return qtn.MatrixProductState(doubled, shape="lpr")


def _doubled_variance(
    circuit: Circuit, obs, positions, initial: str, max_bond, cutoff: float, haar: str
):
    """The doubled engine: variances at the gate ``positions`` and the bond record."""
    n = circuit.n
    gates = circuit.gates
    opts = dict(
        contract="auto-mps", max_bond=max_bond, cutoff=cutoff, cutoff_mode="rel"
    )
    bonds = np.ones((2, n - 1), dtype=np.int64)
    if not obs.terms:  # a constant: no derivative (and no MPS to build)
        return np.zeros(len(positions)), bonds

    def record(mps, row):
        if n > 1:
            np.maximum(bonds[row], mps.bond_sizes(), out=bonds[row])

    with blas_threads_limit(1):
        start = [np.eye(16)[15 * int(c)] for c in initial]
        sigma = qtn.MPS_product_state(start)
        before = {}
        at = set(positions)
        for j, g in enumerate(gates[: max(positions)]):
            if j in at:
                before[j] = sigma.copy()
            sigma.gate_(_gate_map(g, haar), g.qubits, **opts)
            record(sigma, 0)
        before[max(positions)] = sigma
        del sigma
        w = _observable_mps(obs, n, cutoff)
        record(w, 1)
        variance = {}
        for j in range(len(gates) - 1, min(positions) - 1, -1):
            g = gates[j]
            if j in before:
                s = before.pop(j)
                s.gate_(_twirl(g.pauli, True), g.qubits, **opts)
                record(s, 0)
                variance[j] = pair(site_arrays(w), site_arrays(s), conjugate=False).real
            if j > min(positions):
                w.gate_(_gate_map(g, haar).T, g.qubits, **opts)
                record(w, 1)
    return np.array([variance[j] for j in positions]), bonds


def _run_engine(engine, circuit, obs, wanted, initial, threads, max_bond, cutoff, haar):
    """``(variance, bond_dims, discarded_weight, variance_bound, capped)`` of one run."""
    if engine == "pauli":
        r = pauli_transfer_variance(
            circuit,
            obs,
            parameters=wanted,
            initial=initial,
            max_bond=max_bond,
            cutoff=cutoff,
            haar=haar,
            threads=threads,
        )
        return r.variance, r.bond_dims, r.discarded_weight, r.variance_bound, r.capped
    positions = [circuit.parameter_gates[k] for k in wanted]
    variance, bonds = _doubled_variance(
        circuit, obs, positions, initial, max_bond, cutoff, haar
    )
    nan = np.full(len(wanted), np.nan)
    capped = max_bond is not None and int(bonds.max(initial=1)) >= max_bond
    return variance, bonds, np.full(2, np.nan), nan, capped


def exact_gradient_variance(
    circuit: Circuit,
    observable,
    *,
    parameters="all",
    initial: str | None = None,
    max_bond: int | None = None,
    cutoff: float = 1e-14,
    engine: str = "auto",
    haar: str = "fixed",
    error_cutoff: float | None = None,
    threads: int = 2,
) -> GradientMoments:
    r"""Exact :math:`\mathrm{Var}[\partial_k C]` over i.i.d. uniform trainable angles.

    Two engines compute the same average. ``"pauli"``, the Pauli-transfer
    chain of :mod:`tnbp.gradients.pauli_moments` (4-dimensional sites, any
    depth), runs when every fixed gate is Clifford (or a ``"HAAR"`` gate
    averaged with ``haar="average"``) and the observable is a sum of at most
    :data:`~tnbp.limits.PAULI_MAX_STRINGS` Pauli strings (a local cost; a
    global cost only on up to 10 qubits); ``"doubled"``, the twirled doubled
    circuit described in :mod:`tnbp.gradients.moments` (16-dimensional sites,
    bond dimension growing like :math:`9^{\rm layers}`), runs on everything.
    ``engine="auto"`` takes the first that applies and reports which in
    ``engine``.

    Parameters
    ----------
    circuit : Circuit
        The structure; its angles are ignored (averaged over :math:`[0, 2\pi)`).
        Every trainable rotation is averaged independently (each has its own
        parameter in :class:`~tnbp.Circuit`).
    observable : Observable or list of (coeff, pauli, qubits)
        The cost :math:`C = \mathrm{Tr}[O\rho]` (its constant does not enter).
    parameters : "all", int or sequence of int, optional
        Parameter indices: negative counts from the end, results come in the
        order given, repeats are rejected (the package-wide ``parameters``
        convention).
    initial : str, optional
        Computational basis start state, qubit 0 first (default all zeros).
    max_bond : int, optional
        Cap on the MPS bond dimension (None: exact).
    cutoff : float, optional
        Relative singular value cutoff (to the largest, quimb's
        ``cutoff_mode="rel"``) at each split, in ``[0, 1)``; above
        :data:`~tnbp.limits.MOMENTS_NOISE_CUTOFF` the result is flagged
        ``truncated``.
    engine : {"auto", "pauli", "doubled"}, optional
        Which engine to run (default: the Pauli-transfer chain where the
        circuit and observable qualify, else the doubled circuit).
    haar : {"fixed", "average"}, optional
        ``"average"``: every fixed gate labelled ``"HAAR"``
        (:func:`tnbp.ansatz.haar_brickwork`,
        :func:`tnbp.ansatz.append_design_block`) is averaged over the Haar
        measure too, so the variance is the ensemble's, exactly, from one
        instance of the structure; ``"fixed"`` (default): fixed gates stay as
        drawn. Random Cliffords stay fixed either way (see
        :mod:`tnbp.gradients.pauli_moments`).
    error_cutoff : float, optional
        Rerun at this second cutoff and report the change of every variance
        as ``variance_error`` (an estimate of the truncation error, at twice
        the cost); in ``[0, 1)``.
    threads : int, optional
        Threads of the Pauli-transfer chain (its forward and Heisenberg sweeps
        run side by side with 2, the default; 1 under an executor that already
        fills the cores); the doubled engine runs in one. The numbers do not
        depend on it.

    Returns
    -------
    GradientMoments
        ``variance[i]`` belongs to parameter ``parameters[i]``, in units of
        :math:`O` squared per radian squared, with the engine and its
        truncation record.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``observable`` is not an
        observable, ``initial`` is not a string, or ``parameters``, ``max_bond``,
        ``cutoff``, ``error_cutoff`` or ``threads`` has the wrong type.
    ValueError
        If ``threads < 1``, the circuit has no trainable parameters, ``parameters`` is empty,
        out of range or repeats an index, ``initial`` has the wrong length or
        characters, ``max_bond < 1``, ``cutoff`` or ``error_cutoff`` is outside
        ``[0, 1)``, ``engine`` or ``haar`` is not one of the options,
        ``engine="pauli"`` is asked of a circuit or observable it cannot run,
        or ``observable`` acts outside the register.

    Warns
    -----
    TruncationWarning
        When a bond reaches ``max_bond``, or ``cutoff`` is above rounding
        level (``truncated`` is then True).

    References
    ----------
    .. [1] J. R. McClean, S. Boixo, V. N. Smelyanskiy, R. Babbush and H. Neven,
       "Barren plateaus in quantum neural network training landscapes",
       Nat. Commun. 9, 4812 (2018), arXiv:1803.11173 (the variance of a
       derivative over random circuits).
    .. [2] M. Cerezo, A. Sone, T. Volkoff, L. Cincio and P. J. Coles, "Cost
       function dependent barren plateaus in shallow parametrized quantum
       circuits", Nat. Commun. 12, 1791 (2021), arXiv:2001.00550 (the toy model
       of the example below).
    .. [3] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (6) and, for the toy
       perceptrons, :math:`\mathrm{Var}[\partial_\nu C_G] =
       \tfrac18(\tfrac38)^{n-1}` after Theorem 1.
    .. [4] V. Heyraud, Z. Li, K. Donatella, A. Le Boite and C. Ciuti,
       "Efficient estimation of trainability for variational quantum
       circuits", PRX Quantum 4, 040335 (2023), arXiv:2302.04649 (Clifford
       circuits with Pauli rotations as Markov chains).

    Examples
    --------
    The toy model of arXiv:2001.00550 with its global cost, at 30 qubits
    (2^30 Pauli strings: the doubled engine):

    >>> import tnbp
    >>> circ = tnbp.ansatz.toy_perceptron(30, seed=1)
    >>> m = exact_gradient_variance(circ, tnbp.observables.global_cost(range(30)), parameters=0)
    >>> bool(abs(m.variance[0] / ((1 / 8) * (3 / 8) ** 29) - 1) < 1e-10), m.engine
    (True, 'doubled')

    A deep hardware-efficient circuit (the Pauli-transfer chain) approaches
    the 2-design value :math:`d^2/(2(d+1)(d^2-1))`, :math:`d = 2^n`:

    >>> circ = tnbp.ansatz.hardware_efficient(4, 24, seed=0)  # RY of qubit 2, layer 12:
    >>> m = exact_gradient_variance(circ, [(1.0, "ZZ", (1, 2))], parameters=100)
    >>> m.engine, round(float(m.variance[0] / tnbp.theory.two_design_gradient_variance(4)), 2)
    ('pauli', 1.0)
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    n = circuit.n
    obs = as_observable(observable, n)
    initial = check_bitstring(initial, n)
    cutoff = check_cutoff(cutoff)
    if error_cutoff is not None:
        error_cutoff = check_cutoff(error_cutoff, name="error_cutoff")
    max_bond = check_max_bond(max_bond)
    threads = check_int(threads, "threads", minimum=1)
    check_opt("engine", engine, ENGINES)
    check_opt("haar", haar, HAAR_OPTIONS)
    num = circuit.num_parameters
    if num == 0:
        raise ValueError("`circuit` has no trainable parameters.")
    selection = check_parameters(parameters, num)
    wanted = list(range(num)) if selection is None else list(selection)
    if engine == "auto":
        engine = (
            "doubled" if pauli_transfer_reason(circuit, obs, haar=haar) else "pauli"
        )
    run = functools.partial(_run_engine, engine, circuit, obs, wanted, initial, threads)
    variance, bonds, discarded, bound, capped = run(max_bond, cutoff, haar)
    error = np.full(len(wanted), np.nan)
    if error_cutoff is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TruncationWarning)
            error = np.abs(variance - run(max_bond, error_cutoff, haar)[0])
    coarse = cutoff > MOMENTS_NOISE_CUTOFF
    truncated = capped or coarse
    if truncated:
        why = (
            f"{engine} MPS reached max_bond={max_bond}"
            if capped
            else f"cutoff={cutoff:g} drops more than rounding noise"
        )
        what = (
            "their error is bounded by `variance_bound`"
            if engine == "pauli"
            else "their error is not tracked (pass `error_cutoff` to estimate it)"
        )
        warnings.warn(
            f"{why}: the variances are truncated approximations; {what}.",
            TruncationWarning,
            stacklevel=2,
        )
    return GradientMoments(
        parameters=np.array(wanted, dtype=np.int64),
        variance=variance,
        max_bond_reached=int(bonds.max(initial=1)),
        truncated=bool(truncated),
        engine=engine,
        bond_dims=bonds,
        discarded_weight=discarded,
        variance_bound=bound,
        variance_error=error,
    )
