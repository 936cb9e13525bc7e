"""The studio's pages, written on the server as plain HTML: no build step, nothing loaded from elsewhere.

Every text shown, whether from a rule file, a facts file, a message or a
path, goes through `esc`: hidden characters shown as their escapes
(`text_safety.visible`), then HTML-escaped, so a rule's text or a person's
job title can neither run as markup nor disguise itself. The one exception
is the editor's own text area, which must give the file back as it is: it is
HTML-escaped only, and a file holding hidden characters is shown but not
offered for editing.

The one script is fixed text; the Content-Security-Policy allows it and the
style sheet by their hashes and nothing else, so even a mistake in escaping
could not run another script.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Iterable, Optional
from urllib.parse import urlencode

from ...text_safety import visible

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fafafa}
header{background:#24435c;color:#fff;padding:.5em 1em}header a{color:#fff;margin-right:1.2em}
header strong{margin-right:2em}main{display:flex;gap:1em;padding:1em;align-items:flex-start}
nav{min-width:13em}nav a{display:block;padding:.15em 0}nav a.current{font-weight:bold}
.editor{flex:3}.editor textarea{width:100%;height:32em;font-family:monospace;font-size:13px;tab-size:2}
aside{flex:2;min-width:18em}.problem{color:#9b1c1c;cursor:pointer}.warning{color:#7a5200;cursor:pointer}
.ok{color:#1e6b30}pre{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:.6em;font-size:13px}
section{padding:0 1em 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em}
.pass{color:#1e6b30;font-weight:bold}.fail{color:#9b1c1c;font-weight:bold}.people label{margin-right:1em}
.both{display:flex;gap:1em}.both>div{flex:1}.both textarea{width:100%;height:24em;font-family:monospace}
"""

