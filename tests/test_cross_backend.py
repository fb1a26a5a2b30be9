"""MPS at full bond dimension against the exact dense statevector, every ansatz.

With ``cutoff=0`` the MPS keeps every singular value (bond dimension up to
2^6 at n = 12), so both are exact up to floating point and must agree to 1e-10.
(Any truncation would not do: discarding weight eps moves amplitudes by ~sqrt(eps).)
"""

import kron_reference
import numpy as np
import pytest
from ansatz_zoo import ANSATZ_BUILDERS
from numpy.testing import assert_allclose

import tnbp

ATOL = 1e-10
SUBSYSTEMS = [(0,), (2, 3), (0, 2, 5), (5, 1, 3), (11, 0), (1, 4, 6, 7, 9)]
PAULIS = [
    ("Z", (0,)),
    ("ZZ", (3, 4)),
    ("XY", (1, 10)),
    ("ZXY", (7, 0, 2)),
    ("YIX", (5, 6, 11)),
]


INITIAL = "011010011001"


def circuit_of(name):
    """The n = 12 circuit of ansatz ``name`` behind :func:`pairs`."""
    return ANSATZ_BUILDERS[name](12, 7)


@pytest.fixture(scope="module")
def pairs():
    """(dense, mps) states of every ansatz at n = 12 from a Neel-like state."""
    out = {}
    for name in ANSATZ_BUILDERS:
        circ = circuit_of(name)
        initial = INITIAL
        dense = tnbp.simulate(circ, backend="dense", initial=initial)
        mps = tnbp.simulate(circ, backend="mps", initial=initial, cutoff=0.0)
        out[name] = dense, mps
    return out


def test_mps_is_exact_at_full_bond(pairs, ansatz_name):
    dense, mps = pairs[ansatz_name]
    assert mps.trusted and mps.fidelity_estimate > 1 - 1e-12
    assert mps.max_bond_reached <= 64


@pytest.mark.parametrize("alpha", [1, 2, 0.5, np.inf])
def test_entropy_profiles_agree(pairs, ansatz_name, alpha):
    dense, mps = pairs[ansatz_name]
    assert_allclose(
        tnbp.entropy_profile(mps, alpha), tnbp.entropy_profile(dense, alpha), atol=ATOL
    )
    assert_allclose(
        tnbp.entropy(mps, 6, alpha), tnbp.entropy(dense, 6, alpha), atol=ATOL
    )


@pytest.mark.parametrize("qubits", SUBSYSTEMS)
def test_subsystem_quantities_agree(pairs, ansatz_name, qubits):
    dense, mps = pairs[ansatz_name]
    for fn in (
        tnbp.subsystem_entropy,
        tnbp.purity,
        tnbp.trace_distance_to_maximally_mixed,
    ):
        assert_allclose(
            fn(mps, qubits), fn(dense, qubits), atol=ATOL, err_msg=fn.__name__
        )
    assert_allclose(
        mps.reduced_density_matrix(qubits),
        dense.reduced_density_matrix(qubits),
        atol=ATOL,
    )
    assert_allclose(
        tnbp.subsystem_entropy(mps, qubits, alpha=2),
        tnbp.subsystem_entropy(dense, qubits, alpha=2),
        atol=ATOL,
    )


@pytest.mark.parametrize(("pauli", "qubits"), PAULIS)
def test_expectations_agree(pairs, ansatz_name, pauli, qubits):
    dense, mps = pairs[ansatz_name]
    assert_allclose(
        tnbp.expectation(mps, pauli, qubits),
        tnbp.expectation(dense, pauli, qubits),
        atol=ATOL,
    )


def test_mutual_information_agrees(pairs, ansatz_name):
    dense, mps = pairs[ansatz_name]
    a, b = (0, 1), (6, 9, 11)
    assert_allclose(
        tnbp.mutual_information(mps, a, b),
        tnbp.mutual_information(dense, a, b),
        atol=ATOL,
    )


def test_dense_matches_independent_kron_reference():
    """The dense backend against a statevector built from full 2^n matrices."""
    circ = ANSATZ_BUILDERS["unitary_qnn"](4, 3)
    psi = kron_reference.statevector(circ, "0110")
    st = tnbp.simulate(circ, backend="dense", initial="0110")
    assert_allclose(st.statevector, psi, atol=1e-12)
    zz = kron_reference.pauli_sum_matrix([(1.0, "ZZ", (0, 3))], 4)
    assert_allclose(
        tnbp.expectation(st, "ZZ", (0, 3)), np.vdot(psi, zz @ psi).real, atol=1e-12
    )


@pytest.mark.parametrize(
    "partition",
    [
        tnbp.Partition.first(2, 12),
        tnbp.Partition.middle(2, 12),
        tnbp.Partition.middle(3, 12),
        tnbp.Partition.block(3, 7, 12),
        tnbp.Partition.last(2, 12),
        tnbp.Partition.from_visible([0, 6, 11], 12),
    ],
    ids=["first", "middle2", "middle3", "block3-7", "last", "scattered"],
)
def test_partitions_agree_on_every_backend(pairs, ansatz_name, partition):
    """Visible sets anywhere in the chain: mps and tn against dense, visible and hidden."""
    dense, mps = pairs[ansatz_name]
    tn = tnbp.simulate(circuit_of(ansatz_name), backend="tn", initial=INITIAL)
    for fn in (
        tnbp.subsystem_entropy,
        tnbp.purity,
        tnbp.trace_distance_to_maximally_mixed,
    ):
        ref = float(fn(dense, partition))
        for state in (mps, tn):
            assert abs(float(fn(state, partition)) - ref) < ATOL, (fn, state)
    # a pure state: the hidden set (two pieces for a middle block) has the
    # visible set's entropy; mps and tn reach it through the visible side
    s_v = float(tnbp.subsystem_entropy(dense, partition))
    for state in (dense, mps, tn):
        assert abs(float(tnbp.subsystem_entropy(state, partition.hidden)) - s_v) < ATOL
