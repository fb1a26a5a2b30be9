"""The QNTK and meta-kernel of local costs on shallow circuits, from n = 8 to n = 100.

Two kinds of check:

* **cross-backend** at n = 8..20, where the dense backend runs: ``tn`` (and
  ``mps``) equal ``dense`` to 1e-10 (the acceptance line of issue 12);
* an **independent lightcone reference** at n >= 40: a term :math:`O_j` of a
  shallow brickwork depends only on the gates of its backward lightcone, and
  each brick layer of nearest-neighbour gates widens that cone by at most one
  qubit on each side. So :math:`\\langle O_j\\rangle` and its derivatives are
  those of the *same ansatz built on a small window* of qubits around ``j``,
  margin ``r`` = (brick layers) on each side, with open boundaries (the gates
  that straddle the window's edge dropped: none of them is in the cone). The
  window circuits are simulated here by a few lines of batched numpy (their
  own rotation and CZ matrices, angles read from the ansatz's definition:
  parameter ``(layer * n + q) * 2 + k`` is rotation ``k`` of ``("Y", "Z")`` on
  qubit ``q``), with exact parameter-shift derivatives: no tnbp simulator,
  gradient or lightcone code is involved (not :meth:`tnbp.Circuit.lightcone`,
  not :mod:`tnbp.gradients.cones`), so the check is not circular. The full
  gradient is the sum of the window gradients placed at their parameters; the
  meta-kernel is :math:`\\mu = \\sum_{\\rm windows} g_W^{\\mathsf T} H_W g_W`
  with :math:`g` the *full* gradient restricted to the window's parameters and
  :math:`H_W` the exact Hessian of the window's terms (zero outside it).

Tolerance of 1e-10 for K: each derivative is a sum of at most a few tens of
contractions of unit-norm tensors, each exact to ~1e-15, so every
:math:`g_\\ell` carries ~1e-14 of rounding and :math:`|\\delta K| \\le
2\\|g\\|_1 \\max|\\delta g_\\ell| \\lesssim 2 \\cdot 800 \\cdot 10^{-14} \\approx
10^{-11}` for the 800 parameters of the largest circuit here (measured: below
1e-15 throughout).
"""

import numpy as np
import pytest

import tnbp
from tnbp import ansatz, observables
from tnbp.gradients import qntk as qntk_module

#: acceptance tolerance of issue 12 for K (absolute; rounding argument above)
K_TOL = 1e-10

# ------------------------------------------------------------------ the reference

_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1.0 + 0j, -1.0])
#: brick layers per ansatz layer: the ladder entangles even then odd bonds
BRICKS = {"brick": 1, "ladder": 2}


def _rotation(pauli, theta):
    """``exp(-i theta P / 2)`` for a batch of angles: shape (B, 2, 2)."""
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return c[:, None, None] * np.eye(2) - 1j * s[:, None, None] * pauli


def _bonds(n, layer, pattern):
    """Left qubits of the CZ bonds of one layer, in the ansatz's order."""
    parities = (0, 1) if pattern == "ladder" else (layer % 2,)
    return [i for p in parities for i in range(p, n - 1, 2)]


def window_values(angles, lo, n, layers, pattern, terms):
    """``sum_t c_t <Z...Z_t>`` of the ansatz on qubits ``lo..lo+m-1`` (open ends).

    ``angles``: (B, layers, m, 2) angles of the window's rotations; ``terms``:
    ``[(coeff, qubits)]`` Z strings on global labels inside the window.
    Returns shape (B,).
    """
    batch, _, m, _ = angles.shape
    psi = np.zeros((batch,) + (2,) * m, dtype=complex)
    psi[(slice(None),) + (0,) * m] = 1.0
    for layer in range(layers):
        for r in range(m):
            for k, pauli in enumerate((_Y, _Z)):
                U = _rotation(pauli, angles[:, layer, r, k])[..., None, None]
                view = psi.reshape(batch, 2**r, 2, -1)
                zero, one = view[:, :, 0], view[:, :, 1]
                psi = np.stack(
                    [
                        U[:, 0, 0] * zero + U[:, 0, 1] * one,
                        U[:, 1, 0] * zero + U[:, 1, 1] * one,
                    ],
                    axis=2,
                ).reshape(psi.shape)
        for i in _bonds(n, layer, pattern):
            a = i - lo
            if 0 <= a and a + 1 < m:  # bonds straddling the window's edge dropped
                index = [slice(None)] * (m + 1)
                index[a + 1] = index[a + 2] = 1
                psi[tuple(index)] *= -1
    prob = np.abs(psi) ** 2
    out = np.zeros(batch)
    for coeff, qubits in terms:
        sign = np.ones((2,) * m)
        for q in qubits:
            shape = [1] * m
            shape[q - lo] = 2
            sign = sign * np.array([1.0, -1.0]).reshape(shape)
        out += coeff * np.sum(prob * sign, axis=tuple(range(1, m + 1)))
    return out


