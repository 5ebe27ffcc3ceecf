from datetime import datetime

from peerassist.audit.services import audit_prune
from peerassist.core.periodic import periodic_job


@periodic_job("audit.prune")
def prune(now: datetime) -> int:
    """Keep the audit log within its retention (AUDIT_RETENTION_DAYS)."""
    return audit_prune(now=now)
