"""The QNTK, its kernel matrix and the meta-kernel against independent finite differences."""

import re

import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS

import tnbp
from tnbp import ansatz, theory

#: central-difference step (radians) of the independent references: truncation
#: h^2/6 |f'''| <= 2e-11, rounding 1e-16/h = 1e-11 per derivative
FD_STEP = 1e-5
#: step of the finite-difference Hessian: truncation h^2/12 |f''''| ~ 3e-9,
#: rounding 1e-16/h^2 ~ 3e-9 per entry
HESSIAN_STEP = 2e-4

OBS = [(1.0, "Z", (0,)), (0.5, "XX", (1, 2))]


def _value(circuit, observable, initial=None):
    state = tnbp.simulate(circuit, backend="dense", initial=initial)
    return float(tnbp.expectation_value(state, observable))


def _fd_gradient(circuit, observable, initial=None):
    theta = circuit.parameters
    grad = np.empty_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = FD_STEP
        plus = _value(circuit.bind(theta + e), observable, initial)
        minus = _value(circuit.bind(theta - e), observable, initial)
        grad[k] = (plus - minus) / (2 * FD_STEP)
    return grad


@pytest.mark.parametrize(
    ("family", "n", "backend"),
    [
        ("hea_brick_cnot", 3, "dense"),
        ("free_fermion", 4, "dense"),
        ("unitary_qnn_nn", 5, "dense"),
        ("hea_ladder", 6, "dense"),
        ("hea_brick_cnot", 4, "mps"),
        ("free_fermion", 5, "mps"),
        ("hea_ladder", 5, "tn"),
        ("hea_brick_cnot", 4, "tn"),
    ],
)
def test_qntk_is_sum_of_squared_fd_gradients(family, n, backend):
    circuit = ANSATZ_BUILDERS[family](n, 7)
    sim_opts = {"cutoff": 0.0} if backend == "mps" else None
    k = tnbp.qntk(circuit, OBS, backend=backend, sim_opts=sim_opts)
    g = _fd_gradient(circuit, OBS)
    # per-derivative FD error <= 3e-11 (FD_STEP), so |K - g.g| <= 2 |g|_1 3e-11 < 1e-8
    assert k == pytest.approx(g @ g, abs=1e-8)
    assert k > 1e-3  # the check is not vacuous


def test_qntk_every_method_agrees():
    circuit = ANSATZ_BUILDERS["hea_brick_cnot"](4, 3)
    ref = tnbp.qntk(circuit, OBS)
    for method in ("parameter_shift", "adjoint"):
        # exact methods: rounding only
        assert tnbp.qntk(circuit, OBS, method=method) == pytest.approx(ref, abs=1e-12)
    # finite_difference (h = 1e-4): O(h^2) = 1e-8 per derivative
    fd = tnbp.qntk(circuit, OBS, method="finite_difference")
    assert fd == pytest.approx(ref, abs=1e-6)


def test_qntk_matrix_symmetric_psd_and_diagonal():
    circuit = ANSATZ_BUILDERS["hea_ladder"](4, 11)
    prep = tnbp.Circuit(4)
    prep.ry(0.7, 0)
    prep.rx(1.1, 2)
    prep.cnot(0, 1)
    inputs = ["0000", "1010", "0111", prep]
    kmat = tnbp.qntk_matrix(circuit, OBS, inputs)
    assert kmat.shape == (4, 4)
    assert np.array_equal(kmat, kmat.T)
    eig = np.linalg.eigvalsh(kmat)
    # PSD to rounding: J J^T has eigenvalues >= -(a few ulp) * max eigenvalue
    assert eig.min() >= -1e-12 * eig.max()
    for i, x in enumerate(inputs[:3]):
        # the same adjoint gradients: equal to rounding
        assert kmat[i, i] == pytest.approx(
            tnbp.qntk(circuit, OBS, initial=x), abs=1e-12
        )
    # the preparation circuit's own parameters are held fixed
    full = prep.compose(circuit)
    g = _fd_gradient(full, OBS)[prep.num_parameters :]
    assert kmat[3, 3] == pytest.approx(g @ g, abs=1e-8)  # FD error as above
    g0 = _fd_gradient(circuit, OBS, initial="0000")
    assert kmat[0, 3] == pytest.approx(g0 @ g, abs=1e-8)


def _fd_meta_kernel(circuit, observable):
    theta = circuit.parameters
    p = theta.size
    hess = np.empty((p, p))
    for a in range(p):
        for b in range(a, p):
            vals = []
            for sa, sb in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                shift = np.zeros(p)
                shift[a] += sa * HESSIAN_STEP
                shift[b] += sb * HESSIAN_STEP
                vals.append(_value(circuit.bind(theta + shift), observable))
            hess[a, b] = hess[b, a] = (vals[0] - vals[1] - vals[2] + vals[3]) / (
                4 * HESSIAN_STEP**2
            )
    g = _fd_gradient(circuit, observable)
    return g @ hess @ g


@pytest.mark.parametrize("hvp", ["difference", "shift"])
def test_meta_kernel_matches_full_fd_hessian(hvp):
    circuit = ANSATZ_BUILDERS["hea_brick_cnot"](3, 5)  # 36 parameters
    mu = tnbp.meta_kernel(circuit, OBS, hvp=hvp)
    ref = _fd_meta_kernel(circuit, OBS)
    # Hessian entries to ~6e-9, gradient to 3e-11: |g|^2 * 36 * 6e-9 < 1e-6
    assert mu == pytest.approx(ref, abs=1e-6)
    assert abs(mu) > 1e-3


