"""Sales documents out of the graph: their PDF (Factur-X for invoices and credit notes) and sending it."""

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.types import Info

from saas.access.enums import Action
from saas.core.graph import mutation, needs
from saas.records.api.schema import record_of
from saas.records.api.types import ActivityType, DocumentType
from saas.sales import rendering

# The GraphQL types whose records render and send.
SALES_DOCUMENT_TYPES: tuple[str, ...] = ("Quote", "SalesOrder", "Invoice", "CreditNote")


@strawberry.type(name="SalesDocumentSent")
class SalesDocumentSentType:
    recipients: list[str]
    pdf: DocumentType = strawberry.field(description="The PDF that was attached.")
    activity: ActivityType = strawberry.field(description="The activity logging the email on the document.")


@strawberry.type
class SalesOutputMutation:
    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.VIEW, record_argument="id")],
        description="The PDF/A-3b of a sales document, stored with it; invoices and credit notes embed their "
                    "Factur-X XML and keep their first rendering.")
    @mutation
    def document_render(self, info: Info, id: relay.GlobalID) -> DocumentType:
        document = record_of(info, id, field="id", types=SALES_DOCUMENT_TYPES)
        return rendering.document_render(actor=info.context.user, document=document)

    @strawberry_django.mutation(
        handle_django_errors=True, permission_classes=[needs(None, Action.EDIT, record_argument="id")],
        description="Email a sales document's PDF: to the given addresses, else to its contact, else to the "
                    "customer.")
    @mutation
    def document_send(self, info: Info, id: relay.GlobalID, to: list[str] | None = None,
                      message: str = "") -> SalesDocumentSentType:
        document = record_of(info, id, field="id", types=SALES_DOCUMENT_TYPES)
        sent = rendering.document_send(actor=info.context.user, document=document, to=to, message=message)
        return SalesDocumentSentType(recipients=sent.recipients, pdf=sent.pdf, activity=sent.activity)
