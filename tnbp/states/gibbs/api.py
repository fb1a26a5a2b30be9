r"""Gibbs states :math:`\rho = e^{-\beta H}/Z` of 2-local Hamiltonians.

``backend="dense"``
    :math:`\rho` from the eigendecomposition of :math:`H` (``n <= 12``).
``backend="mps"``
    Purification. Each site holds a physical qubit and an ancilla (dimension 4,
    physical index most significant). Start from
    :math:`|\Phi\rangle = \bigotimes_i (|00\rangle + |11\rangle)/\sqrt2`, whose
    physical marginal is :math:`I/2^n`, and evolve in imaginary time:
    :math:`|\psi\rangle \propto e^{-\beta H/2}|\Phi\rangle` gives
    :math:`\rho = \mathrm{Tr}_{anc}|\psi\rangle\langle\psi|`.

    Trotterization: the terms are grouped by support (onsite terms folded into a
    pair that contains their qubit; qubits in no pair get one exact gate at the
    end). Nearest-neighbour pairs are coloured into even/odd layers and each
    step of size :math:`\delta` is the symmetric product
    :math:`L_1(\delta/2) L_2(\delta) L_1(\delta/2)`, half-steps of adjacent
    steps merged. Any other pair structure goes through an odd-even
    transposition swap network, forwards then backwards, each gate fused with
    its SWAP (:func:`tnbp.states.gibbs.trotter.evolve_swap_network`). Both are second
    order; ``order=4`` composes five of them (Suzuki), except on two layers (a
    chain), where it is Blanes and Moan's six-stage splitting, ~18x more
    accurate at the same step (:mod:`tnbp.states.gibbs.trotter`). With a
    conserved charge (``conserve``) every SVD and QR runs block by block
    (:mod:`tnbp.states.gibbs.purification`). The number of steps is
    :math:`\lceil \beta/(2\,\mathrm{dtau})\rceil`, so the last step lands on
    :math:`\beta` exactly; the error of an observable is
    :math:`O(\beta\,\mathrm{dtau}^{\mathrm{order}})`.

    Truncation rule, as for circuits: after each SVD the smallest singular
    values whose squared sum is below ``cutoff`` times the total are dropped
    (quimb's ``rsum2``), then at most ``max_bond`` are kept. The discarded
    weights are recorded in the state's :class:`~tnbp.BondRecord`, every one
    of them (no noise floor). In imaginary time the truncation errors of
    successive layers add up coherently: the error of a quantity grows like
    :math:`T = \sum_\ell \sqrt{\epsilon_\ell}` over the layers
    (``state.truncation_distance``), i.e. like :math:`N\sqrt{\mathrm{cutoff}}`
    for :math:`N` SVDs at a fixed cutoff. By default the cutoff is therefore
    :math:`(A/\sum_\ell \sqrt{m_\ell})^2` for the amplitude budget
    :math:`A` = :data:`AMPLITUDE_BUDGET` and layers of :math:`m_\ell` gates,
    so the cutoff's part of :math:`T` stays below :math:`A` whatever ``dtau``:
    a smaller step never trades a smaller Trotter error for a larger
    truncation error. (A fixed per-SVD cutoff does: at 1e-14, on a 16-qubit
    random XX chain at beta = 2, the energy error grew from 5e-8 at dtau =
    0.1 to 1.2e-6 at 0.05 and 2.6e-6 at 0.025.)
    Since :math:`\mathrm{Tr}_{anc}|\Phi\rangle\langle\Phi| = I/2^n`,
    :math:`Z = 2^n \|e^{-\beta H/2}|\Phi\rangle\|^2`:
    :math:`\ln Z = n \ln 2 + \sum \ln \|\psi\|^2` over the normalization
    history, with each norm taken before truncation.

    Error budget. Every estimator of a Gibbs state (:func:`tnbp.thermal_energy`,
    :func:`tnbp.log_partition`, :func:`tnbp.expectation`, ...) returns an
    :class:`~tnbp.Estimate` whose ``error_bound`` is the sum of a truncation
    part (``truncation_error``: from the total discarded weight, see
    :mod:`tnbp.estimators.budget`) and a Trotter part (``trotter_error``).
    The Trotter part comes from a Richardson pair: ``richardson=True`` (the
    default) also prepares a *companion* with half as many steps
    (``steps // 2``; 2 steps when ``steps = 1``), at about half the cost of
    the state itself, and every estimator evaluates its quantity on both; the
    difference times :func:`~tnbp.states.gibbs.purified.richardson_factor`
    (1/3 at order 4, 1 at order 2) bounds the Trotter error of the state.

References
----------
.. [1] F. Verstraete, J. J. Garcia-Ripoll and J. I. Cirac, "Matrix product
   density operators: simulation of finite-temperature and dissipative
   systems", Phys. Rev. Lett. 93, 207204 (2004), arXiv:cond-mat/0406426 (purification).
.. [2] A. E. Feiguin and S. R. White, "Finite-temperature density matrix
   renormalization using an enlarged Hilbert space", Phys. Rev. B 72,
   220401(R) (2005) (ancilla imaginary-time evolution).
.. [3] M. Suzuki, "Fractal decomposition of exponential operators with
   applications to many-body theories and Monte Carlo simulations", Phys.
   Lett. A 146, 319 (1990) (fourth-order composition).
"""