SCRIPT = """
(function () {
  var text = document.getElementById('text');
  document.querySelectorAll('[data-line]').forEach(function (item) {
    item.addEventListener('click', function () {
      if (!text) { return; }
      var lines = text.value.split('\\n'), line = Number(item.dataset.line), start = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
      text.focus();
      text.setSelectionRange(start, start + (lines[line - 1] || '').length);
      text.scrollTop = Math.max(0, (line - 5) * 16);
    });
  });
  document.querySelectorAll('.people input[type=checkbox]').forEach(function (box) {
    box.addEventListener('change', function () { box.form.submit(); });
  });
  if (text) {
    text.addEventListener('keydown', function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === 's') { event.preventDefault(); text.form.submit(); }
      if (event.key === 'Tab' && !event.shiftKey) {
        event.preventDefault();
        var at = text.selectionStart;
        text.setRangeText('  ', at, text.selectionEnd, 'end');
      }
    });
  }
})();
"""


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src {_sha(SCRIPT)}; style-src {_sha(STYLE)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def esc(text) -> str:
    """Any text, safe to show in a page (see the module's docstring)."""
    return html.escape(visible(str(text)), quote=True)


def link(path: str, token: str, **query) -> str:
    """An address of the studio with its token; list values repeat their key."""
    pairs = [("token", token)]
    for key, value in query.items():
        pairs += [(key, item) for item in value] if isinstance(value, (list, tuple)) else [(key, value)]
    return esc(path + "?" + urlencode(pairs))


def page(title: str, body: str, token: str, ruleset: str) -> str:
    nav = " ".join(
        f'<a href="{link(path, token)}">{name}</a>'
        for path, name in (("/edit", "Edit"), ("/scenarios", "Scenarios"), ("/impact", "Impact"))
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} · promorules studio'
        f'</title><meta name="referrer" content="no-referrer"><style>{STYLE}</style></head>\n'
        f"<body><header><strong>promorules studio: {esc(ruleset)}</strong>{nav}</header>\n{body}\n"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def file_list(names: Iterable[str], current: Optional[str], token: str, chosen: list[str]) -> str:
    items = "".join(
        f'<a class="{"current" if name == current else ""}" '
        f'href="{link("/edit", token, file=name, person=chosen)}">{esc(name)}</a>'
        for name in names
    )
    return f"<nav><h2>Files</h2>{items}</nav>"


def problem_list(items: list, kind_of) -> str:
    """Problems as ``validate`` prints them, each marked with its line so a click can go there."""
    rows = []
    for item in items:
        line = item.location.line
        kind = kind_of(item)
        where = f' data-line="{line}"' if line else ""
        rows.append(f'<li class="{kind}"{where}>{esc(item)}</li>')
    return f'<ol class="problems">{"".join(rows)}</ol>' if rows else ""


def editor(name: str, text: Optional[str], shown: str, digest: str, token: str, chosen: list[str]) -> str:
    """The file in a text area with the save form; a file that must not be edited here is only shown."""
    if text is None:
        return (
            f'<div class="editor"><h2>{esc(name)}</h2><p class="problem">This file holds hidden characters '
            f"(shown below as escapes), so it is not edited here: the text area would change them. Edit it in "
            f"a text editor.</p><pre>{esc(shown)}</pre></div>"
        )
    people = "".join(f'<input type="hidden" name="person" value="{esc(person)}">' for person in chosen)
    return (
        f'<div class="editor"><h2>{esc(name)}</h2>'
        f'<form method="post" action="{link("/save", token)}">'
        f'<input type="hidden" name="token" value="{esc(token)}">'
        f'<input type="hidden" name="file" value="{esc(name)}">'
        f'<input type="hidden" name="hash" value="{esc(digest)}">{people}'
        f'<textarea id="text" name="text" spellcheck="false">{html.escape(text, quote=True)}</textarea>'
        f'<p><button id="save" type="submit">Save and check</button> (Ctrl+S). The file is written whole, '
        f"and never over a change made elsewhere since this page was opened.</p></form></div>"
    )


def checks(summary: str, here: str, elsewhere: str, clean: bool) -> str:
    parts = [
        f'<aside id="checks"><h2>Checks</h2><p id="summary" class="{"ok" if clean else "problem"}">{esc(summary)}</p>'
    ]
    parts.append(f"<h3>In this file</h3>{here or '<p>Nothing to report.</p>'}")
    if elsewhere:
        parts.append(f"<h3>In other files</h3>{elsewhere}")
    parts.append("</aside>")
    return "".join(parts)


def people_panel(names: list[str], chosen: list[str], shown: list, file: str, token: str) -> str:
    """The people a coach can pick, and the advice of those picked, as ``promorules advise`` prints it."""
    if not names:
        boxes = "<p>No people to pick: start the studio with --facts DIR (a folder of facts files).</p>"
    else:
        boxes = "".join(
            f'<label><input type="checkbox" name="person" value="{esc(name)}"'
            f"{' checked' if name in chosen else ''}> {esc(name)}</label>"
            for name in names
        )
    form = (
        f'<form class="people" method="get" action="/edit"><input type="hidden" name="token" '
        f'value="{esc(token)}"><input type="hidden" name="file" value="{esc(file)}">{boxes} '
        f'<button type="submit">Show advice</button></form>'
    )
    articles = []
    for advice in shown:
        body = (
            f'<pre class="advice-text">{esc(advice.text)}</pre>'
            if advice.text
            else "".join(f'<p class="problem">{esc(problem)}</p>' for problem in advice.problems)
        )
        articles.append(
            f'<article class="advice" data-person="{esc(advice.name)}"><h3>{esc(advice.name)}</h3>{body}</article>'
        )
    return f'<section id="people"><h2>Advice for the people picked</h2>{form}{"".join(articles)}</section>'


def conflict(name: str, on_disk: Optional[str], yours: str, digest: str, token: str, chosen: list[str]) -> str:
    """A save refused because the file changed on disk: both versions, and an explicit way to choose."""
    disk = "(the file is no longer there)" if on_disk is None else on_disk
    people = "".join(f'<input type="hidden" name="person" value="{esc(person)}">' for person in chosen)
    return (
        f'<section id="conflict"><h2 class="problem">Not saved: {esc(name)} changed on disk since this page '
        f"was opened</h2><p>Something else (another editor, a colleague, a sync) wrote it. Nothing was "
        f'written. Compare the two, then keep one.</p><div class="both">'
        f'<div><h3>On disk now</h3><pre id="on-disk">{esc(disk)}</pre>'
        f'<p><a href="{link("/edit", token, file=name, person=chosen)}">Keep the file on disk</a> '
        f"(your text is dropped)</p></div>"
        f'<div><h3>Yours, not saved</h3><form method="post" action="{link("/save", token)}">'
        f'<input type="hidden" name="token" value="{esc(token)}">'
        f'<input type="hidden" name="file" value="{esc(name)}">'
        f'<input type="hidden" name="hash" value="{esc(digest)}">{people}'
        f'<textarea id="yours" name="text" spellcheck="false">{html.escape(yours, quote=True)}</textarea>'
        f'<p><button id="replace" type="submit">Replace the file on disk with mine</button></p>'
        f"</form></div></div></section>"
    )


def scenario_table(results: list, warnings: Iterable[str] = ()) -> str:
    """Each scenario PASS or FAIL, after a line for each feature file with no scenarios (as ``ruleset test``)."""
    warned = list(warnings)
    rows = []
    for result in results:
        verdict = "PASS" if result.passed else "FAIL"
        detail = ""
        if not result.passed:
            step = f"step at line {result.step_line}: {result.step}\n" if result.step else ""
            detail = f"<pre>{esc(step + result.message + chr(10) + result.advice)}</pre>"
        rows.append(
            f'<tr class="scenario"><td class="{verdict.lower()}">{verdict}</td><td>{esc(result.location)}'
            f"</td><td>{esc(result.name)}{detail}</td></tr>"
        )
    failed = sum(not result.passed for result in results)
    files = f"{len(warned)} feature file{'' if len(warned) == 1 else 's'}"
    unchecked = f"; {files} without scenarios" if warned else ""
    return (
        "".join(f'<p class="warning">{esc(line)}</p>' for line in warned)
        + f'<p id="summary" class="{"fail" if failed else "pass"}">{len(results)} scenarios: '
        f"{len(results) - failed} passed, {failed} failed{unchecked}</p>"
        f"<table><tr><th>result</th><th>where</th><th>scenario</th></tr>{''.join(rows)}</table>"
    )


def impact_table(rows: list[tuple[str, ...]], summary: str) -> str:
    head, *body = rows
    cells = "".join(f"<th>{esc(text)}</th>" for text in head)
    lines = "".join('<tr class="rule">' + "".join(f"<td>{esc(text)}</td>" for text in row) + "</tr>" for row in body)
    return f'<table id="impact"><tr>{cells}</tr>{lines}</table><p>{esc(summary)}</p>'


def message(title: str, lines: Iterable[str], kind: str = "problem") -> str:
    return (
        f"<section><h2>{esc(title)}</h2>"
        + "".join(f'<p class="{kind}">{esc(line)}</p>' for line in lines)
        + "</section>"
    )