def _window(block, n, layers, pattern, margin):
    lo = max(0, min(block) - margin)
    hi = min(n, max(block) + 1 + margin)
    return lo, hi


def _params(lo, hi, n, layers):
    """Indices of the window's angles in ``circuit.parameters`` (ansatz order)."""
    return np.array(
        [
            (layer * n + q) * 2 + k
            for layer in range(layers)
            for q in range(lo, hi)
            for k in (0, 1)
        ]
    )


def lightcone_reference(
    circuit, terms, layers, pattern, *, block=2, margin=None, hessian=False
):
    """Full gradient (and meta-kernel) from windows around blocks of terms.

    ``terms``: ``[(coeff, qubits)]`` Z strings. Terms are grouped by their
    first qubit into blocks of ``block`` consecutive qubits; each block is one
    window with ``margin`` qubits on each side (default: the number of brick
    layers, the most a backward lightcone can grow). Returns ``(g, mu)``
    (``mu`` None unless ``hessian``).
    """
    n = circuit.n
    margin = layers * BRICKS[pattern] if margin is None else margin
    theta = circuit.parameters
    groups: dict = {}
    for coeff, qubits in terms:
        groups.setdefault(min(qubits) // block, []).append((coeff, qubits))
    grad = np.zeros(theta.size)
    windows = []
    for members in groups.values():
        support = sorted({q for _, qs in members for q in qs})
        lo, hi = _window(support, n, layers, pattern, margin)
        idx = _params(lo, hi, n, layers)
        shape = (layers, hi - lo, 2)

        def f(t, lo=lo, hi=hi, members=members, shape=shape):
            return window_values(
                t.reshape((-1,) + shape), lo, n, layers, pattern, members
            )

        t0 = theta[idx]
        p = t0.size
        shifts = np.pi / 2 * np.eye(p)
        vals = f(np.concatenate([t0 + shifts, t0 - shifts]))
        grad[idx] += (vals[:p] - vals[p:]) / 2  # exact for Pauli rotations
        windows.append((idx, f, t0))
    if not hessian:
        return grad, None
    mu = 0.0
    for idx, f, t0 in windows:
        p = t0.size
        a, b = np.triu_indices(p, 1)
        rows = []
        for sa, sb in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            t = np.repeat(t0[None], a.size, axis=0)
            t[np.arange(a.size), a] += sa * np.pi / 2
            t[np.arange(a.size), b] += sb * np.pi / 2
            rows.append(f(t))
        hess = np.zeros((p, p))
        hess[a, b] = hess[b, a] = (rows[0] - rows[1] - rows[2] + rows[3]) / 4
        # f(t + pi e_l) - f(t) = -2 (f - A): the diagonal, exactly
        diag = f(np.concatenate([t0 + np.pi * np.eye(p), t0[None]]))
        hess[np.arange(p), np.arange(p)] = (diag[:p] - diag[p]) / 2
        g = grad[idx]
        mu += g @ hess @ g
    return grad, mu


def as_terms(obs):
    """``[(coeff, qubits)]`` of a Z-string term list ``[(coeff, "Z...", qubits)]``."""
    assert all(set(p) == {"Z"} for _, p, _ in obs)
    return [(c, tuple(q)) for c, _, q in obs]


def observable(kind, n):
    """The observables of these tests (Z strings)."""
    mid = n // 2
    if kind == "term":
        return [(1.0, "Z", (mid,))]
    if kind == "pair":
        return [(1.0, "ZZ", (mid, mid + 1)), (0.5, "Z", (mid - 3,))]
    if kind == "local":
        return [(1.0 / n, "Z", (i,)) for i in range(n)]
    raise ValueError(kind)


# ------------------------------------------------------------------ the reference itself


def test_reference_windows_equal_the_whole_register():
    """At n = 12 the windows give the gradient of the whole register (windows as
    wide as the register: no restriction), and windows without a margin do
    not: the restriction is where it must be, and the check has teeth."""
    n, layers = 12, 2
    for pattern, kind in (
        ("brick", "term"),
        ("brick", "pair"),
        ("brick", "local"),
        ("ladder", "local"),
    ):
        c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=3)
        terms = as_terms(observable(kind, n))
        g, _ = lightcone_reference(c, terms, layers, pattern)
        whole, _ = lightcone_reference(c, terms, layers, pattern, margin=n)
        # the same arithmetic on more qubits: rounding only
        np.testing.assert_allclose(g, whole, rtol=0, atol=1e-13)
        # one qubit per window (no margin) drops the first layer's CZs; (blocks of
        # two aligned with those CZs would not: the last layer's CZs commute with
        # Z and cancel, so the cones are narrower than the structural ones)
        short, _ = lightcone_reference(c, terms, layers, pattern, block=1, margin=0)
        assert np.abs(short - whole).max() > 1e-3
        # and it is tnbp's dense gradient (rounding only)
        dense = tnbp.gradient(c, observable(kind, n), backend="dense")
        np.testing.assert_allclose(g, dense, rtol=0, atol=1e-13)


