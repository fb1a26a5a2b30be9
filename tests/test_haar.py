"""Deep Haar brickwork against Haar-random-state closed forms (n = 12).

ANCHORS.md: at n = 12 the half-chain entropy needs ~48 brick layers to reach
Page's value (24 layers: 5.21 vs 5.28 bits); we use 80. The comparison is
within 3 standard errors of the sample mean over independent circuits; the
MPS backend runs at full bond dimension (2^6 = 64).
"""

import numpy as np
import pytest

import tnbp
from tnbp import ansatz, theory

N, DEPTH, SAMPLES = 12, 80, 24


@pytest.fixture(scope="module")
def haar_states():
    return [
        tnbp.simulate(
            ansatz.haar_brickwork(N, DEPTH, seed=s), backend="mps", cutoff=1e-15
        )
        for s in range(SAMPLES)
    ]


def _mean_sem(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1) / np.sqrt(len(x))


def test_half_chain_entropy_matches_page(haar_states):
    mean, sem = _mean_sem([tnbp.entropy(st, N // 2) for st in haar_states])
    page = theory.page_entropy(N // 2, N // 2)
    assert abs(mean - page) < 3 * sem + 1e-3, (mean, sem, page)


def test_four_qubit_purity_matches_haar(haar_states):
    mean, sem = _mean_sem([tnbp.purity(st, (0, 1, 2, 3)) for st in haar_states])
    expected = theory.haar_purity(2**4, 2 ** (N - 4))
    assert abs(mean - expected) < 3 * sem, (mean, sem, expected)


def test_scattered_purity_matches_haar(haar_states):
    mean, sem = _mean_sem([tnbp.purity(st, (1, 4, 7, 10)) for st in haar_states])
    assert abs(mean - theory.haar_purity(16, 2**8)) < 3 * sem


def test_deep_haar_is_volume_law(haar_states):
    fit = tnbp.entanglement_law(haar_states[0])
    assert fit.law == "volume"
    assert 0.8 < fit.slope < 1.05


def test_visible_state_near_maximally_mixed(haar_states):
    """Trace distance of 2 visible qubits to I/4 is below the 1/2 sqrt(Dv/Dh) bound."""
    bound = theory.haar_trace_distance_bound(2, N - 2)
    dist = [
        tnbp.trace_distance_to_maximally_mixed(st, tnbp.Partition.first(2, N))
        for st in haar_states
    ]
    assert np.mean(dist) < bound
