"""Transaction pipeline Lambda layer: streaming validation, normalisation and
idempotent job tracking for transaction files (pure Python + boto3).

Lands at ``/opt/python/txn_pipeline`` in Lambda. Must not import cdktf, the
stack, aspects or policies.
"""

from .models import job_id_for

__all__ = ["job_id_for"]
