"""What checking every value of each choice threshold costs `ruleset validate`, as a ratio in one run.

    .venv/bin/python bench/validate.py

Loads the bundled ruleset and a layer with more choice thresholds, then times the warnings with the
thresholds as set (`lint.warnings`) against all of them (`lint.lint`, which loads the ruleset again for
every other value of each choice threshold a rule uses). Nothing here fails a build.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from promorules.advisor import check_ruleset  # noqa: E402
from promorules.coach import lint  # noqa: E402

CHOICES = 3  # choice thresholds the layer adds, each with four values and a rule switched on by each value


def layer(folder: Path) -> Path:
    root = folder / "acme"
    root.mkdir()
    thresholds = "".join(
        f"  acme_policy_{n}: {{default: a, choices: [a, b, c, d], unit: policy, meaning: A switch.}}\n"
        for n in range(CHOICES)
    )
    (root / "ruleset.yaml").write_text(f"extends: default\nname: acme\nversion: '1'\nthresholds:\n{thresholds}")
    rules = "".join(
        f"  - id: acme.r{n}{value}\n    priority: 50\n    title: T\n"
        f"    when: [acme_policy_{n} == {value}, frustrated]\n"
        "    recommend: R.\n    sources:\n      - S3: Good timing\n"
        for n in range(CHOICES)
        for value in "abcd"
    )
    (root / "rules.yaml").write_text("category: timing\nrules:\n" + rules)
    return root


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, path in (("bundled", ROOT / "rulesets" / "default"), ("layer", layer(Path(folder)))):
            report = check_ruleset(path)
            one = best_of(5, lambda: (check_ruleset(path), lint.warnings(report)))
            every = best_of(5, lambda: (check_ruleset(path), lint.lint(report)))
            print(
                f"{name}: load and warnings {one * 1000:.0f} ms; "
                f"with every choice {every * 1000:.0f} ms ({every / one:.1f}x)"
            )


if __name__ == "__main__":
    main()
