r"""The output state of a DQNN (arXiv:2005.12458, eq. 1), by five routes.

.. math::

    \rho^{out} = \mathrm{Tr}_{in, hid}\big[V (\rho^{in} \otimes
    |0\rangle\langle 0|_{hid, out}) V^\dagger\big]

``"dense"``, ``"mps"``, ``"tn"``
    Run :meth:`tnbp.DQNN.with_input` on all :math:`n` qubits with
    :func:`tnbp.simulate` and take the reduced density matrix of the output
    layer. The pure state over the whole network is the purification of
    :math:`\rho^{out}`; on the ``"mps"`` and ``"tn"`` backends it reaches
    networks far beyond dense sizes (for wide output layers read it through
    the estimators with :attr:`tnbp.DQNN.partition` instead of forming
    :math:`\rho^{out}`).
``"layerwise"``
    The dissipative point of the architecture: after layer ``l`` is done,
    layer ``l - 1`` is traced out. The mixed state of layer ``l - 1`` is held
    as a purification :math:`\rho_{l-1} = \Psi\Psi^\dagger` with
    :math:`\Psi` of shape :math:`2^{n_{l-1}} \times r`,
    :math:`r \le 2^{n_{l-1}}` (its rank). Layer ``l``'s perceptrons act on
    :math:`\Psi \otimes |0\rangle_l`, a :math:`2^{n_{l-1}+n_l} \times r`
    array; tracing out layer ``l - 1`` and compressing by an SVD gives the
    next :math:`\Psi` (:math:`r \le 2^{n_l}`). Memory and time grow with the
    widths of two adjacent layers, not with the total qubit count; exact (only
    rounding-level singular values are dropped), for layers of up to ~8 qubits
    (:data:`~tnbp.limits.MAX_LAYERWISE_ENTRIES`).
``"purified"``
    The same dissipative scheme for wide layers
    (:mod:`tnbp.states.dqnn_purified`): the two layers are a purified MPS, one
    site per qubit plus an ancilla leg that absorbs each traced qubit (and is
    compressed by an SVD, the purification freedom), so the chain never holds
    more than two layers' sites and the cost is polynomial in the widths for
    short-ranged perceptrons. Truncation (``max_bond``, ``cutoff`` through
    ``sim_opts``) is recorded in a :class:`~tnbp.BondRecord` and warned about.
    :func:`~tnbp.states.dqnn_purified.dqnn_purified_state` returns the state
    itself, a mixed :class:`~tnbp.State` on the output layer for the
    estimators (the costs of eqs. 3-4 at any width); here it is formed as a
    dense :math:`\rho^{out}` for output layers of up to 12 qubits.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._checks import check_opt
from ..limits import MAX_LAYERWISE_ENTRIES, MAX_RDM_QUBITS
from ..models.dqnn import DQNN
from .dense import apply_matrix
from .dqnn_purified import RANK_TOL, dqnn_purified_state, layer_gates
from .record import TruncationWarning
from .simulate import SIM_OPTIONS, check_sim_opts, simulate

__all__ = ["METHODS", "dqnn_output_state"]

#: The routes to :math:`\rho^{out}`.
METHODS = ("layerwise", "purified", "dense", "mps", "tn")
#: The ``sim_opts`` each method accepts (those of :func:`tnbp.simulate` for
#: ``"mps"``).
SIM_OPTS = {
    "mps": SIM_OPTIONS,
    "purified": ("max_bond", "cutoff"),
}


def dqnn_output_state(
    net: DQNN,
    state=None,
    *,
    method: str = "layerwise",
    sim_opts: dict | None = None,
) -> np.ndarray:
    r"""The output state :math:`\rho^{out}` of eq. (1) as a dense density matrix.

    The five routes of :data:`METHODS` (``"layerwise"``, ``"purified"``,
    ``"dense"``, ``"mps"``, ``"tn"``) are described in :mod:`tnbp.states.dqnn`;
    they agree to rounding for exact simulations.

    Parameters
    ----------
    net : DQNN
        The network, at its current angles.
    state : None, str, array_like or Circuit, optional
        The input :math:`|\phi^{in}\rangle` (see :meth:`tnbp.DQNN.preparation`;
        default :math:`|0\cdots0\rangle`).
    method : {"layerwise", "purified", "dense", "mps", "tn"}, optional
        The route (default ``"layerwise"``).
    sim_opts : dict, optional
        Passed to :func:`tnbp.simulate` for ``"mps"`` (e.g. ``max_bond``,
        ``cutoff``), or ``max_bond`` and ``cutoff`` of
        :func:`~tnbp.states.dqnn_purified.dqnn_purified_state` for
        ``"purified"``; not accepted by the other methods.

    Returns
    -------
    numpy.ndarray of complex128, shape (2^n_out, 2^n_out)
        :math:`\rho^{out}` on :attr:`tnbp.DQNN.output_qubits`, output qubit 0
        the most significant factor: Hermitian, positive semidefinite, unit
        trace.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~tnbp.DQNN`, ``state`` is not an accepted
        input, or ``sim_opts`` is not a dict, has an option unknown to the
        method (:data:`SIM_OPTS`) or one of the wrong type.
    ValueError
        If ``method`` is unknown, ``sim_opts`` is given for a method other than
        ``"mps"`` and ``"purified"`` or has a bad option, ``state`` does not fit the input layer,
        the output layer has more than :data:`~tnbp.limits.MAX_RDM_QUBITS`
        qubits, the network is too large for ``"dense"``, or two adjacent
        layers are too wide for ``"layerwise"`` (more than
        :data:`~tnbp.limits.MAX_LAYERWISE_ENTRIES` amplitudes).

    Warns
    -----
    TruncationWarning
        When the ``"mps"`` or ``"purified"`` run has caveats (truncated, bond
        saturated).

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458, eq. (1) and the remark after it
       (layer-by-layer evaluation).

    Examples
    --------
    The toy network moves :math:`R_Y(\theta)|0\rangle` to the output:

    >>> import numpy as np, tnbp
    >>> net = tnbp.DQNN((1, 1), "toy", seed=0)
    >>> theta = net.parameters[0]
    >>> psi = np.array([np.cos(theta / 2), np.sin(theta / 2)])
    >>> bool(np.allclose(tnbp.dqnn_output_state(net), np.outer(psi, psi)))
    True
    """
    if not isinstance(net, DQNN):
        raise TypeError(f"`net` must be a tnbp.DQNN, got {type(net).__name__}.")
    check_opt("method", method, METHODS)
    opts = check_sim_opts(sim_opts, method, valid=SIM_OPTS.get(method, SIM_OPTIONS))
    if opts and method not in SIM_OPTS:
        raise ValueError(
            f"`sim_opts` is for method='mps' or 'purified', got method={method!r}."
        )
    if len(net.output_qubits) > MAX_RDM_QUBITS:
        raise ValueError(
            f"`net`: the output layer has {len(net.output_qubits)} qubits; "
            f"rho_out is returned as a dense matrix, limited to MAX_RDM_QUBITS = "
            f"{MAX_RDM_QUBITS}. Use tnbp.dqnn_purified_state(net, ...) (or "
            "tnbp.simulate(net.with_input(...)) with net.partition) and the "
            "estimators (tnbp.expectation_value, tnbp.entanglement_entropy, ...)."
        )
    if method == "purified":
        st = dqnn_purified_state(net, state, **opts)
        if st.caveats:
            warnings.warn(st.caveat_message(), TruncationWarning, stacklevel=2)
        return st.reduced_density_matrix(tuple(range(st.n)))
    prep = net.preparation(state)
    if method == "layerwise":
        return _layerwise(net, prep)
    st = simulate(net.with_input(state), backend=method, **opts)
    if st.caveats:
        warnings.warn(st.caveat_message(), TruncationWarning, stacklevel=2)
    return st.reduced_density_matrix(net.output_qubits)


def _layerwise(net: DQNN, prep) -> np.ndarray:
    r""":math:`\rho^{out}` holding two adjacent layers at a time (see the module)."""
    widths, layers = net.widths, net.layers
    for a, b in zip(widths, widths[1:]):
        if 2 ** (2 * a + b) > MAX_LAYERWISE_ENTRIES:
            raise ValueError(
                f"`net`: layers of widths {a} and {b} need a 2^{a + b} x 2^{a} "
                f"purification, above MAX_LAYERWISE_ENTRIES = 2^"
                f"{MAX_LAYERWISE_ENTRIES.bit_length() - 1}; use method='purified' "
                "or 'mps'."
            )
    # the input state on layer 0 (the preparation acts there only)
    n0 = widths[0]
    local = {q: i for i, q in enumerate(layers[0])}
    psi = np.zeros((2,) * n0 + (1,), dtype=complex)
    psi[(0,) * n0 + (0,)] = 1.0
    for g in prep.gates:
        psi = apply_matrix(psi, g.to_matrix(), tuple(local[q] for q in g.qubits))
    Psi = psi.reshape(2**n0, 1)
    for l, gates in enumerate(layer_gates(net), start=1):
        a, b = widths[l - 1], widths[l]
        r = Psi.shape[1]
        local = {q: i for i, q in enumerate(layers[l - 1] + layers[l])}
        full = np.zeros((2**a, 2**b, r), dtype=complex)
        full[:, 0, :] = Psi  # layer l starts in |0...0>
        psi = full.reshape((2,) * (a + b) + (r,))
        for g in gates:
            psi = apply_matrix(psi, g.to_matrix(), tuple(local[q] for q in g.qubits))
        # trace out layer l-1: rho_l = M M^dag with M = (layer l) x (layer l-1, r)
        M = psi.reshape(2**a, 2**b, r).transpose(1, 0, 2).reshape(2**b, 2**a * r)
        U, s, _ = np.linalg.svd(M, full_matrices=False)
        keep = s > RANK_TOL * s[0]
        Psi = U[:, keep] * s[keep]
    return Psi @ Psi.conj().T
