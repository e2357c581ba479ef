"""Finding the files to index under the given folders, and which of them really are inside."""

from __future__ import annotations

from pathlib import Path

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def discover(paths: list[Path], skip: list[Path] | None = None) -> list[tuple[Path, Path]]:
    """(file, root) for every file under the given paths; a file given alone has its folder as root.

    Hidden files and folders, and anything inside ``skip`` folders (e.g. the index), are left out.
    """
    skip_resolved = [s.resolve() for s in (skip or [])]
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            root = p
            files = sorted(f for f in p.rglob("*") if f.is_file())
        elif p.exists():
            root, files = p.parent, [p]
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
        for f in files:
            rel = f.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or f.name in SKIP_NAMES:
                continue
            r = f.resolve()
            if any(r.is_relative_to(s) for s in skip_resolved) or r in seen:
                continue
            seen.add(r)
            out.append((f, root))
    return out


def inside_root(path: Path, root: Path) -> bool:
    """Whether a file found under ``root`` really is there once its links are followed."""
    try:
        return path.resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):  # a link loop
        return False
