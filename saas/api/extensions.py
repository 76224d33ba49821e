"""Every mutation runs inside a pghistory context naming the actor and the source of the change."""

import pghistory
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from saas.records.enums import RecordSource


class HistoryContext(SchemaExtension):
    def on_execute(self):
        execution = self.execution_context
        context = execution.context
        if execution.operation_type != OperationType.MUTATION:
            yield
            return
        user = getattr(context, "user", None)
        source = RecordSource.API if getattr(context, "api_token", None) is not None else RecordSource.MANUAL
        with pghistory.context(user=getattr(user, "pk", None), source=source):
            yield