from __future__ import annotations

import math

from ..._checks import check_beta, check_cutoff, check_max_bond, check_opt, check_real
from ..._progress import tqdm
from ..._threads import blas_threads_limit
from ...limits import MAX_DENSE_GIBBS_QUBITS, SMALL_DENSE_GIBBS_QUBITS
from ...models.pauli_sum import PauliSum
from .base import GibbsState
from .dense import DenseGibbsState
from .purification import Purification
from .purified import PurifiedGibbsState
from .trotter import (
    conserved_charge,
    evolve_layers,
    evolve_swap_network,
    layer_sizes,
    lift_one,
    split_terms,
)

#: the backends of :func:`~tnbp.gibbs_state`
BACKENDS = ("dense", "mps")
ORDERS = (2, 4)
#: the values of `conserve`: detect, force a charge, or dense blocks
CONSERVE = ("auto", "U1", "Z2", "none")
#: Truncation distance sum_l sqrt(eps_l) the default cutoff may spend over a run:
#: the per-SVD cutoff is (AMPLITUDE_BUDGET / sum_l sqrt(m_l))^2 for layers of m_l
#: gates (1.3e-19 for the 200 layers of 7-8 gates of a 16-qubit chain at beta = 2,
#: dtau = 0.05). The energy error it causes there is ~3e-9 (measured), under the
#: fourth-order Trotter error at dtau >= 0.025.
AMPLITUDE_BUDGET = 2e-7


