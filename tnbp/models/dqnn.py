r"""Dissipative perceptron-based quantum neural networks (DQNNs) of arXiv:2005.12458.

A DQNN has layers of qubits ``l = 0, 1, ..., L`` with widths
:math:`n_0 = n_{in}, n_1, \dots, n_L = n_{out}`. Layer 0 holds the input
state, every other qubit starts in :math:`|0\rangle`. Perceptron
:math:`V_j^l` is a unitary on (some of) the qubits of layer ``l - 1`` and on
output qubit ``j`` of layer ``l``; the perceptrons act in the order
:math:`V = V^{L}_{n_L} \cdots V^1_{n_1} \cdots V^1_1` and the input and hidden
layers are discarded (the paper's eq. 1):

.. math::

    \rho^{out} = \mathrm{Tr}_{in, hid}\big[V (\rho^{in} \otimes
    |0\rangle\langle 0|_{hid, out}) V^\dagger\big].

Once layer ``l`` is done, layer ``l - 1`` is never touched again, so the
network can be run layer by layer holding two layers at a time
(:func:`tnbp.dqnn_output_state`).

Perceptron kinds (indices ``j`` count from 0 here; the paper's ``j`` is our
``j + 1``):

``"toy"`` (Fig. 3a)
    One input per perceptron: :math:`V_j^l` swaps qubit ``j`` of layer
    ``l - 1`` into qubit ``j`` of layer ``l`` and rotates it by
    :math:`R_Y(\theta)`. Needs equal widths. The output is
    :math:`\bigotimes_j R_Y(\sum_l \theta_j^l)|\phi_j\rangle` for a product
    input, the toy model of arXiv:2001.00550.
``"local"`` (Fig. 3b)
    ``m = 2`` inputs ``(j, j + 1)`` of layer ``l - 1``. :math:`V_1` applies a
    two-qubit block :math:`W` (:func:`~tnbp.models.ansatz.append_design_block`,
    an exact local 2-design of the form of eq. 5) to its two inputs, then
    swaps input ``j`` into its output; :math:`V_2` only swaps. As the
    caption says, :math:`V_j^l = V_1` for paper-odd ``l`` and paper-odd ``j``
    (our even ``j``) and for paper-even ``l`` and paper-even ``j`` (our odd
    ``j``), :math:`V_2` otherwise (and at the last qubit, whose second input
    does not exist). The :math:`V_1` perceptrons act first, then the
    :math:`V_2`: in odd layers these are the paper's "odd ``j``, then even
    ``j``". In even layers the :math:`V_1` sit on the paper's even ``j``, and
    each must act before the :math:`V_2` that transfers its second input away:
    with the paper's odd ``j`` first there, the blocks ``(2, 3), (4, 5), ...``
    would act on emptied qubits and the mapping below fails (a test checks
    both). With this order two DQNN layers are exactly one layer of
    :func:`~tnbp.models.ansatz.alternating_layered` (blocks on
    ``(0, 1), (2, 3), ...`` then ``(1, 2), (3, 4), ...``), drawn from the
    seed in the same order. Needs equal widths ``>= 2``.
``"global"`` (Theorem 1)
    :math:`V_j^l` acts on all :math:`n_{l-1}` inputs and its output: a
    brickwork of :math:`D` half-layers of the same blocks :math:`W` on the
    chain (inputs in order, then the output), default :math:`D = 4(n_{l-1}+1)`.
    Each block is Haar distributed, so the ensemble is that of a Haar
    brickwork, an approximate 2-design: at :math:`D = 4N` (:math:`N \le 7`
    qubits) the mean purity of every prefix of the chain after acting on
    :math:`|0\cdots0\rangle` is within :math:`10^{-3}` (relative) of the Haar
    value :func:`tnbp.theory.haar_purity` (computed exactly in the tests, and
    checked against samples).
a callable
    ``perceptron(l, j, inputs, outputs)`` returns the gates of
    :math:`V_j^l` (a :class:`~tnbp.Circuit` or a sequence of
    :class:`~tnbp.models.gates.Gate`) on the qubits ``inputs`` (all of layer
    ``l - 1``) and ``outputs`` (the ``k = outputs`` qubits ``jk .. jk + k - 1``
    of layer ``l``, the supplement's perceptrons with ``k`` outputs); any
    other qubit is an error. Perceptrons act in the order ``j = 0, 1, ...``.
    ``inputs`` and ``outputs`` are the network's qubit labels and the gates
    name them: a returned :class:`~tnbp.Circuit` only needs a register that
    covers them (``Circuit(max(*inputs, *outputs) + 1)`` will do; only its
    gates are used). A fixed two-qubit gate takes its qubits as separate arguments,
    ``circ.apply(U, i, o)``; a Pauli rotation takes them as a tuple,
    ``circ.pauli_rotation(theta, "XY", (i, o))``.

Qubit order: qubits are sorted by their relative position in their layer,
:math:`(j + 1/2)/n_l`, then by layer; for equal widths this interleaves the
layers (``q^0_0, q^1_0, ..., q^L_0, q^0_1, ...``), so every toy and local
perceptron acts on qubits at most ``L + 1`` apart on an MPS chain.

References
----------
.. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
   dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
   128, 180505 (2022), arXiv:2005.12458 (eqs. 1-5, Fig. 3, Theorem 1).
.. [2] K. Beer et al., "Training deep quantum neural networks", Nat. Commun.
   11, 808 (2020), arXiv:1902.10445 (the architecture).
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from .._checks import as_rng, check_int, check_opt
from ..limits import MAX_DQNN_GATES
from .ansatz import TWO_PI, append_design_block
from .circuit import Circuit
from .gates import Gate, check_unitary
from .observables import global_cost, local_cost, product_state
from .operators import Observable
from .partition import Partition
from .paulis import check_pauli

__all__ = ["COSTS", "DQNN", "PERCEPTRONS", "Perceptron", "check_dqnn"]

#: The built-in perceptron kinds.
PERCEPTRONS = ("toy", "local", "global")
#: The cost functions of eqs. (3) and (4).
COSTS = ("global", "local")


@dataclasses.dataclass(frozen=True)
class Perceptron:
    r"""Where one perceptron :math:`V_j^l` sits in a :class:`DQNN`.

    A frozen dataclass.

    Attributes
    ----------
    layer : int
        ``l``, the layer of its outputs, ``>= 1`` (layer 0 is the input).
    index : int
        ``j``, counted from 0 in its layer.
    inputs : tuple of int
        The qubits of layer ``l - 1`` it is connected to.
    outputs : tuple of int
        Its output qubits in layer ``l`` (one, except for callables with
        ``outputs=k``).
    label : str
        ``"toy"``, ``"V1"``, ``"V2"``, ``"global"`` or ``"custom"``.
    gates : range
        Indices of its gates in :attr:`DQNN.circuit`.
    parameters : range
        Indices of its angles in :attr:`DQNN.parameters`.
    """

    layer: int
    index: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    label: str
    gates: range
    parameters: range


def _check_widths(widths, name: str = "widths") -> tuple[int, ...]:
    """Validate the layer widths: an ordered sequence of at least two positive ints."""
    if isinstance(widths, (str, bytes, set, frozenset, dict)) or not hasattr(
        widths, "__iter__"
    ):
        raise TypeError(
            f"`{name}` must be an ordered sequence of layer widths (n_in, ..., "
            f"n_out), got {type(widths).__name__} {widths!r}."
        )
    out = tuple(check_int(w, name) for w in widths)
    if len(out) < 2:
        raise ValueError(
            f"`{name}` must list at least two layers (input and output), got {out}."
        )
    bad = [w for w in out if w < 1]
    if bad:
        raise ValueError(f"`{name}` must be positive, got {out}.")
    return out


def _num_gates(widths: tuple[int, ...], kind: str, depth: int | None) -> int:
    """Number of gates of a built-in DQNN, from its widths (``depth``: global D)."""
    total = 0
    for l in range(1, len(widths)):
        m, n = widths[l - 1], widths[l]
        if kind == "toy":  # SWAP, RY
            total += 2 * n
        elif kind == "local":  # a SWAP each; HAAR, RY, RY on the V1
            parity = (l - 1) % 2
            total += n + 3 * len(range(parity, n - 1, 2))
        else:  # D half-layers of blocks (HAAR, RY, RY) on a chain of m + 1
            d = 4 * (m + 1) if depth is None else depth
            blocks = (d + 1) // 2 * ((m + 1) // 2) + d // 2 * (m // 2)
            total += 3 * blocks * n
    return total


def _check_size(widths: tuple[int, ...], kind, depth: int | None, name: str) -> None:
    """Refuse networks over :data:`~tnbp.limits.MAX_DQNN_GATES` before building."""
    if isinstance(kind, str):
        size, what = _num_gates(widths, kind, depth), "gates"
    else:  # a callable's gates are counted as they are built (DQNN._add)
        size, what = sum(widths), "qubits"
    if size > MAX_DQNN_GATES:
        raise ValueError(
            f"`{name}` = {_short(widths)} gives a DQNN with {size:,} {what}, over "
            f"tnbp.limits.MAX_DQNN_GATES = {MAX_DQNN_GATES:,} (building is linear, "
            "10-30 s per million gates)."
        )


def _short(widths: tuple[int, ...]) -> str:
    """``widths`` for a message, long tuples abbreviated."""
    if len(widths) <= 6:
        return str(widths)
    return f"({widths[0]}, {widths[1]}, ..., {widths[-1]}) ({len(widths)} layers)"


def _layout(widths: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Qubit labels of each layer: sorted by relative position, then layer."""
    keys = sorted(((j + 0.5) / n, l, j) for l, n in enumerate(widths) for j in range(n))
    label = {(l, j): q for q, (_, l, j) in enumerate(keys)}
    return tuple(tuple(label[(l, j)] for j in range(n)) for l, n in enumerate(widths))


