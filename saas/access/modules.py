"""The modules rights are given on: every record type (registered by the record engine) and the few other
lists of the domains (bank accounts, SEPA mandates...), each in an area (its app) that token scopes may name."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    key: str
    area: str
    label: object
    # The fields a profile may hide or make read-only (none for modules without field rights).
    fields: tuple[str, ...] = ()
    # Records carry an owner (a user or a team): row-level rules apply; other modules have module rights only.
    owned: bool = True


_modules: dict[str, Module] = {}


def register(key: str, *, area: str, label, fields: tuple[str, ...] = (), owned: bool = True) -> None:
    """Apps declare their modules from `AppConfig.ready()` (the record engine does it for every record type)."""
    _modules[key] = Module(key=key, area=area, label=label, fields=fields, owned=owned)


def get(key: str) -> Module | None:
    return _modules.get(key)


def all_modules() -> list[Module]:
    return sorted(_modules.values(), key=lambda module: (module.area, module.key))
