"""CI: the base dependencies (pyproject's ``dependencies``, no extras) resolve for newer
Pythons with binary wheels only, e.g. ``python3 .ci/python_versions.py 3.12 3.13``.

For each version: ``pip install --dry-run --only-binary=:all: --python-version X --target
<tmp> --ignore-installed <deps>``. Tests keep running on Python 3.11; this only proves that
``pip install -e .`` would find wheels for every package on the newer versions.

pip must be >= 24.2: older pip (Python 3.11.7 bundles 23.2.1) checks each wheel's
``Requires-Python`` against the running interpreter instead of ``--python-version``
(pypa/pip#12216), so it quietly resolves as for 3.11 (numpy 2.4 and pyee 13 instead of the
numpy 2.5 and pyee 16 that 3.12 gets). With an older pip, this script makes a throwaway venv,
upgrades pip there and runs itself again with it.

pip (every version so far) still evaluates environment markers of dependencies
(``; python_version >= "3.12"``) for the running interpreter, not the target: a requirement
that applies only on the target would be left out silently. Such requirements are added
explicitly and the resolution repeated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIN_PIP = (24, 2)
REEXEC_FLAG = "MENTOR_ROOMS_CI_PIP_VENV"
MAX_ROUNDS = 4


def pip_version() -> tuple[int, ...]:
    try:
        import pip
    except ImportError:
        return (0,)
    return tuple(int(part) for part in pip.__version__.split(".")[:2] if part.isdigit())


def rerun_with_new_pip(versions: list[str]) -> int:
    """Runs this script again from a throwaway venv with pip >= MIN_PIP."""
    with tempfile.TemporaryDirectory(prefix="pyversions-pip.") as tmp:
        venv.EnvBuilder(with_pip=True).create(tmp)
        python = str(Path(tmp) / "bin" / "python")
        wanted = "pip>=" + ".".join(map(str, MIN_PIP))
        upgrade = subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", wanted],
                                 capture_output=True, text=True)
        if upgrade.returncode != 0:
            print(upgrade.stdout + upgrade.stderr, file=sys.stderr)
            print(f"python versions: FAILED: could not install {wanted} in a venv",
                  file=sys.stderr)
            return 1
        env = dict(os.environ, **{REEXEC_FLAG: "1"})
        return subprocess.run([python, __file__, *versions], env=env).returncode


def base_dependencies() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def target_environment(version: str) -> dict[str, str]:
    from pip._vendor.packaging.markers import default_environment

    return {**default_environment(), "python_version": version,
            "python_full_version": f"{version}.0"}


def applies(marker: Any, env: dict[str, str], extras: list[str]) -> bool:
    return marker is None or any(marker.evaluate({**env, "extra": e}) for e in ["", *extras])


def for_target(requirements: list[str], version: str) -> list[str]:
    """Our own requirements as they apply on the target (markers evaluated for it)."""
    from pip._vendor.packaging.requirements import Requirement

    env = target_environment(version)
    out = []
    for spec in requirements:
        req = Requirement(spec)
        if applies(req.marker, env, []):
            req.marker = None
            out.append(str(req))
    return out


def resolve(version: str, requirements: list[str], tmp: Path) -> dict[str, Any]:
    """pip's dry-run resolution (its --report) for one Python version; exits on failure."""
    report = tmp / f"report-{version}.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--only-binary=:all:",
               "--python-version", version, "--target", str(tmp / f"target-{version}"),
               "--ignore-installed", "--report", str(report), *requirements]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        print(f"python versions: FAILED: the base dependencies do not resolve for Python "
              f"{version} with binary wheels only (pip output above)", file=sys.stderr)
        sys.exit(1)
    data: dict[str, Any] = json.loads(report.read_text())
    return data


def left_out(report: dict[str, Any], version: str) -> list[str]:
    """Requirements of the resolved packages that apply on the target but not here (pip
    evaluated their markers for this interpreter) and that nothing resolved satisfies."""
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

    here, there = default_environment(), target_environment(version)
    chosen = {canonicalize_name(item["metadata"]["name"]) for item in report["install"]}
    missing = []
    for item in report["install"]:
        extras = list(item.get("requested_extras") or [])
        for spec in item["metadata"].get("requires_dist") or []:
            req = Requirement(spec)
            if req.marker is None or applies(req.marker, here, extras) \
                    or not applies(req.marker, there, extras):
                continue
            if canonicalize_name(req.name) not in chosen:
                req.marker = None
                missing.append(str(req))
    return sorted(set(missing))


def check(version: str, tmp: Path) -> None:
    requirements = for_target(base_dependencies(), version)
    for _ in range(MAX_ROUNDS):
        report = resolve(version, requirements, tmp)
        missing = left_out(report, version)
        if not missing:
            packages = sorted(f"{item['metadata']['name']}=={item['metadata']['version']}"
                              for item in report["install"])
            print(f"python {version}: base dependencies resolve, binary wheels only "
                  f"({len(packages)} packages): {' '.join(packages)}")
            return
        print(f"python {version}: adding requirements pip skipped by marker: {missing}")
        requirements += missing
    print(f"python versions: FAILED: Python {version}: requirements still left out after "
          f"{MAX_ROUNDS} rounds", file=sys.stderr)
    sys.exit(1)


def main(versions: list[str]) -> int:
    if not versions:
        print(__doc__, file=sys.stderr)
        return 2
    if pip_version() < MIN_PIP:
        if os.environ.get(REEXEC_FLAG):
            print(f"python versions: FAILED: pip {pip_version()} < {MIN_PIP} in the venv",
                  file=sys.stderr)
            return 1
        return rerun_with_new_pip(versions)
    with tempfile.TemporaryDirectory(prefix="pyversions.") as tmp:
        for version in versions:
            check(version, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