def test_reference_meta_kernel_is_the_dense_one():
    """The window Hessians give tnbp's exact (shift) meta-kernel at n = 10."""
    n, layers, pattern = 10, 2, "brick"
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=5)
    for kind in ("term", "local"):
        obs = observable(kind, n)
        _, mu = lightcone_reference(c, as_terms(obs), layers, pattern, hessian=True)
        ref = tnbp.meta_kernel(c, obs, hvp="shift")
        # both exact: rounding of ~P^2 Hessian entries of size <= 1
        assert mu == pytest.approx(ref, abs=1e-12)
        assert abs(ref) > 1e-4


# ------------------------------------------------------------------ n <= 20: dense


@pytest.mark.parametrize("n", [8, 14, 20])
@pytest.mark.parametrize(("layers", "pattern"), [(2, "brick"), (3, "ladder")])
def test_tn_qntk_equals_dense(n, layers, pattern):
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=n)
    for obs in (
        observable("term", n),
        observable("pair", n),
        observable("local", n),
        observables.local_cost(range(n)),
    ):
        dense = tnbp.qntk(c, obs, backend="dense")
        assert tnbp.qntk(c, obs, backend="tn") == pytest.approx(dense, abs=K_TOL)
        assert dense > 1e-3  # not vacuous
    # the global parity Z^n: K ~ 1e-9 at n = 20, so the check is relative
    # (rounding is relative here: every contraction is a product of small factors)
    glob = [(1.0, "Z" * n, tuple(range(n)))]
    dense = tnbp.qntk(c, glob, backend="dense")
    assert tnbp.qntk(c, glob, backend="tn") == pytest.approx(dense, rel=1e-10)


@pytest.mark.parametrize("n", [8, 14])
def test_mps_qntk_equals_dense(n):
    c = ansatz.hardware_efficient(n, 2, pattern="brick", seed=n)
    for kind in ("term", "local"):
        obs = observable(kind, n)
        dense = tnbp.qntk(c, obs, backend="dense")
        # exact MPS (cutoff 0: nothing truncated), exact shift rule
        mps = tnbp.qntk(c, obs, backend="mps", sim_opts={"cutoff": 0.0})
        assert mps == pytest.approx(dense, abs=K_TOL)


# ------------------------------------------------------------------ n >= 40: the reference


@pytest.mark.parametrize("kind", ["term", "pair", "local"])
def test_tn_qntk_at_n40_equals_the_lightcone_reference(kind):
    n, layers, pattern = 40, 2, "brick"
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=11)
    obs = observable(kind, n)
    g_ref, _ = lightcone_reference(c, as_terms(obs), layers, pattern)
    g = tnbp.gradient(c, obs, backend="tn")
    np.testing.assert_allclose(g, g_ref, rtol=0, atol=1e-13)  # rounding only
    assert tnbp.qntk(c, obs, backend="tn") == pytest.approx(g_ref @ g_ref, abs=K_TOL)


