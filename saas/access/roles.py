"""Writes on access rights: the role tree, profiles (module and field rights), who holds which role, the
organisation-wide defaults and the sharing rules. Only the tenant's admins reach these (the API says so)."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from saas.access import error_codes, modules
from saas.access.enums import DefaultAccess, FieldAccess, RuleAccess
from saas.access.models import (
    FieldPermission,
    ModuleDefault,
    ModulePermission,
    Profile,
    Role,
    SharingRule,
    Team,
    UserRole,
)
from saas.access.rights import forget
from saas.access.seeded import seeded_names_translate
from saas.audit.services import settings_change_record

ACTION_COLUMNS = {"view": "view", "create": "create", "edit": "edit", "delete": "delete", "export": "export",
                  "import": "can_import"}


def name_clean(model, name: str, instance=None) -> str:
    """A stripped, required name no other row of `model` holds (case-insensitively)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Give it a name."), code=error_codes.NAME_REQUIRED)})
    taken = model.objects.filter(name__iexact=name)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ValidationError({"name": ValidationError(_("This name is already used."), code=error_codes.NAME_TAKEN)})
    return name


def _module_clean(module: str, field: str = "module") -> str:
    if modules.get(module) is None:
        raise ValidationError({field: ValidationError(_("No such module."), code=error_codes.MODULE_UNKNOWN)})
    return module


def role_create(*, actor, name: str, parent: Role, profiles: list[Profile] = (), is_default: bool = False) -> Role:
    """A role under `parent` (the tree has one root, the administrators')."""
    role = Role(name=name_clean(Role, name), parent=parent)
    role.full_clean(exclude=["path"])
    role.save()
    role.path = f"{parent.path}{role.pk}/"
    role.save(update_fields=["path"])
    role.profiles.set(profiles)
    if is_default:
        _default_set(role)
    settings_change_record(actor=actor, target=role, summary=_("Role “%(name)s” created") % {"name": role.name},
                           details={"parent": parent.name, "profiles": [profile.name for profile in profiles]})
    return role


def role_update(*, actor, role: Role, name: str | None = None, profiles: list[Profile] | None = None,
                is_default: bool | None = None) -> Role:
    """Rename a role, give it other profiles, or make it the role of members given none."""
    if name is not None:
        role.name = name_clean(Role, name, role)
        role.save(update_fields=["name"])
    if profiles is not None:
        role.profiles.set(profiles)
    if is_default:
        _default_set(role)
    elif is_default is False and role.is_default:
        role.is_default = False
        role.save(update_fields=["is_default"])
    settings_change_record(actor=actor, target=role, summary=_("Role “%(name)s” changed") % {"name": role.name},
                           details={"name": name, "is_default": is_default, "profiles": None if profiles is None
                                    else [profile.name for profile in profiles]})
    forget(actor)
    return role


def _default_set(role: Role) -> None:
    Role.objects.filter(is_default=True).exclude(pk=role.pk).update(is_default=False)
    role.is_default = True
    role.save(update_fields=["is_default"])


def role_move(*, actor, role: Role, parent: Role) -> Role:
    """Put a role (and the roles below it) under another parent; never under itself or its own subordinates."""
    if role.parent_id is None:
        raise ValidationError({"id": ValidationError(_("The top role stays at the top."), code=error_codes.ROLE_ROOT)})
    if parent.path.startswith(role.path):
        raise ValidationError({"parent_id": ValidationError(
            _("A role cannot be placed under itself or its subordinates."), code=error_codes.ROLE_CYCLE)})
    old, new = role.path, f"{parent.path}{role.pk}/"
    # The whole subtree's paths in one statement: the new prefix, then what followed the old one.
    Role.objects.filter(path__startswith=old).update(path=Concat(Value(new), Substr("path", len(old) + 1)))
    Role.objects.filter(pk=role.pk).update(parent=parent)
    settings_change_record(actor=actor, target=role, details={"parent": parent.name}, summary=_(
        "Role “%(name)s” moved under “%(parent)s”") % {"name": role.name, "parent": parent.name})
    forget(actor)
    return Role.objects.get(pk=role.pk)


def role_delete(*, actor, role: Role, transfer_to: Role | None = None) -> None:
    """Delete a role: its users go to `transfer_to`, the roles below it move up to its parent."""
    if role.parent_id is None:
        raise ValidationError({"id": ValidationError(_("The top role cannot be deleted."), code=error_codes.ROLE_ROOT)})
    if transfer_to is not None and transfer_to.path.startswith(role.path):
        raise ValidationError({"transfer_to_id": ValidationError(_("Give the users a role outside the deleted one."),
                                                             code=error_codes.ROLE_CYCLE)})
    if transfer_to is None and (role.users.exists() or role.is_default):
        raise ValidationError({"transfer_to_id": ValidationError(
            _("Users hold this role (or it is the default one): choose the role they move to."),
            code=error_codes.ROLE_IN_USE)})
    if transfer_to is not None:
        UserRole.objects.filter(role=role).update(role=transfer_to)
        if role.is_default:
            _default_set(transfer_to)
    for child in role.children.all():
        role_move(actor=actor, role=child, parent=role.parent)
    settings_change_record(actor=actor, target=role, summary=_("Role “%(name)s” deleted") % {"name": role.name},
                           details={"transfer_to": transfer_to.name if transfer_to is not None else None})
    role.delete()
    forget(actor)


def user_role_set(*, actor, user, role: Role) -> UserRole:
    """Give a member of this company its role."""
    user_role, _created = UserRole.objects.update_or_create(user=user, defaults={"role": role})
    settings_change_record(actor=actor, target=role, details={"user": user.email}, summary=_(
        "%(user)s now holds the role “%(role)s”") % {"user": user.email, "role": role.name})
    forget(actor)
    return user_role


