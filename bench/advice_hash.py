"""One SHA-256 over every advice the package can give for a fixed set of people: the proof that a change
of structure changed no output.

For each example facts file and for ``--people`` generated people (bench/people.py, fixed seed), under both
engines (durable-rules and the Python evaluator), it hashes the full advice as `promorules advise` gives it
(with nearest misses and the dated plan) in its three renderings: json, plain text and markdown, and the
three views as `Advisor.advise` gives them (summary and ids by their own path), as json. Run it before and
after a change; the two hashes must be equal.

    python bench/advice_hash.py              # all examples + 5,000 people, both engines
    python bench/advice_hash.py --people 200 # quicker
    python bench/advice_hash.py --ruleset /tmp/pinned  # a copy of the rules, kept still while they are edited
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from people import people  # noqa: E402

from promorules import Advisor, full_advice, read_facts  # noqa: E402

try:  # the renderers' home since the package was laid out by the flow
    from promorules.advice.render import to_json, to_markdown, to_text  # type: ignore[import-not-found]
except ImportError:
    from promorules.render import to_json, to_markdown, to_text  # type: ignore[no-redef]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--ruleset", help="the ruleset folder (default: the bundled one)")
    args = parser.parse_args()
    examples = sorted((HERE.parent / "examples").glob("*.yaml"))
    total = hashlib.sha256()
    for engine in ("durable", "python"):
        advisor = Advisor(args.ruleset, engine=engine)
        part = hashlib.sha256()
        views = {name: hashlib.sha256() for name in ("full", "summary", "ids")}
        inputs = [read_facts(str(path)) for path in examples] + list(people(args.people, args.seed))
        for facts in inputs:
            advice = full_advice(advisor, facts)
            for text in (to_json(advice), to_text(advice), to_markdown(advice)):
                part.update(text.encode())
                part.update(b"\0")
            for name, digest in views.items():
                digest.update(advisor.advise(facts, view=name).model_dump_json().encode())  # type: ignore[call-overload]
                digest.update(b"\0")
        print(f"{engine}: {part.hexdigest()} ({len(inputs)} people)")
        total.update(part.digest())
        for name, digest in views.items():
            print(f"{engine} {name}: {digest.hexdigest()}")
            total.update(digest.digest())
    print(f"all: {total.hexdigest()}")


if __name__ == "__main__":
    main()
