"""Charge-conserving purifications (conserve="U1"/"Z2") against the dense path.

The conserving path runs the same gates and the same truncation rule as the
dense one, its SVDs and QRs block by block over charge sectors. Without
truncation both give the same state up to rounding: differences of a few
hundred SVD/QR steps on unit vectors, ~1e-13; ``atol=1e-10`` on ln Z
(O(n)), the energy and the RDMs (O(1)).
"""

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.linalg import expm

import tnbp
from tnbp import free_fermion
from tnbp import hamiltonian as hm
from tnbp.states.gibbs.purification import SITE_CHARGES, Purification, _block_svd
from tnbp.states.gibbs.trotter import (
    BLANES_MOAN_A,
    BLANES_MOAN_B,
    conserved_charge,
    lift_two,
    split_terms,
)

ATOL = 1e-10  # see the module docstring
EXACT = dict(dtau=0.1, max_bond=None, cutoff=0.0, richardson=False)


def long_range_hopping(n):
    """XX + YY hopping on distant pairs and a Z field: U(1), through the swap network."""
    H = tnbp.PauliSum(n)
    for i, j in [(0, 3), (1, 4), (2, 5), (0, 5)]:
        H.add(0.7, "XX", (i, j)).add(0.7, "YY", (i, j))
    for q in range(n):
        H.add(0.2 * (q - 2), "Z", q)
    return H


def dm_chain(n):
    """XX + YY with a Dzyaloshinskii-Moriya term XY - YX: complex, conserves sum Z."""
    H = tnbp.PauliSum(n)
    for i in range(n - 1):
        H.add(1.0, "XX", (i, i + 1)).add(1.0, "YY", (i, i + 1))
        H.add(0.3, "XY", (i, i + 1)).add(-0.3, "YX", (i, i + 1))
    for q in range(n):
        H.add(0.2 * q, "Z", q)
    return H


def charge_violation(state: Purification) -> float:
    """Largest entry of a site outside its charge blocks (0 when the rule holds)."""
    worst = 0.0
    mod = 2 if state.symmetry == "Z2" else None
    for i, A in enumerate(state.sites):
        ql, qr = state.bond_charges[i], state.bond_charges[i + 1]
        diff = ql[:, None, None] + SITE_CHARGES[None, :, None] - qr[None, None, :]
        if mod:
            diff = diff % mod
        worst = max(worst, float(np.abs(A[diff != 0]).max(initial=0.0)))
    return worst


# ------------------------------------------------------------------- detection
@pytest.mark.parametrize(
    "H, charge",
    [
        (hm.xx_chain(6, J=1.0, h=0.5), "U1"),
        (hm.xxz_chain(6, delta=0.5, h=0.3), "U1"),
        (long_range_hopping(6), "U1"),
        (hm.tfim_chain(6, g=1.0), "Z2"),
        (tnbp.PauliSum(3).add(1.0, "XY", (0, 1)).add(0.5, "YX", (1, 2)), "Z2"),
        (hm.random_two_local(6, seed=1), None),
        (hm.tfim_chain(6).add(0.1, "X", 2), None),  # a lone X breaks the parity
    ],
    ids=["xx", "xxz", "long_range", "tfim", "xy", "random", "tfim_x_field"],
)
def test_conserved_charge_is_detected(H, charge):
    assert conserved_charge(*split_terms(H.traceless())) == charge


