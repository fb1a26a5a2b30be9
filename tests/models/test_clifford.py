"""The two-qubit Clifford group: order, unitarity, closure and the 2-design property."""

import numpy as np
import pytest

from tnbp import ansatz
from tnbp.models.clifford import (
    TWO_QUBIT_CLIFFORDS,
    random_two_qubit_clifford,
    two_qubit_cliffords,
)


def test_group_order_and_unitarity():
    G = two_qubit_cliffords()
    assert G.shape == (TWO_QUBIT_CLIFFORDS, 4, 4) and not G.flags.writeable
    eye = np.eye(4)
    # rounding only: products of at most ~20 generators
    np.testing.assert_allclose(
        np.einsum("kij,kil->kjl", G.conj(), G),
        np.broadcast_to(eye, G.shape),
        atol=1e-12,
    )


def test_frame_potential_is_two():
    """A unitary 2-design has frame potential E|Tr(U^dag V)|^4 = 2 (Haar value);
    over a group it is the mean of |Tr U|^4 over the group."""
    G = two_qubit_cliffords()
    tr = np.abs(np.einsum("kii->k", G)) ** 4
    assert tr.mean() == pytest.approx(2.0, rel=1e-10)  # exact rational, rounding only


def test_random_clifford_and_design_option():
    rng = np.random.default_rng(0)
    U = random_two_qubit_clifford(rng)
    assert U.flags.writeable and U.shape == (4, 4)
    with pytest.raises(TypeError, match="`rng`"):
        random_two_qubit_clifford(0)
    c = ansatz.alternating_layered(4, 1, seed=0, design="clifford")
    assert [g.label for g in c.gates].count("CLIFFORD") == 3
    # the angles are drawn as for Haar blocks (after one integer instead of a matrix)
    assert c.num_parameters == ansatz.alternating_layered(4, 1, seed=0).num_parameters
    with pytest.raises(ValueError, match="`design`"):
        ansatz.alternating_layered(4, 1, design="random")
