"""The step timer, server-authoritative: every client derives the same countdown. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from peerassist.live.events import TimerData


def ends_at(
    *, started_at: datetime, duration_seconds: int, extra_seconds: int, paused_seconds: int
) -> datetime:
    return started_at + timedelta(seconds=duration_seconds + extra_seconds + paused_seconds)


def remaining_seconds(
    *,
    status: str,
    started_at: datetime | None,
    paused_at: datetime | None,
    duration_seconds: int,
    extra_seconds: int,
    paused_seconds: int,
    now: datetime,
) -> float:
    """Seconds left in the step (negative: overtime)."""
    if status == "idle" or started_at is None:
        return float(duration_seconds + extra_seconds)
    end = ends_at(
        started_at=started_at,
        duration_seconds=duration_seconds,
        extra_seconds=extra_seconds,
        paused_seconds=paused_seconds,
    )
    reference = paused_at if status == "paused" and paused_at else now
    return (end - reference).total_seconds()


def timer_payload(
    *,
    step_id: int | None,
    status: str,
    started_at: datetime | None,
    paused_at: datetime | None,
    duration_seconds: int,
    extra_seconds: int,
    paused_seconds: int,
    auto_advance: bool,
    now: datetime,
) -> TimerData:
    """The timer as the protocol sends it."""
    running_end = (
        ends_at(
            started_at=started_at,
            duration_seconds=duration_seconds,
            extra_seconds=extra_seconds,
            paused_seconds=paused_seconds,
        )
        if status == "running" and started_at
        else None
    )
    return {
        "step_id": step_id,
        "status": status,
        "started_at": started_at.isoformat() if started_at else None,
        "paused_at": paused_at.isoformat() if paused_at else None,
        "duration_seconds": duration_seconds,
        "extra_seconds": extra_seconds,
        "paused_seconds": paused_seconds,
        "ends_at": running_end.isoformat() if running_end else None,
        "remaining_seconds": round(
            remaining_seconds(
                status=status,
                started_at=started_at,
                paused_at=paused_at,
                duration_seconds=duration_seconds,
                extra_seconds=extra_seconds,
                paused_seconds=paused_seconds,
                now=now,
            ),
            1,
        ),
        "auto_advance": auto_advance,
    }