def test_meta_kernel_on_tn_and_mps_matches_dense():
    circuit = ANSATZ_BUILDERS["hea_ladder"](5, 2)
    ref = tnbp.meta_kernel(circuit, OBS, hvp="shift")
    for backend, opts in (("tn", None), ("mps", {"cutoff": 0.0})):
        mu = tnbp.meta_kernel(circuit, OBS, backend=backend, sim_opts=opts)
        # difference HVP, h = 1e-4, 30 parameters: bound 1e-10 P^2 |g|^2 |O|
        assert mu == pytest.approx(ref, abs=1e-6)


def test_one_qubit_closed_forms_and_paper_convention():
    # <Z> after Ry(t) = cos t; the paper's exp(i s X) with s = -t/2 gives cos(2s)
    c = tnbp.Circuit(1)
    c.ry(0.4, 0)
    k = tnbp.qntk(c, [(1.0, "Z", (0,))])
    mu = tnbp.meta_kernel(c, [(1.0, "Z", (0,))], hvp="shift")
    s = -0.2
    k_paper = (2 * np.sin(2 * s)) ** 2
    mu_paper = (-4 * np.cos(2 * s)) * k_paper
    assert theory.to_paper_convention(k, "qntk") == pytest.approx(k_paper, rel=1e-12)
    assert theory.to_paper_convention(mu, "meta_kernel") == pytest.approx(
        mu_paper, rel=1e-12
    )


def test_bad_input_names_the_argument():
    circuit = ANSATZ_BUILDERS["hea_ladder"](3, 0)
    with pytest.raises(ValueError, match="`observable`"):
        tnbp.qntk(circuit, [(1.0, "Z", (5,))])
    with pytest.raises(TypeError, match="`circuit`"):
        tnbp.qntk("circuit", OBS)
    with pytest.raises(ValueError, match="`circuit`"):
        tnbp.qntk(tnbp.Circuit(3), OBS)
    with pytest.raises(ValueError, match="`inputs`"):
        tnbp.qntk_matrix(circuit, OBS, [])
    with pytest.raises(TypeError, match="`inputs`"):
        tnbp.qntk_matrix(circuit, OBS, "000")
    with pytest.raises(TypeError, match=r"`inputs\[1\]`"):
        tnbp.qntk_matrix(circuit, OBS, ["000", 3])
    with pytest.raises(ValueError, match=r"`inputs\[0\]`"):
        tnbp.qntk_matrix(circuit, OBS, [tnbp.Circuit(2)])
    with pytest.raises(ValueError, match="`step`"):
        tnbp.meta_kernel(circuit, OBS, step=0.0)
    with pytest.raises(ValueError, match="`step`"):
        tnbp.meta_kernel(circuit, OBS, step=float("nan"))
    # 1e-300 gave 0.0 (theta +- h u == theta), 1.0 a 16% error: refused
    for step in (1e-300, 1e-9, 0.5, 2 * np.pi):
        with pytest.raises(ValueError, match=r"`step` must lie in \[1e-08, 0.1\]"):
            tnbp.meta_kernel(circuit, OBS, step=step)
    with pytest.raises(ValueError, match="`hvp`"):
        tnbp.meta_kernel(circuit, OBS, hvp="exact")
    with pytest.raises(TypeError, match="`target`"):
        tnbp.qntk(circuit, OBS, target="0.5")
    with pytest.raises(ValueError, match="`target`"):
        tnbp.qntk(circuit, OBS, target=float("nan"))


def test_target_does_not_change_the_kernel():
    # eps = <O> - O_0: the target drops out of every derivative (eq. 17)
    circuit = ANSATZ_BUILDERS["hea_ladder"](3, 0)
    assert tnbp.qntk(circuit, OBS, 0.7) == tnbp.qntk(circuit, OBS, target=0.0)


def test_nonvanishing_qntk_refuses_a_circuit_descent_cannot_move():
    """Every rotation about Z, O = Z Z: K is rounding (~1e-38), not a kernel.

    The message reports qntk's own value (its digits are rounding: 2.7e-38 with
    the numpy sweep, 1.8e-38 with the compiled one).
    """
    obs = [(1.0, "ZZ", (0, 1))]
    flat = ansatz.randomized_hardware_efficient(2, 1, seed=4)
    assert {g.pauli for g in flat.gates if g.trainable} == {"Z"}
    k = tnbp.qntk(flat, obs)
    assert 0 < k < 1e-30
    message = re.escape(f"K = {k:.1e} ~ 0: no angle moves <O>")
    with pytest.raises(ValueError, match=message):
        tnbp.nonvanishing_qntk(flat, obs)
    one = tnbp.Circuit(1)
    one.rz(0.5, 0)
    # K is 0 in exact arithmetic; the compiled sweep's fused multiply-adds leave
    # rounding of (1e-16)^2 (the numpy sweep happened to cancel it exactly)
    k = tnbp.qntk(one, [(3.0, "Z", (0,))])
    assert 0 <= k < 1e-30
    message = "K = 0: " if k == 0 else re.escape(f"K = {k:.1e} ~ 0: ")
    with pytest.raises(ValueError, match=message):
        tnbp.nonvanishing_qntk(one, [(3.0, "Z", (0,))])
    # a small but real kernel passes, and is qntk's value
    c = tnbp.Circuit(1)
    c.ry(1e-6, 0)
    assert tnbp.nonvanishing_qntk(c, [(1.0, "Z", (0,))]) == tnbp.qntk(
        c, [(1.0, "Z", (0,))]
    )  # sin^2(1e-6) = 1e-12, far above the floor (1e-24)
