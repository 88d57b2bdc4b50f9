"""Each add-on builds as an OCA-style wheel (whool) and installs into a fresh virtual environment.

whool packages the files git knows about. So that a run on a working tree with new, not yet
added files checks what the commit will contain, the build uses a throw-away git index holding
the tracked files plus the untracked, not ignored ones (the real index is left alone). In a
fresh clone (CI) that is exactly the committed tree.
"""
import email
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from packaging_env import ADDONS, ADDONS_DIR, PYTHON, REPO, read_manifest, run

DIST_NAMES = {"mto_fulfilment": "odoo-addon-mto-fulfilment", "mto_costing": "odoo-addon-mto-costing"}


def _git_env(tmp_path):
    """Environment whose GIT_INDEX_FILE stages the working tree's add-on files, or None outside git."""
    git = shutil.which("git")
    if not git or subprocess.run([git, "rev-parse", "--git-dir"], cwd=REPO, capture_output=True).returncode:
        return None
    real_index = Path(run([git, "rev-parse", "--git-path", "index"], cwd=REPO).stdout.strip())
    index = tmp_path / "index"
    if not real_index.is_absolute():
        real_index = REPO / real_index
    if real_index.exists():
        shutil.copy(real_index, index)
    env = {**dict(os.environ), "GIT_INDEX_FILE": str(index)}
    run([git, "add", "--all", "--", *(f"addons/{a}" for a in ADDONS)], cwd=REPO, env=env)
    return env


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheels")
    dist = tmp / "dist"
    env = _git_env(tmp) or dict(os.environ)
    # whool comes from requirements.txt: no build isolation, so no download at test time.
    run([PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(dist), *(str(ADDONS_DIR / a) for a in ADDONS)], cwd=tmp, env=env)
    found = {}
    for addon in ADDONS:
        prefix = DIST_NAMES[addon].replace("-", "_") + "-"
        matches = sorted(dist.glob(prefix + "*.whl"))
        assert len(matches) == 1, f"expected one {prefix}*.whl in {sorted(p.name for p in dist.iterdir())}"
        found[addon] = matches[0]
    return found


@pytest.fixture(scope="module")
def venv(wheels, tmp_path_factory):
    """A fresh virtual environment (no Odoo, no site packages) with both wheels installed."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    run([PYTHON, "-m", "venv", "--without-pip", str(path)])
    python = path / "bin" / "python"
    run([PYTHON, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
         *map(str, wheels.values())])
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    return python, Path(purelib)


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_metadata(wheels, addon):
    manifest = read_manifest(addon)
    with zipfile.ZipFile(wheels[addon]) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(zf.read(meta_name))
        names = set(zf.namelist())
    assert meta["Name"].replace("_", "-") == DIST_NAMES[addon]
    # whool: the manifest version, plus a post-release number when commits followed the last bump.
    assert meta["Version"] == manifest["version"] or meta["Version"].startswith(manifest["version"] + ".")
    assert meta["License"] == manifest["license"]
    requires = meta.get_all("Requires-Dist") or []
    assert any(r.startswith("odoo==19.0") for r in requires), requires
    for dep in manifest["depends"]:
        if dep in ("queue_job", "mto_fulfilment"):  # add-ons from PyPI or this repo become wheels too
            assert any(r.replace("_", "-").startswith(f"odoo-addon-{dep.replace('_', '-')}") for r in requires)
    missing = [f for f in manifest.get("data", []) if f"odoo/addons/{addon}/{f}" not in names]
    assert not missing, f"files listed in {addon}'s manifest are not in the wheel (not added to git?): {missing}"
    assert f"odoo/addons/{addon}/README.rst" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_installed_layout(venv):
    python, site = venv
    addon = site / "odoo" / "addons" / "mto_fulfilment"
    assert (addon / "__manifest__.py").is_file()
    assert (addon / "planning" / "__init__.py").is_file()
    assert (site / "odoo" / "addons" / "mto_costing" / "__manifest__.py").is_file()
    # the installed distributions report the manifests' versions
    for name in ADDONS:
        version = run([str(python), "-c", "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))",
                       DIST_NAMES[name]]).stdout.strip()
        manifest_version = read_manifest(name)["version"]
        assert version == manifest_version or version.startswith(manifest_version + "."), (name, version)
        installed = (site / "odoo" / "addons" / name / "__manifest__.py").read_text(encoding="utf-8")
        assert repr(manifest_version) in installed or f'"{manifest_version}"' in installed


def test_installed_planning_runs_without_odoo(venv):
    """The pure-Python planner ships in the wheel and imports on its own (no Odoo in that venv)."""
    python, site = venv
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import planning; "
        "assert planning.__file__.startswith(sys.argv[1]); print(planning.Planner.__name__)"
    )
    out = run([str(python), "-c", code, str(site / "odoo" / "addons" / "mto_fulfilment")]).stdout
    assert out.strip() == "Planner"
