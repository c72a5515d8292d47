"""environment.yml (for conda users) lists exactly what pyproject.toml lists.

Every requirement of pyproject.toml's dependencies and its ``lab`` and ``test`` extras must
appear in environment.yml, as a conda dependency or under ``pip:``, with the same version
specifier; environment.yml must list nothing else, and pin ``python=3.11``. There is no
conda on our machines, so agreement is checked here instead of building the environment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

REPO = Path(__file__).resolve().parents[1]
EXTRAS = ("lab", "test")
# conda-forge names that differ from the PyPI name (after normalisation).
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# A conda match spec: name, then an optional version constraint (">=6.0", "=3.11", "6.0.*").
CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def normalise(name: str) -> str:
    """PEP 503 name normalisation: PyYAML == pyyaml, pytest_xdist == pytest-xdist."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements() -> dict[str, tuple[str, SpecifierSet]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in EXTRAS:
        assert extra in optional, f"pyproject.toml has no [project.optional-dependencies] {extra!r}"
        reqs += optional[extra]
    out: dict[str, tuple[str, SpecifierSet]] = {}
    for line in reqs:
        req = Requirement(line)
        if normalise(req.name) == "k8slab":  # e.g. "k8slab[lab]" inside an extra
            continue
        out[normalise(req.name)] = (line, req.specifier)
    return out


def environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def environment_requirements() -> tuple[dict[str, tuple[str, SpecifierSet]], list[str], list[str]]:
    """(name -> (entry, specifier), the conda python specs, problems parsing the file)."""
    env = environment()
    out: dict[str, tuple[str, SpecifierSet]] = {}
    pythons: list[str] = []
    problems: list[str] = []

    def add(name: str, entry: str, spec: str, where: str) -> None:
        key = normalise(name)
        key = CONDA_TO_PYPI.get(key, key)
        try:
            specifier = SpecifierSet(spec)
        except Exception:
            problems.append(f"environment.yml {where} entry {entry!r}: cannot read {spec!r} as a version specifier")
            return
        if key in out:
            problems.append(f"environment.yml lists {name!r} twice ({out[key][0]!r} and {entry!r})")
        out[key] = (entry, specifier)

    for dep in env.get("dependencies") or []:
        if isinstance(dep, dict):
            for entry in dep.get("pip") or []:
                entry = str(entry).strip()
                if entry.startswith(("-e ", "--editable ")) or entry.startswith("."):
                    continue  # the project itself
                req = Requirement(entry)
                add(req.name, entry, str(req.specifier), "pip:")
            continue
        m = CONDA_SPEC.match(str(dep))
        if not m:
            problems.append(f"environment.yml conda entry {dep!r} is not 'name[constraint]'")
            continue
        name, spec = m.groups()
        if normalise(name) == "python":
            pythons.append(str(dep))
        elif normalise(name) == "pip" and not spec:
            continue  # pip itself, needed for the pip: section
        else:
            add(name, str(dep), spec, "conda")
    return out, pythons, problems


def test_environment_yml_header():
    env = environment()
    assert env.get("name") == "k8slab", f"environment.yml name is {env.get('name')!r}, want 'k8slab'"
    assert env.get("channels") == ["conda-forge"], (
        f"environment.yml channels are {env.get('channels')!r}, want ['conda-forge']"
    )
    deps = env.get("dependencies") or []
    assert "pip" in deps, "environment.yml must list 'pip' as a conda dependency (it has a pip: section)"
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip_sections and "-e .[lab,test]" in pip_sections[0], (
        "environment.yml's pip: section must install the project with '-e .[lab,test]'"
    )


def test_environment_yml_pins_python_311():
    _, pythons, _ = environment_requirements()
    assert pythons == ["python=3.11"], f"environment.yml python entries are {pythons!r}, want ['python=3.11']"


def test_environment_yml_matches_pyproject():
    want = pyproject_requirements()
    have, _, problems = environment_requirements()
    for name, (line, spec) in sorted(want.items()):
        if name not in have:
            problems.append(f"pyproject.toml requires {line!r} but environment.yml does not list {name!r}")
        elif have[name][1] != spec:
            problems.append(
                f"{name}: pyproject.toml says {line!r} but environment.yml says {have[name][0]!r} "
                f"(specifier {str(spec) or '(none)'!r} vs {str(have[name][1]) or '(none)'!r})"
            )
    for name, (entry, _) in sorted(have.items()):
        if name not in want:
            problems.append(
                f"environment.yml lists {entry!r}, which is not in pyproject.toml's "
                f"dependencies or its {'/'.join(EXTRAS)} extras"
            )
    if problems:
        pytest.fail("environment.yml and pyproject.toml disagree:\n  " + "\n  ".join(problems), pytrace=False)
