"""``python -m tnbp``: the ``tnbp`` command (:mod:`tnbp.cli`)."""

from tnbp.cli import main

if __name__ == "__main__":
    main()
