"""Demo data after the session: conclusions, actions, write-ups and follow-ups.

The three demo assists past their session show the three moments of stage 6–8: "Finding leaks"
is concluded with a draft write-up; "A framework contract" is written up and its follow-up fell
due two days ago (the worker started by `make run` asks the home team at once); "The graduate
engineers' first year" is followed up. Idempotent: an assist with a conclusion is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from peerassist.accounts.models import Organisation
from peerassist.assists.models import PeerAssist, Role
from peerassist.writeups import drafting, selectors
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    Conclusion,
    ConnectPair,
    Feedback,
    FollowUp,
    WriteUp,
    WriteUpStatus,
    WriteUpVersion,
)

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): after live: conclusions and write-ups quote the notes.
ORDER = 30

# title: (learned, do differently, shared knowledge, [(action, days from session, status)])
OUTCOMES = {
    "Finding leaks with acoustic loggers": (
        "Logger spacing depends on the pipe material, and noisy streets need a quiet-hours plan.",
        "We will read the loggers for two weeks before digging, and pair patrols with crews.",
        "Acoustic loggers pay off after the first month, once crews and loggers work together.",
        [
            ("Draw a logger map with 200 m spacing on plastic mains", 14, ActionStatus.IN_PROGRESS),
            ("Agree quiet reading hours near the ring road", 21, ActionStatus.OPEN),
            ("Pair each logger patrol with a local crew", 30, ActionStatus.OPEN),
        ],
    ),
    "A framework contract for asset data services": (
        "Fixed data formats age fast; paying per validated record improves quality.",
        "We will specify outcomes, not formats, and add a data-ownership clause.",
        "A framework lasts only if it can change by agreement without re-tendering.",
        [
            ("Write the data-ownership and hand-back clause", 14, ActionStatus.DONE),
            ("Price per validated asset record in the tender", 21, ActionStatus.IN_PROGRESS),
            ("Check customer addresses in asset data with the DPO", 28, ActionStatus.OPEN),
        ],
    ),
    "Designing the graduate engineers' first year": (
        "Ownership of a real project teaches more than rotations; mentoring needs protected time.",
        "Each graduate owns one small project; mentoring goes into mentors' objectives.",
        "Cohorts that meet regularly keep each other going through the first year.",
        [
            ("Give each graduate a project to own by month three", 30, ActionStatus.DONE),
            ("Add two hours a month of mentoring to mentors' goals", 45, ActionStatus.DONE),
            ("Plan a cohort week every quarter", 60, ActionStatus.IN_PROGRESS),
        ],
    ),
}


def load(org: Organisation) -> None:
    now = timezone.now()
    for title, (learned, differently, shared, actions) in OUTCOMES.items():
        assist = PeerAssist.objects.filter(organisation=org, title=title).first()
        if (
            assist is None
            or assist.starts_at is None
            or Conclusion.objects.filter(assist=assist).exists()
        ):
            continue
        held = timezone.localdate(assist.starts_at)
        home = [p.person for p in assist.participations.filter(role=Role.HOME_PEER)]
        peers = [p.person for p in assist.participations.filter(role=Role.VISITING_PEER)]
        followed_up = assist.status == "followed_up"
        written_up = assist.status in ("written_up", "followed_up")
        due = held + timedelta(days=33 if assist.status == "written_up" else 40)
        Conclusion.objects.create(
            assist=assist,
            learned=learned,
            do_differently=differently,
            shared_knowledge=shared,
            followup_on=due,
            updated_by=home[0] if home else None,
        )
        starred = list(assist.contributions.filter(starred=True).order_by("pk"))
        for order, (action_title, days, status) in enumerate(actions):
            action = Action.objects.create(
                assist=assist,
                title=action_title,
                owner=home[order % len(home)] if home else None,
                due_on=held + timedelta(days=days),
                status=status,
                completed_at=now if status == ActionStatus.DONE else None,
                order=order,
            )
            if starred:
                action.contributions.add(starred[order % len(starred)])
        if home and peers:
            ConnectPair.objects.create(
                assist=assist, home_peer=home[0], visiting_peer=peers[0], topic=actions[0][0]
            )
        for i, person in enumerate(peers[:3]):
            Feedback.objects.create(
                assist=assist,
                person=person,
                usefulness=5 - i % 2,
                comment="Good questions from the home team." if i == 0 else "",
                anonymous=i == 1,
            )
        body = drafting.draft_markdown(selectors.session_data(assist=assist))
        writeup = WriteUp.objects.create(assist=assist, body=body, version=1)
        WriteUpVersion.objects.create(
            writeup=writeup, number=1, body=body, note="Drafted from the session"
        )
        if written_up:
            writeup.status = WriteUpStatus.PUBLISHED
            writeup.published_at = assist.starts_at + timedelta(days=3)
            writeup.published_by = home[0] if home else None
            writeup.save()
        followup = FollowUp.objects.create(assist=assist, due_on=due)
        if followed_up:
            followup.asked_at = timezone.now() - timedelta(days=40)
            followup.answered_at = followup.asked_at + timedelta(days=2)
            followup.answered_by = home[0] if home else None
            followup.what_changed = (
                "Every graduate now owns a project from month three; mentoring is in objectives."
            )
            followup.peers_told_at = followup.answered_at
            followup.save()
            followup.followed_up_with.set(peers[:2])
