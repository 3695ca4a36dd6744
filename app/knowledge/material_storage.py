"""Where a material's bytes live: in the database (the default, so an app process keeps no
state), or in MATERIALS_FOLDER when that is set, under a random name that says nothing about
the file. Each material remembers which (`storage_key`): setting a folder later leaves the files
kept in the database readable."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import current_app

from app.errors import NotFoundHere
from app.knowledge.models import Material

log = logging.getLogger(__name__)


def _folder() -> Path | None:
    folder = current_app.config.get("MATERIALS_FOLDER")
    return Path(folder) if folder else None


def _path(key: str) -> Path:
    folder = _folder()
    if folder is None:
        raise OSError("MATERIALS_FOLDER is not set")
    return folder / key


def store(material: Material, data: bytes) -> None:
    """Keep `data` as this material's file."""
    folder = _folder()
    if folder is None:
        material.data, material.storage_key = data, None
        return
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    # Written under a temporary name and moved: a reader never sees half a file.
    partial = folder / f".{key}.part"
    partial.write_bytes(data)
    os.replace(partial, folder / key)
    material.data, material.storage_key = None, key


def read(material: Material) -> bytes:
    if material.storage_key is None:
        if material.data is None:
            raise NotFoundHere()
        return material.data
    try:
        return _path(material.storage_key).read_bytes()
    except OSError:
        # Removed by hand, or MATERIALS_FOLDER moved: the file is gone, the page is not broken.
        log.warning("The file of material %s (%s) is missing", material.id, material.storage_key)
        raise NotFoundHere() from None


def discard(storage_key: str | None) -> None:
    """Remove a stored file (after its material is deleted); a file already gone is fine."""
    if storage_key is None:
        return
    try:
        _path(storage_key).unlink(missing_ok=True)
    except OSError:
        log.warning("Could not remove material file %s", storage_key)
