"""Tables as downloads: CSV streamed row by row (";" and a BOM, as Excel in pt-BR expects) and XLSX written in
openpyxl's write-only mode to a spooled file, so that a million rows never sit in memory as cells
(``bench/exports.py`` measures both over 1,000,000 rows, docs/benchmarks.md section 9)."""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def _lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Rows in one Excel sheet, the header included (Excel's specification and limits). openpyxl writes past it without a
# word, and Excel then refuses the file as damaged: the rows beyond go on further sheets, each with the header.
XLSX_MAX_ROWS = 1_048_576


def xlsx_response(filename: str, sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    title = sheet_name[:31]
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    in_sheet, sheets = 1, 1
    for row in rows:
        if in_sheet >= XLSX_MAX_ROWS:
            sheets += 1
            suffix = f" ({sheets})"
            sheet = workbook.create_sheet(title[: 31 - len(suffix)] + suffix)
            sheet.append(list(header))
            in_sheet = 1
        sheet.append(list(row))
        in_sheet += 1
    # Handed to FileResponse, which closes it once sent.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename)