def _check_opts(kind, perceptron_opts) -> dict:
    """Validate ``perceptron_opts``: only ``{"layers": D}`` for global perceptrons."""
    if perceptron_opts is None:
        return {}
    if not isinstance(perceptron_opts, dict):
        raise TypeError(
            f"`perceptron_opts` must be a dict, got {type(perceptron_opts).__name__}."
        )
    valid = {"layers"} if kind == "global" else set()
    unknown = set(perceptron_opts) - valid
    if unknown:
        raise ValueError(
            f"`perceptron_opts` has unknown key(s) {sorted(map(str, unknown))} for "
            f"perceptron={kind if isinstance(kind, str) else 'callable'!r}; "
            f"valid: {sorted(valid)}."
        )
    opts = dict(perceptron_opts)
    if "layers" in opts:
        opts["layers"] = check_int(
            opts["layers"], "perceptron_opts['layers']", minimum=1
        )
    return opts


def _user_gates(result, where: str, allowed: set[int]) -> list[Gate]:
    """Validate what a perceptron function returned for ``V_j^l``."""
    gates = result.gates if isinstance(result, Circuit) else result
    if isinstance(gates, (str, bytes, Gate)) or not hasattr(gates, "__iter__"):
        raise TypeError(
            f"`perceptron` must return a tnbp.Circuit or a sequence of Gate for "
            f"{where}, got {type(result).__name__}."
        )
    out = []
    for g in gates:
        if not isinstance(g, Gate):
            raise TypeError(
                f"`perceptron` returned a {type(g).__name__} for {where}; expected "
                "tnbp.models.Gate objects."
            )
        qubits = g.qubits
        if (
            not isinstance(qubits, tuple)
            or not qubits
            or not all(
                isinstance(q, numbers.Integral) and not isinstance(q, bool)
                for q in qubits
            )
        ):
            raise TypeError(
                f"`perceptron` returned a gate {g.label!r} for {where} whose qubits "
                f"are {qubits!r}; expected a tuple of ints."
            )
        outside = sorted(set(g.qubits) - allowed)
        if outside:
            raise ValueError(
                f"`perceptron` returned a gate {g.label!r} on qubit(s) {outside} "
                f"outside {where} (its qubits are {sorted(allowed)})."
            )
        if len(g.qubits) not in (1, 2) or len(set(g.qubits)) != len(g.qubits):
            raise ValueError(
                f"`perceptron` returned a gate {g.label!r} on qubits {g.qubits} for "
                f"{where}: gates act on one or two distinct qubits."
            )
        if g.is_rotation:
            check_pauli(g.pauli, len(g.qubits), name="perceptron")
            if isinstance(g.theta, bool) or not isinstance(g.theta, numbers.Real):
                raise TypeError(
                    f"`perceptron` returned a gate {g.label!r} for {where} with "
                    f"angle {g.theta!r}; expected a real number."
                )
            if not np.isfinite(g.theta):
                raise ValueError(
                    f"`perceptron` returned a non-finite angle for {where}."
                )
        else:
            try:
                check_unitary(g.matrix, len(g.qubits), name="perceptron")
            except ValueError as exc:  # say which gate of which V_j^l
                raise ValueError(f"{exc} (gate {g.label!r} of {where})") from None
        out.append(g)
    return out


