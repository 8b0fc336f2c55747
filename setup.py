"""Build step: ship the bundled scenarios, experiments, calibrated ensemble and teaching guide
inside the package.

The repository keeps them at its root (`scenarios/`, `experiments/`, `calibration/`), where the
documentation and tests use them; a wheel carries copies under `relsim/_bundled/`, where
`relsim.bundled` finds them once installed (`--ensemble`, the commissioner's studies and reports
need the ensemble). Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("scenarios", "experiments")
# Of calibration/, what a run reads: the uncertain parameters and the accepted ensemble.
CALIBRATION = ("uncertain.yaml", "ensemble.csv", "ensemble.json")


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
        target = Path(self.build_lib) / "relsim" / "_bundled" / "calibration"
        target.mkdir(parents=True, exist_ok=True)
        for name in CALIBRATION:
            shutil.copyfile(root / "calibration" / name, target / name)
        # the teaching guide, which the app shows in its Guide tab, with its pictures
        bundled = Path(self.build_lib) / "relsim" / "_bundled"
        shutil.copyfile(root / "docs" / "teaching.md", bundled / "teaching.md")
        (bundled / "teaching").mkdir(exist_ok=True)
        for picture in sorted((root / "docs" / "teaching").glob("*.png")):
            shutil.copyfile(picture, bundled / "teaching" / picture.name)


setup(cmdclass={"build_py": BuildWithBundled})
