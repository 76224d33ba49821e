"""History tracking for the record engine: pghistory event tables indexed for the Updates tab."""

import pghistory
from django.db import models


def tracked(short_name: str, *trackers):
    """`pghistory.track` with the two indexes the Updates tab reads through.

    `(ref, -pgh_created_at)` finds a record's newest events; `(pgh_obj, pgh_id)` finds the previous
    version of a row to compute its changes, without scanning all of that row's versions.
    """
    return pghistory.track(*trackers, meta={"indexes": [
        models.Index(fields=["ref", "-pgh_created_at", "-pgh_id"], name=f"{short_name}_ev_ref_time"),
        models.Index(fields=["pgh_obj", "pgh_id"], name=f"{short_name}_ev_obj_id"),
    ]})
