"""Text from outside made safe to show: on a terminal, in a Markdown document, in a table cell.

A person's facts (titles, names, criteria, results) and a ruleset's texts reach
a terminal, a Markdown file a coach opens, or a table. None of it may act
there: a terminal escape can set the window title, write the clipboard (OSC
52), draw a disguised link (OSC 8) or clear the screen; Markdown can hide a
link, an image or HTML behind harmless words; a table cell starting with ``=``
is a formula to a spreadsheet. Every renderer sends what it prints through
this module at the edge, so each one cannot forget a field.

Hidden characters are *shown*, not removed and not replaced by U+FFFD: as the
escape a YAML or JSON file would use (``\\x1b``, ``\\x07``, ``\\u202e``). The
person sees that their file holds something odd and can find it there; a coach
sees the attempt instead of a silently changed text; and the text keeps its
length and order, so nothing is joined that was apart. Ordinary text (letters
of any script, punctuation, newlines between lines) passes unchanged, byte for
byte.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (CSI \x9b, OSC \x9d, ST \x9c among them), and the bidi
# embeddings, overrides and isolates that reorder what follows them on screen.
_HIDDEN = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_HIDDEN_ANYWHERE = re.compile(f"[{_HIDDEN}]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# Characters Markdown can read as markup anywhere in a line: emphasis, code, links and images, HTML and
# entities, headings, tables, strike-through.
_MARKUP = re.compile(r"([\\*_`\[\]<>#|&~])")
# Markup that counts only at the start of a block: a list item ("-", "+", "1.", "1)") or a rule ("---").
_BLOCK_START = re.compile(r"^(?:([-+])|([0-9]{1,9})(?=[.)]))")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(\.[0-9]+)?").fullmatch
# JSON escapes C0 itself; these it writes as they are.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """The text with every control and bidi character shown as its escape; newlines and tabs kept.

    For a whole document or a terminal message, at the last step before it is printed or written.
    """
    return _HIDDEN_ANYWHERE.sub(_escape, text) if _HIDDEN_ANYWHERE.search(text) else text


def one_line(text: str) -> str:
    """A value that sits inside a line: line breaks and tabs become spaces, so it cannot start a new line
    (a heading, a list, a table row) or forge a line of the tool's own; other hidden characters shown."""
    return visible(_LINE_BREAKS.sub(" ", text))


def markdown(text: str) -> str:
    """A value Markdown shows as written: no link, image, HTML, heading, list or table can start in it."""
    return _BLOCK_START.sub(_block_escaped, _MARKUP.sub(r"\\\1", one_line(text)))


def _block_escaped(match: re.Match) -> str:
    sign, digits = match.groups()
    return "\\" + sign if sign else digits + "\\"


def cell(text: str) -> str:
    """A table cell a spreadsheet cannot run: one starting like a formula gets a leading apostrophe (the
    spreadsheets' own mark for "this is text"); a plain number such as -5 is left as it is."""
    if text.startswith(_FORMULA_START) and not _NUMBER(text):
        return "'" + text
    return text


def json_text(text: str) -> str:
    """JSON written by the tool, with DEL, C1 and bidi characters as \\u escapes.

    JSON escapes only C0 controls; the others would reach a terminal that shows the JSON. Inside JSON
    they can only stand in strings, so the escape leaves every value exactly as it was.
    """
    if text.isascii() and "\x7f" not in text:  # the usual case, at C speed
        return text
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
