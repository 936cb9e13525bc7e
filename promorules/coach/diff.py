"""How a change to a ruleset changes the advice real people get.

A coach edits a threshold or a rule and wants to know who it affects before
using it: for a folder of facts files, each person's advice under the old
and the new ruleset is compared (recommendations added, removed, moved up or
down, the stage). A file that cannot be read is reported by name, never
dropped.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from ..advice.model import Advice
from ..advisor import Advisor
from ..errors import InputError, Location, Problem
from ..facts.files import read_facts

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


class RulesetDiff(_Out):
    old: str
    new: str
    people: list[PersonChange]
    unreadable: list[Unreadable]
    summary: Summary


def facts_files(folder: Path) -> list[Path]:
    """The facts files of a folder, in name order; a missing folder is bad input."""
    if not folder.is_dir():
        raise InputError([Problem(Location(str(folder)), "not a folder of facts files")])
    return sorted(path for path in folder.iterdir() if path.is_file() and path.suffix.lower() in FACTS_SUFFIXES)


def compare(old: Advisor, new: Advisor, files: list[Path], as_of: Optional[date] = None,
            names: tuple[str, str] = ("old", "new")) -> RulesetDiff:
    people: list[PersonChange] = []
    unreadable: list[Unreadable] = []
    for path in files:
        try:
            facts = read_facts(str(path), as_of=as_of)
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
    return RulesetDiff(old=names[0], new=names[1], people=people, unreadable=unreadable, summary=summary)


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
        added=[Ranked(rule_id=rule, rank=rank, held_back_by=held_before.get(rule, []))
               for rule, rank in after.items() if rule not in before],
        removed=[Ranked(rule_id=rule, rank=rank, held_back_by=held_after.get(rule, []))
                 for rule, rank in before.items() if rule not in after],
        moved=[Move(rule_id=rule, old_rank=before[rule], new_rank=rank,
                    reordered=shared_before.index(rule) != shared_after.index(rule))
               for rule, rank in after.items() if rule in before and before[rule] != rank],
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
            lines.append(f"  {'^' if way == 'up' else 'v'} {move.rule_id} moved {way}: "
                         f"{move.old_rank} -> {move.new_rank}{why}")
    for bad in diff.unreadable:
        lines.append(f"{bad.file}: cannot be read")
        lines += [f"  {problem}" for problem in bad.problems]
    s = diff.summary
    lines += ["", f"{s.people} people: {s.changed} changed, {s.unchanged} unchanged; "
              f"{s.added} added, {s.removed} removed, {s.moved_up} moved up, {s.moved_down} moved down, "
              f"{s.stage_changes} stage changes; {s.unreadable} files could not be read"]
    return "\n".join(lines) + "\n"
