"""Every public docstring of tnbp follows numpydoc, checked by numpydoc.

The walk covers the whole public API: every name in ``tnbp.__all__``, the public
functions and classes of the historical public modules (``tnbp.ansatz``,
``tnbp.observables``, ...), and every public name (no leading underscore) that
a module under ``tnbp/`` defines, with the public methods and properties of
public classes. Each object is validated where it is *defined*, once.

Every module of the package is validated (:data:`DONE_MODULES` lists them, so
a new module must be added, documented, on purpose). Besides numpydoc's own
checks (:data:`NUMPYDOC_CHECKS`), four house rules are enforced:

``RAISES``
    Every exception a function raises itself, or through the argument
    validators it calls (``check_*`` helpers), is listed under Raises.
``REFERENCES``
    The objects in :data:`NEEDS_REFERENCES`, which implement a formula from a
    paper, cite it under References.
``SHAPE``
    An array in Returns states its dtype (``numpy.ndarray of float64``) and
    its shape.
``UNITS``
    Returned entropies say whether they are in bits or nats.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import importlib
import inspect
import pkgutil
import re
import textwrap

import numpydoc.validate
import pytest
from numpydoc.docscrape import get_doc_object

import tnbp

#: Every module of tnbp, each validated (a new module joins when documented).
DONE_MODULES = (
    "tnbp",
    "tnbp._checks",
    "tnbp._threads",
    "tnbp._progress",
    "tnbp._executors",
    "tnbp.__main__",
    "tnbp.cli",
    "tnbp.ensembles",
    "tnbp.ensembles.circuit_gradients",
    "tnbp.ensembles.dqnn_gradients",
    "tnbp.ensembles.engine",
    "tnbp.ensembles.fidelity_gradients",
    "tnbp.ensembles.fits",
    "tnbp.ensembles.qbm_gradients",
    "tnbp.ensembles.qbm_profile",
    "tnbp.ensembles.qntk",
    "tnbp.ensembles.trace_distances",
    "tnbp.ensembles.training",
    "tnbp.ensembles.visible_entanglement",
    "tnbp.ensembles.visible_states",
    "tnbp.ensembles.statistics",
    "tnbp.estimators",
    "tnbp.estimators.budget",
    "tnbp.estimators.distance",
    "tnbp.estimators.entropy",
    "tnbp.estimators.estimate",
    "tnbp.estimators.expectation",
    "tnbp.estimators.scaling",
    "tnbp.estimators.subsystems",
    "tnbp.estimators.thermodynamics",
    "tnbp.gradients",
    "tnbp.gradients.adjoint",
    "tnbp.gradients.api",
    "tnbp.gradients.autodiff",
    "tnbp.gradients.cones",
    "tnbp.gradients.diagnostics",
    "tnbp.gradients.dqnn",
    "tnbp.gradients.dqnn_matrix",
    "tnbp.gradients.forward_difference",
    "tnbp.gradients.moments",
    "tnbp.gradients.pauli_moments",
    "tnbp.gradients.mps_adjoint",
    "tnbp.gradients.qbm",
    "tnbp.gradients.qbm_response",
    "tnbp.gradients.qntk",
    "tnbp.gradients.tn",
    "tnbp.gradients.training",
    "tnbp.limits",
    "tnbp.models",
    "tnbp.models.ansatz",
    "tnbp.models.clifford",
    "tnbp.models.circuit",
    "tnbp.models.dqnn",
    "tnbp.models.dqnn_matrices",
    "tnbp.models.fusion",
    "tnbp.models.gates",
    "tnbp.models.gue",
    "tnbp.models.hamiltonian",
    "tnbp.models.losses",
    "tnbp.models.observables",
    "tnbp.models.operators",
    "tnbp.models.partition",
    "tnbp.models.pauli_sum",
    "tnbp.models.paulis",
    "tnbp.models.qasm",
    "tnbp.models.qasm_gates",
    "tnbp.models.qbm",
    "tnbp.plotting.area_volume",
    "tnbp.plotting.depth_crossover",
    "tnbp.plotting.qbm_profile",
    "tnbp.plotting",
    "tnbp.plotting.figures",
    "tnbp.plotting.hidden_units",
    "tnbp.plotting.kernel_scaling",
    "tnbp.plotting.trace_distances",
    "tnbp.plotting.visible_states",
    "tnbp.references",
    "tnbp.references.free_fermion",
    "tnbp.references.theory",
    "tnbp.results",
    "tnbp.results.catalog",
    "tnbp.results.schema",
    "tnbp.results.store",
    "tnbp.results.study",
    "tnbp.results.sweep",
    "tnbp.states",
    "tnbp.states.base",
    "tnbp.states.canonical",
    "tnbp.states.dense",
    "tnbp.states.dense_kernels",
    "tnbp.states.dqnn",
    "tnbp.states.dqnn_purified",
    "tnbp.states.evolution",
    "tnbp.states.gibbs",
    "tnbp.states.gibbs.api",
    "tnbp.states.gibbs.base",
    "tnbp.states.gibbs.dense",
    "tnbp.states.gibbs.purification",
    "tnbp.states.gibbs.purified",
    "tnbp.states.gibbs.trotter",
    "tnbp.states.mps",
    "tnbp.states.mps_engine",
    "tnbp.states._mps_kernels",
    "tnbp.states.record",
    "tnbp.states.simulate",
    "tnbp.states.spectrum",
    "tnbp.states.tn",
    "tnbp.states.tn.contraction",
    "tnbp.states.tn.lightcone",
)

#: numpydoc checks enforced (see ``numpydoc.validate.ERROR_MSGS``). Left out:
#: ES01 (extended summary: a one-line docstring is enough for a property),
#: SS05 (its "not third person" heuristic rejects noun-phrase summaries such as
#: "Entropies at all cuts", the house style), SA01 and EX01 (See Also and
#: Examples are welcome, not required).
NUMPYDOC_CHECKS = frozenset(
    {
        # global layout
        "GL01",  # summary right after the opening quotes (or on the next line)
        "GL02",  # closing quotes on their own line
        "GL03",  # no double blank lines
        "GL05",  # no tabs
        "GL06",  # only numpydoc sections
        "GL07",  # sections in numpydoc order
        "GL08",  # a docstring exists
        "GL10",  # reST directives with two colons
        # summary
        "SS01",  # a summary exists
        "SS02",  # it starts with a capital letter
        "SS03",  # it ends with a period
        "SS04",  # no leading whitespace
        "SS06",  # it fits on one line
        # parameters
        "PR01",  # every parameter documented
        "PR02",  # no documented parameter that does not exist
        "PR03",  # documented in signature order
        "PR04",  # each with a type
        "PR05",  # type without a trailing period
        "PR06",  # int/bool/str, not integer/boolean/string
        "PR07",  # each with a description
        "PR08",  # description starts with a capital letter
        "PR09",  # description ends with a period
        "PR10",  # space before the colon
        # returns
        "RT01",  # a Returns section for functions that return something
        "RT02",  # a single return value is given by its type
        "RT03",  # with a description
        "RT04",  # starting with a capital letter
        "RT05",  # ending with a period
        "YD01",  # a Yields section for generators
        # see also, when present
        "SA02",
        "SA03",
        "SA04",
    }
)

#: Objects that implement a formula from a paper and must cite it (References).
NEEDS_REFERENCES = frozenset(
    {
        "tnbp.ensembles.circuit_gradients.gradient_variance",
        "tnbp.ensembles.fits.DecayFit",
        "tnbp.gradients.dqnn.dqnn_cost",
        "tnbp.gradients.dqnn.dqnn_gradient",
        "tnbp.models.dqnn.DQNN",
        "tnbp.models.dqnn_matrices.perceptron_unitaries",
        "tnbp.models.dqnn_matrices.pauli_generator",
        "tnbp.models.dqnn_matrices.random_generators",
        "tnbp.models.dqnn_matrices.check_generators",
        "tnbp.models.dqnn_matrices.update_unitaries",
        "tnbp.gradients.dqnn_matrix.dqnn_matrix_cost",
        "tnbp.gradients.dqnn_matrix.dqnn_matrix_derivative",
        "tnbp.ensembles.dqnn_gradients.dqnn_gradient_variance",
        "tnbp.states.dqnn.dqnn_output_state",
        "tnbp.states.dqnn_purified.dqnn_purified_state",
        "tnbp.ensembles.fits.fit_exponential_decay",
        "tnbp.ensembles.qbm_gradients.qbm_gradient_variance",
        "tnbp.estimators.distance.trace_distance_to_maximally_mixed",
        "tnbp.estimators.distance.fidelity",
        "tnbp.estimators.estimate.entropy_error",
        "tnbp.estimators.scaling.fit_entanglement_law",
        "tnbp.estimators.scaling.entanglement_law",
        "tnbp.gradients.adjoint.adjoint_gradients",
        "tnbp.gradients.api.gradient",
        "tnbp.gradients.api.gradient_batch",
        "tnbp.gradients.moments.exact_gradient_variance",
        "tnbp.gradients.pauli_moments.pauli_transfer_variance",
        "tnbp.gradients.qntk.qntk",
        "tnbp.gradients.qntk.qntk_matrix",
        "tnbp.gradients.qntk.meta_kernel",
        "tnbp.references.theory.qntk_mean",
        "tnbp.references.theory.qntk_std",
        "tnbp.references.theory.meta_kernel_std",
        "tnbp.references.theory.to_paper_convention",
        "tnbp.gradients.qbm.linear_gradient",
        "tnbp.gradients.qbm.observable_objective",
        "tnbp.gradients.qbm.observable_gradient",
        "tnbp.gradients.qbm.relative_entropy",
        "tnbp.gradients.qbm.generative_loss",
        "tnbp.gradients.qbm.generative_gradient",
        "tnbp.gradients.qbm.relative_entropy_gradient",
        "tnbp.models.ansatz.alternating_layered",
        "tnbp.models.ansatz.append_design_block",
        "tnbp.models.ansatz.hardware_efficient",
        "tnbp.models.ansatz.toy_perceptron",
        "tnbp.models.ansatz.two_local_terms",
        "tnbp.models.ansatz.unitary_qnn",
        "tnbp.models.ansatz.layered_circuit",
        "tnbp.references.theory.pinsker_trace_distance_bound",
        "tnbp.ensembles.visible_entanglement.visible_entanglement",
        "tnbp.ensembles.visible_entanglement.entanglement_law_summary",
        "tnbp.models.hamiltonian.random_two_local",
        "tnbp.models.losses.FidelityCost",
        "tnbp.models.losses.MSELoss",
        "tnbp.models.losses.mse_loss",
        "tnbp.models.observables.global_cost",
        "tnbp.models.observables.local_cost",
        "tnbp.models.qbm.QBM",
        "tnbp.references.free_fermion.block_entropy",
        "tnbp.references.free_fermion.covariance_matrix",
        "tnbp.references.free_fermion.ground_state_covariance",
        "tnbp.references.free_fermion.zz_expectation",
        "tnbp.references.theory.page_entropy",
        "tnbp.references.theory.haar_purity",
        "tnbp.references.theory.haar_trace_distance_bound",
        "tnbp.references.theory.toy_global_cost_gradient_variance",
        "tnbp.references.theory.toy_local_cost_gradient_variance",
        "tnbp.references.theory.two_design_gradient_variance",
        # training with angle noise (Liu, Lin and Jiang, arXiv:2206.09313)
        "tnbp.gradients.training.train",
        "tnbp.ensembles.training.train_ensemble",
        "tnbp.references.theory.frozen_kernel_residual",
        "tnbp.references.theory.noise_plateau",
        "tnbp.references.theory.noisy_mean_square_residual",
        "tnbp.references.theory.late_time_mean_abs_residual",
        "tnbp.references.theory.noise_time",
        "tnbp.references.theory.descent_diverges",
        "tnbp.references.theory.noisy_residual_variance",
        "tnbp.references.theory.late_time_residual_interval",
        "tnbp.references.theory.from_paper_convention",
        "tnbp.ensembles.training.final_step_statistics",
        "tnbp.models.ansatz.randomized_hardware_efficient",
        "tnbp.states.canonical.CanonicalMPS",
        "tnbp.states.canonical.pair",
        "tnbp.states.gibbs.api.gibbs_state",
        "tnbp.states.mps.simulate_mps",
        "tnbp.states.spectrum.renyi_entropy",
        "tnbp.states.tn.contraction.ContractionProgram.environments",
    }
)

#: A returned quantity whose name contains the key states one of these units.
UNITS = {"entropy": ("bits", "nats"), "mutual_information": ("bits",)}

_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, Exception)
}


# ------------------------------------------------------------------ the walk
def _package_modules() -> list[str]:
    names = ["tnbp"]
    for info in pkgutil.walk_packages(tnbp.__path__, "tnbp."):
        names.append(info.name)
    return names


def _defined_in(module) -> dict[str, object]:
    """Public functions and classes defined in ``module`` (not re-exported)."""
    return {
        name: obj
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == module.__name__
    }


def _own_doc(attr) -> str | None:
    return attr.__doc__


def _members(cls) -> dict[str, object]:
    """Public methods and properties that ``cls`` itself defines.

    An override without a docstring of its own is documented by the base class
    method it implements (e.g. :meth:`tnbp.State.cut_spectrum`) and skipped.
    """
    out = {}
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        if not (
            inspect.isfunction(attr)
            or isinstance(attr, (property, functools.cached_property))
        ):
            continue
        inherited = any(
            getattr(base, name, None) is not None
            and getattr(getattr(base, name), "__doc__", None)
            for base in cls.__mro__[1:]
        )
        if _own_doc(attr) is None and inherited:
            continue
        out[f"{cls.__qualname__}.{name}"] = attr
    return out


def _public_objects() -> dict[str, object]:
    """Qualified name (where defined) -> object, over the whole public API."""
    found: dict[str, object] = {}

    def add(obj, module_name=None):
        module_name = module_name or obj.__module__
        if not module_name.startswith("tnbp"):
            return
        found[f"{module_name}.{obj.__qualname__}"] = obj
        if inspect.isclass(obj):
            for qual, member in _members(obj).items():
                found[f"{module_name}.{qual}"] = member

    for name in tnbp.__all__:
        obj = getattr(tnbp, name)
        if inspect.ismodule(obj):  # tnbp.ansatz, tnbp.qbm, ...: the public modules
            for member in _defined_in(obj).values():
                add(member)
            for value in vars(obj).values():
                if (
                    inspect.isfunction(value) or inspect.isclass(value)
                ) and not value.__name__.startswith("_"):
                    add(value)
        else:
            add(obj)
    for module_name in _package_modules():
        module = importlib.import_module(module_name)
        found[module_name] = module
        for obj in _defined_in(module).values():
            add(obj)
    return found


def _defining_module(qualname: str, obj) -> str:
    if inspect.ismodule(obj):
        return obj.__name__
    if isinstance(obj, property):
        obj = obj.fget
    elif isinstance(obj, functools.cached_property):
        obj = obj.func
    return obj.__module__


PUBLIC = _public_objects()
DONE = {
    name: obj
    for name, obj in sorted(PUBLIC.items())
    if _defining_module(name, obj) in DONE_MODULES
}


# ---------------------------------------------------------------- validation
class _Validator(numpydoc.validate.Validator):
    """numpydoc's validator, reading a dataclass's Attributes as its parameters."""

    def __init__(self, obj_name):
        super().__init__(get_doc_object(obj_name, config={"show_class_members": False}))

    @property
    def doc_all_parameters(self):
        sections = ["Parameters", "Other Parameters"]
        if inspect.isclass(self.obj) and dataclasses.is_dataclass(self.obj):
            sections.append("Attributes")
        return self._doc_parameters(sections)

    @property
    def source_file_def_line(self):
        # numpydoc looks for the first ``def`` of a module, and a module of
        # constants (tnbp.limits) has none
        return None if self.is_mod else super().source_file_def_line


def _code(obj):
    """The function whose source implements ``obj`` (None for modules)."""
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, functools.cached_property):
        return obj.func
    if inspect.isfunction(obj):
        return obj
    return None


def _raised(func, seen: set) -> set[str]:
    """Built-in exceptions ``func`` raises itself or through ``check_*`` helpers."""
    func = inspect.unwrap(func)
    if func in seen:
        return set()
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return set()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id in _EXCEPTIONS:
                out.add(exc.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.lstrip("_").startswith("check")
        ):
            helper = func.__globals__.get(node.func.id)
            if inspect.isfunction(helper) and helper.__module__.startswith("tnbp"):
                out |= _raised(helper, seen)
    return out


def _raising_code(obj) -> list:
    if inspect.isclass(obj):
        return [vars(obj)[m] for m in ("__init__", "__new__") if m in vars(obj)]
    code = _code(obj)
    return [] if code is None else [code]


def _house_errors(name: str, obj, doc) -> list[tuple[str, str]]:
    errors = []
    documented = set()
    for item in doc["Raises"]:
        documented.update(re.findall(r"\w+", item.type or item.name))
    seen: set = set()
    raised = set().union(*(_raised(f, seen) for f in _raising_code(obj)))
    missing = sorted(raised - documented)
    if missing:
        errors.append(("RAISES", f"Raises section does not list {missing}"))
    if name in NEEDS_REFERENCES and not "".join(doc["References"]).strip():
        errors.append(("REFERENCES", "no References section (paper and equation)"))
    short = name.rpartition(".")[2]
    for entry in doc["Returns"]:
        text = " ".join([entry.type, *entry.desc])
        if "ndarray" in entry.type and not (
            re.search(r"ndarray of \w+", entry.type) and "shape" in text
        ):
            errors.append(
                (
                    "SHAPE",
                    f"Returns {entry.type!r}: give 'ndarray of <dtype>' and its shape",
                )
            )
        for key, units in UNITS.items():
            if key in short and not any(u in text for u in units):
                errors.append(("UNITS", f"Returns of {short} must state {units}"))
    return errors


def _errors(name: str, obj) -> list[tuple[str, str]]:
    result = numpydoc.validate.validate(obj, validator_cls=_Validator)
    errors = [(c, m) for c, m in result["errors"] if c in NUMPYDOC_CHECKS]
    if result["docstring"] and not inspect.ismodule(obj):
        doc = get_doc_object(obj, config={"show_class_members": False})
        errors += _house_errors(name, obj, doc)
    return errors


# --------------------------------------------------------------------- tests
def test_done_modules_are_every_module_of_tnbp():
    """A misspelt entry would validate nothing; a new module must be documented."""
    assert set(DONE_MODULES) == set(_package_modules())


def test_public_api_is_walked():
    """Every top-level name and every name of a done module is in the walk."""
    for name in tnbp.__all__:
        obj = getattr(tnbp, name)
        if not inspect.ismodule(obj):
            assert f"{obj.__module__}.{obj.__qualname__}" in PUBLIC, name
    assert "tnbp.estimators.entropy.entropy" in DONE
    assert "tnbp.states.base.State.bond_dims" in DONE  # properties of classes
    assert "tnbp.gradients.qbm.linear_gradient" in DONE  # tnbp.qbm, a public module
    assert NEEDS_REFERENCES <= set(DONE), sorted(NEEDS_REFERENCES - set(DONE))


@pytest.mark.parametrize("name", sorted(DONE))
def test_docstring(name):
    errors = _errors(name, DONE[name])
    assert not errors, "\n".join(f"{name}: {code} {msg}" for code, msg in errors)


def test_the_checks_can_fail():
    """A docstring that lost its sections fails; the complete one passes."""

    def good(state, cut: int):
        """Entropy of a cut.

        Parameters
        ----------
        state : State
            The state.
        cut : int
            The cut.

        Returns
        -------
        float
            The entropy in bits.

        Raises
        ------
        ValueError
            If ``cut`` is out of range.
        """
        if cut < 1:
            raise ValueError("`cut` must be >= 1.")
        return 0.0

    def bad(state, cut: int):
        """Entropy of a cut"""
        if cut < 1:
            raise ValueError("`cut` must be >= 1.")
        return 0.0

    assert _errors("tests.good", good) == []
    codes = {code for code, _ in _errors("tests.bad", bad)}
    assert {"SS03", "PR01", "RT01", "RAISES"} <= codes
