"""How a change to a ruleset changes the advice real people get.

A coach edits a threshold or a rule and wants to know who it affects before
using it: for a folder of facts files and a generated population, each
person's advice under the old and the new ruleset is compared
(recommendations added, removed, moved up or down, the stage). A file that
cannot be read is reported by name, never dropped.

The rule table sums that up per rule (who gains it, who loses it, who sees it
move) and says how the rule itself changed, so a reworded text shows as
"reworded" even when nobody's ranks move. `why_changed` says, for one person,
which conditions flipped, in the labels the advice uses: what a coach reads
to a client whose advice changed.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from ..ruleset import conditions as c
from ..advice.model import Advice
from ..advisor import Advisor, with_as_of
from ..facts.derive import derive
from ..errors import InputError, Location, Problem
from ..facts.model import Facts
from ..facts.files import read_facts
from ..ruleset.loader import inspect_ruleset
from .population import covering, declared_values
from ..text import show
from ..ruleset.model import Rule, Ruleset
from ..text_safety import cell, markdown, one_line, visible

FACTS_SUFFIXES = (".yaml", ".yml", ".json")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ranked(_Out):
    rule_id: str
    rank: int
    held_back_by: list[str] = Field(default_factory=list, description="Set when it is held back on the other side.")


class Move(_Out):
    rule_id: str
    old_rank: int
    new_rank: int
    reordered: bool = Field(description="False when it only shifted because advice was added or removed above it.")


class PersonChange(_Out):
    file: str
    old_stage: Optional[str]
    new_stage: Optional[str]
    added: list[Ranked]
    removed: list[Ranked]
    moved: list[Move]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.old_stage != self.new_stage)


class Unreadable(_Out):
    file: str
    problems: list[str]


class Summary(_Out):
    people: int
    changed: int
    unchanged: int
    added: int
    removed: int
    moved_up: int
    moved_down: int
    stage_changes: int
    unreadable: int


class RuleRow(_Out):
    """One rule's line in the impact table."""

    rule_id: str
    title: str
    change: str = Field(description="added, removed, reworded (title, text, rationale), condition, or unchanged.")
    gaining: int = Field(description="People who get it under the new ruleset and did not before.")
    losing: int
    moved_up: int
    moved_down: int


class RulesetDiff(_Out):
    old: str
    new: str
    people: list[PersonChange]
    unreadable: list[Unreadable]
    summary: Summary
    generated: int = Field(default=0, description="Generated people compared beside the files (seeded).")
    rules: list[RuleRow] = Field(default_factory=list, description="Every rule that changed or moved anyone.")


class Flip(_Out):
    """A condition whose outcome differs between the two rulesets, for one person."""

    condition: str = Field(description="The condition in the words the advice uses, as the new ruleset has it.")
    was: Optional[bool] = Field(description="Whether it held under the old ruleset; null: unknown or not there.")
    now: Optional[bool]
    value: str = Field(description="The person's value.")


class RuleWhy(_Out):
    rule_id: str
    title: str
    change: str = Field(description="gained, lost, moved up or moved down.")
    flips: list[Flip]
    held_back: str = Field(default="", description="How holding back changed, when that is the reason.")


def facts_files(folder: Path) -> list[Path]:
    """The facts files of a folder, in name order; a missing folder is bad input."""
    if not folder.is_dir():
        raise InputError([Problem(Location(str(folder)), "not a folder of facts files")])
    return sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in FACTS_SUFFIXES)


def compare(
    old: Advisor,
    new: Advisor,
    files: list[Path],
    as_of: Optional[date] = None,
    names: tuple[str, str] = ("old", "new"),
    generated: int = 0,
    seed: int = 2026,
) -> RulesetDiff:
    """Everyone's advice under both rulesets: the files, then ``generated`` people from the seeded population."""
    people: list[PersonChange] = []
    unreadable: list[Unreadable] = []
    for number, person in enumerate(population(old, new, generated, seed), start=1):
        people.append(person_change(f"generated #{number}", old.advise(person, as_of), new.advise(person, as_of)))
    model = person_model(old, new)
    for path in files:
        try:
            facts = read_facts(str(path), as_of=as_of, model=model)
        except InputError as exc:
            unreadable.append(Unreadable(file=str(path), problems=[str(problem) for problem in exc.problems]))
            continue
        people.append(person_change(str(path), old.advise(facts), new.advise(facts)))
    changed = [person for person in people if person.changed]
    summary = Summary(
        people=len(people),
        changed=len(changed),
        unchanged=len(people) - len(changed),
        added=sum(len(p.added) for p in people),
        removed=sum(len(p.removed) for p in people),
        moved_up=sum(1 for p in people for m in p.moved if m.new_rank < m.old_rank),
        moved_down=sum(1 for p in people for m in p.moved if m.new_rank > m.old_rank),
        stage_changes=sum(1 for p in people if p.old_stage != p.new_stage),
        unreadable=len(unreadable),
    )
    generated_people, file_people = people[:generated], people[generated:]
    return RulesetDiff(
        old=names[0],
        new=names[1],
        people=file_people,
        unreadable=unreadable,
        summary=summary,
        generated=len(generated_people),
        rules=rule_rows(old.ruleset, new.ruleset, people),
    )


