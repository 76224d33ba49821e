"""GraphQL of CSV imports: upload (multipart or base64) with a dry run, the job's progress, undo."""

import base64
import binascii

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON
from strawberry.types import Info

from saas.access.enums import Action
from saas.core.graph import IsMember, TenantNode, global_pk, graphql_enum, needs, verb
from saas.imports import enums, error_codes, models, selectors, services

ImportMode = graphql_enum("ImportMode", enums.ImportMode)
ImportDuplicate = graphql_enum("ImportDuplicate", enums.OnDuplicate)
ImportStatus = graphql_enum("ImportStatus", enums.ImportStatus)


@strawberry.type
class ImportReportEntry:
    row: int
    column: str
    code: str
    message: str


@strawberry_django.type(models.Import, name="Import")
class ImportType(TenantNode):
    node_needs = IsMember

    module: str
    file_name: str
    encoding: str
    delimiter: str
    columns: JSON
    defaults: JSON
    duplicate_fields: list[str]
    total: int
    processed: int
    created: int
    updated: int
    skipped: int
    invalid: int
    created_at: strawberry.auto
    finished_at: strawberry.auto

    @strawberry.field
    def mode(self, root: models.Import) -> ImportMode:
        return ImportMode(root.mode)

    @strawberry.field
    def on_duplicate(self, root: models.Import) -> ImportDuplicate:
        return ImportDuplicate(root.on_duplicate)

    @strawberry.field
    def status(self, root: models.Import) -> ImportStatus:
        return ImportStatus(root.status)

    @strawberry.field(description="The file's column names, in their order.")
    def header(self, root: models.Import) -> list[str]:
        return selectors.import_header(root)

    @strawberry.field(description="Row-level report: row 1 is the header line; row 0 is the file as a whole.")
    def report(self, root: models.Import) -> list[ImportReportEntry]:
        return [ImportReportEntry(**entry) for entry in root.report]


@strawberry_django.type(models.ImportMapping, name="ImportMapping")
class ImportMappingType(TenantNode):
    node_needs = IsMember

    module: str
    name: str
    columns: JSON
    defaults: JSON


@strawberry.input
class ImportInput:
    module: str
    mode: ImportMode = strawberry.field(description="All or nothing, or the valid rows only: chosen explicitly.")
    file: Upload | None = strawberry.field(default=None, description="The CSV (GraphQL multipart request).")
    content_base64: str | None = strawberry.field(default=None, description="Or the CSV's bytes in base64.")
    file_name: str = "import.csv"
    columns: JSON | None = strawberry.field(
        default=None, description='{"CSV column": "field"}; by default columns named like a field or its label.')
    mapping_name: str = strawberry.field(default="", description="Use a mapping saved for the module.")
    save_mapping_as: str = ""
    defaults: JSON | None = strawberry.field(default=None, description='{"field": "value"} for empty cells.')
    duplicate_fields: list[str] = strawberry.field(default_factory=list)
    on_duplicate: ImportDuplicate = ImportDuplicate.SKIP
    dry_run: bool = False


@strawberry.type
class ImportsQuery:
    @strawberry.field(name="import", permission_classes=[IsMember],
                      description="An import: its status, its progress (processed of total) and its report.")
    def import_(self, info: Info, id: relay.GlobalID) -> ImportType | None:
        return selectors.import_get_for_actor(actor=info.context.user, import_id=global_pk(id, "Import"))

    @strawberry.field(permission_classes=[needs(None, Action.IMPORT, module_argument="module")],
                      description="The column mappings saved for a module.")
    def import_mappings(self, info: Info, module: str) -> list[ImportMappingType]:
        return selectors.mapping_list(actor=info.context.user, module=module)


@strawberry.type
class ImportsMutation:
    @verb(needs(None, Action.IMPORT, module_argument="input.module"),
          "Import a CSV into a module: a dry run answers the row report, otherwise a job is queued.")
    def import_create(self, info: Info, input: ImportInput) -> ImportType:
        data, name = _file(input)
        return services.import_prepare(
            actor=info.context.user, module=input.module, data=data, file_name=name, mode=input.mode.value,
            columns=input.columns, mapping_name=input.mapping_name, save_mapping_as=input.save_mapping_as,
            defaults=input.defaults, duplicate_fields=input.duplicate_fields,
            on_duplicate=input.on_duplicate.value, dry_run=input.dry_run)

    @verb(needs(None, Action.IMPORT, module_argument="module"),
          "Save a column → field mapping for a module's next imports (the same name replaces it).")
    def import_mapping_save(self, info: Info, module: str, name: str, columns: JSON,
                            defaults: JSON | None = None) -> ImportMappingType:
        return services.mapping_save(actor=info.context.user, module=module, name=name, columns=columns,
                                     defaults=defaults)

    @verb(IsMember, "Undo an import: delete the records it created and restore those it updated.")
    def import_undo(self, info: Info, id: relay.GlobalID) -> ImportType:
        job = selectors.import_get_for_actor(actor=info.context.user, import_id=global_pk(id, "Import"))
        if job is None:
            raise ValidationError({"id": ValidationError(_("No such import."), code=error_codes.NOT_FOUND)})
        return services.import_undo(actor=info.context.user, job=job)


def _file(input: ImportInput) -> tuple[bytes, str]:
    if input.file is not None:
        # Refused before reading: a 1 GB upload is never held in memory.
        services.size_check(input.file.size or 0)
        return input.file.read(), input.file.name or input.file_name
    if input.content_base64 is not None:
        try:
            return base64.b64decode(input.content_base64, validate=True), input.file_name
        except (binascii.Error, ValueError) as error:
            raise ValidationError({"contentBase64": ValidationError(
                _("This is not base64."), code=error_codes.INVALID)}) from error
    raise ValidationError({"file": ValidationError(_("Send a file."), code=error_codes.FILE_EMPTY)})