def check_dqnn(
    widths, perceptron="toy", *, outputs=1, perceptron_opts=None, name="widths"
) -> tuple[tuple[int, ...], int, dict]:
    """Validate the arguments of :class:`DQNN` without building the network.

    Parameters
    ----------
    widths : sequence of int
        As in :class:`DQNN`.
    perceptron : {"toy", "local", "global"} or callable, optional
        As in :class:`DQNN`.
    outputs : int, optional
        As in :class:`DQNN`.
    perceptron_opts : dict, optional
        As in :class:`DQNN`.
    name : str, optional
        How ``widths`` is named in errors (e.g. ``"widths(4)"`` for the widths
        a callable returned).

    Returns
    -------
    widths : tuple of int
        The layer widths.
    outputs : int
        Output qubits per perceptron.
    perceptron_opts : dict
        The validated options.

    Raises
    ------
    TypeError
        As :class:`DQNN` (bad types of the arguments).
    ValueError
        As :class:`DQNN` before building, the size limit
        :data:`tnbp.limits.MAX_DQNN_GATES` included.
    """
    widths = _check_widths(widths, name)
    if isinstance(perceptron, str):
        check_opt("perceptron", perceptron, PERCEPTRONS)
    elif not callable(perceptron):
        raise TypeError(
            f"`perceptron` must be one of {PERCEPTRONS} or a callable, got "
            f"{type(perceptron).__name__}."
        )
    k = check_int(outputs, "outputs", minimum=1)
    if k > 1 and isinstance(perceptron, str):
        raise ValueError(
            f"`outputs` = {k}: the built-in perceptron {perceptron!r} has one "
            "output; pass a callable for perceptrons with several outputs."
        )
    if any(w % k for w in widths[1:]):
        raise ValueError(
            f"`outputs` = {k} must divide the width of every non-input layer, "
            f"got widths {widths}."
        )
    if perceptron in ("toy", "local") and len(set(widths)) > 1:
        raise ValueError(
            f"`{name}` must be equal for perceptron={perceptron!r} (one qubit "
            f"moves to the next layer per perceptron), got {widths}."
        )
    if perceptron == "local" and widths[0] < 2:
        raise ValueError(
            f"`{name}` must be >= 2 for perceptron='local' (two inputs per "
            f"perceptron), got {widths}."
        )
    opts = _check_opts(perceptron, perceptron_opts)
    _check_size(widths, perceptron, opts.get("layers"), name)
    return widths, k, opts


