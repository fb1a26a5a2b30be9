"""The demo study's --quick preset runs end to end and its physics is sane."""

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def study(load_study):
    return load_study("entanglement_vs_depth")


def test_quick_preset(study, tmp_path):
    df, fig = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert fig.exists() and fig.stat().st_size > 10_000
    table = pd.read_csv(tmp_path / "entanglement_vs_depth.csv")
    assert (
        len(table) == len(df) == 2 * len(study.QUICK["depths"]) * study.QUICK["samples"]
    )
    for _, group in table.groupby("ansatz"):
        group = group.sort_values("depth")
        # entanglement grows with depth, the visible state approaches I/D_v
        assert group.half_chain_entropy.iloc[-1] > group.half_chain_entropy.iloc[0]
        assert group.trace_distance.iloc[-1] < group.trace_distance.iloc[0]
    # entropies never exceed what the bond cap allows; saturated rows are flagged
    import numpy as np

    assert (table.half_chain_entropy <= np.log2(study.QUICK["max_bond"]) + 1e-9).all()
    deep = table[
        (table.ansatz == "haar_brickwork") & (table.depth == max(study.QUICK["depths"]))
    ]
    assert not deep.trusted.any()
    # rerunning resumes: nothing is recomputed or duplicated
    df2, _ = study.main(**study.QUICK, out=tmp_path, progbar=False)
    assert len(df2) == len(df)