def person_model(old: Advisor, new: Advisor) -> type[Facts]:
    """The facts model a person is read with for both rulesets: the one of the ruleset that declares the other's
    facts too, so a company's own facts (a department) are read, and the ruleset without them has no rule that
    reads them. Rulesets that each declare facts the other lacks read a person as the new one does."""
    names = [{fact.name for fact in advisor.ruleset.facts} for advisor in (old, new)]
    return old.ruleset.facts_model if names[1] < names[0] else new.ruleset.facts_model


def population(old: Advisor, new: Advisor, count: int, seed: int) -> list:
    """``count`` generated people who between them reach every stage and gate of both rulesets, if any can.

    With facts a ruleset declares, each person also gets values for them (drawn from the person's own facts,
    so the same seed gives the same crowd) and is a `Facts` of `person_model`; otherwise the plain mappings."""
    if count <= 0:
        return []
    model = person_model(old, new)
    declared = getattr(model, "DECLARED", ())
    if declared:
        facts = {fact.name: fact for advisor in (old, new) for fact in advisor.ruleset.facts}

        def with_declared(person: dict):
            rng = random.Random(json.dumps(person, sort_keys=True))
            return model.model_validate({**person, **declared_values(rng, [facts[name] for name in declared])})

    else:

        def with_declared(person: dict):
            return person

    goals = {f"stage:{s.name}" for s in old.ruleset.stages + new.ruleset.stages}
    goals |= {f"rule:{r.id}" for ruleset in (old.ruleset, new.ruleset) for r in ruleset.rules if ruleset.is_gate(r)}

    def reached(person: dict) -> set[str]:
        found = set()
        facts = with_declared(person)
        for advisor in (old, new):
            advice = advisor.advise(facts)
            found.add(f"stage:{advice.stage.name}" if advice.stage else "")
            found.update(f"rule:{rec.rule_id}" for rec in advice.recommendations)
            found.update(f"rule:{held.rule_id}" for held in advice.held_back)
        return found

    return [with_declared(person) for person in covering(count, seed, reached, goals)]


WORDING = ("title", "recommend", "rationale", "date_label")
NOT_COMPARED = ("replaces",)


def written_rules(ruleset: Ruleset) -> dict[str, dict]:
    """Each rule as the coach wrote it (placeholders unfilled), so a threshold setting is no rewording."""
    if not ruleset.path:
        return {}
    return {rule_id: origin.data for rule_id, origin in inspect_ruleset(ruleset.path).origins.items()}


def rule_change(old: Optional[dict], new: Optional[dict]) -> str:
    """How a rule itself changed, from its text as written: a changed condition (or any other field) counts
    before a new wording, which counts before nothing."""
    if old is None or new is None:
        return "added" if old is None else "removed"
    keys = (set(old) | set(new)) - set(NOT_COMPARED)
    if any(_plain(old.get(key)) != _plain(new.get(key)) for key in keys - set(WORDING)):
        return "condition"
    reworded = [
        key if key != "recommend" else "text" for key in WORDING if _plain(old.get(key)) != _plain(new.get(key))
    ]
    return f"reworded ({', '.join(reworded)})" if reworded else "unchanged"


def _plain(value):
    """A written value with line breaks and runs of spaces folded, as YAML's folded text would read."""
    return " ".join(value.split()) if isinstance(value, str) else value


def rule_rows(old: Ruleset, new: Ruleset, people: list[PersonChange]) -> list[RuleRow]:
    """One row per rule that changed or moved anyone, in the new ruleset's order, then the rules removed."""
    old_rules, new_rules = {r.id: r for r in old.rules}, {r.id: r for r in new.rules}
    old_written, new_written = written_rules(old), written_rules(new)
    rows = []
    for rule_id in list(new_rules) + [rule_id for rule_id in old_rules if rule_id not in new_rules]:
        rule = new_rules.get(rule_id) or old_rules[rule_id]
        row = RuleRow(
            rule_id=rule_id,
            title=rule.title,
            change=rule_change(old_written.get(rule_id), new_written.get(rule_id)),
            gaining=sum(1 for p in people if any(a.rule_id == rule_id for a in p.added)),
            losing=sum(1 for p in people if any(a.rule_id == rule_id for a in p.removed)),
            moved_up=sum(1 for p in people for m in p.moved if m.rule_id == rule_id and m.new_rank < m.old_rank),
            moved_down=sum(1 for p in people for m in p.moved if m.rule_id == rule_id and m.new_rank > m.old_rank),
        )
        if row.change != "unchanged" or row.gaining or row.losing or row.moved_up or row.moved_down:
            rows.append(row)
    return rows


