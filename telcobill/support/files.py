"""Serving a tutorial's video or captions from storage, in full or the byte range a player asks."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

from .ranges import Span, Unsatisfiable, requested_span

CHUNK = 64 * 1024
CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "vtt": "text/vtt; charset=utf-8"}


def file_response(request: HttpRequest, field) -> HttpResponse:
    """The file of a FileField: 200 with all of it, 206 with the range asked (Content-Range), 416
    when the range is past its end. An If-Range that no longer matches (the file was replaced)
    gets the whole new file. A file missing from storage answers 404."""
    storage, name = field.storage, field.name
    try:
        size = storage.size(name)
        modified = int(storage.get_modified_time(name).timestamp())
    except OSError:
        raise Http404("the file is missing from storage") from None
    etag = f'"{size:x}-{modified:x}"'
    extension = name.rsplit(".", 1)[-1].lower()
    headers = {"Accept-Ranges": "bytes", "ETag": etag, "Last-Modified": http_date(modified),
               "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range and if_range not in (etag, http_date(modified)):
        header = None
    try:
        span = requested_span(header, size)
    except Unsatisfiable:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    status = 206
    if span is None:
        span, status = Span(0, size - 1), 200
    else:
        headers["Content-Range"] = f"bytes {span.start}-{span.end}/{size}"
    response = StreamingHttpResponse(_read(storage.open(name, "rb"), span) if request.method != "HEAD" else [],
                                     status=status, content_type=CONTENT_TYPES.get(extension,
                                                                                   "application/octet-stream"),
                                     headers=headers)
    response["Content-Length"] = str(max(span.length, 0))
    return response


def _read(handle, span: Span) -> Iterator[bytes]:
    with handle:
        handle.seek(span.start)
        left = span.length
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
