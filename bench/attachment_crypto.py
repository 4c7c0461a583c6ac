"""Throughput of the stored files' encryption (``ouvidoria/privacy/files.py``) against a plain copy of the same file.

    .venv/bin/python bench/attachment_crypto.py [--mb 64] [--repeat 3]

One file of ``--mb`` MiB of random bytes (a recording does not compress) in a temporary directory, then, each timed
``--repeat`` times and the best kept, every step reading and writing in 1 MiB blocks and ending with ``fsync``:

- reference, write: a plain copy of the file (what storing it in clear costs);
- encrypt: the same copy through ``encrypted_chunks`` (what an upload and ``rotate_keys`` cost);
- reference, read: reading the clear file through;
- decrypt: reading the encrypted file through ``PlainReader``;
- verified download: ``plain_verified`` (one pass authenticating everything) and then the streamed pass, as the
  workspace and the API serve a file.

Prints one JSON line (MB/s of each step, each step's ratio to its reference, the load average before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BLOCK = 1024 * 1024


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def best_of(repeat: int, step: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    common.setup_django()
    from ouvidoria.privacy.files import PlainReader, encrypted_chunks, plain_verified

    work = Path(tempfile.mkdtemp(prefix="bench-files-"))
    source, copy, encrypted = work / "source", work / "copy", work / "encrypted"
    with open(source, "wb") as f:
        for _ in range(args.mb):
            f.write(os.urandom(BLOCK))

    def blocks(path: Path) -> Iterator[bytes]:
        with open(path, "rb") as f:
            yield from iter(lambda: f.read(BLOCK), b"")

    def write_all(path: Path, parts: Iterable[bytes]) -> None:
        with open(path, "wb") as out:
            for part in parts:
                out.write(part)
            out.flush()
            os.fsync(out.fileno())

    def read_clear() -> None:
        for _ in blocks(source):
            pass

    def read_encrypted() -> None:
        with open(encrypted, "rb") as raw:
            for _ in PlainReader(raw):
                pass

    def verified_download() -> None:
        with open(encrypted, "rb") as raw:
            reader, _length = plain_verified(raw)
            while reader.read(64 * 1024):  # the download's block size
                pass

    before = load_average()
    common.log(f"{args.mb} MiB, best of {args.repeat}")
    seconds = {
        "reference_write": best_of(args.repeat, lambda: write_all(copy, blocks(source))),
        "encrypt": best_of(args.repeat, lambda: write_all(encrypted, encrypted_chunks(blocks(source)))),
        "reference_read": best_of(args.repeat, read_clear),
        "decrypt": best_of(args.repeat, read_encrypted),
        "verified_download": best_of(args.repeat, verified_download),
    }
    after = load_average()
    mb = args.mb * BLOCK / 1e6
    rates = {step: round(mb / s, 1) for step, s in seconds.items()}
    result = {
        "benchmark": "attachment_crypto",
        "at": common.utc_now(),
        "mib": args.mb,
        "stored_overhead_bytes": encrypted.stat().st_size - source.stat().st_size,
        "mb_per_s": rates,
        "ratio_to_reference": {
            "encrypt": round(rates["encrypt"] / rates["reference_write"], 2),
            "decrypt": round(rates["decrypt"] / rates["reference_read"], 2),
            "verified_download": round(rates["verified_download"] / rates["reference_read"], 2),
        },
        "load_average": {"before": before, "after": after},
    }
    for path in (source, copy, encrypted):
        path.unlink()
    work.rmdir()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
