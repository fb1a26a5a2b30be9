r"""Quantum neural tangent kernels (QNTK) and the meta-kernel (dQNTK) of a circuit.

For the residual error :math:`\varepsilon = \langle O\rangle_\theta - O_0` of the
mean-square loss :math:`\mathcal L = \varepsilon^2/2` (eq. 16 of [1]_), one
gradient-descent step changes the error by
:math:`\delta\varepsilon = -\eta K \varepsilon + \tfrac12\eta^2\varepsilon^2\mu`
(eqs. 18, 50), with the QNTK and the meta-kernel

.. math::

    K = \sum_\ell \Big(\frac{\partial\varepsilon}{\partial\theta_\ell}\Big)^2,
    \qquad
    \mu = \sum_{\ell_1\ell_2}
    \frac{\partial^2\varepsilon}{\partial\theta_{\ell_1}\partial\theta_{\ell_2}}
    \frac{\partial\varepsilon}{\partial\theta_{\ell_1}}
    \frac{\partial\varepsilon}{\partial\theta_{\ell_2}} = g^{\mathsf T} H g .

Neither depends on the target :math:`O_0` (it drops out of every derivative).
All derivatives come from :func:`tnbp.gradient`, so every backend and method
it supports is available here.

Convention: tnbp's rotations are :math:`e^{-i\theta P/2}`, the paper's are
:math:`e^{i\theta X}`; with :math:`\theta_{\rm paper} = -\theta_{\rm tnbp}/2`
each derivative is :math:`\partial_{\rm paper} = -2\,\partial_{\rm tnbp}`, so
:math:`K_{\rm paper} = 4 K_{\rm tnbp}` and :math:`\mu_{\rm paper} = 16
\mu_{\rm tnbp}`. The functions here report tnbp's convention;
:func:`tnbp.theory.to_paper_convention` converts.

References
----------
.. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises in
   machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
   arXiv:2206.09313 (eqs. 16-18, 50).
.. [2] J. Liu, F. Tacchino, J. R. Glick, L. Jiang and A. Mezzacapo,
   "Representation learning via quantum neural tangent kernels", PRX Quantum
   3, 030323 (2022), arXiv:2111.04225 (the QNTK and the meta-kernel).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_bitstring, check_opt, check_real
from ..limits import HVP_STEP_RANGE, QNTK_NOISE_FLOOR
from ..models.circuit import Circuit
from ..models.operators import as_observable
from .api import gradient

#: ways :func:`meta_kernel` evaluates the Hessian-vector product :math:`Hg`
HVP_METHODS = ("difference", "shift")


def _check_circuit(circuit) -> Circuit:
    if not isinstance(circuit, Circuit):
        raise TypeError(f"`circuit` must be a tnbp.Circuit, got {type(circuit)!r}.")
    if circuit.num_parameters == 0:
        raise ValueError("`circuit` has no trainable parameters.")
    return circuit


def qntk(
    circuit: Circuit,
    observable,
    target: float = 0.0,
    *,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
) -> float:
    r"""The QNTK :math:`K = \sum_\ell (\partial\varepsilon/\partial\theta_\ell)^2` (eq. 18 of [1]_).

    :math:`\varepsilon = \langle O\rangle - O_0` has the derivatives of
    :math:`\langle O\rangle`, so :math:`K` does not depend on the target
    :math:`O_0`. In tnbp's convention (rotations :math:`e^{-i\theta P/2}`);
    the paper's :math:`e^{i\theta X}` gives :math:`4K`
    (:func:`tnbp.theory.to_paper_convention`).

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles (radians); every trainable rotation
        is a parameter :math:`\theta_\ell`.
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as taken by :func:`tnbp.gradient`.
    target : float, optional
        :math:`O_0` (real, finite; default 0). Validated and accepted for the
        signature of eq. 16; :math:`K` does not depend on it.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.gradient`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.gradient` (None: the backend's best method).
    sim_opts : dict, optional
        As in :func:`tnbp.gradient` (dense and mps only).
    initial : str, optional
        Initial bitstring :math:`|\Psi_0\rangle`, qubit 0 first (default all
        zeros).

    Returns
    -------
    float
        :math:`K \ge 0`, in (units of :math:`O`)\ :sup:`2` per radian\ :sup:`2`.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``target`` is not a
        real number, or an argument passed on to :func:`tnbp.gradient` has the
        wrong type.
    ValueError
        If ``circuit`` has no trainable parameters, ``target`` is not finite,
        ``observable`` acts outside the register, or ``backend``, ``method``,
        ``sim_opts`` or ``initial`` is invalid (see :func:`tnbp.gradient`).

    See Also
    --------
    qntk_matrix : The kernel over a data set of input states.
    meta_kernel : The second-order correction :math:`\mu` (eq. 50).

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 16-18).

    Examples
    --------
    After :math:`R_y(\theta)`, :math:`\partial_\theta\langle Z\rangle =
    -\sin\theta`, so :math:`K = \sin^2\theta`:

    >>> import numpy as np, tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> bool(np.isclose(tnbp.qntk(c, [(1.0, "Z", (0,))]), np.sin(0.3) ** 2))
    True
    """
    check_real(target, "target")
    g = gradient(
        _check_circuit(circuit),
        observable,
        backend=backend,
        method=method,
        sim_opts=sim_opts,
        initial=initial,
    )
    return float(g @ g)


def nonvanishing_qntk(
    circuit: Circuit,
    observable,
    *,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
) -> float:
    r"""The QNTK :math:`K` (:func:`qntk`), refused where it vanishes: a circuit descent can train.

    :math:`K = |\nabla\varepsilon|^2 = 0` means that no angle moves
    :math:`\langle O\rangle` to first order, e.g. when every trainable
    rotation commutes with :math:`O` (a randomized hardware-efficient circuit
    whose axes all came out :math:`Z`, measured with :math:`Z\cdots Z`): then
    gradient descent never moves, and the lazy-training predictions (eqs. 19,
    30, 31 of [1]_) have no decay and no plateau. Rounding leaves
    :math:`K \sim 10^{-37}` there rather than 0, so :math:`K` counts as zero
    at or below :data:`~tnbp.limits.QNTK_NOISE_FLOOR` per angle, relative to
    the square of :math:`O`'s half spectral width.

    Parameters
    ----------
    circuit : Circuit
        The circuit at its initial angles (radians).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as taken by :func:`tnbp.gradient`.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`qntk`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`qntk`.
    sim_opts : dict, optional
        As in :func:`qntk`.
    initial : str, optional
        As in :func:`qntk`.

    Returns
    -------
    float
        :math:`K > 0` in tnbp's convention, (units of :math:`O`)\ :sup:`2`
        per radian\ :sup:`2` (the paper's is :math:`4K`).

    Raises
    ------
    TypeError
        As in :func:`qntk`.
    ValueError
        If :math:`K` vanishes (the message gives it), or as in :func:`qntk`.

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eqs. 18, 19, 30, 31).

    Examples
    --------
    :math:`\langle Z\rangle` does not depend on the angle of an
    :math:`R_z`:

    >>> import tnbp
    >>> c = tnbp.Circuit(1); c.rz(0.5, 0)
    >>> tnbp.nonvanishing_qntk(c, [(1.0, "Z", (0,))])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: K = ...0: no angle moves <O> ...
    """
    circuit = _check_circuit(circuit)
    lower, upper = as_observable(observable, circuit.n).bounds()
    kernel = qntk(
        circuit,
        observable,
        backend=backend,
        method=method,
        sim_opts=sim_opts,
        initial=initial,
    )
    scale = ((upper - lower) / 2) ** 2 * circuit.num_parameters
    if kernel <= QNTK_NOISE_FLOOR * scale:
        shown = "0" if kernel == 0 else f"{kernel:.2g} ~ 0"
        raise ValueError(
            f"K = {shown}: no angle moves <O> (e.g. every trainable rotation "
            "commutes with O), so gradient descent cannot train this circuit."
        )
    return kernel


def qntk_matrix(
    circuit: Circuit,
    observable,
    inputs,
    *,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
) -> np.ndarray:
    r"""The QNTK matrix :math:`K_{xx'}` over a data set of inputs (eq. 18 of [1]_).

    :math:`K_{xx'} = \sum_\ell \partial_\ell\varepsilon_x\,\partial_\ell\varepsilon_{x'}`,
    the supervised case after eq. 18 of [1]_: input :math:`x` is prepared
    (a bitstring, or a preparation circuit run on all zeros before
    ``circuit``), :math:`\varepsilon_x = \langle O\rangle_x - y_x`, and only
    ``circuit``'s parameters are differentiated (the labels :math:`y_x`
    drop out, so none are taken). With the Jacobian
    :math:`J_{x\ell} = \partial_\ell\varepsilon_x`, :math:`K = J J^{\mathsf T}`:
    symmetric and positive semidefinite, its diagonal :func:`qntk` per input.
    tnbp's convention (rotations :math:`e^{-i\theta P/2}`; the paper's gives
    :math:`4K`).

    Parameters
    ----------
    circuit : Circuit
        The trained circuit at its current angles (radians).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as taken by :func:`tnbp.gradient`.
    inputs : sequence of str or Circuit
        The data set: initial bitstrings of ``circuit.n`` characters, or
        preparation circuits on ``circuit.n`` qubits (their own trainable
        angles are held fixed). Non-empty.
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.gradient`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.gradient`.
    sim_opts : dict, optional
        As in :func:`tnbp.gradient`.

    Returns
    -------
    numpy.ndarray of float64, shape (len(inputs), len(inputs))
        :math:`K_{xx'}` in (units of :math:`O`)\ :sup:`2` per radian\ :sup:`2`,
        in the order of ``inputs``; exactly symmetric.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``inputs`` is not a
        sequence, an input is neither a string nor a Circuit, or an argument
        passed on to :func:`tnbp.gradient` has the wrong type.
    ValueError
        If ``circuit`` has no trainable parameters, ``inputs`` is empty, a
        bitstring input is malformed or a circuit input has another number of
        qubits, or ``observable``, ``backend``, ``method`` or ``sim_opts`` is
        invalid (see :func:`tnbp.gradient`).

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eq. 18 and the remark after it).

    Examples
    --------
    >>> import tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> tnbp.qntk_matrix(c, [(1.0, "Z", (0,))], ["0", "1"]).shape
    (2, 2)
    """
    _check_circuit(circuit)
    if isinstance(inputs, (str, Circuit)) or not hasattr(inputs, "__len__"):
        raise TypeError(
            "`inputs` must be a sequence of bitstrings or Circuits, "
            f"got {type(inputs)!r}."
        )
    if len(inputs) == 0:
        raise ValueError("`inputs` must hold at least one input.")
    opts = {"backend": backend, "method": method, "sim_opts": sim_opts}
    rows = []
    for i, x in enumerate(inputs):
        if isinstance(x, str):
            check_bitstring(x, circuit.n, name=f"inputs[{i}]")
            rows.append(gradient(circuit, observable, initial=x, **opts))
        elif isinstance(x, Circuit):
            if x.n != circuit.n:
                raise ValueError(
                    f"`inputs[{i}]` has {x.n} qubits, `circuit` has {circuit.n}."
                )
            k = x.num_parameters
            own = range(k, k + circuit.num_parameters)
            rows.append(
                gradient(x.compose(circuit), observable, parameters=own, **opts)
            )
        else:
            raise TypeError(
                f"`inputs[{i}]` must be a bitstring or a tnbp.Circuit, got {type(x)!r}."
            )
    jac = np.array(rows)
    kernel = jac @ jac.T
    return (kernel + kernel.T) / 2


def meta_kernel(
    circuit: Circuit,
    observable,
    *,
    hvp: str = "difference",
    step: float = 1e-4,
    backend: str = "dense",
    method: str | None = None,
    sim_opts: dict | None = None,
    initial: str | None = None,
) -> float:
    r"""The meta-kernel (dQNTK) :math:`\mu = g^{\mathsf T} H g` of eq. 50 of [1]_.

    :math:`g = \nabla\varepsilon` and :math:`H` the Hessian of
    :math:`\varepsilon` (that of :math:`\langle O\rangle`). The product
    :math:`Hg` is taken without forming :math:`H`:

    ``"difference"``
        a central difference of exact gradients along the unit direction
        :math:`u = g/|g|`: :math:`Hg \approx |g|\,[\nabla\varepsilon(\theta + hu)
        - \nabla\varepsilon(\theta - hu)]/2h`. Two gradient evaluations (two
        adjoint sweeps on dense and tn). :math:`t \mapsto \varepsilon(\theta + tu)`
        is a trigonometric polynomial of frequency at most :math:`\|u\|_1/2`,
        so by Bernstein's inequality the truncation error of :math:`\mu` is at
        most :math:`\tfrac{h^2}{6}|g|^2 \|O\| (\|u\|_1/2)^4 \le
        h^2 P^2 |g|^2 \|O\|/96` for :math:`P` parameters with
        :math:`g_\ell \ne 0` (the cone's, for a local term), plus rounding
        :math:`\sim 10^{-16}\sqrt P\,\|O\| |g|^2/h`: with the default
        :math:`h = 10^{-4}`, below :math:`10^{-10} P^2 |g|^2\|O\|`
        (:math:`10^{-8}` relative to :math:`|g|^2\|O\|` at :math:`P = 10`,
        :math:`10^{-6}` at :math:`P = 100`). On a truncating
        MPS the truncation noise is divided by :math:`h` too (use
        ``cutoff=0``).
    ``"shift"``
        exact: for Pauli rotations the gradient is a first-order trigonometric
        polynomial in each :math:`\theta_\ell`, so
        :math:`H_{:\ell} = [\nabla\varepsilon(\theta + \tfrac\pi2 e_\ell) -
        \nabla\varepsilon(\theta - \tfrac\pi2 e_\ell)]/2` and
        :math:`Hg = \sum_\ell g_\ell H_{:\ell}`, accumulated without storing
        :math:`H`. :math:`2P'` gradient evaluations for the :math:`P'`
        parameters with :math:`g_\ell \ne 0` (those outside the observable's
        lightcone have :math:`g_\ell = 0` exactly and are skipped: a local
        term of a shallow circuit needs its cone's parameters only, whatever
        :math:`n`); needs every trainable angle in one rotation (as tnbp's
        circuits have).

    Reported in tnbp's convention (rotations :math:`e^{-i\theta P/2}`); the
    paper's :math:`e^{i\theta X}` gives :math:`16\mu`
    (:func:`tnbp.theory.to_paper_convention`).

    Parameters
    ----------
    circuit : Circuit
        The circuit at its current angles (radians).
    observable : Observable or list of (coeff, pauli, qubits)
        :math:`O`, as taken by :func:`tnbp.gradient`.
    hvp : {"difference", "shift"}, optional
        How :math:`Hg` is evaluated (above).
    step : float, optional
        :math:`h` in radians for ``hvp="difference"``, within
        :data:`tnbp.limits.HVP_STEP_RANGE` (``1e-8..0.1``).
    backend : {"dense", "mps", "tn"}, optional
        As in :func:`tnbp.gradient`.
    method : {None, "adjoint", "parameter_shift", "finite_difference", "autodiff"}, optional
        As in :func:`tnbp.gradient` (the gradients being differenced).
    sim_opts : dict, optional
        As in :func:`tnbp.gradient`.
    initial : str, optional
        Initial bitstring, qubit 0 first (default all zeros).

    Returns
    -------
    float
        :math:`\mu`, in (units of :math:`O`)\ :sup:`3` per radian\ :sup:`4`;
        0 where the gradient vanishes.

    Raises
    ------
    TypeError
        If ``circuit`` is not a :class:`~tnbp.Circuit`, ``step`` is not a real
        number, or an argument passed on to :func:`tnbp.gradient` has the
        wrong type.
    ValueError
        If ``circuit`` has no trainable parameters, ``hvp`` is not one of the
        options, ``step`` is outside :data:`tnbp.limits.HVP_STEP_RANGE`, or ``observable``,
        ``backend``, ``method``, ``sim_opts`` or ``initial`` is invalid (see
        :func:`tnbp.gradient`).

    References
    ----------
    .. [1] J. Liu, Z. Lin and L. Jiang, "Laziness, barren plateau, and noises
       in machine learning", Mach. Learn.: Sci. Technol. 5, 015058 (2024),
       arXiv:2206.09313 (eq. 50).
    .. [2] J. Liu, F. Tacchino, J. R. Glick, L. Jiang and A. Mezzacapo,
       "Representation learning via quantum neural tangent kernels", PRX
       Quantum 3, 030323 (2022), arXiv:2111.04225 (the meta-kernel).

    Examples
    --------
    After :math:`R_y(\theta)`, :math:`\langle Z\rangle = \cos\theta`:
    :math:`\mu = (-\cos\theta)\sin^2\theta`.

    >>> import numpy as np, tnbp
    >>> c = tnbp.Circuit(1); c.ry(0.3, 0)
    >>> mu = tnbp.meta_kernel(c, [(1.0, "Z", (0,))], hvp="shift")
    >>> bool(np.isclose(mu, -np.cos(0.3) * np.sin(0.3) ** 2))
    True
    """
    _check_circuit(circuit)
    check_opt("hvp", hvp, HVP_METHODS)
    step = check_real(step, "step")
    low, high = HVP_STEP_RANGE
    if not low <= step <= high:
        raise ValueError(
            f"`step` must lie in [{low:g}, {high:g}] radians (below, rounding "
            "dominates the difference; above, its truncation error does), got "
            f"{step}; hvp='shift' is exact."
        )
    opts = {
        "backend": backend,
        "method": method,
        "sim_opts": sim_opts,
        "initial": initial,
    }
    theta = circuit.parameters
    g = gradient(circuit, observable, **opts)
    norm = float(np.linalg.norm(g))
    if norm == 0.0:
        return 0.0
    if hvp == "difference":
        u = g / norm
        plus = gradient(circuit.bind(theta + step * u), observable, **opts)
        minus = gradient(circuit.bind(theta - step * u), observable, **opts)
        hg = norm * (plus - minus) / (2 * step)
    else:
        hg = np.zeros_like(g)
        for ell in np.flatnonzero(g):  # g_ell = 0 adds nothing to Hg
            g_ell = g[ell]
            shift = np.zeros_like(theta)
            shift[ell] = np.pi / 2
            plus = gradient(circuit.bind(theta + shift), observable, **opts)
            minus = gradient(circuit.bind(theta - shift), observable, **opts)
            hg += g_ell * (plus - minus) / 2
    return float(g @ hg)
