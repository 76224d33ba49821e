"""The names and descriptions of the roles and profiles every tenant starts with (seeded in English by migration
0006), renamed into the tenant's language at signup, and for the tenants created before that, by migration 0009.
They are the tenant's data from then on, which its admins rename at will. No model here: migrations import it."""

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

ADMINISTRATOR = "Administrator"
SEEDED_NAMES = {
    "Administrator": pgettext_lazy("seeded role", "Administrator"), "Manager": pgettext_lazy("seeded role", "Manager"),
    "Sales": pgettext_lazy("seeded role", "Sales"), "Accountant": pgettext_lazy("seeded role", "Accountant"),
    "Read-only": pgettext_lazy("seeded role", "Read-only"),
}
SEEDED_DESCRIPTIONS = {text: gettext_lazy(text) for text in (
    # Literal calls would be extracted the same: the texts are migration 0006's.
    "Every right on every module and every record.",
    "Every right on every module; records as the role tree and sharing allow.",
    "Customers and deals, quotes to invoices; the catalog read-only; no books.",
    "Invoicing, payments, books and banking; customers and catalog read-only.",
    "Sees every module, changes nothing.")}


def seeded_names_translate(role_model, profile_model, language: str) -> str:
    """Rename the seeded roles and profiles still at their English names into `language` (a name an admin already
    gave another row is left alone: names are unique); returns the administrators' role name."""
    with translation.override(language):
        for english, translated in SEEDED_NAMES.items():
            for model in (role_model, profile_model):
                if not model.objects.filter(name=str(translated)).exclude(name=english).exists():
                    model.objects.filter(name=english).update(name=str(translated))
        for english, translated in SEEDED_DESCRIPTIONS.items():
            profile_model.objects.filter(description=english).update(description=str(translated))
        return str(SEEDED_NAMES[ADMINISTRATOR])
