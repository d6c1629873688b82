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
# A file is never a page: nothing in it may run or load anything (sandbox), whatever a
# browser made of it. The browser's own image viewer styles itself inline, so that alone
# is allowed (the site's policy, set by django-csp, leaves a header already set alone).
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def private_file(file: File, *, content_type: str, filename: str) -> FileResponse:
    """Stream ``file`` (opened from a storage) as exactly ``content_type``, shown inline.

    ``nosniff``: the browser takes the type given, never guesses one from the bytes;
    ``same-origin``: no other site may embed it; its own Content-Security-Policy.
    """
    response = FileResponse(file, content_type=content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = PRIVATE_CACHE
    return response