# ------------------------------------------------------- the same state as dense
@pytest.mark.parametrize(
    "make, charge",
    [
        (lambda: hm.xxz_chain(7, delta=0.4, h=np.linspace(-0.5, 0.5, 7)), "U1"),
        (lambda: long_range_hopping(6), "U1"),
        (lambda: dm_chain(6), "U1"),
        (lambda: hm.tfim_chain(7, g=0.8), "Z2"),
    ],
    ids=["xxz_fields", "long_range", "complex_dm", "tfim"],
)
@pytest.mark.parametrize("order", [2, 4])
def test_conserving_path_equals_the_dense_path(make, charge, order):
    """No truncation: ln Z, energy, energy variance and an RDM of the conserving run
    equal those of conserve="none" to 1e-10, and both are within the Trotter error
    of the exact Gibbs state at dtau = 0.1: ln Z to 1e-4 (order 4, measured
    <= 7e-6) or 0.1 (order 2, measured <= 0.032), the RDM to 1e-5 or 2e-3
    (measured <= 8e-7 and 7e-4)."""
    H = make()
    exact = tnbp.gibbs_state(H, 1.5, backend="dense")
    dense = tnbp.gibbs_state(H, 1.5, conserve="none", order=order, **EXACT)
    charged = tnbp.gibbs_state(H, 1.5, order=order, **EXACT)
    assert (charged.conserve, dense.conserve) == (charge, "none")
    assert charged.log_partition == pytest.approx(dense.log_partition, abs=ATOL)
    assert float(tnbp.thermal_energy(charged)) == pytest.approx(
        float(tnbp.thermal_energy(dense)), abs=ATOL
    )
    assert charged.energy_variance == pytest.approx(dense.energy_variance, abs=ATOL)
    qs = (0, 2, 5)
    assert_allclose(
        charged.reduced_density_matrix(qs),
        dense.reduced_density_matrix(qs),
        atol=ATOL,
    )
    tol_z, tol_rdm = (1e-4, 1e-5) if order == 4 else (0.1, 2e-3)
    assert charged.log_partition == pytest.approx(exact.log_partition, abs=tol_z)
    assert_allclose(
        charged.reduced_density_matrix(qs),
        exact.reduced_density_matrix(qs),
        atol=tol_rdm,
    )


def test_charge_blocks_hold_through_the_evolution():
    """Every site tensor vanishes exactly outside its charge blocks (U(1) and Z2) and
    the bond charges stay sorted (the blocked contractions rely on it)."""
    for H, charge in [(hm.xx_chain(8, h=0.3), "U1"), (hm.tfim_chain(8), "Z2")]:
        pairs, _ = split_terms(H.traceless())
        psi = Purification.infinite_temperature(
            8, max_bond=6, cutoff=1e-12, symmetry=charge
        )
        for sweep in range(3):
            for i in [*range(7), *range(6, -1, -1)]:
                psi.apply_two(lift_two(pairs[(i, i + 1)], 0.3 + 0.1 * sweep), i)
        psi.move_centre(0)
        assert charge_violation(psi) == 0.0
        assert all(np.all(np.diff(q) >= 0) for q in psi.bond_charges)
        assert psi.peak == 6 and psi.num_truncations > 0  # the cap bound


def test_block_svd_matches_the_dense_svd():
    """A block-structured matrix: the blocked SVD's singular values are the dense ones
    (1e-12, backward stable), U s Vh rebuilds it, and the kept charges are the
    blocks of the largest values."""
    rng = np.random.default_rng(3)
    row_q, col_q = rng.integers(-2, 3, 40), rng.integers(-2, 3, 30)
    X = rng.normal(size=(40, 30)) * (row_q[:, None] == col_q[None, :])
    U, s, Vh, charges, s2 = _block_svd(X, row_q, col_q, 0.0, None)
    dense = np.linalg.svd(X, compute_uv=False)
    assert_allclose(np.sqrt(s2), dense[: s2.size], atol=1e-12)
    assert_allclose(U * s @ Vh, X, atol=1e-12)
    assert_allclose(U.T @ U, np.eye(s.size), atol=1e-12)
    for c in np.unique(charges):  # each kept vector lives on its charge's rows
        assert not np.any(U[row_q != c][:, charges == c])
    U, s, Vh, charges, s2 = _block_svd(X, row_q, col_q, 0.0, 5)
    assert_allclose(np.sort(s)[::-1], dense[:5], atol=1e-12)


