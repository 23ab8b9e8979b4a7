"""Files the pages hand over: an attachment whose name the caller built from slugified parts
only (so nothing typed can break the header), and its download in the audit log."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from plans import audit


def attachment(
    request,
    access,
    content: bytes,
    *,
    filename: str,
    content_type: str,
    kind: str = audit.Kind.PACK_DOWNLOADED,
    obj=None,
    verb: str = "Downloaded",
    **detail,
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    audit.record(
        kind,
        request=request,
        partnership=access.partnership,
        obj=obj,
        summary=f"{verb} {filename}",
        detail={"file": filename, **detail},
    )
    return response
