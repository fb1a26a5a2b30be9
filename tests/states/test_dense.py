"""The exact statevector (tnbp.states.dense.DenseState)."""

import numpy as np

import tnbp
from tnbp import ansatz


def test_cut_spectra_are_computed_once_and_handed_out_as_copies():
    st = tnbp.simulate(ansatz.haar_brickwork(8, layers=3, seed=0), backend="dense")
    first = st.cut_spectrum(4)
    first[:] = -1.0  # a caller's scratch use must not reach the state
    again = st.cut_spectrum(4)
    assert np.all(again >= 0) and abs(again.sum() - 1) < 1e-12
    # the record (all cuts) reuses the profile's SVDs: one per cut in all
    profile = tnbp.entropy_profile(st)
    floor = tnbp.limits.SPECTRUM_NOISE_FLOOR
    assert list(st.record.bond_dims) == [
        int(np.count_nonzero(st.cut_spectrum(c) > floor)) for c in range(1, 8)
    ]
    assert sorted(st._cut_spectra) == list(range(1, 8)) and profile.shape == (7,)