def test_truncated_runs_agree_within_their_truncation():
    """chi = 8 binds on a 10-qubit XX chain: the two paths may split a degenerate
    multiplet differently at the cut, so they agree to the truncation error, not to
    rounding: energies within the sum of both bounds (measured ~1e-5)."""
    H = hm.xx_chain(10, J=1.0, h=0.3)
    opts = dict(dtau=0.1, max_bond=8, cutoff=1e-14, richardson=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        e = [
            tnbp.thermal_energy(tnbp.gibbs_state(H, 2.0, conserve=c, **opts))
            for c in ("U1", "none")
        ]
    assert e[0].truncation_error > 0
    assert abs(e[0] - e[1]) <= e[0].truncation_error + e[1].truncation_error


# --------------------------------------------------------------- options
def test_explicit_charges_and_errors():
    """conserve="Z2" is valid for a U(1) chain (U(1) implies the parity), "U1" is not
    for the Ising chain; unknown values name the option."""
    xx, tfim = hm.xx_chain(4), hm.tfim_chain(4)
    assert tnbp.gibbs_state(xx, 1.0, conserve="Z2").conserve == "Z2"
    with pytest.raises(ValueError, match="`conserve`"):
        tnbp.gibbs_state(tfim, 1.0, conserve="U1")
    with pytest.raises(ValueError, match="`conserve`"):
        tnbp.gibbs_state(hm.random_two_local(4, seed=0), 1.0, conserve="Z2")
    with pytest.raises(ValueError, match="`conserve`"):
        tnbp.gibbs_state(xx, 1.0, conserve="SU2")
    with pytest.raises(ValueError, match="`symmetry`"):
        Purification.infinite_temperature(4, max_bond=None, cutoff=0, symmetry="U2")


# ------------------------------------------------------------ Blanes and Moan
def test_blanes_moan_splitting_is_fourth_order():
    """e^{-h(A+B)} of random symmetric A, B (unit norm): one step's error falls as
    h^5 (ratio 32 per halving; measured 31-33) and lies below Suzuki's."""
    rng = np.random.default_rng(0)
    A, B = (M + M.T for M in rng.normal(size=(2, 8, 8)))
    A, B = A / np.linalg.norm(A, 2), B / np.linalg.norm(B, 2)
    assert sum(BLANES_MOAN_A) == pytest.approx(1, abs=1e-15)
    assert sum(BLANES_MOAN_B) == pytest.approx(1, abs=1e-15)

    def step(h):
        U = expm(-h * BLANES_MOAN_A[0] * A)
        for a, b in zip(BLANES_MOAN_A[1:], BLANES_MOAN_B, strict=True):
            U = U @ expm(-h * b * B) @ expm(-h * a * A)
        return U

    errors = [np.linalg.norm(step(h) - expm(-h * (A + B))) for h in (0.2, 0.1)]
    assert 28 < errors[0] / errors[1] < 36, errors


# ------------------------------------------------------- free fermions, n >= 40
@pytest.mark.slow
def test_conserving_xx_chain_48_qubits_against_free_fermions():
    """U(1) blocks at n = 48, random hoppings and fields, beta = 2, chi = 64 binding:
    energy and log Z within 1e-4 per site of free fermions (measured ~1e-5 per
    site) and within its own reported error budget (~20 s)."""
    n, beta = 48, 2.0
    rng = np.random.default_rng(48)
    H = hm.xx_chain(n, J=rng.uniform(0.5, 1.5, n - 1), h=rng.normal(0.0, 0.5, n))
    A = free_fermion.majorana_hamiltonian(H.terms, n)
    e_ref = free_fermion.thermal_energy(A, beta)
    rho = tnbp.gibbs_state(H, beta, dtau=0.25, max_bond=64, cutoff=1e-16)
    assert rho.conserve == "U1"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tnbp.TruncationWarning)
        energy = tnbp.thermal_energy(rho)
    assert abs(energy - e_ref) / n < 1e-4
    assert abs(energy - e_ref) <= energy.error_bound
    log_z = free_fermion.thermal_log_partition(A, beta)
    assert abs(rho.log_partition - log_z) / n < 1e-4
    assert math.isfinite(rho.energy_variance) and rho.energy_variance > 0


def test_cached_pauli_expectations_equal_the_contracted_ones():
    """Strings on one and two qubits read off cached RDMs (any order of calls, the
    qubits in any order, Y's included) equal the span contraction of the base class
    to 1e-12 (a few contractions of unit-norm tensors); three qubits contract."""
    from tnbp.states.gibbs.base import GibbsState

    H = hm.xxz_chain(6, delta=0.5, h=0.3)
    cached = tnbp.gibbs_state(H, 1.0, richardson=False)
    fresh = tnbp.gibbs_state(H, 1.0, richardson=False)
    cases = [("Z", (3,)), ("XY", (4, 1)), ("ZX", (2, 3)), ("Y", (2,)), ("YY", (5, 4))]
    cases += [("X", (5,)), ("IZ", (0, 1)), ("XZY", (0, 3, 5)), ("II", (1, 2))]
    for pauli, qubits in cases:
        assert cached.expectation_pauli(pauli, qubits) == pytest.approx(
            GibbsState.expectation_pauli(fresh, pauli, qubits), abs=1e-12
        )
