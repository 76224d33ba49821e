"""The planner in the graph: every scheduled job of the tenant, for its admins."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from saas.core.graph import IsTenantAdmin
from saas.workflows import planner


@strawberry.enum(name="ScheduledJobKind")
class ScheduledJobKind(Enum):
    WORKFLOW = "workflow"
    JOB = "job"


@strawberry.enum(name="ScheduledJobStatus")
class ScheduledJobStatus(Enum):
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PAUSED = "paused"


@strawberry.type(name="ScheduledJob", description="A job the planner runs on a schedule in this company.")
class ScheduledJobType:
    key: str = strawberry.field(description="`workflow:<id>` for a scheduled workflow, else the job's name.")
    name: str
    kind: ScheduledJobKind
    module: str = strawberry.field(description="A workflow's module; empty for a job.")
    schedule: str = strawberry.field(description="A cron expression (jobs: UTC; workflows: the server's time zone).")
    last_run: datetime | None
    next_run: datetime | None
    status: ScheduledJobStatus
    last_error: str = strawberry.field(description="The error of the latest failed run, empty if none.")


@strawberry.type
class PlannerQuery:
    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="Every scheduled job: planned jobs (recurring invoices…) and scheduled workflows.")
    def scheduled_jobs(self, info: Info) -> list[ScheduledJobType]:
        return [ScheduledJobType(key=job.key, name=job.name, kind=ScheduledJobKind(job.kind), module=job.module,
                                 schedule=job.schedule, last_run=job.last_run, next_run=job.next_run,
                                 status=ScheduledJobStatus(job.status), last_error=job.last_error)
                for job in planner.scheduled_job_list()]
