"""``platform/`` is a source root, not a package: the standard library keeps its name."""

import importlib
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

SOURCE_ROOT = Path(__file__).resolve().parents[1] / "platform"
PACKAGES = sorted(p.name for p in SOURCE_ROOT.iterdir() if (p / "__init__.py").exists())


def test_import_platform_is_the_standard_library() -> None:
    import platform

    assert Path(platform.__file__).parent == Path(importlib.import_module("os").__file__).parent
    assert platform.system()


def test_source_root_is_not_a_package() -> None:
    assert not (SOURCE_ROOT / "__init__.py").exists()


def test_every_folder_under_the_source_root_is_a_package() -> None:
    folders = sorted(
        p.name for p in SOURCE_ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    assert folders == PACKAGES
    assert {"core", "xiangxing", "regions", "migrations"} <= set(folders)


@pytest.mark.parametrize("name", PACKAGES)
def test_package_resolves_under_the_source_root(name: str) -> None:
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().parent == SOURCE_ROOT / name


@pytest.mark.parametrize("name", PACKAGES)
def test_package_name_shadows_nothing(name: str) -> None:
    assert name not in sys.stdlib_module_names
    others = {top for top, dists in packages_distributions().items() if "xiangxing" not in dists}
    assert name not in others