def profile_create(*, actor, name: str, description: str = "", view_all: bool = False,
                   edit_all: bool = False) -> Profile:
    """A profile with no module right yet."""
    profile = Profile(name=name_clean(Profile, name), description=description or "", view_all=view_all,
                      edit_all=edit_all)
    profile.full_clean()
    profile.save()
    settings_change_record(actor=actor, target=profile, details={"view_all": view_all, "edit_all": edit_all},
                           summary=_("Profile “%(name)s” created") % {"name": profile.name})
    return profile


def profile_update(*, actor, profile: Profile, name: str | None = None, description: str | None = None,
                   view_all: bool | None = None, edit_all: bool | None = None) -> Profile:
    if name is not None:
        profile.name = name_clean(Profile, name, profile)
    for attribute, value in (("description", description), ("view_all", view_all), ("edit_all", edit_all)):
        if value is not None:
            setattr(profile, attribute, value)
    profile.full_clean()
    profile.save()
    settings_change_record(actor=actor, target=profile,
                           summary=_("Profile “%(name)s” changed") % {"name": profile.name},
                           details={"name": name, "description": description, "view_all": view_all,
                                    "edit_all": edit_all})
    forget(actor)
    return profile


def profile_delete(*, actor, profile: Profile) -> None:
    settings_change_record(actor=actor, target=profile,
                           summary=_("Profile “%(name)s” deleted") % {"name": profile.name})
    profile.delete()
    forget(actor)


def profile_module_set(*, actor, profile: Profile, module: str, actions: list[str]) -> ModulePermission:
    """Set what a profile allows on a module: the actions listed, none other."""
    _module_clean(module)
    unknown = set(actions) - set(ACTION_COLUMNS)
    if unknown:
        raise ValidationError({"actions": ValidationError(_("Unknown action: %(actions)s.")
                                                          % {"actions": ", ".join(sorted(unknown))},
                                                          code=error_codes.RULE_INVALID)})
    values = {column: action in actions for action, column in ACTION_COLUMNS.items()}
    permission, _created = ModulePermission.objects.update_or_create(profile=profile, module=module, defaults=values)
    settings_change_record(actor=actor, target=profile, details={"module": module, "actions": sorted(actions)},
                           summary=_("Profile “%(name)s”: rights on %(module)s set") % {
                               "name": profile.name, "module": module})
    forget(actor)
    return permission


def profile_field_set(*, actor, profile: Profile, module: str, field: str, access: str | None) -> None:
    """Hide a field, make it read-only, or (access None) make it editable again, in a profile."""
    definition = modules.get(_module_clean(module))
    if field not in definition.fields:
        raise ValidationError({"field": ValidationError(_("No such field in this module."),
                                                        code=error_codes.FIELD_UNKNOWN)})
    if access is None:
        FieldPermission.objects.filter(profile=profile, module=module, field=field).delete()
    else:
        FieldPermission.objects.update_or_create(profile=profile, module=module, field=field,
                                                 defaults={"access": FieldAccess(access)})
    settings_change_record(actor=actor, target=profile, details={"module": module, "field": field, "access": access},
                           summary=_("Profile “%(name)s”: access to %(module)s.%(field)s set") % {
                               "name": profile.name, "module": module, "field": field})
    forget(actor)


def module_default_set(*, actor, module: str, access: str) -> ModuleDefault:
    """The organisation-wide default of a module: private, public read, or public read and write."""
    _module_clean(module)
    default, _created = ModuleDefault.objects.update_or_create(module=module,
                                                               defaults={"access": DefaultAccess(access)})
    settings_change_record(actor=actor, target=default, details={"module": module, "access": access},
                           summary=_("Default access to %(module)s set") % {"module": module})
    forget(actor)
    return default


def sharing_rule_create(*, actor, module: str, access: str = RuleAccess.READ, from_role: Role | None = None,
                        from_team: Team | None = None, to_role: Role | None = None,
                        to_team: Team | None = None) -> SharingRule:
    """Share the records of a module owned by a role's users (or a team) with a role's users (or a team)."""
    _module_clean(module)
    if (from_role is None) == (from_team is None) or (to_role is None) == (to_team is None):
        raise ValidationError(_("Name one role or one team on each side of the rule."), code=error_codes.RULE_INVALID)
    rule = SharingRule(module=module, access=RuleAccess(access), from_role=from_role, from_team=from_team,
                       to_role=to_role, to_team=to_team)
    rule.full_clean()
    rule.save()
    settings_change_record(actor=actor, target=rule, details={"module": module, "access": access},
                           summary=_("Sharing rule on %(module)s created") % {"module": module})
    forget(actor)
    return rule


def sharing_rule_delete(*, actor, rule: SharingRule) -> None:
    settings_change_record(actor=actor, target=rule, details={"module": rule.module},
                           summary=_("Sharing rule on %(module)s deleted") % {"module": rule.module})
    rule.delete()
    forget(actor)


def roles_at_signup(seed) -> None:
    """The company's creator holds the administrators' role (the roles themselves come seeded in the template, then
    take the tenant's language)."""
    # Renamed first: the deferred checks made immediate below then cover these writes too.
    administrator = seeded_names_translate(Role, Profile, seed.language)
    role = Role.objects.filter(parent__isnull=True, name=administrator).first()
    if role is not None:
        UserRole.objects.update_or_create(user_id=seed.admin_user_id, defaults={"role": role})
        # The row's deferred check on the public identity runs now: a schema holding pending trigger events cannot
        # be dropped, and signup may drop it in the same transaction (a tenant created then deleted at once).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
