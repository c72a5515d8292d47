"""Re-execute chapter notebooks from a fresh kernel and store their outputs (what nbval checks).

Usage: .venv/bin/python scripts/execute_notebooks.py [notebooks/NN_topic.ipynb ...]
(no argument: every notebook in notebooks/). Wall-clock execution metadata is dropped so
that a re-run changes only what the chapter really shows.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat
from nbclient import NotebookClient


def execute(path: pathlib.Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)
    print(f"executed {path}")


def main(argv: list[str]) -> None:
    root = pathlib.Path(__file__).resolve().parent.parent
    paths = [pathlib.Path(a) for a in argv] or sorted((root / "notebooks").glob("*.ipynb"))
    for p in paths:
        execute(p)


if __name__ == "__main__":
    main(sys.argv[1:])
