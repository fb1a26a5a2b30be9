"""tnbp's progress bar imports quietly in a Jupyter kernel without ipywidgets."""

import subprocess
import sys

import pytest

#: what a Jupyter kernel without ipywidgets looks like to tqdm.autonotebook: the
#: kernel's shell module loaded, an IPython shell, ``import ipywidgets`` failing.
#: The import under test runs with every warning recorded (not raised: tqdm
#: catches its own warning when it is an error) and printed, and a bar is used.
SCRIPT = """
import sys, types, warnings
ipython = types.ModuleType("IPython")  # a stand-in: the test extra has no IPython
ipython.get_ipython = lambda: types.SimpleNamespace()
sys.modules["IPython"] = ipython
sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
sys.modules["ipywidgets"] = None
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from {module} import tqdm
    with tqdm(total=3, disable=True) as bar:
        bar.update(3)
for w in caught:
    print(w.category.__name__, w.message, file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("module", "warns"),
    [
        ("tqdm.auto", True),  # the control: the kernel is simulated well enough to warn
        ("tnbp._progress", False),
    ],
)
def test_no_tqdm_warning_in_a_kernel_without_ipywidgets(module, warns):
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(module=module)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert ("IProgress not found" in run.stderr) == warns, run.stderr
