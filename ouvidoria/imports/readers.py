"""Reading a CSV or XLSX table row by row, as dicts keyed by the header (line 1), without loading the whole file.

CSV: UTF-8 with or without BOM, else Windows-1252 (what Excel in Portuguese saves); ``;``, ``,`` or tab as
delimiter, whichever the header line uses most. XLSX: the first sheet, read with openpyxl's streaming reader; dates
come as dates.
"""

import codecs
import csv
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ouvidoria.imports.services import Cell

if TYPE_CHECKING:
    from openpyxl import Workbook

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CHUNK = 1 << 20


class TableError(Exception):
    """The file cannot be read as a table; the message is for the user (pt-BR)."""


def open_table(path: Path) -> Iterator[dict[str, Cell]]:
    """The data rows of ``path``; blank rows come as rows of empty values, so line numbers stay right.

    The header is read at once (a bad file fails here); the rows are read as they are consumed.
    """
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _csv_rows(path)
    if suffix in XLSX_SUFFIXES:
        return _xlsx_rows(path)
    raise TableError(f"Formato não suportado: “{path.name}”. Use um arquivo .csv ou .xlsx.")


def count_rows(path: Path) -> int | None:
    """About how many data rows ``path`` has (for a progress bar), or None if unknown."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        lines = 0
        last = b"\n"
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return max(lines + (last != b"\n") - 1, 0)
    if suffix in XLSX_SUFFIXES:
        try:
            workbook = _load(path)
        except TableError:
            return None
        try:
            rows = workbook.worksheets[0].max_row if workbook.worksheets else None
        finally:
            workbook.close()
        return None if rows is None else max(rows - 1, 0)
    return None


def _header(values: list[str]) -> list[str]:
    header = [value.strip() for value in values]
    if not any(header):
        raise TableError("O arquivo está vazio ou a primeira linha (cabeçalho) está em branco.")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise TableError(f"Coluna repetida no cabeçalho: “{name}”.")
        seen.add(name)
    return header


def encoding_of(path: Path) -> str:
    """The encoding to read a text file with: ``utf-8-sig``, ``utf-8`` or ``cp1252`` (see ``_encoding``)."""
    return _encoding(path)


def _encoding(path: Path) -> str:
    """``utf-8-sig`` with a BOM, ``utf-8`` when every byte decodes as such, else ``cp1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        if file.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        file.seek(0)
        try:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[dict[str, Cell]]:
    encoding = _encoding(path)
    file = path.open(encoding=encoding, errors="replace", newline="")
    try:
        first = file.readline()
        delimiter = max((";", ",", "\t"), key=first.count)
        file.seek(0)
        reader = csv.reader(file, delimiter=delimiter)
        header = _header(next(reader, []))
    except (csv.Error, TableError) as exc:
        file.close()
        raise TableError(str(exc) if isinstance(exc, TableError) else f"CSV inválido: {csv_problem(exc)}.") from exc
    return _csv_body(file, reader, header)


def _csv_body(file: TextIO, reader: Iterator[list[str]], header: list[str]) -> Iterator[dict[str, Cell]]:
    width = len(header)
    line = 1
    try:
        for values in reader:
            line += 1
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield {name: value for name, value in zip(header, values, strict=False) if name}
    except csv.Error as exc:
        raise TableError(f"CSV inválido depois da linha {line}: {csv_problem(exc)}.") from exc
    finally:
        file.close()


def csv_problem(error: csv.Error) -> str:
    """What the csv module says of a line, in Portuguese."""
    message = str(error)
    if message.startswith("field larger than field limit"):
        return f"um campo passa de {csv.field_size_limit():,} caracteres".replace(",", ".")
    if message.startswith("unexpected end of data"):
        return "o arquivo termina dentro de um campo aberto com aspas"
    if "new-line character seen in unquoted field" in message:
        return "quebra de linha dentro de um campo sem aspas"
    return "linha malformada"


def _load(path: Path) -> "Workbook":
    # Imported here: openpyxl (and the numpy it pulls in) takes a good part of a second to load, wasted on CSV.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # "Workbook contains no default style" and the like say nothing about the data.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"Não foi possível ler a planilha “{path.name}”: {exc}") from exc


def _xlsx_rows(path: Path) -> Iterator[dict[str, Cell]]:
    workbook = _load(path)
    if not workbook.worksheets:
        workbook.close()
        raise TableError("A planilha não tem abas.")
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    try:
        first = next(rows, None)
        header = _header(["" if value is None else str(value) for value in first or ()])
    except TableError:
        workbook.close()
        raise
    return _xlsx_body(workbook, rows, header)


def _xlsx_body(workbook: "Workbook", rows: Iterator[tuple[Any, ...]], header: list[str]) -> Iterator[dict[str, Cell]]:
    try:
        for values in rows:
            row: dict[str, Cell] = dict.fromkeys((name for name in header if name), None)
            for name, value in zip(header, values, strict=False):
                if name:
                    row[name] = value
            yield row
    finally:
        workbook.close()
