"""A paper table printed as Markdown, LaTeX (``tabular`` in a ``table``), HTML or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import escape

from archspec.backends.graphviz.labels import count
from archspec.papertable.model import Bracket, Item, PaperTable, Row, cell_text

FORMATS = ("md", "latex", "html", "csv")
_RIGHT = {"params", "MACs", "t", "c", "n", "s"}


def _numbers(row: Row | PaperTable) -> tuple[str, str]:
    return f"{row.params:,}", count(row.macs)


# ---- Markdown ----------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(t: PaperTable) -> str:
    cols = t.columns
    lines = [f"**{t.title}**", "", "| " + " | ".join(cols) + " |",
             "|" + "|".join("--:" if c in _RIGHT else "---" for c in cols) + "|"]
    for r in t.rows:
        lines.append("| " + " | ".join(_md_cell(cell_text(c)) for c in r.cells) + " | " + " | ".join(_numbers(r)) + " |")
    params, macs = _numbers(t)
    lines.append("| " + " | ".join(["**total**", *[""] * (len(t.head) - 1), f"**{params}**", f"**{macs}**"]) + " |")
    return "\n".join([*lines, "", *t.notes]) + "\n"


# ---- LaTeX -------------------------------------------------------------------------------------

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_UNICODE = {"×": r"$\times$", "²": r"$^2$", "→": r"$\rightarrow$", "“": "``", "”": "''", "—": "---",
                  "·": r"$\cdot$", "…": r"\ldots{}"}


def latex_text(text: str) -> str:
    """Plain text as LaTeX: specials escaped, ×, ², → and quotes as LaTeX writes them."""
    out = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)
    for uni, tex in _LATEX_UNICODE.items():
        out = out.replace(uni, tex)
    return out


def _latex_item(item: Item) -> str:
    if isinstance(item, str):
        return latex_text(item)
    return "$" + _latex_bracket(item) + "$"


def _latex_bracket(b: Bracket) -> str:
    """A bracket in math mode: a stacked array in [ ], then ×n."""
    rows = [_latex_bracket(i) if isinstance(i, Bracket) else r"\mbox{" + latex_text(i) + "}" for i in b.items]
    body = r"\left[\begin{array}{c}" + r" \\ ".join(rows) + r"\end{array}\right]"
    return body + (rf"\times{b.repeats}" if b.repeats != 1 else "")


def latex(t: PaperTable) -> str:
    cols = t.columns
    spec = "".join("r" if c in _RIGHT else "l" for c in cols)
    lines = [r"\begin{table}[t]", r"\centering", r"\caption{" + latex_text(t.title) + "}",
             r"\begin{tabular}{" + spec + "}", r"\hline", " & ".join(latex_text(c) for c in cols) + r" \\"]
    for r in t.rows:
        if r.first:
            lines.append(r"\hline")
        cells = [latex_text(c) if isinstance(c, str) else ", ".join(_latex_item(i) for i in c) for c in r.cells]
        lines.append(" & ".join([*cells, *(latex_text(v) for v in _numbers(r))]) + r" \\")
    params, macs = _numbers(t)
    lines += [r"\hline", " & ".join(["total", *[""] * (len(t.head) - 1), params, latex_text(macs)]) + r" \\", r"\hline",
              r"\end{tabular}", "", "\\smallskip\n" + latex_text(" ".join(t.notes)), r"\end{table}"]
    return "\n".join(lines) + "\n"


# ---- HTML --------------------------------------------------------------------------------------

BRACKET_STYLE = ("display:inline-block;vertical-align:middle;border-left:1px solid;border-right:1px solid;"
                 "border-radius:4px;padding:0 .4em;margin:2px 0;text-align:center")


def _html_item(item: Item) -> str:
    if isinstance(item, str):
        return escape(item)
    inner = "<br>".join(_html_item(i) for i in item.items)
    times = f"&nbsp;×{item.repeats}" if item.repeats != 1 else ""
    return f'<span class="archspec-bracket" style="{BRACKET_STYLE}">{inner}</span>{times}'


def html(t: PaperTable) -> str:
    cols = t.columns

    def align(c: str) -> str:
        return ' style="text-align:right"' if c in _RIGHT else ""

    out = ['<table class="archspec-table">', f"<caption>{escape(t.title)}</caption>",
           "<thead><tr>" + "".join(f"<th{align(c)}>{escape(c)}</th>" for c in cols) + "</tr></thead>", "<tbody>"]
    for r in t.rows:
        cells = [escape(c) if isinstance(c, str) else "<br>".join(_html_item(i) for i in c) for c in r.cells]
        cells += [escape(v) for v in _numbers(r)]
        out.append("<tr>" + "".join(f"<td{align(c)}>{v}</td>" for c, v in zip(cols, cells, strict=True)) + "</tr>")
    params, macs = _numbers(t)
    blanks = "".join("<td></td>" for _ in t.head[1:])
    out += ["</tbody>", f'<tfoot><tr><th style="text-align:left">total</th>{blanks}<th{align("params")}>{params}</th>'
            f'<th{align("MACs")}>{escape(macs)}</th></tr></tfoot>', "</table>"]
    out += [f'<p class="archspec-table-note">{escape(note)}</p>' for note in t.notes]
    return "\n".join(out) + "\n"


# ---- CSV ---------------------------------------------------------------------------------------


def csv_text(t: PaperTable) -> str:
    """Exact integers for params and MACs; the total as a last row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(t.columns)
    for r in t.rows:
        w.writerow([cell_text(c) for c in r.cells] + [r.params, r.macs])
    w.writerow(["total", *[""] * (len(t.head) - 1), t.params, t.macs])
    return buf.getvalue()


RENDERERS: dict[str, Callable[[PaperTable], str]] = {"md": markdown, "latex": latex, "html": html, "csv": csv_text}


def render(t: PaperTable, fmt: str = "md") -> str:
    """The table as text in ``fmt`` (md, latex, html or csv)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format `{fmt}`; choose one of {', '.join(FORMATS)}")
    return RENDERERS[fmt](t)
