"""Settings of the record engine: numbering formats, the layout manager, custom fields, tags."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.labels import field_label
from web.app.pages import render_page
from web.app.settings import admin_page, choices_of, saved

FIELD_TYPES = (("text", gettext_lazy("Text")), ("number", gettext_lazy("Number")),
               ("decimal", gettext_lazy("Decimal")), ("date", gettext_lazy("Date")),
               ("boolean", gettext_lazy("Yes/no")), ("choice", gettext_lazy("Choice")))


@admin_page
def numbering(request):
    """Each record type's number pattern (`FA-{YYYY}-{SEQ:5}`) and whether it restarts every year."""
    typed: dict[str, dict] = {}
    if request.method == "POST":
        module = request.POST.get("module", "")
        values = {"pattern": request.POST.get("pattern", "").strip(),
                  "yearlyReset": request.POST.get("yearlyReset") == "on"}
        payload = gql.run(request, "NumberingFormatUpdate", {"module": module, **values})["numberingFormatUpdate"]
        if not gql.failed(payload):
            return saved(request)
        typed[module] = {**values, "errors": gql.form_errors(payload)}
    data = gql.run(request, "NumberingFormats")
    labels = {module["key"]: module["labelPlural"] for module in data["modules"]}
    formats = [{**fmt, "label": labels.get(fmt["module"], fmt["module"]), **typed.get(fmt["module"], {})}
               for fmt in data["numberingFormats"]]
    return render_page(request, "web/app/settings/numbering.html", {"formats": formats},
                       title=_("Numbering formats"), status=400 if typed else 200)


DEFAULT_MODULE = "accounts"


def _known(module: str, modules: list[dict]) -> str:
    if module not in {m["key"] for m in modules}:
        raise Http404
    return module


def _moved(items: list, index: int, direction: str) -> list:
    """The list with its item at `index` moved one place up or down (unchanged at the ends)."""
    other = index - 1 if direction == "up" else index + 1
    if 0 <= index < len(items) and 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    return items


def _posted_layout(post) -> tuple[list[dict], list[str], list[str]]:
    """Blocks (with their fields), the tabs' order and the visible tabs, as the form posted them; a `move` button
    (`block:2:up`, `field:<block>:0:down`, `tab:1:up`) moves one of them first."""
    blocks = [{"key": key, "label": post.get(f"label:{key}", key), "fields": post.getlist(f"fields:{key}")}
              for key in post.getlist("blocks")]
    tabs, visible = post.getlist("tabs"), post.getlist("visible")
    kind, _sep, where = post.get("move", "").partition(":")
    parts = where.split(":")
    try:
        if kind == "block" and len(parts) == 2:
            blocks = _moved(blocks, int(parts[0]), parts[1])
        elif kind == "tab" and len(parts) == 2:
            tabs = _moved(tabs, int(parts[0]), parts[1])
        elif kind == "field" and len(parts) == 3:
            for block in blocks:
                if block["key"] == parts[0]:
                    block["fields"] = _moved(block["fields"], int(parts[1]), parts[2])
    except ValueError:
        pass
    return blocks, tabs, visible


@admin_page
def layouts(request):
    """The layout manager: the order of a module's blocks, of the fields in them, and of its related tabs."""
    module = request.GET.get("module") or DEFAULT_MODULE
    data = gql.run(request, "LayoutEditor", {"module": module})
    _known(module, data["modules"])
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        blocks, tabs, visible = _posted_layout(request.POST)
        hidden = [key for key in tabs if key not in visible]
        payload = gql.run(request, "LayoutUpdate", {"module": module, "input": {
            "blocks": blocks, "tabsOrder": tabs, "hiddenTabs": hidden}})["layoutUpdate"]
        if not gql.failed(payload):
            return saved(request)
        errors = gql.form_errors(payload)
    custom = {f"custom.{field['key']}": field["label"] for field in data["customFieldDefinitions"]}
    blocks = [{**block, "fields": [{"name": name, "label": custom.get(name) or field_label(name)}
                                   for name in block["fields"]]} for block in data["layout"]["blocks"]]
    return render_page(request, "web/app/settings/layouts.html", {
        "modules": data["modules"], "module": module, "blocks": blocks, "tabs": data["layout"]["tabs"],
        "errors": errors,
    }, title=_("Layouts"), status=400 if errors else 200)


@admin_page
def custom_fields(request):
    """A module's custom fields: add, change the label, choices or requiredness, remove."""
    module = request.GET.get("module") or DEFAULT_MODULE
    data = gql.run(request, "CustomFields", {"module": module})
    _known(module, data["modules"])
    new = {"key": "", "label": "", "fieldType": "text", "choices": "", "required": False}
    errors: dict[str, list[str]] = {}
    typed: dict[str, dict] = {}
    if request.method == "POST":
        action, key = request.POST.get("action"), request.POST.get("key", "").strip()
        values = {"label": request.POST.get("label", "").strip(), "required": request.POST.get("required") == "on",
                  "choices": request.POST.get("choices", "")}
        variables = {"module": module, "key": key, "label": values["label"], "required": values["required"],
                     "choices": choices_of(values["choices"]) or None}
        if action == "define":
            new = {**values, "key": key, "fieldType": request.POST.get("fieldType", "text")}
            payload = gql.run(request, "CustomFieldDefine",
                              {**variables, "fieldType": new["fieldType"]})["customFieldDefine"]
        elif action == "update":
            payload = gql.run(request, "CustomFieldUpdate", variables)["customFieldUpdate"]
        else:
            payload = gql.run(request, "CustomFieldRemove", {"module": module, "key": key})["customFieldRemove"]
        if not gql.failed(payload):
            return saved(request)
        if action == "define":
            errors = gql.form_errors(payload)
        else:
            typed[key] = {**values, "errors": gql.form_errors(payload)}
    fields = [{**field, "choices": "\n".join(field["choices"] or []), **typed.get(field["key"], {})}
              for field in data["customFieldDefinitions"]]
    return render_page(request, "web/app/settings/custom_fields.html", {
        "modules": data["modules"], "module": module, "fields": fields, "new": new, "errors": errors,
        "field_types": FIELD_TYPES,
    }, title=_("Custom fields"), status=400 if errors or typed else 200)


@admin_page
def tags(request):
    """The tenant's tags: create, rename, recolour, delete (for every record that carries them)."""
    new = {"name": "", "color": "#6b7280"}
    errors: dict[str, list[str]] = {}
    typed: dict[str, dict] = {}
    if request.method == "POST":
        action, tag = request.POST.get("action"), request.POST.get("id", "")
        values = {"name": request.POST.get("name", "").strip(), "color": request.POST.get("color", "").strip()}
        if action == "create":
            new = values
            payload = gql.run(request, "TagCreate", {"name": values["name"], "color": values["color"] or None})
            payload = payload["tagCreate"]
        elif action == "update":
            payload = gql.run(request, "TagUpdate", {"id": tag, **values})["tagUpdate"]
        else:
            payload = gql.run(request, "TagDelete", {"id": tag})["tagDelete"]
        if not gql.failed(payload):
            return saved(request)
        if action == "create":
            errors = gql.form_errors(payload)
        else:
            typed[tag] = {**values, "errors": gql.form_errors(payload)}
    rows = [{**tag, **typed.get(tag["id"], {})} for tag in gql.run(request, "TagSettings")["tags"]]
    return render_page(request, "web/app/settings/tags.html", {"tags": rows, "new": new, "errors": errors},
                       title=_("Tags"), status=400 if errors or typed else 200)
