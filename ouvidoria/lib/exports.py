"""Tables as downloads, both streamed: bytes leave as the rows are read (``bench/exports.py`` measures both over
1,000,000 rows, docs/benchmarks.md section 9).

CSV: one line per row, ";" and a BOM, as Excel in pt-BR expects.

XLSX: the zip is written as it goes. A workbook built with openpyxl (even write-only) is zipped only on ``save()``,
so a million-row file sent its first byte after 11 minutes, past any browser, proxy or gunicorn timeout. Here the
sheet's XML is written row by row into a zip entry and the zip's output is handed on in chunks. Python's own
``zipfile`` does it with no new dependency: on a sink it cannot seek it writes each entry's sizes and CRC in a data
descriptor after the data, and ``force_zip64=True`` lets a sheet entry grow past 4 GiB whatever its final size
(the ``stream-zip`` library does the same thing, with a dependency to keep). The parts are the least SpreadsheetML
that Excel, LibreOffice and openpyxl open: content types, the package and workbook relationships, a workbook, a style
sheet with a date and a date-and-time format, and one worksheet per sheet; cells are inline strings, numbers, booleans
and dates as serial numbers, so no shared-string table has to be held until the end.

Classification (docs/security.md, "Classificação da informação"): every download states its highest level
(``ouvidoria.rules.classification``) where a compliance officer looks for it: an ``X-Classification`` header on the
response; a file holding personal data says so in its name (``fila-20261202-pessoal.csv``, ``-sensivel``), the one
marking a CSV keeps once saved; a workbook also carries it in its document properties (Category "Classificação: Dado
pessoal" and a custom property "Classificação", which Excel's and LibreOffice's File › Properties show). Which
columns a role gets in clear is ``ouvidoria.accounts.exports``.
"""

import csv
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from ouvidoria.rules.classification import PERSONAL, Level


class _Echo:
    def write(self, value: str) -> str:
        return value


def _lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def classified_name(filename: str, classification: Level) -> str:
    """``filename`` with the level before its extension when the file holds personal data: the marking a saved CSV
    keeps (``fila-20261202.csv`` → ``fila-20261202-pessoal.csv``)."""
    if classification < PERSONAL:
        return filename
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-{classification.token}.{extension}" if dot else f"{filename}-{classification.token}"


def _labelled(response: StreamingHttpResponse, filename: str, classification: Level) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{classified_name(filename, classification)}"'
    response["X-Classification"] = classification.token
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, classification: Level
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    return _labelled(response, filename, classification)


# Rows in one Excel sheet, the header included (Excel's specification and limits). Excel refuses a file with more as
# damaged: the rows beyond go on further sheets, each with the header.
XLSX_MAX_ROWS = 1_048_576
# Sheet names: at most 31 characters, none of these (Excel's specification and limits).
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
# The zip's output is handed on once this much is waiting; rows are encoded and compressed this many at a time.
_CHUNK_BYTES = 64 * 1024
_ROWS_PER_WRITE = 256

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/custom-properties" Target="docProps/custom.xml"/></Relationships>'
)
CLASSIFICATION_PROPERTY = "Classificação"


def _properties(classification: Level) -> list[tuple[str, str]]:
    """The document properties that carry the classification: Category in the core properties, and a custom one."""
    label = _escape(classification.label)
    created = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        f"{_XML}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<cp:category>{CLASSIFICATION_PROPERTY}: {label}</cp:category><cp:contentStatus>{label}</cp:contentStatus>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created></cp:coreProperties>'
    )
    custom = (
        f'{_XML}<Properties xmlns="{_OFFICE}/custom-properties" xmlns:vt="{_OFFICE}/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{CLASSIFICATION_PROPERTY}">'
        f"<vt:lpwstr>{label}</vt:lpwstr></property></Properties>"
    )
    return [("docProps/core.xml", core), ("docProps/custom.xml", custom)]


# Cell styles: 0 plain, 1 a date, 2 a date and time (custom formats 164 and 165, as read in Brazil).
_DATE_STYLE, _DATETIME_STYLE = 1, 2
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
_SHEET_END = b"</sheetData></worksheet>"
# Characters XML 1.0 does not allow (control characters but tab and line breaks, lone surrogates, U+FFFE, U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's day 0 is 1899-12-30 once past its fictitious 1900-02-29 (day 60); openpyxl counts the same way.
_EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 (naive on purpose: a serial number has no time zone)


