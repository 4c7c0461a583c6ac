"""Downloads of tables: the XLSX is streamed as its rows are read, keeps each cell's type and never holds more
rows in a sheet than Excel opens."""

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

from django.test import override_settings
from openpyxl import load_workbook

from ouvidoria.lib import exports
from ouvidoria.rules.classification import INTERNAL


def _sheets_of(body: bytes) -> list[tuple[str, list[tuple[object, ...]]]]:
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets]


def _sheets(response) -> list[tuple[str, list[tuple[object, ...]]]]:
    return _sheets_of(b"".join(response.streaming_content))


def test_xlsx_rows_past_the_sheet_limit_continue_on_a_second_sheet_with_the_header(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # Excel's is 1,048,576, the header included
    response = exports.xlsx_response(
        "fila.xlsx", "Fila", ["Protocolo", "N"], ([f"P{i}", i] for i in range(5)), classification=INTERNAL
    )
    assert _sheets(response) == [
        ("Fila", [("Protocolo", "N"), ("P0", 0), ("P1", 1)]),
        ("Fila (2)", [("Protocolo", "N"), ("P2", 2), ("P3", 3)]),
        ("Fila (3)", [("Protocolo", "N"), ("P4", 4)]),
    ]


def test_xlsx_rows_that_fill_the_sheet_exactly_stay_on_one_sheet(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = exports.xlsx_response(
        "fila.xlsx", "Fila", ["Protocolo"], ([f"P{i}"] for i in range(2)), classification=INTERNAL
    )
    assert _sheets(response) == [("Fila", [("Protocolo",), ("P0",), ("P1",)])]


def test_xlsx_continuation_sheets_keep_within_excels_31_characters(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    long_name = "Principais assuntos e seus desdobramentos"
    response = exports.xlsx_response("t.xlsx", long_name, ["A"], [["x"], ["y"]], classification=INTERNAL)
    assert [title for title, _ in _sheets(response)] == [long_name[:31], long_name[:27] + " (2)"]


def test_csv_is_streamed_row_by_row_from_the_rows_given():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [i, "x"]

    response = exports.csv_response("fila.csv", ["N", "T"], rows(), classification=INTERNAL)
    assert response.streaming
    assert consumed == []  # nothing read before the response is sent
    chunks = iter(response.streaming_content)
    assert next(chunks) == "\ufeffN;T\r\n".encode()
    assert next(chunks) == b"0;x\r\n"
    assert consumed == [0]


def test_xlsx_cells_keep_their_types_when_read_back():
    row = [
        'Ação <&>" e\x01 fim ', 42, -2.5, Decimal("3.25"), date(2026, 2, 13), datetime(2026, 2, 13, 9, 30, 15),
        True, False, None, "último",
    ]  # fmt: skip
    response = exports.xlsx_response(
        "t.xlsx", "Tipos", [f"C{i}" for i in range(len(row))], [row], classification=INTERNAL
    )
    [(_, [_, back])] = _sheets(response)
    assert back == (
        'Ação <&>" e fim ', 42, -2.5, 3.25, datetime(2026, 2, 13), datetime(2026, 2, 13, 9, 30, 15),
        True, False, None, "último",
    )  # fmt: skip
    assert [type(v) for v in back[1:4]] == [int, float, float]


@override_settings(TIME_ZONE="America/Sao_Paulo")
def test_xlsx_aware_datetimes_are_written_in_the_local_time_zone():
    response = exports.xlsx_response(
        "t.xlsx", "T", ["Recebida"], [[datetime(2026, 2, 13, 12, 0, tzinfo=UTC)]], classification=INTERNAL
    )
    assert _sheets(response) == [("T", [("Recebida",), (datetime(2026, 2, 13, 9, 0),)])]


def test_xlsx_dates_carry_a_date_format():
    response = exports.xlsx_response(
        "t.xlsx", "T", ["D", "DT"], [[date(2026, 2, 13), datetime(2026, 2, 13, 9, 30)]], classification=INTERNAL
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].is_date
    assert sheet["B2"].is_date
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    assert sheet["B2"].number_format == "dd/mm/yyyy hh:mm:ss"


def test_xlsx_with_no_rows_has_the_header_alone():
    response = exports.xlsx_response("t.xlsx", "Fila", ["Protocolo"], [], classification=INTERNAL)
    assert _sheets(response) == [("Fila", [("Protocolo",)])]


def test_xlsx_is_a_zip_with_its_content_types():
    response = exports.xlsx_response("fila.xlsx", "Fila", ["A"], [["x"]], classification=INTERNAL)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="fila.xlsx"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))  # noqa: S314 (our own output)
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{ns}Override")}
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    assert overrides == {
        "/xl/workbook.xml": f"{main}.sheet.main+xml",
        "/xl/styles.xml": f"{main}.styles+xml",
        "/xl/worksheets/sheet1.xml": f"{main}.worksheet+xml",
        # The classification's document properties (docs/security.md, "Classificação da informação").
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    }
    assert {f"/{name}" for name in archive.namelist()} >= set(overrides)


def test_xlsx_is_streamed_while_the_rows_are_read():
    consumed = []
    total = 30_000

    def rows():
        for i in range(total):
            consumed.append(i)
            yield [f"2026.{i * 7919 % 100_000_000:08d}", i, f"Descrição {i * 104729}"]

    response = exports.xlsx_response("fila.xlsx", "Fila", ["Protocolo", "N", "Texto"], rows(), classification=INTERNAL)
    assert response.streaming
    assert consumed == []  # nothing read before the response is sent
    read_at_chunk = []
    body = b""
    for chunk in response.streaming_content:
        if chunk:
            read_at_chunk.append(len(consumed))
            body += chunk
    assert read_at_chunk[0] < total
    assert sum(1 for n in read_at_chunk if 0 < n < total) > 1  # the sheet's rows leave while more are read
    [(_, back)] = _sheets_of(body)
    assert len(back) == total + 1


def test_xlsx_queue_row_reads_back_as_written_empty_texts_as_empty_cells():
    row = ["2026.00000001", "Entidade", "SAC", "Telefone", "Reclamação", "", "Nova", "13/02/2026 09:00", "20/02/2026",
           "", "Ana Souza"]  # fmt: skip
    response = exports.xlsx_response("fila.xlsx", "Fila", [f"H{i}" for i in range(11)], [row], classification=INTERNAL)
    # An empty string is an empty cell, as openpyxl wrote it.
    assert _sheets(response)[0][1][1] == tuple(v or None for v in row)
