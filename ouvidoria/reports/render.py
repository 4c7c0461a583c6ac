"""Turning a report's figures into files: PDF (WeasyPrint from a Django template, charts drawn by matplotlib as SVG)
and XLSX (openpyxl)."""

import base64
import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

BLUE, GREY = "#0b3d6b", "#8a96a3"


def bar_chart_svg(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], *, counts: bool = True) -> str:
    """A grouped bar chart as an SVG data URI (vector: sharp in the PDF at any zoom)."""
    import matplotlib.pyplot as plt

    fig = bar_chart_figure(title, labels, series, counts=counts)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue().encode()).decode()


def bar_chart_figure(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float]], *, counts: bool = True
) -> Any:
    """The matplotlib figure of ``bar_chart_svg``. A chart of counts ticks its axis at whole numbers only: "2,5
    manifestações" is not a thing (with 3 cases a month the default ticks were 0, 0.5, 1 … 3)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    count = max(len(series), 1)
    width = 0.8 / count
    colours = [BLUE, GREY, "#c47f00", "#1d6b34"]
    for index, (name, values) in enumerate(series.items()):
        positions = [i + (index - (count - 1) / 2) * width for i in range(len(labels))]
        ax.bar(positions, values, width=width, label=name, color=colours[index % len(colours)])
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8, rotation=0 if len(labels) <= 12 else 45)
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=8)
    if counts:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """One worksheet per (title, header, rows), header in bold, columns sized to their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in header]
        for row in rows:
            sheet.append(list(row))
            widths = [max(w, len(str(v)) if v is not None else 0) for w, v in zip(widths, row, strict=False)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
