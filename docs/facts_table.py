"""Rewrite the fact table at the end of docs/rulesets.md from the facts the code defines.

    .venv/bin/python docs/facts_table.py
"""
from pathlib import Path

from promorules.derive import FACTS

DOC = Path(__file__).resolve().parent / "rulesets.md"
HEADER = "| fact | kind | meaning |"


def table() -> str:
    rows = [HEADER, "|---|---|---|"]
    for name, info in FACTS.items():
        kind = info.kind + (f" ({', '.join(info.choices)})" if info.choices else "")
        rows.append(f"| `{name}` | {kind} | {info.description} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    text = DOC.read_text()
    DOC.write_text(text[: text.index(HEADER)] + table())