def gibbs_state(
    H: PauliSum,
    beta,
    *,
    backend: str = "mps",
    dtau: float = 0.05,
    max_bond: int | None = 64,
    cutoff: float | None = None,
    order: int = 4,
    richardson: bool = True,
    conserve: str = "auto",
    progbar: bool = False,
) -> GibbsState:
    r"""The thermal state :math:`\rho = e^{-\beta H}/Z` of a 2-local Hamiltonian.

    Parameters
    ----------
    H : PauliSum
        Terms on at most two qubits (any distance for ``"mps"``).
    beta : float
        Inverse temperature, >= 0, in units of 1/energy of ``H``.
    backend : {"mps", "dense"}, optional
        ``"mps"``: purified MPS by imaginary-time evolution (default);
        ``"dense"``: exact, up to :data:`~tnbp.limits.MAX_DENSE_GIBBS_QUBITS`
        qubits (the MPS options are then ignored).
    dtau : float, optional
        Largest imaginary-time step (``"mps"``); the state evolves to
        :math:`\beta/2` in :math:`\lceil \beta/(2\,\mathrm{dtau})\rceil`
        equal steps.
    max_bond : int or None, optional
        Bond cap of the purification (``"mps"``).
    cutoff : float or None, optional
        Relative discarded weight per SVD (``rsum2``), in ``[0, 1)``. It
        accumulates over the :math:`N \sim n\beta/\mathrm{dtau}` SVDs of the
        run: at n = 40, beta = 1, dtau = 0.01, order 4, a cutoff of 1e-12 gave
        errors of 1e-4 in the energy, 1e-14 gave 1e-5 and 1e-16 gave 1e-6 (XX
        chain, measured). None (default): from :data:`AMPLITUDE_BUDGET`, a
        budget for the whole run independent of ``dtau`` (see above); the
        cutoff used is in ``state.record.cutoff``.
    order : {2, 4}, optional
        Trotter order. The even/odd second-order splitting has a large error
        constant (log Z off by 1.5e-3 at n = 40, beta = 1, dtau = 0.01 on a
        random XX chain); fourth order at dtau = 0.05 is both cheaper and more
        accurate there (3e-5), hence the default.
    richardson : bool, optional
        Also prepare the Richardson companion (``state.companion``: half as
        many steps, the same truncation rule, about half the cost) from which
        estimators bound the Trotter error (``"mps"``; dense states are
        exact). With False, the Trotter part of every estimate is NaN
        (unknown).
    conserve : {"auto", "U1", "Z2", "none"}, optional
        Charge conservation of the purification (``"mps"``): its SVDs and QRs
        run block by block over the sectors of a conserved charge (see
        :mod:`tnbp.states.gibbs.purification`); the state is the same up to
        rounding and to ties between equal singular values at a truncation.
        ``"auto"`` (default) uses the finest charge the terms conserve
        (:func:`~tnbp.states.gibbs.trotter.conserved_charge`: ``"U1"`` if every
        term commutes with the total :math:`\sum_i Z_i`, e.g. the XX chain;
        ``"Z2"`` if with the parity :math:`\prod_i Z_i`, e.g. the
        transverse-field Ising chain), else none; ``"U1"``/``"Z2"`` require
        that charge; ``"none"`` keeps full matrices. The charge used is
        ``state.conserve``. On the XX chain at chi = 64 (n = 32) the U(1)
        blocks make the evolution ~3.5x faster.
    progbar : bool, optional
        Show a progress bar over the Trotter layers (``"mps"``).

    Returns
    -------
    GibbsState
        :class:`DenseGibbsState` or :class:`PurifiedGibbsState`, with
        ``log_partition`` (:math:`\ln Z`, the constant of ``H`` included;
        :func:`tnbp.log_partition` gives it with its error budget);
        estimators (:func:`tnbp.expectation`, :func:`tnbp.subsystem_entropy`,
        :func:`tnbp.purity`, :func:`tnbp.trace_distance_to_maximally_mixed`,
        :func:`tnbp.thermal_energy`, ...) accept it and report the error
        budget described above.

    Raises
    ------
    TypeError
        If ``H`` is not a :class:`~tnbp.PauliSum`, or ``beta``, ``dtau``,
        ``max_bond``, ``cutoff`` or ``richardson`` has the wrong type.
    ValueError
        If ``H`` has no terms or (``"mps"``) terms on more than two qubits or
        fewer than 2 qubits, ``beta`` is negative or not finite, ``dtau <= 0``,
        ``max_bond < 1``, ``cutoff`` is outside ``[0, 1)``, ``order``,
        ``conserve`` or ``backend`` is unknown, ``conserve`` names a charge
        ``H`` does not conserve, or ``H`` is too large for ``"dense"``.

    References
    ----------
    .. [1] F. Verstraete, J. J. Garcia-Ripoll and J. I. Cirac, "Matrix product
       density operators: simulation of finite-temperature and dissipative
       systems", Phys. Rev. Lett. 93, 207204 (2004), arXiv:cond-mat/0406426.
    .. [2] A. E. Feiguin and S. R. White, "Finite-temperature density matrix
       renormalization using an enlarged Hilbert space", Phys. Rev. B 72,
       220401(R) (2005).
    .. [3] M. Suzuki, "Fractal decomposition of exponential operators with
       applications to many-body theories and Monte Carlo simulations", Phys.
       Lett. A 146, 319 (1990).
    .. [4] L. F. Richardson, "The deferred approach to the limit", Phil. Trans.
       R. Soc. A 226, 299 (1927).

    Examples
    --------
    >>> import tnbp
    >>> H = tnbp.hamiltonian.tfim_chain(6, g=1.0)
    >>> rho = tnbp.gibbs_state(H, 1.0, dtau=0.05)
    >>> exact = tnbp.gibbs_state(H, 1.0, backend="dense")
    >>> bool(abs(rho.log_partition - exact.log_partition) < 1e-3)
    True
    >>> log_z = tnbp.log_partition(rho)
    >>> bool(abs(log_z - exact.log_partition) <= log_z.error_bound)
    True
    """
    if not isinstance(H, PauliSum):
        raise TypeError(f"`H` must be a tnbp.PauliSum, got {type(H)!r}.")
    H.require_terms("H")
    beta = check_beta(beta)
    check_opt("backend", backend, BACKENDS)
    if backend == "dense":
        if H.n > MAX_DENSE_GIBBS_QUBITS:
            raise ValueError(
                f"`H`: backend='dense' is limited to {MAX_DENSE_GIBBS_QUBITS} qubits, "
                f"got {H.n}; use backend='mps'."
            )
        # small eigendecompositions are much slower with threaded BLAS on 2 cores
        with blas_threads_limit(1 if H.n <= SMALL_DENSE_GIBBS_QUBITS else None):
            return DenseGibbsState(H, beta)
    dtau = check_real(dtau, "dtau")
    if dtau <= 0:
        raise ValueError(f"`dtau` must be > 0, got {dtau}.")
    cutoff = None if cutoff is None else check_cutoff(cutoff)
    max_bond = check_max_bond(max_bond)
    check_opt("order", order, ORDERS)
    if not isinstance(richardson, bool):
        raise TypeError(f"`richardson` must be True or False, got {richardson!r}.")
    check_opt("conserve", conserve, CONSERVE)
    if H.locality > 2:
        raise ValueError(f"`H` has {H.locality}-local terms; gibbs_state takes <= 2.")
    if H.n < 2:
        raise ValueError("`H`: backend='mps' needs at least 2 qubits; use 'dense'.")
    steps = math.ceil(beta / (2 * dtau) - 1e-12) if beta > 0 else 0
    pairs, lone = split_terms(H.traceless())
    symmetry = _symmetry(conserve, pairs, lone)
    opts = dict(
        max_bond=max_bond,
        cutoff=cutoff,
        order=order,
        symmetry=symmetry,
        progbar=progbar,
    )
    state = _purify(H, beta, pairs, lone, steps=steps, **opts)
    if richardson and state.trotterized:
        state.companion = _purify(
            H, beta, pairs, lone, steps=steps // 2 if steps > 1 else 2, **opts
        )
    return state


