"""CSV import from a list page: upload, map the columns to fields (or apply a saved mapping), choose how duplicates
and invalid rows are handled, dry run (the row-level report), then the import as a job followed on its own page
(progress while it runs, the result and the report, undo).

The file waits between the steps in the tenant's storage under an unguessable name only this session knows;
it is deleted once the import starts. Everything else is the API's: `importCreate` (with `dryRun`),
`importMappings`, `import`, `importUndo`.
"""

import datetime as dt
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.labels import field_label
from web.app.lists import can_import, list_spec, list_url
from web.app.pages import member_page, render_page

SESSION_KEY = "import_uploads"
UPLOAD_KEPT = dt.timedelta(days=1)  # a file waiting for its mapping longer than this was abandoned
MODES = (("ALL_OR_NOTHING", gettext_lazy("All or nothing: a single invalid row and nothing is imported")),
         ("VALID_ROWS_ONLY", gettext_lazy("Valid rows only: invalid rows are reported and left out")))
ON_DUPLICATE = (("SKIP", gettext_lazy("Skip the row")), ("UPDATE", gettext_lazy("Update the existing record")),
                ("MERGE", gettext_lazy("Fill only the empty fields of the existing record")))
STATUSES = {"DRY_RUN": (gettext_lazy("Dry run"), "neutral"), "PENDING": (gettext_lazy("Waiting"), "neutral"),
            "RUNNING": (gettext_lazy("Running"), "warn"), "DONE": (gettext_lazy("Done"), "good"),
            "FAILED": (gettext_lazy("Failed"), "bad"), "UNDONE": (gettext_lazy("Undone"), "neutral")}
UNDER_WAY = {"PENDING", "RUNNING"}
UNKNOWN_COLUMN = "unknown_column"  # the report's code of a column no field takes


