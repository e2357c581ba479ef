"""Uploaded reports: checked (size, type from content), safely named and saved into the reports folder.

A saved file never replaces another one: the same bytes under the same name are recognised as
already there, other bytes get a numbered name (``report (2).pdf``). Files appear whole or not
at all (written to a hidden temporary file first, then linked into place).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError
from ingest.sniff import sniff

# The extension a saved file gets for each sniffed type (the first is the default).
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "html": (".html", ".htm"),
    "markdown": (".md", ".markdown"),
    "text": (".txt", ".text"),
}
MAX_NAME_CHARS = 120
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
_UNSAFE = re.compile(r"[^\w .,()&'+-]", re.UNICODE)


class UploadRejectedError(ValueError):
    """An upload that cannot be saved; the message is a one-line reason for the user."""


@dataclass(frozen=True)
class SavedUpload:
    """Where an upload went.

    Attributes:
        original: The name the user gave.
        name: The name it was saved under (relative to the reports folder).
        path: The saved file.
        kind: The type sniffed from its content.
        renamed: True when the name differs from the sanitised original (a clash was avoided).
        already_present: True when the same bytes were already there under that name.
    """

    original: str
    name: str
    path: Path
    kind: str
    renamed: bool = False
    already_present: bool = False


def sanitize_name(name: str, kind: str | None = None) -> str:
    """A safe file name: no folders, no hidden files, no odd characters, a fitting extension.

    Args:
        name: The name the user's browser sent (may hold a path, dots, control characters).
        kind: The sniffed type; the extension is made to fit it when given.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").split("/")[-1]  # the last part of any path
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"^[\s._-]+", "", name).rstrip(" .")  # no hidden files, no option-like names
    stem, ext = os.path.splitext(name)
    ext = ext.lower()
    if kind is not None:
        allowed = EXTENSIONS.get(kind, ())
        if ext not in allowed:
            if ext and not any(ext in v for v in EXTENSIONS.values()):
                stem = name  # "minutes.2023" keeps its dot as part of the stem
            ext = allowed[0] if allowed else ""
    stem = stem.strip(" .") or "upload"
    if stem.lower() in _RESERVED:
        stem = f"{stem}_"
    stem = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") or "upload"
    return stem + ext


def _candidates(name: str):
    stem, ext = os.path.splitext(name)
    yield name
    for i in range(2, 1000):
        yield f"{stem} ({i}){ext}"


def save_upload(
    source: Path | bytes, original_name: str, reports_dir: Path, max_bytes: int
) -> SavedUpload:
    """Check an upload and save it into the reports folder.

    Args:
        source: The uploaded file (a temporary path) or its bytes.
        original_name: The name the user gave it.
        reports_dir: The reports folder.
        max_bytes: The size limit.

    Returns:
        Where it was saved.

    Raises:
        UploadRejectedError: Too large, empty, an unsupported type, or no free name.
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UploadRejectedError(f"cannot read the upload: {exc.strerror}") from exc
        if size > max_bytes:
            raise UploadRejectedError(_too_large(size, max_bytes))
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise UploadRejectedError(_too_large(len(data), max_bytes))
    try:
        kind = sniff(data, original_name or "")
    except IngestError as exc:
        raise UploadRejectedError(str(exc)) from exc
    folder = Path(reports_dir)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    wanted = sanitize_name(original_name, kind)
    sha = hashlib.sha256(data).hexdigest()

    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=root)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for candidate in _candidates(wanted):
            target = root / candidate
            if target.resolve().parent != root:  # never outside the reports folder
                raise UploadRejectedError("unsafe file name")
            if target.exists() or target.is_symlink():
                if target.is_file() and not target.is_symlink() and _sha(target) == sha:
                    return SavedUpload(
                        original_name,
                        candidate,
                        target,
                        kind,
                        renamed=candidate != wanted,
                        already_present=True,
                    )
                continue
            try:
                os.link(tmp, target)  # fails if the name was taken meanwhile: no overwrite
            except FileExistsError:
                continue
            return SavedUpload(original_name, candidate, target, kind, renamed=candidate != wanted)
        raise UploadRejectedError(f"no free name for {wanted!r} in the reports folder")
    finally:
        Path(tmp).unlink(missing_ok=True)


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large: {size / 1048576:.1f} MB is over the {max_bytes / 1048576:g} MB limit"
