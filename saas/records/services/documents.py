"""Documents: files uploaded once, stored per tenant, linked to any number of records."""

import hashlib
import mimetypes
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import connection
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from saas.access.enums import Action
from saas.records import error_codes
from saas.records.models import Document, DocumentFolder, DocumentLink, Record
from saas.records.services.records import write_check
from saas.records.services.tags import tag_get_or_create


def document_upload(*, actor, upload: File, records: list[Record] = (), title: str = "",
                    folder_name: str | None = None, tags: list[str] = (), field: str = "file",
                    generated: bool = False, charset: str = "") -> Document:
    """Store an uploaded file (size and type checked, sha256 computed) in a top-level folder (created on
    first use) and link it to records. A file the product `generated` itself (a year's FEC) is not held to the
    upload size limit; when it knows the `charset` of a text it wrote, the type says it, and so does the download.
    Linking a file to a record changes it: the actor must be allowed to."""
    for record in records:
        write_check(actor, record, Action.EDIT)
    name = get_valid_filename(getattr(upload, "name", "") or "file") or "file"
    size = upload.size or 0
    content_type = _content_type(upload, name)
    if size == 0:
        raise ValidationError({field: ValidationError(_("The file is empty."), code=error_codes.FILE_EMPTY)})
    if size > settings.DOCUMENT_MAX_BYTES and not generated:
        raise ValidationError({field: ValidationError(
            _("The file is too large (%(size)s bytes; at most %(max)s).") % {
                "size": size, "max": settings.DOCUMENT_MAX_BYTES}, code=error_codes.FILE_TOO_LARGE)})
    if content_type not in settings.DOCUMENT_CONTENT_TYPES:
        raise ValidationError({field: ValidationError(
            _("Files of type %(type)s are not accepted.") % {"type": content_type},
            code=error_codes.FILE_TYPE_REFUSED)})
    if charset:
        content_type = f"{content_type}; charset={charset}"
    folder = None
    if folder_name and folder_name.strip():
        folder = DocumentFolder.objects.filter(name=folder_name.strip(), parent=None).first() or \
            folder_create(actor=actor, name=folder_name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(title=(title or name)[:200], file_name=name, content_type=content_type, size=size,
                        sha256=digest.hexdigest(), folder=folder, uploaded_by=actor)
    # The path carries the schema: tenants never share a folder (DESIGN.md section 3).
    path = f"{connection.schema_name}/documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}-{name}"
    # Refusals happen above, before anything is stored; a rollback after this line would leave an
    # orphan file (no database row points to it), which storage clean-up may collect.
    document.file.save(path, upload, save=False)
    document.full_clean()
    document.save()
    if tags:
        document.tags.set([tag_get_or_create(name=tag) for tag in tags])
    _links_create(document, records)
    return document


def document_link(*, actor, document: Document, records: list[Record]) -> Document:
    """Link a document to records the actor may change."""
    for record in records:
        write_check(actor, record, Action.EDIT)
    _links_create(document, records)
    return document


def _links_create(document: Document, records: list[Record]) -> None:
    DocumentLink.objects.bulk_create([DocumentLink(document=document, ref_id=r.ref_id) for r in records],
                                     ignore_conflicts=True)


def folder_create(*, actor, name: str, parent: DocumentFolder | None = None) -> DocumentFolder:
    folder = DocumentFolder(name=(name or "").strip(), parent=parent)
    folder.full_clean()
    folder.save()
    return folder


def _content_type(upload, name: str) -> str:
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    guessed = (mimetypes.guess_type(name)[0] or "").lower()
    # The extension decides when the client sent nothing useful; a declared type must agree with it.
    if not declared or declared == "application/octet-stream":
        return guessed or "application/octet-stream"
    if guessed and guessed != declared:
        return guessed if declared not in settings.DOCUMENT_CONTENT_TYPES else declared
    return declared


def document_links_copy(*, actor, source: Record, targets: list[Record]) -> int:
    """Link the documents of `source` to `targets` too (a converted lead's documents follow it)."""
    document_ids = list(DocumentLink.objects.filter(ref_id=source.ref_id).values_list("document_id", flat=True))
    links = [DocumentLink(document_id=d, ref_id=t.ref_id) for d in document_ids for t in targets]
    DocumentLink.objects.bulk_create(links, ignore_conflicts=True)
    return len(document_ids)
