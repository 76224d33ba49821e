"""The event log in the graph: read by the tenant's admins, newest first."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.audit import enums, models, selectors
from saas.core.graph import IsTenantAdmin, TenantNode, global_pk, graphql_enum

EventKind = graphql_enum("EventKind", enums.EventKind)


@strawberry_django.type(models.Event, name="Event")
class EventType(TenantNode):
    node_needs = IsTenantAdmin

    at: datetime
    summary: str
    object_type: str = strawberry.field(description="What the event is about: a model name (role, workflow…).")
    object_id: str
    object_label: str
    address: str | None
    details: JSON

    @strawberry.field
    def kind(self, root: models.Event) -> EventKind:
        return EventKind(root.kind)

    @strawberry.field(description="Who did it: an email (empty for an unknown identity, such as a failed login).")
    def actor_email(self, root: models.Event) -> str:
        return root.actor.email if root.actor_id else ""

    @strawberry.field
    def actor_name(self, root: models.Event) -> str:
        return (root.actor.full_name or root.actor.email) if root.actor_id else ""


@strawberry.input(description="Events of one kind, by one person, in a time range (`from` included, `to` not).")
class EventFilter:
    kind: EventKind | None = None
    actor: relay.GlobalID | None = strawberry.field(default=None, description="A User id.")
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None


@strawberry.type
class AuditQuery:
    @strawberry_django.connection(DjangoListConnection[EventType], permission_classes=[IsTenantAdmin],
                                  description="The event log, newest first (admins).")
    def events(self, info: Info, filter: EventFilter | None = None) -> Iterable[models.Event]:
        filter = filter or EventFilter()
        actor_id = None
        if filter.actor is not None:
            actor_id = global_pk(filter.actor, "User")
            if actor_id is None:  # an id of another tenant or type names nobody here
                return models.Event.objects.none()
        return selectors.event_list(kind=filter.kind.value if filter.kind else None, actor_id=actor_id,
                                    since=filter.from_, until=filter.to)