class _Sink:
    """A zip's destination that cannot seek (so ``zipfile`` writes data descriptors), drained after each chunk."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        self.size = 0
        return data


def _escape(text: str, quote: bool = False) -> str:
    text = _XML_ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def _serial(value: datetime) -> float:
    days = (value - _EXCEL_EPOCH).days
    if 0 < days <= 60:
        days -= 1
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000
    return days + seconds / 86400


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":  # an empty cell, as openpyxl writes an empty string
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float | Decimal) and math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>' if isinstance(value, float) else f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        if timezone.is_aware(value):  # Excel has no time zones: the time as read here
            value = timezone.localtime(value).replace(tzinfo=None)
        return f'<c r="{ref}" s="{_DATETIME_STYLE}"><v>{_serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{_serial(datetime.combine(value, time()))!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(str(value))}</t></is></c>'


def _column(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Rows:
    """Each row as its XML, the cells with their references (an absent cell is an empty one)."""

    def __init__(self) -> None:
        self._columns: list[str] = []

    def xml(self, number: int, values: Sequence[Any]) -> str:
        while len(self._columns) < len(values):
            self._columns.append(_column(len(self._columns)))
        columns = self._columns
        cells = "".join([_cell(f"{columns[i]}{number}", v) for i, v in enumerate(values)])
        return f'<row r="{number}">{cells}</row>'


def _sheet_names(sheet_name: str, count: int) -> list[str]:
    title = _SHEET_NAME_FORBIDDEN.sub("-", sheet_name)[:_SHEET_NAME_MAX]
    names = [title]
    for n in range(2, count + 1):
        suffix = f" ({n})"
        names.append(title[: _SHEET_NAME_MAX - len(suffix)] + suffix)
    return names


def _workbook_parts(sheet_name: str, count: int) -> list[tuple[str, str]]:
    """The parts that name every sheet, written once the rows have said how many there are."""
    sheets = "".join(
        f'<sheet name="{_escape(name, quote=True)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(_sheet_names(sheet_name, count), start=1)
    )
    relationships = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return [
        ("xl/workbook.xml", f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'),
        (
            "xl/_rels/workbook.xml.rels",
            f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">{relationships}'
            f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        ),
        (
            "[Content_Types].xml",
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml"'
            ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/custom.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
            f"{overrides}</Types>",
        ),
    ]


def _xlsx_chunks(
    sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], classification: Level
) -> Iterator[bytes]:
    sink = _Sink()
    encoder = _Rows()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        for name, text in _properties(classification):
            archive.writestr(name, text)
        yield sink.drain()
        sheets, number = 0, XLSX_MAX_ROWS  # as if a sheet were full: the first row opens sheet 1
        pending: list[str] = []
        entry = None
        try:
            for row in rows:
                if number >= XLSX_MAX_ROWS:
                    if entry is not None:
                        entry.write(("".join(pending)).encode())
                        pending.clear()
                        entry.write(_SHEET_END)
                        entry.close()
                    sheets += 1
                    entry = archive.open(f"xl/worksheets/sheet{sheets}.xml", "w", force_zip64=True)
                    entry.write(_SHEET_START)
                    pending.append(encoder.xml(1, header))
                    number = 1
                number += 1
                pending.append(encoder.xml(number, row))
                if len(pending) >= _ROWS_PER_WRITE:
                    entry.write(("".join(pending)).encode())  # type: ignore[union-attr]
                    pending.clear()
                    if sink.size >= _CHUNK_BYTES:
                        yield sink.drain()
            if entry is None:  # no rows: the header alone
                sheets = 1
                entry = archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
                entry.write(_SHEET_START)
                pending.append(encoder.xml(1, header))
            entry.write(("".join(pending)).encode())
            entry.write(_SHEET_END)
        finally:
            if entry is not None:
                entry.close()
        for name, text in _workbook_parts(sheet_name, sheets):
            archive.writestr(name, text)
    yield sink.drain()


def xlsx_response(
    filename: str, sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, classification: Level
) -> StreamingHttpResponse:
    chunks = _xlsx_chunks(sheet_name, header, rows, classification)
    return _labelled(StreamingHttpResponse(chunks, content_type=f"{_CT}.sheet"), filename, classification)