def _uploads(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _upload_store(request, key: str, upload) -> tuple[str, dict]:
    """Keep the uploaded file for the next steps; its token, known to this session only. A file uploaded earlier
    to the same list and left there goes: a session keeps one waiting file per list."""
    for earlier in [token for token, upload in _uploads(request).items() if upload["key"] == key]:
        _upload_forget(request, earlier)
    folder = f"{request.tenant.schema_name}/import-uploads"
    _abandoned_uploads_delete(folder)
    token = secrets.token_urlsafe(16)
    name = default_storage.save(f"{folder}/{token}.csv", upload)
    stored = {"key": key, "path": name, "fileName": upload.name}
    request.session[SESSION_KEY] = {**_uploads(request), token: stored}
    return token, stored


def _abandoned_uploads_delete(folder: str) -> None:
    """Files left waiting longer than UPLOAD_KEPT (their session ended or never came back) go when the tenant's
    next file arrives: a session cannot delete what it abandoned."""
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in files:
        path = f"{folder}/{file_name}"
        if timezone.now() - default_storage.get_modified_time(path) > UPLOAD_KEPT:
            default_storage.delete(path)


def _upload(request, key: str, token: str) -> dict | None:
    """The waiting file a token names (None once the import started or another file replaced it)."""
    upload = _uploads(request).get(token)
    if upload is None or upload["key"] != key or not default_storage.exists(upload["path"]):
        return None
    return upload


def _upload_forget(request, token: str) -> None:
    uploads = dict(_uploads(request))
    upload = uploads.pop(token, None)
    if upload is not None:
        default_storage.delete(upload["path"])
        request.session[SESSION_KEY] = uploads


def _start(request, upload: dict, variables: dict) -> dict:
    """`importCreate` with the stored file."""
    with default_storage.open(upload["path"], "rb") as stored:
        return gql.run(request, "ImportStart", {"input": {**variables, "file": File(stored, name=upload["fileName"])}})[
            "importCreate"]


def _posted(post, fields: list[str]) -> dict:
    """The mapping step as posted: columns → fields, defaults, duplicates, mode, mapping to save."""
    return {"columns": dict(zip(post.getlist("column"), post.getlist("field"), strict=False)),
            "defaults": {name: post.get(f"default-{name}", "").strip() for name in fields
                         if post.get(f"default-{name}", "").strip()},
            "duplicateFields": [name for name in post.getlist("duplicateFields") if name],
            "onDuplicate": post.get("onDuplicate") if post.get("onDuplicate") in dict(ON_DUPLICATE) else "SKIP",
            "mode": post.get("mode", ""), "saveMappingAs": post.get("saveMappingAs", "").strip(),
            "mapping": post.get("mapping", "")}


@member_page
def record_import(request, key: str):
    """Upload a CSV into the list's module (GET: the form), then the mapping step until the import starts."""
    spec = list_spec(request, key)
    module = spec.module_key
    if not can_import(request, module):
        raise PermissionDenied
    setup = gql.run(request, "ImportSetup", {"module": module})
    fields = next((m["fields"] for m in setup["accessModules"] if m["key"] == module), None)
    if fields is None:
        raise Http404
    mappings = setup["importMappings"]
    # A column may fill a custom field too (not a duplicate check: records are matched on their own fields).
    custom = [{"name": f"custom.{d['key']}", "label": d["label"], "custom": True}
              for d in setup["customFieldDefinitions"]]
    context = {"spec": spec, "modes": MODES, "on_duplicate": ON_DUPLICATE, "mappings": mappings,
               "fields": [*({"name": name, "label": field_label(name)} for name in fields), *custom]}
    fields = [*fields, *(field["name"] for field in custom)]
    if request.method != "POST":
        return render_page(request, "web/app/import_upload.html", {**context, "errors": {}},
                           title=_("Import into %(list)s") % {"list": spec.title})
    token = request.POST.get("token", "")
    if not token:
        return _uploaded(request, spec, context)
    upload = _upload(request, key, token)
    if upload is None:
        messages.error(request, _("This file is no longer waiting to be imported: upload it again."))
        return HttpResponseRedirect(reverse("record-import", args=[key]))
    choices = _posted(request.POST, fields)
    action = request.POST.get("action", "dry_run")
    errors: dict[str, list[str]] = {}
    report = None
    if action == "apply":
        saved = next((m for m in mappings if m["name"] == choices["mapping"]), None)
        if saved is not None:
            choices["columns"] = {column: saved["columns"].get(column, "") for column in choices["columns"]}
            choices["defaults"] = {**choices["defaults"], **saved["defaults"]}
    elif choices["mode"] not in dict(MODES):
        errors = {"mode": [_("Choose what happens to invalid rows.")]}
    else:
        payload = _start(request, upload, {
            "module": module, "mode": choices["mode"], "fileName": upload["fileName"],
            "columns": {column: field for column, field in choices["columns"].items() if field},
            "defaults": choices["defaults"], "duplicateFields": choices["duplicateFields"],
            "onDuplicate": choices["onDuplicate"], "saveMappingAs": choices["saveMappingAs"],
            "dryRun": action != "import"})
        if gql.failed(payload):
            errors = gql.form_errors(payload)
        elif action == "import":
            _upload_forget(request, token)
            messages.success(request, _("The import has started."))
            return HttpResponseRedirect(reverse("import", args=[payload["id"]]))
        else:
            report = payload
    return _mapping_page(request, context, token, upload, choices, errors, report)


def _uploaded(request, spec, context: dict):
    """The first step's answer: the file checked by a dry run of the automatic mapping, then the mapping step."""
    upload = request.FILES.get("file")
    if upload is None:
        return render_page(request, "web/app/import_upload.html", {**context, "errors": {
            "file": [_("Choose a CSV file.")]}}, title=_("Import into %(list)s") % {"list": spec.title}, status=400)
    token, stored = _upload_store(request, spec.key, upload)
    payload = _start(request, stored, {"module": spec.module_key, "mode": "VALID_ROWS_ONLY",
                                       "fileName": stored["fileName"], "dryRun": True})
    if gql.failed(payload):
        _upload_forget(request, token)
        return render_page(request, "web/app/import_upload.html", {**context, "errors": gql.form_errors(payload)},
                           title=_("Import into %(list)s") % {"list": spec.title}, status=400)
    stored["header"] = payload["header"]
    request.session[SESSION_KEY] = {**_uploads(request), token: stored}
    columns = {column: payload["columns"].get(column, "") for column in stored["header"]}
    choices = {"columns": columns, "defaults": {}, "duplicateFields": [], "onDuplicate": "SKIP", "mode": "",
               "saveMappingAs": "", "mapping": request.POST.get("mapping", "")}
    saved = next((m for m in context["mappings"] if m["name"] == choices["mapping"]), None)
    if saved is not None:
        choices["columns"] = {column: saved["columns"].get(column, "") for column in columns}
        choices["defaults"] = dict(saved["defaults"])
    return _mapping_page(request, context, token, stored, choices, {}, None)


def _mapping_page(request, context: dict, token: str, upload: dict, choices: dict, errors: dict, report):
    header = upload.get("header") or list(choices["columns"])
    rows = [{"column": column, "field": choices["columns"].get(column, "")} for column in header]
    return render_page(request, "web/app/import_mapping.html", {
        **context, "token": token, "upload": upload, "rows": rows, "choices": choices, "errors": errors,
        "report": report, "other_errors": {field: found for field, found in errors.items() if field != "mode"},
    }, title=_("Import into %(list)s") % {"list": context["spec"].title}, status=400 if errors else 200)


@member_page
def import_page(request, import_id: str):
    """An import: its progress while it runs (the page polls itself), then its result, report and undo."""
    if request.method == "POST":
        payload = gql.run(request, "ImportUndo", {"id": import_id})["importUndo"]
        if gql.failed(payload):
            for message in payload["messages"]:
                messages.error(request, message["message"])
        else:
            messages.success(request, _("The import was undone."))
        return HttpResponseRedirect(request.get_full_path())
    try:
        job = gql.run(request, "ImportProgress", {"id": import_id})["import"]
    except gql.OperationError as error:
        if isinstance(error, gql.Forbidden | gql.Unauthenticated):
            raise
        raise Http404 from error
    if job is None:
        raise Http404
    label, tone = STATUSES.get(job["status"], (job["status"], "neutral"))
    return render_page(request, "web/app/import.html", {
        "job": job, "status_label": label, "tone": tone, "under_way": job["status"] in UNDER_WAY,
        "percent": round(100 * job["processed"] / job["total"]) if job["total"] else 0,
        "list_url": list_url(job["module"]),
        "undoable": job["status"] == "DONE" and (job["created"] or job["updated"]),
        "mode_label": dict(MODES).get(job["mode"], job["mode"]),
    }, title=_("Import of %(file)s") % {"file": job["fileName"]})
