"""Every benchmark script's ``--quick`` preset runs and writes its CSV.

The peers (PennyLane + lightning, qiskit-aer, TeNPy, cotengrust) are optional
and not installed by ``make test``: without one, its script must still exit 0,
time tnbp alone and leave the peer's columns empty. The column sets are
pinned because docs/benchmarks.md's tables are read from them.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"

#: the settings every script adds to its rows (Bench.finish)
RUN = "threads gc_during_timing tnbp_source"

COLUMNS = {
    "gradients_dense": f"""
        part n layers num_parameters gates cone_gates samples
        samples_timed_per_sample_engines tnbp_batch_ms tnbp_single_ms lightning_ms
        lightning_dev_ms ratio_lightning_tnbp_batch ratio_lightning_dev_tnbp_batch
        ratio_tnbp_single_tnbp_batch tnbp_batch_ms_median tnbp_single_ms_median
        lightning_ms_median lightning_dev_ms_median max_abs_diff
        max_abs_diff_tnbp_single max_abs_diff_lightning max_abs_diff_lightning_dev
        repeats statistic seed {RUN}""",
    "gradients_tn": f"""
        part n layers pattern num_parameters gates terms samples seed
        shifted_evaluations_per_gradient check_derivatives check_max_abs_diff_term
        check_max_abs_diff_cost tnbp_adjoint_first_s tnbp_adjoint_first_tree_searches
        tnbp_adjoint_warm_s_mean tnbp_adjoint_warm_s_std tnbp_adjoint_ensemble_s
        tnbp_ps_contractions_per_gradient tnbp_ps_samples tnbp_ps_gradient_s
        tnbp_ps_contraction_ms max_abs_diff_ps tnbp_autodiff_samples
        tnbp_autodiff_first_s tnbp_autodiff_warm_s max_abs_diff_autodiff
        anchor_calls anchor_calls_bulk anchor_calls_boundary anchor_call_s_mean
        anchor_call_s_sem anchor_call_s_std anchor_call_s_min anchor_call_s_median
        anchor_call_s_max anchor_search_s_mean anchor_rest_s_mean
        anchor_calls_searched anchor_tensors_min anchor_tensors_max
        anchor_calls_hyper anchor_build_s_mean anchor_gradient_s_extrapolated
        anchor_ensemble_s_extrapolated ratio_ensemble ratio_per_evaluation
        ratio_ensemble_without_search warm_gradient_in_anchor_calls {RUN}""",
    "mps_simulation": f"""
        n depth chi tnbp_s quimb_s ratio_tnbp_quimb aer_s ratio_tnbp_aer
        target_quimb_met target_aer_met aer_lapack_s
        ratio_tnbp_aer_lapack max_bond_reached quimb_final_max_bond aer_max_bond
        fidelity_tnbp fidelity_quimb fidelity_match discarded_weight
        aer_lapack_max_bond aer_lapack_crashed aer_internal_s tnbp_s_median
        quimb_s_median aer_s_median aer_lapack_s_median repeats statistic seed {RUN}""",
    "mps_ensemble": f"""
        n depth instances quimb_instances batch_ms single_ms quimb_path_ms aer_ms
        workers batch_workers_ms ratio_single_batch_workers ratio_aer_batch_workers
        ratio_single_batch ratio_quimb_path_batch ratio_aer_batch target_single_met
        target_aer_met max_entropy_diff_single max_entropy_diff_quimb_path
        max_entropy_diff_aer records_match max_bond_reached repeats statistic seed
        {RUN}""",
    "gibbs": f"""
        model n beta chi energy_exact_per_site tenpy_s_best tenpy_s_median
        tenpy_energy_per_site tenpy_error_per_site tenpy_max_bond tenpy_discarded
        tenpy_evolved tenpy_dt tenpy_svd_min tenpy_conserve tnbp_s_best tnbp_s_median
        tnbp_energy_per_site tnbp_error_per_site tnbp_max_bond tnbp_discarded
        tnbp_log_partition_error tnbp_order tnbp_dtau tnbp_steps tnbp_cutoff
        tnbp_conserve tnbp_caveats ratio target_met accuracy_matched repeats {RUN}""",
    "import_time": f"""
        statement code median_s best_s ratio_median_quimb_tensor repeats {RUN}""",
    "dqnn": f"""
        n qubits dqnn_layers route method samples best_s median_s first_s max_bond
        example_value ratio_median_tn abs_diff_tn {RUN}""",
    "qntk": f"""
        n layers pattern observable num_parameters nonzero_derivatives k_tn tn_first_s
        tn_tree_searches tn_warm_s tn_warm_s_median meta_kernel_tn_s mu_tn mps_s
        k_mps abs_diff_tn_mps ratio_mps_tn quimb_parameters_timed
        quimb_cone_parameters quimb_call_s quimb_s quimb_extrapolated
        max_abs_diff_quimb ratio_quimb_tn repeats seed {RUN}""",
    "pauli_moments": f"""
        n layers depth_rule observable num_parameters middle_parameter
        variance_middle pauli_s pauli_s_median pauli_max_bond pauli_discarded_weight
        doubled_status doubled_s doubled_max_bond dense_samples dense_s dense_s_1000
        dense_extrapolated ratio_doubled_pauli ratio_dense_pauli rel_diff_doubled
        rel_diff_doubled_middle live_parameters unreliable_parameters z_middle z_rms
        z_max rel_se_middle_1000 samples cap_s dense_cap_s repeats seed {RUN}""",
}

#: per script: rows of the quick preset, a tnbp time column, the peer's
#: modules and a column that holds a number exactly when the peer is installed
#: (None: the script has no peer)
QUICK = {
    "gradients_dense": (
        2,
        "tnbp_batch_ms",
        ("pennylane", "pennylane_lightning"),
        "lightning_ms",
    ),
    "gradients_tn": (1, "tnbp_adjoint_ensemble_s", ("jax",), "tnbp_autodiff_warm_s"),
    "mps_simulation": (4, "tnbp_s", ("qiskit_aer",), "aer_s"),
    "mps_ensemble": (1, "batch_ms", ("qiskit_aer",), "aer_ms"),
    "gibbs": (4, "tnbp_s_best", ("tenpy",), "tenpy_s_best"),  # 2 models x 2 charges
    "import_time": (5, "median_s", (), None),
    "dqnn": (4, "best_s", (), None),  # tn, mps, exact and quimb routes
    "qntk": (2, "tn_warm_s", (), None),  # one term and the local cost at n = 40
    "pauli_moments": (2, "pauli_s", (), None),  # one term and the local cost
}


def test_every_script_has_a_smoke_test():
    scripts = {p.stem for p in BENCHMARKS.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(COLUMNS) == set(QUICK)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(COLUMNS))
def test_quick_preset(script, tmp_path):
    out = tmp_path / f"{script}.csv"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{script}.py"), "--quick", "--out", out],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    table = pd.read_csv(out)
    assert set(table.columns) == set(COLUMNS[script].split())
    rows, tnbp_time, modules, peer_column = QUICK[script]
    assert len(table) == rows
    assert (np.isfinite(table[tnbp_time]) & (table[tnbp_time] > 0)).all()
    if peer_column is None:  # no peer
        return
    installed = all(importlib.util.find_spec(m) is not None for m in modules)
    column = table[peer_column]
    assert (column.notna() if installed else column.isna()).all()
    if not installed:  # and the header says why
        assert "missing (not importable" in proc.stdout
