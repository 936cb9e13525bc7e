"""Read YAML into plain data while remembering where every value came from.

PyYAML's composer gives nodes with line and column marks; we build plain
dicts, lists and scalars from them ourselves so that:

* every key and value has a position (for ``file:line:col`` messages);
* nothing but plain data is ever constructed (tags such as ``!!python/object``
  are refused, not executed);
* anchors and aliases are refused, which also defeats "billion laughs" files;
* duplicate keys are errors instead of silently keeping the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import re

import yaml
import yaml.reader

from .errors import InputError, Location, Problem

Path = tuple  # a path into the data: keys and list indexes

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
MAX_NODES = 200_000
MAX_DEPTH = 64
# Digits of a whole number, with its sign, "_" and 0x/0o/0b: money reaches 10^12 (13 digits), so 32 leave room
# for any fact or threshold, while PyYAML's conversion of longer ones is slow, and fails past 4,300 digits.
MAX_NUMBER_LENGTH = 32

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # the C loader is much faster on large files; both give the same nodes
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml not available
    _Loader = yaml.SafeLoader
_scalars = yaml.constructor.SafeConstructor()
# Each scalar is made by its tag's own function: SafeConstructor.construct_object would remember every node
# (and its value) in the shared constructor for ever, and is not safe to share between threads.
_MAKE = {tag: yaml.constructor.SafeConstructor.yaml_constructors[tag] for tag in _PLAIN_TAGS}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


@dataclass
class Located:
    """Plain data plus the position of every path in it."""

    data: Any
    file: str
    positions: dict = field(default_factory=dict)

    def where(self, path: Path) -> Location:
        """The position of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                line, col = self.positions[path]
                return Location(self.file, line, col)
            path = path[:-1]
        line, col = self.positions.get((), (0, 0))
        return Location(self.file, line, col)


