"""Access rights (its administrators): the role tree, profiles with their module and field rights, the
organisation-wide defaults and the sharing rules."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.labels import field_label
from web.app.pages import render_page
from web.app.settings import admin_page, saved

ACTIONS = (("VIEW", gettext_lazy("View")), ("CREATE", gettext_lazy("Create")), ("EDIT", gettext_lazy("Edit")),
           ("DELETE", gettext_lazy("Delete")), ("EXPORT", gettext_lazy("Export")), ("IMPORT", gettext_lazy("Import")))
FIELD_ACCESS = (("EDITABLE", gettext_lazy("Editable")), ("READ_ONLY", gettext_lazy("Read-only")),
                ("HIDDEN", gettext_lazy("Hidden")))
DEFAULT_ACCESS = (("PRIVATE", gettext_lazy("Private: owners, their superiors and sharing rules")),
                  ("PUBLIC_READ", gettext_lazy("Public read, owners write")),
                  ("PUBLIC_READ_WRITE", gettext_lazy("Public read and write")))
RULE_ACCESS = (("READ", gettext_lazy("Read")), ("WRITE", gettext_lazy("Read and write")))
ACTION_CODES = {code for code, _label in ACTIONS}


def _one_of(value: str | None, choices: tuple, otherwise: str) -> str:
    """A posted enum value, if it is one (a forged one would fail the operation's variables, not be refused)."""
    return value if value in {code for code, _label in choices} else otherwise


def _messages(errors: dict[str, list[str]]) -> list[str]:
    return [message for messages in errors.values() for message in messages]


def _subtrees(roles: list[dict]) -> dict[str, set[str]]:
    """Each role's id with the ids of every role below it (roles come parents before children)."""
    below: dict[str, set[str]] = {role["id"]: {role["id"]} for role in roles}
    for role in reversed(roles):
        if role["parent"]:
            below[role["parent"]["id"]] |= below[role["id"]]
    return below


def indented_name(role: dict) -> str:
    """A role's name indented by its depth, for the options of a select (which cannot hold markup)."""
    return "\u2003" * role["depth"] + role["name"]


@admin_page
def roles(request):
    """The role tree: a role sees the records of the roles below it; its profiles say what it may do."""
    new = {"name": "", "parentId": "", "profileIds": [], "isDefault": False}
    errors: dict[str, list[str]] = {}
    typed: dict[str, dict] = {}
    if request.method == "POST":
        action, role = request.POST.get("action"), request.POST.get("id", "")
        values = {"name": request.POST.get("name", "").strip(), "profileIds": request.POST.getlist("profileIds"),
                  "isDefault": request.POST.get("isDefault") == "on"}
        if action == "create":
            new = {**values, "parentId": request.POST.get("parentId", "")}
            payload = gql.run(request, "RoleCreate", {"input": new})["roleCreate"]
        elif action == "update":
            payload = gql.run(request, "RoleUpdate", {"id": role, **values})["roleUpdate"]
        elif action == "move":
            payload = gql.run(request, "RoleMove", {"id": role, "parentId": request.POST.get("parentId", "")})
            payload = payload["roleMove"]
        else:
            payload = gql.run(request, "RoleDelete", {
                "id": role, "transferToId": request.POST.get("transferToId") or None})["roleDelete"]
        if not gql.failed(payload):
            return saved(request)
        if action == "create":
            errors = gql.form_errors(payload)
        else:
            typed[role] = {**(values if action == "update" else {}), "errors": _messages(gql.form_errors(payload))}
    data = gql.run(request, "RoleSettings")
    below = _subtrees(data["roles"])
    rows = []
    for role in data["roles"]:
        row = {**role, "profileIds": [profile["id"] for profile in role["profiles"]], **typed.get(role["id"], {})}
        others = [{"id": other["id"], "label": indented_name(other)} for other in data["roles"]
                  if other["id"] not in below[role["id"]]]
        rows.append({**row, "indent": f"{role['depth'] * 1.5}rem", "others": others,
                     "parentId": role["parent"]["id"] if role["parent"] else ""})
    return render_page(request, "web/app/settings/roles.html", {
        "roles": rows, "profiles": data["profiles"], "new": new, "errors": errors,
        "parents": [{"id": role["id"], "label": indented_name(role)} for role in data["roles"]],
    }, title=_("Roles"), status=400 if errors or typed else 200)


@admin_page
def profiles(request):
    """Profiles: sets of module and field rights that roles hold."""
    new = {"name": "", "description": "", "viewAll": False, "editAll": False}
    errors: dict[str, list[str]] = {}
    row_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            profile = request.POST.get("id", "")
            payload = gql.run(request, "ProfileDelete", {"id": profile})["profileDelete"]
            if not gql.failed(payload):
                return saved(request)
            row_errors[profile] = _messages(gql.form_errors(payload))
        else:
            new = {"name": request.POST.get("name", "").strip(),
                   "description": request.POST.get("description", "").strip(),
                   "viewAll": request.POST.get("viewAll") == "on", "editAll": request.POST.get("editAll") == "on"}
            payload = gql.run(request, "ProfileCreate", new)["profileCreate"]
            if not gql.failed(payload):
                return saved(request)
            errors = gql.form_errors(payload)
    data = gql.run(request, "ProfileSettings")
    rows = [{**profile, "roles": [role["name"] for role in data["roles"]
                                  if any(held["id"] == profile["id"] for held in role["profiles"])],
             "errors": row_errors.get(profile["id"], [])} for profile in data["profiles"]]
    return render_page(request, "web/app/settings/profiles.html", {
        "profiles": rows, "new": new, "errors": errors,
    }, title=_("Profiles"), status=400 if errors or row_errors else 200)


def _module_rights(request, profile: dict, modules: list[dict]) -> tuple[dict[str, set], dict[str, list[str]]]:
    """Save the grid's rows that changed; what was ticked and the refusals, by module."""
    current = {right["module"]: set(right["actions"]) for right in profile["modules"]}
    ticked: dict[str, set] = {}
    refused: dict[str, list[str]] = {}
    for module in modules:
        key = module["key"]
        ticked[key] = set(request.POST.getlist(f"actions:{key}")) & ACTION_CODES
        if ticked[key] == current.get(key, set()):
            continue
        payload = gql.run(request, "ProfileModuleSet", {"id": profile["id"], "module": key,
                                                        "actions": sorted(ticked[key])})["profileModuleSet"]
        if gql.failed(payload):
            refused[key] = _messages(gql.form_errors(payload))
    return ticked, refused


def _field_rights(request, profile: dict, module: dict) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Save the module's fields whose access changed; what was chosen and the refusals, by field."""
    current = {right["field"]: right["access"] for right in profile["fields"] if right["module"] == module["key"]}
    chosen: dict[str, str] = {}
    refused: dict[str, list[str]] = {}
    for field in module["fields"]:
        chosen[field] = _one_of(request.POST.get(f"field:{field}"), FIELD_ACCESS, current.get(field, "EDITABLE"))
        if chosen[field] == current.get(field, "EDITABLE"):
            continue
        payload = gql.run(request, "ProfileFieldSet", {"id": profile["id"], "module": module["key"], "field": field,
                                                       "access": chosen[field]})["profileFieldSet"]
        if gql.failed(payload):
            refused[field] = _messages(gql.form_errors(payload))
    return chosen, refused


@admin_page
def profile(request, profile_id: str):
    """One profile: its name and global privileges, what it allows on each module, and its field rights."""
    try:
        data = gql.run(request, "ProfileRights", {"id": profile_id})
    except gql.Unauthenticated:
        raise
    except gql.OperationError as error:
        # An id that is no global id fails the variable's coercion; one of an unknown type fails `node` itself.
        if all("GlobalID" in e.message or (e.path or [None])[0] == "node" for e in error.errors):
            raise Http404 from error
        raise
    current = data["node"]
    if not current or "modules" not in current:
        raise Http404
    modules = data["accessModules"]
    details = {name: current[name] for name in ("name", "description", "viewAll", "editAll")}
    errors: dict[str, list[str]] = {}
    ticked: dict[str, set] = {}
    module_errors: dict[str, list[str]] = {}
    chosen: dict[str, str] = {}
    field_errors: dict[str, list[str]] = {}
    open_module = request.POST.get("module", "")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "update":
            details = {"name": request.POST.get("name", "").strip(),
                       "description": request.POST.get("description", "").strip(),
                       "viewAll": request.POST.get("viewAll") == "on", "editAll": request.POST.get("editAll") == "on"}
            payload = gql.run(request, "ProfileUpdate", {"id": current["id"], **details})["profileUpdate"]
            errors = gql.form_errors(payload) if gql.failed(payload) else {}
        elif action == "modules":
            ticked, module_errors = _module_rights(request, current, modules)
        elif action == "fields":
            module = next((module for module in modules if module["key"] == open_module), None)
            if module is None:
                raise Http404
            chosen, field_errors = _field_rights(request, current, module)
        if not (errors or module_errors or field_errors):
            return saved(request)
    actions = {right["module"]: set(right["actions"]) for right in current["modules"]}
    grid = [{**module, "errors": module_errors.get(module["key"], []),
             "actions": [{"code": code, "label": label,
                          "checked": code in (ticked[module["key"]] if module_errors else
                                              actions.get(module["key"], set()))} for code, label in ACTIONS]}
            for module in modules]
    access = {(right["module"], right["field"]): right["access"] for right in current["fields"]}
    field_rights = [{"key": module["key"], "label": module["label"], "open": module["key"] == open_module,
                     "fields": [{"name": name, "label": field_label(name), "errors": field_errors.get(name, []),
                                 "access": chosen[name] if field_errors and module["key"] == open_module
                                 else access.get((module["key"], name), "EDITABLE")} for name in module["fields"]]}
                    for module in modules if module["fields"]]
    return render_page(request, "web/app/settings/profile.html", {
        "profile": current, "details": details, "errors": errors, "grid": grid, "actions": ACTIONS,
        "field_rights": field_rights, "field_access": FIELD_ACCESS,
    }, title=_("Profile %(name)s") % {"name": current["name"]},
        status=400 if errors or module_errors or field_errors else 200)


def _party(value: str, side: str) -> dict:
    """`role:<id>` or `team:<id>` from the form as the input's `<side>RoleId` / `<side>TeamId`."""
    kind, _sep, party = value.partition(":")
    return {f"{side}RoleId": party if kind == "role" and party else None,
            f"{side}TeamId": party if kind == "team" and party else None}


@admin_page
def sharing(request):
    """Who sees the records nobody shared (each module's organisation-wide default), and the sharing rules."""
    new = {"module": "", "from": "", "to": "", "access": "READ"}
    errors: dict[str, list[str]] = {}
    default_errors: dict[str, list[str]] = {}
    rule_errors: dict[str, list[str]] = {}
    data = gql.run(request, "SharingSettings")
    defaults = {default["module"]: default["access"] for default in data["moduleDefaults"]}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "defaults":
            for module, access in list(defaults.items()):
                chosen = _one_of(request.POST.get(f"default:{module}"), DEFAULT_ACCESS, access)
                if chosen == access:
                    continue
                payload = gql.run(request, "ModuleDefaultSet", {"module": module, "access": chosen})
                payload = payload["moduleDefaultSet"]
                if gql.failed(payload):
                    default_errors[module] = _messages(gql.form_errors(payload))
                defaults[module] = chosen
        elif action == "delete":
            rule = request.POST.get("id", "")
            payload = gql.run(request, "SharingRuleDelete", {"id": rule})["sharingRuleDelete"]
            if gql.failed(payload):
                rule_errors[rule] = _messages(gql.form_errors(payload))
        else:
            new = {name: request.POST.get(name, "") for name in ("module", "from", "to", "access")}
            payload = gql.run(request, "SharingRuleCreate", {"input": {
                "module": new["module"], "access": _one_of(new["access"], RULE_ACCESS, "READ"),
                **_party(new["from"], "from"), **_party(new["to"], "to")}})["sharingRuleCreate"]
            if gql.failed(payload):
                errors = gql.form_errors(payload)
        if not (errors or default_errors or rule_errors):
            return saved(request)
    labels = {module["key"]: module["label"] for module in data["accessModules"]}
    teams = [owner for owner in data["owners"] if owner["__typename"] == "Team"]
    parties = [{"label": _("Roles"),
                "options": [(f"role:{role['id']}", indented_name(role)) for role in data["roles"]]}]
    if teams:
        parties.append({"label": _("Teams"), "options": [(f"team:{team['id']}", team["name"]) for team in teams]})
    rules = [{**rule, "moduleLabel": labels.get(rule["module"], rule["module"]),
              "from": rule["fromRole"] or rule["fromTeam"], "to": rule["toRole"] or rule["toTeam"],
              "errors": rule_errors.get(rule["id"], [])} for rule in data["sharingRules"]]
    return render_page(request, "web/app/settings/sharing.html", {
        "defaults": [{"module": module, "label": labels.get(module, module), "access": access,
                      "errors": default_errors.get(module, [])} for module, access in defaults.items()],
        "default_access": DEFAULT_ACCESS, "rule_access": RULE_ACCESS, "rules": rules, "parties": parties,
        "modules": [(module, labels.get(module, module)) for module in defaults], "new": new, "errors": errors,
        "party_errors": {side: errors.get(f"{side}RoleId", []) + errors.get(f"{side}TeamId", [])
                         for side in ("from", "to")},
    }, title=_("Sharing"), status=400 if errors or default_errors or rule_errors else 200)


@admin_page
def teams(request):
    """Teams: groups of staff that can own records; their members see what the team owns."""
    new = {"name": "", "memberIds": []}
    errors: dict[str, list[str]] = {}
    typed: dict[str, dict] = {}
    if request.method == "POST":
        action, team = request.POST.get("action"), request.POST.get("id", "")
        values = {"name": request.POST.get("name", "").strip(), "memberIds": request.POST.getlist("memberIds")}
        if action == "create":
            new = values
            payload = gql.run(request, "TeamCreate", values)["teamCreate"]
        elif action == "update":
            payload = gql.run(request, "TeamUpdate", {"id": team, **values})["teamUpdate"]
        else:
            payload = gql.run(request, "TeamDelete", {"id": team})["teamDelete"]
        if not gql.failed(payload):
            return saved(request)
        if action == "create":
            errors = gql.form_errors(payload)
        else:
            typed[team] = {**(values if action == "update" else {}), "errors": _messages(gql.form_errors(payload))}
    data = gql.run(request, "TeamSettings")
    people = [(owner["id"], owner["fullName"] or owner["email"]) for owner in data["owners"]
              if owner["__typename"] == "User"]
    rows = [{"id": row["team"]["id"], "name": row["team"]["name"],
             "memberIds": [member["id"] for member in row["members"]],
             **typed.get(row["team"]["id"], {})} for row in data["teams"]]
    return render_page(request, "web/app/settings/teams.html", {
        "teams": rows, "people": people, "new": new, "errors": errors,
    }, title=_("Teams"), status=400 if errors or typed else 200)