def _symmetry(conserve: str, pairs: dict, lone: dict) -> str | None:
    """The charge of ``conserve`` ("auto": detected), checked against the terms."""
    if conserve == "none":
        return None
    found = conserved_charge(pairs, lone)
    if conserve == "auto":
        return found
    if found is None or (conserve == "U1" and found != "U1"):
        raise ValueError(
            f"`conserve`={conserve!r}: `H` does not conserve that charge "
            f"(it conserves {found or 'none'}); use conserve='auto' or 'none'."
        )
    return conserve


def _purify(H, beta, pairs, lone, *, steps, max_bond, cutoff, order, symmetry, progbar):
    """Evolve the purification in ``steps`` Trotter steps (see the module docstring)."""
    delta = beta / (2 * steps) if steps else 0.0
    if cutoff is None:
        sizes = layer_sizes(H.n, pairs, steps=steps, order=order)
        cutoff = (AMPLITUDE_BUDGET / max(1.0, sum(map(math.sqrt, sizes)))) ** 2
    nearest = all(j == i + 1 for i, j in pairs)
    evolve = evolve_layers if nearest else evolve_swap_network
    psi = Purification.infinite_temperature(
        H.n, max_bond=max_bond, cutoff=cutoff, symmetry=symmetry
    )
    history = [psi.bond_dims()]
    with (
        blas_threads_limit(1),
        tqdm(total=steps, desc="gibbs", disable=not progbar, leave=False) as bar,
    ):
        if steps and pairs:
            history += evolve(
                psi, pairs, steps=steps, delta=delta, order=order, bar=bar
            )
        for q, h in lone.items():  # commute with every other term: one exact gate
            psi.apply_one(lift_one(h, beta / 2), q)
    return PurifiedGibbsState(
        H,
        beta,
        psi,
        history,
        dtau=delta,
        order=order,
        steps=steps,
        trotterized=bool(pairs),
    )