def load_yaml(text: str, file: str) -> Located:
    """Parse one YAML document into plain data; raise InputError on any problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark, reason = _explain(exc, text)
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise InputError([Problem(where, f"not valid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        before = text[: exc.position]
        where = Location(file, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise InputError([Problem(where, f"not valid YAML: the character U+{char:04X} is not allowed")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(file), f"not valid YAML: {exc}")]) from None
    located = Located(None, file)
    if node is None:
        return located
    builder = _Builder(located)
    located.data = builder.build(node, (), 0)
    if builder.problems:
        raise InputError(builder.problems)
    return located


def _explain(exc: yaml.MarkedYAMLError, text: str):
    """Where a syntax error is and PyYAML's reason, with a plain hint for the slips people make most:
    an unclosed quote (shown where it opens, not at the end of the file), ": " in unquoted text, a tab."""
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "not valid YAML"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark and "end of stream" in reason:
        return exc.context_mark, "a quote is not closed"
    lines = text.splitlines()
    slip = _indentation_slip(lines, mark, reason) if mark is not None else None
    if slip:
        return slip
    if "mapping values are not allowed" in reason:
        return mark, f'{reason}; text containing ": " must be in quotes'
    at_tab = mark is not None and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"
    if at_tab or "tab character" in reason:
        return mark, f"{reason}; indent with spaces, not tabs"
    return mark, reason


_KEY_LINE = re.compile(r"^(\s*)((?:- +)*)([^\s:#'\"-][^:#]*?):(?:\s+(\S.*))?$")
_SHAPE_ERRORS = (
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-'",
    "could not find expected ':'",
)


def _indentation_slip(lines: list, mark, reason: str) -> Optional[tuple[Any, str]]:
    """PyYAML's reason for a line indented one way or the other, said as what to fix.

    A key indented under a key that already has a value reads to PyYAML as
    "mapping values are not allowed"; a line whose indentation matches no
    line above as "did not find expected key". Both hide the one thing a
    person has to change: the spaces at the start of the line, where the
    returned mark points.
    """
    if not reason.startswith(_SHAPE_ERRORS) or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    spaces = len(line) - len(line.lstrip(" "))
    above = [(number, lines[number]) for number in range(mark.line) if lines[number].strip()[:1] not in ("", "#")]
    if not above:
        return None
    number, previous = above[-1]
    start = yaml.error.Mark(mark.name, mark.index, mark.line, spaces, None, 0)
    if ":" in previous and not _KEY_LINE.match(previous) and re.match(r"^\s*(- +)?[\w.-]+:\S", previous):
        colon = yaml.error.Mark(mark.name, mark.index, number, previous.index(":") + 1, None, 0)
        return colon, f'write a space after the ":" here ("{previous.strip()}"): a key and its value need one'
    starts = sorted({_key_column(text) for _, text in above if _KEY_LINE.match(text)})
    if line.lstrip(" ").startswith("- ") and reason.startswith("did not find expected key"):
        return start, 'a list item ("- ") where a key was expected: put the list under a key that ends with ":"'
    own_colon = line.find(":") == mark.column
    if reason.startswith("mapping values are not allowed") and not own_colon:
        return None  # ": " inside a value: the quotes hint says it
    match = _KEY_LINE.match(previous)
    if match and match.group(4) and spaces > _key_column(previous) and own_colon:
        return start, (
            f'this key is indented more than "{match.group(3).strip()}" on line {number + 1} ({spaces} spaces, '
            f"not {_key_column(previous)}), which already has a value; line it up with the keys it belongs with"
        )
    if starts and spaces not in starts:
        nearest = min(abs(start - spaces) for start in starts)
        shown = " or ".join(str(start) for start in starts if abs(start - spaces) == nearest)
        return start, (
            f"this line is indented by {spaces} space{'' if spaces == 1 else 's'}, "
            f"which lines up with no key above it; indent it like the key it belongs with ({shown} spaces)"
        )
    return None


def _key_column(text: str) -> int:
    """Where the key of a ``key: value`` or ``- key: value`` line starts."""
    match = _KEY_LINE.match(text)
    return len(match.group(1)) + len(match.group(2)) if match else len(text) - len(text.lstrip(" "))


class _Builder:
    def __init__(self, located: Located):
        self.located = located
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.count = 0

    def _loc(self, node) -> Location:
        return Location(self.located.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, node, message: str) -> None:
        self.problems.append(Problem(self._loc(node), message))

    def build(self, node, path: Path, depth: int) -> Any:
        self.located.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._fail(node, f"too large: more than {MAX_NODES} values")
            return None
        if depth > MAX_DEPTH:
            self._fail(node, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if id(node) in self.seen:
            self._fail(node, "anchors and aliases (&name / *name) are not supported; write the value out")
            return None
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self._fail(node, f"the tag {node.tag!r} is not allowed; use plain values")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag in _NUMBER_TAGS and self._odd_number(node, path):
            return None
        try:
            return _MAKE[node.tag](_scalars, node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self._fail(node, f"cannot read this value: {exc}")
            return None

    def _odd_number(self, node, path: Path) -> bool:
        """Refuse, before it is converted, a number no fact needs whose conversion costs time growing with its size.

        YAML 1.1 reads ``1:30`` as 90 (base 60), which takes PyYAML time growing with the square
        of the length (2 MiB of ``1:1:…`` ran for minutes); whole numbers (also hex, octal, binary)
        are bounded by `MAX_NUMBER_LENGTH`. Floats convert in linear time, so only their base-60 form is refused.
        """
        text, named = node.value, f"{_dotted(path)}: " if path else ""
        if ":" in text:
            self._fail(
                node,
                f"{named}base-60 numbers such as 1:30 are not supported; write the number in digits, "
                "or quote it if it is text",
            )
        elif node.tag == "tag:yaml.org,2002:int" and len(text) > MAX_NUMBER_LENGTH:
            self._fail(node, f"{named}a number of {len(text)} characters; at most {MAX_NUMBER_LENGTH} are read")
        else:
            return False
        return True

    def _mapping(self, node, path: Path, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                self._fail(key_node, "keys must be plain words")
                continue
            key = key_node.value
            if key in result:
                self._fail(key_node, f'the key "{key}" appears twice in the same mapping')
                continue
            result[key] = self.build(value_node, path + (key,), depth + 1)
            self.located.positions[path + (key,)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return result


def _dotted(path: Path) -> str:
    """('org', 'budget_season_months', 1) -> 'org.budget_season_months[1]', as messages name fields."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
