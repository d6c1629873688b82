"""Serving a stored file to one reader, never from a public URL.

Uploaded files (order photos) are kept out of ``MEDIA_URL``: a view first asks the owning
app's policy whether the reader may see the file, then streams it from the storage with
this response.
"""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse

# The reader's browser may keep it a while (the name never changes); no shared cache may.
PRIVATE_CACHE = "private, max-age=3600"


def private_file(file: File, *, content_type: str, filename: str) -> FileResponse:
    """Stream ``file`` (opened from a storage) as exactly ``content_type``, shown inline.

    ``nosniff``: the browser takes the type given, never guesses one from the bytes;
    ``same-origin``: no other site may embed it.
    """
    response = FileResponse(file, content_type=content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = PRIVATE_CACHE
    return response
