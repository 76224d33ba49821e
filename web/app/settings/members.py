"""Users and invitations: who works in the company, with which role."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web import gql
from web.app.pages import render_page
from web.app.settings import admin_page, saved
from web.app.settings.access import indented_name

ROLES = (("member", gettext_lazy("Member")), ("admin", gettext_lazy("Administrator")))


@admin_page
def users(request):
    errors: dict[str, list[str]] = {}
    invite = {"email": "", "role": "member"}
    row_errors: dict[str, dict] = {}
    if request.method == "POST":
        action, member = request.POST.get("action"), request.POST.get("id", "")
        if action == "invite":
            invite = {"email": request.POST.get("email", "").strip(), "role": request.POST.get("role", "member")}
            payload = gql.run(request, "MemberInvite", {"email": invite["email"],
                                                        "isAdmin": invite["role"] == "admin"})["memberInvite"]
        elif action == "role":
            payload = gql.run(request, "MemberRoleSet", {
                "id": member, "isAdmin": request.POST.get("role") == "admin"})["memberRoleSet"]
        elif action == "access-role":
            payload = gql.run(request, "UserRoleSet", {"userId": request.POST.get("userId", ""),
                                                       "roleId": request.POST.get("roleId", "")})["userRoleSet"]
        else:
            payload = gql.run(request, "MemberDeactivate", {"id": member})["memberDeactivate"]
        if not gql.failed(payload):
            return saved(request)
        if action == "invite":
            errors = gql.form_errors(payload)
        else:
            row_errors[member] = gql.form_errors(payload)
    members = gql.run(request, "Members")["members"]
    # Access roles are held by identities (User ids), memberships are listed by Member ids: the email joins them.
    access = gql.run(request, "UserRoles")
    held = {row["user"]["email"]: row for row in access["userRoles"]}
    for row in members:
        row["errors"] = [message for messages in row_errors.get(row["id"], {}).values() for message in messages]
        row["access"] = held.get(row["email"])
    return render_page(request, "web/app/settings/users.html", {
        "members": members, "invite": invite, "errors": errors, "roles": ROLES,
        "access_roles": [{"id": role["id"], "label": indented_name(role)} for role in access["roles"]],
    }, title=_("Users"), status=400 if errors or row_errors else 200)