def person_change(file: str, old: Advice, new: Advice) -> PersonChange:
    before = {rec.rule_id: rec.rank for rec in old.recommendations}
    after = {rec.rule_id: rec.rank for rec in new.recommendations}
    held_before = {held.rule_id: held.held_back_by for held in old.held_back}
    held_after = {held.rule_id: held.held_back_by for held in new.held_back}
    shared_before = [rule for rule in before if rule in after]
    shared_after = [rule for rule in after if rule in before]
    return PersonChange(
        file=file,
        old_stage=old.stage.name if old.stage else None,
        new_stage=new.stage.name if new.stage else None,
        added=[
            Ranked(rule_id=rule, rank=rank, held_back_by=held_before.get(rule, []))
            for rule, rank in after.items()
            if rule not in before
        ],
        removed=[
            Ranked(rule_id=rule, rank=rank, held_back_by=held_after.get(rule, []))
            for rule, rank in before.items()
            if rule not in after
        ],
        moved=[
            Move(
                rule_id=rule,
                old_rank=before[rule],
                new_rank=rank,
                reordered=shared_before.index(rule) != shared_after.index(rule),
            )
            for rule, rank in after.items()
            if rule in before and before[rule] != rank
        ],
    )


def to_json(diff: RulesetDiff) -> str:
    data = diff.model_dump()
    for person, model in zip(data["people"], diff.people):
        person["changed"] = model.changed
    return json.dumps(data, indent=2) + "\n"


def to_text(diff: RulesetDiff) -> str:
    lines = [f"Advice under {diff.old} -> {diff.new}", ""]
    for person in diff.people:
        if not person.changed:
            lines.append(f"{person.file}: unchanged")
            continue
        lines.append(f"{person.file}:")
        if person.old_stage != person.new_stage:
            lines.append(f"  stage: {person.old_stage or 'none'} -> {person.new_stage or 'none'}")
        for item in person.added:
            was = f" (was held back by {', '.join(item.held_back_by)})" if item.held_back_by else ""
            lines.append(f"  + {item.rule_id} at rank {item.rank}{was}")
        for item in person.removed:
            now = f" (now held back by {', '.join(item.held_back_by)})" if item.held_back_by else ""
            lines.append(f"  - {item.rule_id} (was rank {item.rank}){now}")
        for move in person.moved:
            way = "up" if move.new_rank < move.old_rank else "down"
            why = "" if move.reordered else " (shifted by the advice added or removed above it)"
            lines.append(
                f"  {'^' if way == 'up' else 'v'} {move.rule_id} moved {way}: {move.old_rank} -> {move.new_rank}{why}"
            )
    for bad in diff.unreadable:
        lines.append(f"{bad.file}: cannot be read")
        lines += [f"  {problem}" for problem in bad.problems]
    if diff.generated:
        lines.append(f"{diff.generated} generated people: see the table")
    lines += ["", *_aligned(table(diff))]
    s = diff.summary
    lines += [
        "",
        f"{s.people} people: {s.changed} changed, {s.unchanged} unchanged; "
        f"{s.added} added, {s.removed} removed, {s.moved_up} moved up, {s.moved_down} moved down, "
        f"{s.stage_changes} stage changes; {s.unreadable} files could not be read",
    ]
    return visible("\n".join(lines) + "\n")


def why_changed(old: Advisor, new: Advisor, facts: Facts) -> list[RuleWhy]:
    """For one person, each recommendation gained, lost or moved, with the conditions that flipped."""
    from .handbook import signal_labels

    old, new = old.pinned(), new.pinned()
    before, after = old.advise(facts), new.advise(facts)
    change = person_change("", before, after)
    derived = derive(with_as_of(facts, before.as_of))
    sides = [(advisor.ruleset, advisor.evaluator.signals(derived)) for advisor in (old, new)]
    labels = signal_labels(new.ruleset) | {k: v for k, v in signal_labels(old.ruleset).items()}
    held = [{h.rule_id: h.held_back_by for h in advice.held_back} for advice in (before, after)]
    found = []
    what = [(r.rule_id, "gained") for r in change.added] + [(r.rule_id, "lost") for r in change.removed]
    what += [(m.rule_id, "moved up" if m.new_rank < m.old_rank else "moved down") for m in change.moved]
    for rule_id, how in what:
        with new.ruleset.facts_scope():  # a ruleset's own facts are named by the labels it declares
            flips = _flips(rule_id, sides, derived, labels, set())
        was, now = held[0].get(rule_id), held[1].get(rule_id)
        note = (
            (f"held back by {', '.join(was)} before" if was else "")
            + ("; " if was and now else "")
            + (f"now held back by {', '.join(now)}" if now else "")
        )
        rule = _rule(new.ruleset, rule_id) or _rule(old.ruleset, rule_id)
        if rule is None:  # cannot happen: every rule_id here came from the advice of one of the two rulesets
            raise LookupError(f'rule "{rule_id}" is in neither ruleset')
        found.append(RuleWhy(rule_id=rule_id, title=rule.title, change=how, flips=flips, held_back=note))
    return found


