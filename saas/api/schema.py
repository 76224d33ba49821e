"""The tenant graph: every domain's queries and mutations merged into one schema."""

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.extensions import ValidationCache
from strawberry.file_uploads import Upload
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from graphql import GraphQLError
from saas.access.api.schema import AccessMutation, AccessQuery
from saas.access.api.types import ApiTokenType
from saas.accounting.api.reports import AccountingReportsMutation, AccountingReportsQuery
from saas.accounting.api.schema import AccountingMutation, AccountingQuery, AccountingSetupMutation
from saas.api.authority import AccessAuthority
from saas.api.compiled import compiled_node
from saas.api.dashboard import DashboardQuery
from saas.api.errors import InputErrors, mask_errors
from saas.api.extensions import (
    ColumnReadingExecutionContext,
    FieldQuerysetOptimizer,
    HistoryContext,
    computed_fields_read_whole_rows,
    plain_columns_read_directly,
)
from saas.api.field_rights import guard_hidden_fields
from saas.api.limits import QueryLimits
from saas.api.record_links import guard_record_links
from saas.api.scalars import UploadDefinition
from saas.audit.api.schema import AuditQuery
from saas.banking.api.schema import BankingMutation, BankingQuery
from saas.catalog.api.schema import CatalogMutation, CatalogQuery, PricingMutation, PricingQuery, VatRateMutation
from saas.catalog.api.types import ProductFamilyType, ProductType, ServiceType, VatRateType
from saas.companies.api.schema import CompaniesMutation, CompaniesQuery
from saas.companies.api.types import CompanyType
from saas.core.graph import IsMember, install_authority
from saas.crm.api.schema import CrmMutation, CrmQuery, SalesPipelineMutation, SalesPipelineQuery
from saas.crm.api.types import AccountType, ContactType, DealType, LeadType
from saas.imports.api.schema import ImportsMutation, ImportsQuery
from saas.mailing.api.schema import MailingMutation, MailingQuery
from saas.records.api.lists import ListsMutation, ListsQuery
from saas.records.api.metadata import RecordTypesQuery
from saas.records.api.schema import RecordsMutation, RecordsQuery
from saas.records.api.settings import RecordSettingsMutation
from saas.records.api.types import ActivityType, CommentType, DocumentType, TagType, TeamType
from saas.sales.api.output import SalesOutputMutation
from saas.sales.api.schema import OrderMutation, QuoteMutation, SalesMutation, SalesQuery
from saas.sales.api.types import CreditNoteType, InvoiceType, PaymentType
from saas.sepa.api.schema import SepaMutation, SepaQuery
from saas.workflows.api.planner import PlannerQuery
from saas.workflows.api.schema import WorkflowsMutation, WorkflowsQuery
from tenants.api.members import MembersMutation, MembersQuery
from tenants.api.tenant import IdentityMutation, IdentityQuery
from tenants.api.types import UserType


@strawberry.type
class NodeQuery:
    @strawberry.field(permission_classes=[IsMember], description="Any object by its global id.")
    def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        if not _readable(info, id.type_name):
            return None
        return compiled_node(info, id.type_name, id.node_id) or id.resolve_node_sync(info, required=False)

    @strawberry.field(permission_classes=[IsMember], description="Objects by their global ids (at most 100).")
    def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        if len(ids) > settings.GRAPHQL_MAX_NODES:
            raise GraphQLError(f"At most {settings.GRAPHQL_MAX_NODES} ids at once.",
                               extensions={"code": "TOO_MANY_IDS"})
        by_type: dict[str, list[str]] = {}
        for global_id in ids:
            by_type.setdefault(global_id.type_name, []).append(global_id.node_id)
        found: dict[tuple[str, str], relay.Node | None] = {}
        for type_name, node_ids in by_type.items():
            node_type = info.schema.get_type_by_name(type_name)
            origin = getattr(node_type, "origin", None)
            if origin is None or not issubclass(origin, relay.Node) or not _readable(info, type_name):
                continue
            for node_id, node in zip(node_ids, origin.resolve_nodes(info=info, node_ids=node_ids), strict=True):
                found[(type_name, node_id)] = node
        return [found.get((global_id.type_name, global_id.node_id)) for global_id in ids]


def _readable(info: Info, type_name: str) -> bool:
    """A type declaring what reading it needs (`TenantNode.node_needs`) answers null to whoever lacks it, like a
    record one may not see."""
    origin = getattr(info.schema.get_type_by_name(type_name), "origin", None)
    needed = getattr(origin, "node_needs", None)
    return needed is None or needed().allows(info)


Query = merge_types("Query", (NodeQuery, IdentityQuery, AccessQuery, CompaniesQuery, RecordsQuery, CrmQuery,
                             CatalogQuery, SalesPipelineQuery, PricingQuery, SalesQuery, AccountingQuery,
                             AccountingReportsQuery, SepaQuery, BankingQuery, ListsQuery, DashboardQuery, MembersQuery,
                             ImportsQuery, WorkflowsQuery, AuditQuery, MailingQuery, PlannerQuery,
                             RecordTypesQuery))
Mutation = merge_types("Mutation", (IdentityMutation, AccessMutation, CompaniesMutation, RecordsMutation, CrmMutation,
                                   CatalogMutation, SalesPipelineMutation, PricingMutation, VatRateMutation,
                                   QuoteMutation, OrderMutation, SalesMutation, SalesOutputMutation,
                                   AccountingMutation, AccountingSetupMutation, AccountingReportsMutation, SepaMutation,
                                   BankingMutation, ListsMutation, MembersMutation, RecordSettingsMutation,
                                   ImportsMutation, WorkflowsMutation, MailingMutation))

install_authority(AccessAuthority())

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=[UserType, ApiTokenType, CompanyType, TeamType, TagType, CommentType, ActivityType, DocumentType,
           AccountType, ContactType, LeadType, DealType, ProductType, ServiceType, ProductFamilyType, VatRateType,
           InvoiceType, CreditNoteType, PaymentType],
    # `.only()` the columns a selection names; a resolver reading others gets whole rows (see
    # computed_fields_read_whole_rows).
    # QueryLimits parses (cached) and refuses operations past the limits before ValidationCache validates.
    extensions=[FieldQuerysetOptimizer, HistoryContext, mask_errors, InputErrors, QueryLimits, ValidationCache],
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE, scalar_map={Upload: UploadDefinition}),
    execution_context_class=ColumnReadingExecutionContext,
)
computed_fields_read_whole_rows(schema)
plain_columns_read_directly(schema)
guard_hidden_fields(schema)
guard_record_links(schema)
