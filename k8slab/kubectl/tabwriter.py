"""Go's text/tabwriter (left-aligned, space padding), which kubectl's tables and describe use.

upstream: go/src/text/tabwriter/tabwriter.go (``format``, ``writeLines``). A cell is text
ended by a tab; the text after the last tab of a line is not part of any column. A column
block is a run of consecutive lines that all have a cell in that column; its width is the
widest cell plus ``padding``, at least ``minwidth``.

kubectl get uses minwidth 6, padding 3 (cli-runtime printers.GetNewTabWriter); kubectl
describe uses minwidth 0, padding 2 (describe.go ``tabbedString``).
"""

from __future__ import annotations


def format_tabs(text: str, minwidth: int, padding: int) -> str:
    """Align ``text`` as a tabwriter with these settings would when flushed once."""
    if not text:
        return ""
    trailing_newline = text.endswith("\n")
    body = text[:-1] if trailing_newline else text
    lines = [line.split("\t") for line in body.split("\n")]
    widths: list[int] = []
    out: list[str] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            parts = []
            for j, c in enumerate(cells):
                if j < len(widths) and j < len(cells) - 1:
                    parts.append(c + " " * (widths[j] - len(c)))
                else:
                    parts.append(c)
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1:
                cells = lines[this]
                if column >= len(cells) - 1:
                    break
                w = len(cells[column]) + padding
                if w > width:
                    width = w
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out) + ("\n" if trailing_newline else "")


def format_table(text: str) -> str:
    """Align as kubectl get's tabwriter does (minwidth 6, padding 3)."""
    return format_tabs(text, 6, 3)


def format_describe(text: str) -> str:
    """Align as kubectl describe's tabwriter does (minwidth 0, padding 2)."""
    return format_tabs(text, 0, 2)
