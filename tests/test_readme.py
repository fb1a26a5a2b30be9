"""The README's example runs as written."""

import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_readme_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    for block in blocks:  # warnings are errors here: the example must be trusted
        exec(compile(block, str(README), "exec"), {})


def test_docs_name_only_test_files_that_exist():
    """Every ``tests/...py`` named by the README or docs/ is a file (the validation
    table once pointed at 13 files that had moved)."""
    root = Path(__file__).parents[1]
    pages = (p for p in (root / "docs").rglob("*.md") if "_build" not in p.parts)
    docs = [root / "README.md", *sorted(pages)]
    named = {
        (doc.name, path)
        for doc in docs
        for path in re.findall(r"tests/[\w/]+\.py", doc.read_text())
    }
    assert named  # the table names its tests
    missing = sorted((doc, path) for doc, path in named if not (root / path).is_file())
    assert not missing, missing