class DQNN:
    r"""A dissipative perceptron-based quantum neural network (arXiv:2005.12458, Fig. 1).

    The network is pure data: :attr:`circuit` holds every perceptron's gates
    in the order of eq. (1) on all :attr:`n` qubits; :attr:`layers` says which
    qubits form each layer; :attr:`perceptrons` where each
    :math:`V_j^l` sits. Simulate it with :func:`tnbp.simulate` (on
    :meth:`with_input`) and read :math:`\rho^{out}` with
    :func:`tnbp.dqnn_output_state`; differentiate its costs
    (:meth:`cost`) with :func:`tnbp.gradient` or, over a training set, with
    :func:`tnbp.dqnn_gradient`. The perceptron kinds and the qubit order are
    described in :mod:`tnbp.models.dqnn`.

    Parameters
    ----------
    widths : sequence of int
        :math:`(n_{in}, n_1, \dots, n_{out})`, at least two positive entries.
    perceptron : {"toy", "local", "global"} or callable, optional
        The perceptrons (default ``"toy"``): Fig. 3a, Fig. 3b, deep global
        perceptrons of Theorem 1, or ``perceptron(l, j, inputs, outputs)``
        returning the gates of :math:`V_j^l` (a :class:`~tnbp.Circuit` whose
        gates are used as they are, or a sequence of
        :class:`~tnbp.models.gates.Gate`) with ``l >= 1``, ``j`` from 0, and
        ``inputs``, ``outputs`` tuples of qubit labels.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness of the built-in perceptrons: angles uniform in
        :math:`[0, 2\pi)`, Haar-random fixed gates for ``"local"`` and
        ``"global"`` (a callable draws its own).
    outputs : int, optional
        Output qubits per perceptron, ``k >= 1`` (default 1); ``k > 1`` only
        with a callable, and every :math:`n_l` (``l >= 1``) must be a multiple
        of ``k``.
    perceptron_opts : dict, optional
        ``{"layers": D}``: the number of brick half-layers of each global
        perceptron (default :math:`4(n_{l-1} + 1)`); no options for the
        other kinds.

    Raises
    ------
    TypeError
        If ``widths`` is not an ordered sequence of ints (a set or dict is
        refused), ``perceptron`` is neither a
        kind nor callable, ``outputs`` is not an int, ``perceptron_opts`` is
        not a dict, ``seed`` has an invalid type, or a perceptron function
        returns something other than gates.
    ValueError
        If ``widths`` has fewer than two entries or a zero or negative one,
        the network would have more than
        :data:`tnbp.limits.MAX_DQNN_GATES` gates (or, with a callable, qubits;
        checked before building), the
        kind needs equal widths (``"toy"``, ``"local"``) or widths ``>= 2``
        (``"local"``) and they are not, ``perceptron`` is an unknown kind,
        ``outputs`` is below 1, above 1 for a built-in kind or does not divide
        a width, ``perceptron_opts`` has an unknown key or a bad value, a
        perceptron function returns a gate on a qubit outside its perceptron
        or an invalid gate, or ``seed`` is negative.

    References
    ----------
    .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, "Trainability of
       dissipative perceptron-based quantum neural networks", Phys. Rev. Lett.
       128, 180505 (2022), arXiv:2005.12458: eq. (1) (the network), eq. (5)
       (the perceptron parametrization), Fig. 3 (toy and local perceptrons),
       Theorem 1 (global perceptrons).

    Examples
    --------
    >>> import tnbp
    >>> net = tnbp.DQNN((2, 2), "toy", seed=0)
    >>> net.layers, net.input_qubits, net.output_qubits
    (((0, 2), (1, 3)), (0, 2), (1, 3))
    >>> [g.label for g in net.circuit.gates]
    ['SWAP', 'RY', 'SWAP', 'RY']
    """

    def __init__(
        self,
        widths,
        perceptron="toy",
        *,
        seed=None,
        outputs: int = 1,
        perceptron_opts: dict | None = None,
    ):
        widths, k, opts = check_dqnn(
            widths, perceptron, outputs=outputs, perceptron_opts=perceptron_opts
        )
        rng = as_rng(seed)
        self._widths = widths
        self._layers = _layout(widths)
        self._kind = perceptron if isinstance(perceptron, str) else "custom"
        self._circuit = Circuit(sum(widths))
        self._perceptrons: list[Perceptron] = []
        for l in range(1, len(widths)):
            if perceptron == "toy":
                self._toy_layer(l, rng)
            elif perceptron == "local":
                self._local_layer(l, rng)
            elif perceptron == "global":
                self._global_layer(l, rng, opts.get("layers"))
            else:
                self._custom_layer(l, perceptron, k)
        self._perceptrons = tuple(self._perceptrons)

    # ---------------------------------------------------------------- building
    def _add(self, l, j, inputs, outputs, label, build) -> None:
        """Run ``build()`` (appending gates) and record the perceptron it made."""
        circ = self._circuit
        g0, p0 = len(circ), circ.num_parameters
        build()
        if len(circ) > MAX_DQNN_GATES:
            raise ValueError(
                f"`perceptron` built {len(circ):,} gates by V_{j}^{l} of `widths` = "
                f"{_short(self._widths)}, over tnbp.limits.MAX_DQNN_GATES = "
                f"{MAX_DQNN_GATES:,}."
            )
        self._perceptrons.append(
            Perceptron(
                layer=l,
                index=j,
                inputs=tuple(inputs),
                outputs=tuple(outputs),
                label=label,
                gates=range(g0, len(circ)),
                parameters=range(p0, circ.num_parameters),
            )
        )

    def _toy_layer(self, l: int, rng) -> None:
        circ, prev, cur = self._circuit, self._layers[l - 1], self._layers[l]

        def build(i, o):
            circ.swap(i, o)
            circ.ry(rng.uniform(0, TWO_PI), o)

        for j, (i, o) in enumerate(zip(prev, cur)):
            self._add(l, j, (i,), (o,), "toy", lambda i=i, o=o: build(i, o))

    def _local_layer(self, l: int, rng) -> None:
        circ, prev, cur = self._circuit, self._layers[l - 1], self._layers[l]
        n = len(cur)
        parity = (l - 1) % 2  # paper-odd l: V1 on paper-odd j = our even j
        v1 = [j for j in range(n) if j % 2 == parity and j + 1 < n]
        v2 = [j for j in range(n) if j not in v1]

        def build(j, block):
            if block:
                append_design_block(circ, prev[j], prev[j + 1], rng)
            circ.swap(prev[j], cur[j])

        for j in v1 + v2:
            inputs = prev[j : j + 2]
            label = "V1" if j in v1 else "V2"
            self._add(
                l, j, inputs, (cur[j],), label, lambda j=j, b=j in v1: build(j, b)
            )

    def _global_layer(self, l: int, rng, depth) -> None:
        circ, prev, cur = self._circuit, self._layers[l - 1], self._layers[l]
        depth = 4 * (len(prev) + 1) if depth is None else depth

        def build(chain):
            for d in range(depth):
                for a in range(d % 2, len(chain) - 1, 2):
                    append_design_block(circ, chain[a], chain[a + 1], rng)

        for j, o in enumerate(cur):
            chain = (*prev, o)
            self._add(l, j, prev, (o,), "global", lambda c=chain: build(c))

    def _custom_layer(self, l: int, perceptron, k: int) -> None:
        circ, prev, cur = self._circuit, self._layers[l - 1], self._layers[l]

        def build(j, outs):
            where = f"perceptron V_{j}^{l} (inputs {prev}, outputs {outs})"
            for g in _user_gates(
                perceptron(l, j, prev, outs), where, set(prev) | set(outs)
            ):
                if g.is_rotation:
                    circ.pauli_rotation(
                        g.theta, g.pauli, g.qubits, trainable=g.trainable
                    )
                else:
                    circ.apply(g.matrix, *g.qubits, label=g.label)

        for j in range(len(cur) // k):
            outs = cur[j * k : (j + 1) * k]
            self._add(l, j, prev, outs, "custom", lambda j=j, outs=outs: build(j, outs))

    # ------------------------------------------------------------------ access
    @property
    def widths(self) -> tuple[int, ...]:
        r"""The layer widths :math:`(n_{in}, n_1, \dots, n_{out})`."""
        return self._widths

    @property
    def n(self) -> int:
        """Total number of qubits, the sum of :attr:`widths`."""
        return self._circuit.n

    @property
    def kind(self) -> str:
        """The perceptron kind: ``"toy"``, ``"local"``, ``"global"`` or ``"custom"``."""
        return self._kind

    @property
    def layers(self) -> tuple[tuple[int, ...], ...]:
        """Qubit labels of each layer, layer 0 (input) first, in ``j`` order."""
        return self._layers

    @property
    def input_qubits(self) -> tuple[int, ...]:
        """The input layer's qubits, in ``j`` order."""
        return self._layers[0]

    @property
    def output_qubits(self) -> tuple[int, ...]:
        """The output layer's qubits, in ``j`` order."""
        return self._layers[-1]

    @property
    def partition(self) -> Partition:
        """The output layer as visible qubits, every other qubit hidden (traced out)."""
        out = set(self.output_qubits)
        rest = tuple(q for q in range(self.n) if q not in out)
        return Partition(self.output_qubits, rest)

    @property
    def perceptrons(self) -> tuple[Perceptron, ...]:
        """Every :class:`Perceptron`, in the order they act."""
        return self._perceptrons

    @property
    def circuit(self) -> Circuit:
        r"""The network's gates on all :attr:`n` qubits, for the input :math:`|0\cdots0\rangle`.

        A new :class:`~tnbp.Circuit` on every access (a shallow copy, about
        3 µs per thousand gates): appending to it leaves the network
        unchanged, so every route (dense, MPS, layer by layer, purified,
        perceptron matrices) sees the same gates.
        """
        return self._circuit.copy()

    @property
    def parameters(self) -> np.ndarray:
        """The trainable angles (radians), in perceptron order; shape ``(num_parameters,)``."""
        return self._circuit.parameters

    @property
    def num_parameters(self) -> int:
        """Number of trainable angles."""
        return self._circuit.num_parameters

    def __repr__(self) -> str:
        return (
            f"DQNN(widths={self._widths}, perceptron={self._kind!r}, "
            f"qubits={self.n}, parameters={self.num_parameters})"
        )

    def bind(self, params) -> DQNN:
        """The same network with new trainable angles.

        Parameters
        ----------
        params : array_like, shape (num_parameters,)
            Finite real angles (radians), in the order of :attr:`parameters`.

        Returns
        -------
        DQNN
            Same structure and fixed gates; this network is unchanged.

        Raises
        ------
        TypeError
            If ``params`` is not real.
        ValueError
            If ``params`` is not 1-D of length :attr:`num_parameters` or not
            finite.
        """
        new = object.__new__(DQNN)
        new.__dict__.update(self.__dict__)
        new._circuit = self._circuit.bind(params)
        return new

    # ------------------------------------------------------------ data, costs
    def preparation(self, state=None) -> Circuit:
        r"""Fixed gates that prepare :math:`|\phi^{in}\rangle` on the input qubits.

        Parameters
        ----------
        state : None, str, array_like or Circuit, optional
            :math:`|0\cdots0\rangle` (None); a product state, one of
            ``0 1 + -`` per input qubit or an ``(n_in, 2)`` array of normalized
            kets; or a :class:`~tnbp.Circuit` on ``n_in`` qubits preparing the
            state from :math:`|0\cdots0\rangle` (qubit ``j`` of it acts on input
            qubit ``j``; its rotations become fixed).

        Returns
        -------
        Circuit
            On all :attr:`n` qubits, no trainable parameters: a single-qubit
            gate :math:`[[a, -\bar b], [b, \bar a]]` per input ket
            :math:`a|0\rangle + b|1\rangle \ne |0\rangle`, or the circuit's
            gates.

        Raises
        ------
        TypeError
            If ``state`` is not one of the accepted kinds.
        ValueError
            If ``state`` does not describe ``n_in`` qubits or a ket is not
            normalized.
        """
        return self._prepare(state, "state")

    def _prepare(self, state, name: str) -> Circuit:
        """:meth:`preparation`, naming the argument ``name`` in errors."""
        prep = Circuit(self.n)
        ins = self.input_qubits
        if state is None:
            return prep
        if isinstance(state, Circuit):
            if state.n != len(ins):
                raise ValueError(
                    f"`{name}` is a circuit on {state.n} qubits; the input layer "
                    f"has {len(ins)}."
                )
            for g in state.gates:
                qubits = tuple(ins[q] for q in g.qubits)
                if g.is_rotation:
                    prep.pauli_rotation(g.theta, g.pauli, qubits, trainable=False)
                else:
                    prep.apply(g.matrix, *qubits, label=g.label)
            return prep
        for q, (a, b) in zip(ins, product_state(state, len(ins), name=name)):
            if b != 0 or a != 1:
                prep.apply(np.array([[a, -np.conj(b)], [b, np.conj(a)]]), q, label="IN")
        return prep

    def with_input(self, state=None) -> Circuit:
        r"""The network's circuit on the input :math:`|\phi^{in}\rangle`.

        Parameters
        ----------
        state : None, str, array_like or Circuit, optional
            The input state, as in :meth:`preparation`.

        Returns
        -------
        Circuit
            :meth:`preparation` followed by :attr:`circuit`, to run from
            :math:`|0\cdots0\rangle`; same :attr:`parameters`.

        Raises
        ------
        TypeError
            If ``state`` is not one of the accepted kinds.
        ValueError
            If ``state`` does not describe ``n_in`` qubits or a ket is not
            normalized.
        """
        return self.preparation(state).compose(self._circuit)

    def cost(self, kind: str = "global", target=None) -> Observable:
        r"""The cost observable :math:`O^G` (eq. 3) or :math:`O^L` (eq. 4) on the output qubits.

        Parameters
        ----------
        kind : {"global", "local"}, optional
            :math:`O^G = 1 - |\phi^{out}\rangle\langle\phi^{out}|` or
            :math:`O^L = 1 - \frac{1}{n_{out}}\sum_j |\psi_j\rangle\langle\psi_j|_j`.
        target : None, str or array_like, optional
            The product target :math:`|\phi^{out}\rangle = \bigotimes_j
            |\psi_j\rangle`: one of ``0 1 + -`` per output qubit or an
            ``(n_out, 2)`` array of kets (default all ``0``).

        Returns
        -------
        Observable
            On :attr:`output_qubits` (labels of the whole register), value in
            ``[0, 1]``.

        Raises
        ------
        TypeError
            If ``target`` is neither a string nor a numeric array.
        ValueError
            If ``kind`` is unknown, or ``target`` does not describe ``n_out``
            qubits or a ket is not normalized.

        References
        ----------
        .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
           eqs. (3) and (4).
        """
        check_opt("kind", kind, COSTS)
        build = global_cost if kind == "global" else local_cost
        return build(self.output_qubits, target)

    def training_problems(
        self, inputs, targets, *, cost: str = "global"
    ) -> list[tuple[Circuit, Observable]]:
        r"""One (circuit, observable) pair per training pair (eq. 2).

        The cost of eq. (2) is the mean of the pairs' expectations,
        :math:`C = \frac1N \sum_x \mathrm{Tr}[O_x \rho_x^{out}]`.

        Parameters
        ----------
        inputs : sequence
            ``N`` input states, each as in :meth:`preparation`.
        targets : sequence
            ``N`` product targets, each as ``target`` in :meth:`cost`.
        cost : {"global", "local"}, optional
            :math:`O_x^G` (eq. 3) or :math:`O_x^L` (eq. 4).

        Returns
        -------
        list of (Circuit, Observable)
            ``[(with_input(inputs[x]), cost(cost, targets[x])), ...]``.

        Raises
        ------
        TypeError
            If ``inputs`` or ``targets`` is not a sequence (a dict or set is
            refused), or an entry has the wrong type.
        ValueError
            If ``inputs`` is empty, ``targets`` has a different length, a target
            does not have one state per output qubit, an input does not have
            one per input qubit, or ``cost`` is unknown.

        References
        ----------
        .. [1] K. Sharma, M. Cerezo, L. Cincio and P. J. Coles, arXiv:2005.12458,
           eqs. (2)-(4).
        """
        check_opt("cost", cost, COSTS)
        inputs = _as_list(inputs, "inputs")
        targets = _as_list(targets, "targets")
        if not inputs:
            raise ValueError("`inputs` must hold at least one training pair.")
        if len(targets) != len(inputs):
            raise ValueError(
                f"`targets` must have one target per input ({len(inputs)}), got "
                f"{len(targets)}."
            )
        out = []
        for x, (phi, target) in enumerate(zip(inputs, targets)):
            kets = product_state(target, len(self.output_qubits), name=f"targets[{x}]")
            prep = self._prepare(phi, f"inputs[{x}]")
            out.append((prep.compose(self._circuit), self.cost(cost, kets)))
        return out


def _as_list(values, name: str) -> list:
    """A list of a training set's entries (strings, single circuits, dicts and sets rejected)."""
    if isinstance(
        values, (str, bytes, Circuit, numbers.Number, dict, set, frozenset)
    ) or not hasattr(values, "__iter__"):
        raise TypeError(
            f"`{name}` must be a sequence with one entry per training pair, got "
            f"{type(values).__name__}."
        )
    return list(values)