def test_tn_meta_kernel_at_n40_equals_the_lightcone_reference():
    n, layers, pattern = 40, 2, "brick"
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=12)
    for kind in ("term", "pair", "local"):
        obs = observable(kind, n)
        g_ref, mu_ref = lightcone_reference(
            c, as_terms(obs), layers, pattern, hessian=True
        )
        assert abs(mu_ref) > 1e-6  # not vacuous
        if kind != "local":  # (the local cost: 320 gradients, ~3 s; see n = 10)
            # exact shift HVP: 2 gradients per parameter of the cones; rounding only
            mu = tnbp.meta_kernel(c, obs, backend="tn", hvp="shift")
            assert mu == pytest.approx(mu_ref, abs=1e-12)
        # difference HVP (h = 1e-4): truncation <= h^2 P^2 |g|^2 |O| / 96 with P
        # the parameters where g != 0 (24 for a term, all 160 for the local
        # cost: 2.7e-6 |g|^2), plus rounding ~1e-16 sqrt(P) |g|^2 / h
        p = np.count_nonzero(g_ref)
        norm = sum(abs(coeff) for coeff, _, _ in obs)
        bound = 1e-8 * p**2 * (g_ref @ g_ref) * norm / 96 + 1e-11
        diff = tnbp.meta_kernel(c, obs, backend="tn", hvp="difference")
        assert diff == pytest.approx(mu_ref, abs=bound)


def test_meta_kernel_shift_differentiates_only_inside_the_cone(monkeypatch):
    """A local term at n = 100: the shift HVP costs 2 gradients per parameter of
    the term's cone (at most 12 of 400), not per parameter of the circuit."""
    n = 100
    c = ansatz.hardware_efficient(n, 2, pattern="brick", seed=4)
    obs = observable("term", n)
    calls = []
    real = qntk_module.gradient
    monkeypatch.setattr(
        qntk_module, "gradient", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    mu = tnbp.meta_kernel(c, obs, backend="tn", hvp="shift")
    g = real(c, obs, backend="tn")
    cone = np.count_nonzero(g)
    assert 0 < cone <= 12 and len(calls) == 1 + 2 * cone  # 12 angles in the cone
    _, mu_ref = lightcone_reference(c, as_terms(obs), 2, "brick", hessian=True)
    assert mu == pytest.approx(mu_ref, abs=1e-12)  # both exact


@pytest.mark.slow  # ~20 s
@pytest.mark.parametrize(
    ("n", "layers", "pattern"),
    [(64, 3, "ladder"), (100, 4, "brick"), (100, 2, "ladder")],
)
def test_tn_qntk_at_n64_and_n100_equals_the_lightcone_reference(n, layers, pattern):
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=n + layers)
    for kind, block in (("term", 1), ("pair", 4), ("local", 2)):
        if kind == "local" and layers * BRICKS[pattern] > 4:
            continue  # n/2 windows of 14 qubits: ~80 s of reference
        obs = observable(kind, n)
        g_ref, _ = lightcone_reference(c, as_terms(obs), layers, pattern, block=block)
        k = tnbp.qntk(c, obs, backend="tn")
        assert k == pytest.approx(g_ref @ g_ref, abs=K_TOL)


@pytest.mark.slow  # ~20 s
def test_mps_and_meta_kernel_at_n100_equal_the_lightcone_reference():
    n, layers, pattern = 100, 2, "brick"
    c = ansatz.hardware_efficient(n, layers, pattern=pattern, seed=21)
    for kind in ("term", "local"):
        obs = observable(kind, n)
        g_ref, mu_ref = lightcone_reference(
            c, as_terms(obs), layers, pattern, hessian=True
        )
        mps = tnbp.qntk(c, obs, backend="mps", sim_opts={"cutoff": 0.0})
        assert mps == pytest.approx(g_ref @ g_ref, abs=K_TOL)
        # difference HVP bound as at n = 40 (P = 400 for the local cost)
        p = np.count_nonzero(g_ref)
        bound = 1e-8 * p**2 * (g_ref @ g_ref) / 96 + 1e-11
        mu = tnbp.meta_kernel(c, obs, backend="tn")
        assert mu == pytest.approx(mu_ref, abs=bound)
