"""Build step: ship the bundled scenarios and experiments inside the package.

The repository keeps them at its root (`scenarios/`, `experiments/`), where the documentation
and tests use them; a wheel carries copies under `relsim/_bundled/`, where `relsim.bundled` finds
them once installed. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("scenarios", "experiments")


class BuildWithBundled(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout itself
        root = Path(__file__).resolve().parent
        for kind in BUNDLED:
            target = Path(self.build_lib) / "relsim" / "_bundled" / kind
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((root / kind).glob("*.yaml")):
                shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": BuildWithBundled})