def _rule(ruleset: Ruleset, rule_id: str) -> Optional[Rule]:
    try:
        return ruleset.rule(rule_id)
    except KeyError:
        return None


def _flips(rule_id: str, sides, derived: dict, labels: dict, seen: set) -> list[Flip]:
    """The comparisons of a rule (and of the signals it needs) whose outcome differs between the two sides."""
    from .handbook import plain_words

    seen.add(rule_id)
    atoms: dict = {}  # (fact, op, threshold or value) -> [atom or None on each side]
    for side, (ruleset, _) in enumerate(sides):
        rule = _rule(ruleset, rule_id)
        for atom in c.atoms(rule.condition) if rule else ():
            key = (atom.name, atom.op, atom.threshold or repr(atom.value))
            atoms.setdefault(key, [None, None])[side] = atom
    flips = []
    for key, pair in atoms.items():
        truths = [c.evaluate(atom, derived, signals) if atom else None for atom, (_, signals) in zip(pair, sides)]
        if truths[0] == truths[1]:
            continue
        atom = pair[1] or pair[0]
        value = sides[1][1].get(atom.name) if atom.signal else derived.get(atom.name)
        flips.append(
            Flip(
                condition=plain_words(atom, labels),
                was=truths[0],
                now=truths[1],
                value="not known" if value is None else one_line(show(value)),
            )
        )
        if atom.signal:  # say which of the signal's own conditions moved, e.g. a threshold inside it
            for ruleset, _ in sides:
                for deriver in ruleset.rules:
                    if deriver.derive == atom.name and deriver.id not in seen:
                        flips += _flips(deriver.id, sides, derived, labels, seen)
    return flips


HEADER = ("rule", "change", "gaining it", "losing it", "rank moves")


def table(diff: RulesetDiff) -> list[tuple[str, ...]]:
    """The impact table's rows, header first: one per rule that changed or moved anyone."""
    rows: list[tuple[str, ...]] = [HEADER]
    for row in diff.rules:
        moves = ", ".join(
            part
            for part in (
                f"{row.moved_up} up" if row.moved_up else "",
                f"{row.moved_down} down" if row.moved_down else "",
            )
            if part
        )
        rows.append((f"{row.rule_id} ({row.title})", row.change, str(row.gaining), str(row.losing), moves or "0"))
    if len(rows) == 1:
        rows.append(("no rule changed and nobody's advice moved", "", "", "", ""))
    return rows


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell, for a terminal; a long title is cut so the table stays readable."""
    cut = [tuple(one_line(text if len(text) <= 70 else text[:69] + "…") for text in row) for row in rows]
    widths = [max(len(row[i]) for row in cut) for i in range(len(HEADER))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in cut]
    return [lines[0], "  ".join("-" * width for width in widths)] + lines[1:]


def to_markdown(diff: RulesetDiff) -> str:
    """The impact table and the summary as Markdown, for a report or a ticket."""
    rows = table(diff)
    lines = [
        f"# Advice under {markdown(diff.old)} -> {markdown(diff.new)}",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|" + "---|" * len(rows[0]),
    ]
    lines += ["| " + " | ".join(cell(markdown(text)) for text in row) + " |" for row in rows[1:]]
    s = diff.summary
    lines += [
        "",
        f"{s.people} people ({diff.generated} generated): {s.changed} changed, {s.unchanged} unchanged; "
        f"{s.unreadable} files could not be read.",
    ]
    return visible("\n".join(lines) + "\n")


def why_text(name: str, whys: list[RuleWhy], mark: str = "") -> str:
    """Why one person's advice changed, rule by rule, with each flipped condition and their value."""
    words = {True: "yes", False: "no", None: "not there"}
    lines = [f"Why the advice for {name} changed:"]
    if not whys:
        lines.append("  it did not change.")
    for why in whys:
        lines.append(f"  {why.rule_id} ({why.title}): {why.change}")
        for flip in why.flips:
            lines.append(f"    - {flip.condition}: was {words[flip.was]}, now {words[flip.now]} (theirs: {flip.value})")
        if why.held_back:
            lines.append(f"    - {why.held_back}")
        if not why.flips and not why.held_back:
            lines.append("    - no condition of its own changed: advice added or removed above it moved it")
    return visible("\n".join(one_line(line) if index else line for index, line in enumerate(lines)) + "\n")
