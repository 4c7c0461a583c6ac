"""Downloads of tables: an XLSX never holds more rows in a sheet than Excel opens."""

import io

from openpyxl import load_workbook

from ouvidoria.lib import exports


def _sheets(response) -> list[tuple[str, list[tuple[object, ...]]]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets]


def test_xlsx_rows_past_the_sheet_limit_continue_on_a_second_sheet_with_the_header(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # Excel's is 1,048,576, the header included
    response = exports.xlsx_response("fila.xlsx", "Fila", ["Protocolo", "N"], ([f"P{i}", i] for i in range(5)))
    assert _sheets(response) == [
        ("Fila", [("Protocolo", "N"), ("P0", 0), ("P1", 1)]),
        ("Fila (2)", [("Protocolo", "N"), ("P2", 2), ("P3", 3)]),
        ("Fila (3)", [("Protocolo", "N"), ("P4", 4)]),
    ]


def test_xlsx_rows_that_fill_the_sheet_exactly_stay_on_one_sheet(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = exports.xlsx_response("fila.xlsx", "Fila", ["Protocolo"], ([f"P{i}"] for i in range(2)))
    assert _sheets(response) == [("Fila", [("Protocolo",), ("P0",), ("P1",)])]


def test_xlsx_continuation_sheets_keep_within_excels_31_characters(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    long_name = "Principais assuntos e seus desdobramentos"
    response = exports.xlsx_response("t.xlsx", long_name, ["A"], [["x"], ["y"]])
    assert [title for title, _ in _sheets(response)] == [long_name[:31], long_name[:27] + " (2)"]


def test_csv_is_streamed_row_by_row_from_the_rows_given():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [i, "x"]

    response = exports.csv_response("fila.csv", ["N", "T"], rows())
    assert response.streaming
    assert consumed == []  # nothing read before the response is sent
    chunks = iter(response.streaming_content)
    assert next(chunks) == "\ufeffN;T\r\n".encode()
    assert next(chunks) == b"0;x\r\n"
    assert consumed == [0]
