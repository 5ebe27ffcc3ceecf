"""The room's WebSocket: parse and authorise each message, call a service, answer.

No business logic here: services decide and write; the hub fans events out.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerassist.assists.kinds import SPOKESPERSON
from peerassist.assists.models import step_kinds_by_role
from peerassist.live import (
    attendance,
    events,
    joining,
    limits,
    questions,
    selectors,
    services,
    votes,
)
from peerassist.live.db import in_db_thread
from peerassist.live.fanout import hub
from peerassist.live.frames import SCOPE_KEY as FRAME_WRITER
from peerassist.live.frames import FrameWriter
from peerassist.live.language import scope_language

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024
BUCKET_SIZE = 30  # messages
BUCKET_REFILL = 10.0  # messages a second


class RoomConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    # Each process's hub fans out to its sockets; a per-socket channel-layer channel would
    # cost one layer message per client per event, so this consumer has none.
    channel_layer_alias = "__none__"

    assist_id: int
    person_id: int | None
    actor: selectors.Actor
    user_id: int | None

    async def connect(self) -> None:
        self.assist_id = int(self.scope["url_route"]["kwargs"]["assist_id"])
        self.conn_id = uuid.uuid4().hex
        # Set by live/frames.DirectFrames under uvicorn: room events as one shared frame.
        self.frame_writer: FrameWriter | None = self.scope.get(FRAME_WRITER)
        self.tokens = float(BUCKET_SIZE)
        self.refilled = time.monotonic()
        self.joined = False
        self.admitted = False
        self.limited = False
        query = parse_qs(self.scope.get("query_string", b"").decode())
        token = (query.get("projector") or [""])[0]
        # The socket speaks the page's language: its messages, reasons and the shipped
        # formats' step titles and prompts (the context reaches the database threads too).
        # The person's saved language wins once the session says who they are.
        self.language = scope_language(self.scope)
        with translation.override(self.language):
            user, entry, self.agenda = await in_db_thread(joining.enter)(
                assist_id=self.assist_id,
                token=token,
                user=self.scope.get("user"),
                session_key=self.scope.get("session_key", ""),
            )
        self.scope["user"] = user
        self.language = scope_language(self.scope)
        with translation.override(self.language):
            await self._connect(token, user, entry)

    async def _connect(self, token: str, user: Any, entry: selectors.RoomEntry | None) -> None:
        if entry is None:
            await self.close(code=4403)
            return
        if entry.why_not:
            # Accept first so that the browser sees the code and the reason, which the room shows.
            await self.accept()
            await self.close(code=4403, reason=entry.why_not)
            return
        # Only someone allowed in learns that a limit stops them (deny by default). Counted
        # in memory, no await between the check and the count, so two sockets connecting at
        # once cannot both take the last place.
        user_id = None if token or not user.is_authenticated else user.pk
        refusal = limits.admit(hub, user_id=user_id, assist_id=self.assist_id)
        if refusal is not None:
            logger.warning(
                "live room socket refused (%s, limit %d): user %s, assist %s",
                refusal.code,
                refusal.limit,
                user_id,
                self.assist_id,
            )
            # Accept first: a browser never sees why a handshake was refused.
            await self.accept()
            await self._error(refusal.code, refusal.message)
            await self.close(code=limits.CLOSE_LIMIT, reason=refusal.code)
            return
        self.user_id, self.admitted = user_id, True
        self.actor = entry.actor
        self.person_id = (
            selectors.PROJECTOR_PERSON
            if self.actor.role == selectors.PROJECTOR
            else self.actor.person_id
        )
        await self.accept()
        await hub.join(self)
        self.joined = True
        if entry.attendance_due and self.actor.person_id is not None:
            attendance.batch.add(assist_id=self.assist_id, person_id=self.actor.person_id)

    @in_db_thread
    def _spokesperson_of(self) -> str | None:
        # Read at each step change: the facilitator may name a spokesperson mid-session.
        group = selectors.spokesperson_group(
            assist_id=self.assist_id, person_id=self.actor.person_id
        )
        return group.name if group else None

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", False):
            await hub.leave(self)
        if getattr(self, "admitted", False):
            self.admitted = False
            limits.release(hub, user_id=self.user_id, assist_id=self.assist_id)

    # --- What the hub calls -------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def send_event(self, event: events.LiveEvent, text: str) -> None:
        """A room event (`text` is its JSON, made once for all sockets of this process)."""
        await self.send(text_data=text)
        if event["event"] == "timer.changed":  # one of fanout.PER_SOCKET_EVENTS
            await self._send_rights(event["data"]["step_id"], event["seq"])

    async def kick(self, reason: str = "") -> None:
        # The close reason is a short code the room turns into a sentence (see room.js).
        await self.close(code=4403, reason=reason or None)

    async def _send_rights(self, step_id: int | None, seq: int) -> None:
        """Rights follow the step: tell this client what it may do in the new one (a timer
        changes only in a live session). `seq` is the event's: the client keeps the rights
        of the newest event, whichever arrives last (see on_hello)."""
        with translation.override(self.language):
            await self._send_rights_now(step_id, seq)

    async def _send_rights_now(self, step_id: int | None, seq: int) -> None:
        step = self.agenda.get(step_id) if step_id is not None else None
        # Asked only in steps that give spokespeople a say (a plenary), not at every tick.
        spoken = step is not None and bool(step_kinds_by_role(step).get(SPOKESPERSON))
        allowed = selectors.actor_rights(
            actor=self.actor,
            live=True,
            step=step,
            spokesperson_of=await self._spokesperson_of() if spoken else None,
        )
        await self._send(
            {
                "type": "me",
                "may": allowed.as_dict(),
                "why": allowed.why,
                "role": self.actor.role,
                "seq": seq,
            }
        )

    async def _send(self, message: events.ServerMessage) -> None:
        await self.send(text_data=json.dumps(message))

    # --- Messages from the client ---------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            await self._receive(text_data)

    async def _receive(self, text_data: str | None) -> None:
        if text_data is None or len(text_data.encode()) > MAX_MESSAGE_BYTES:
            await self._error("too_large", _("Messages are text of 16 KB at most."))
            return
        if not self._take_token():
            self._log_limited("socket")
            await self._error("rate_limited", _("Too many messages at once; wait a moment."))
            return
        try:
            message = json.loads(text_data)
            kind = message["type"]
        except (ValueError, KeyError, TypeError):
            await self._error("invalid", _("That message is not understood."))
            return
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self._error("invalid", _("That message is not understood."))
            return
        # Pings keep each socket alive and cost nothing; everything else counts per user.
        if kind != "ping" and not limits.take_user_token(hub, user_id=self.user_id):
            self._log_limited("user")
            await self._error(
                "rate_limited",
                _("Too many messages from you at once, across your open windows; wait a moment."),
            )
            return
        self.limited = False
        if kind not in ("hello", "ping") and self.actor.role == selectors.PROJECTOR:
            await self._error("not_allowed", _("The projector only shows the room."))
            return
        try:
            await handler(message)
        except services.RoomError as refusal:
            await self._error(refusal.code, refusal.message, message.get("client_id"))
        except PermissionDenied as denied:
            await self._error("not_allowed", str(denied), message.get("client_id"))
            await self.close(code=4403)
        except (KeyError, TypeError, ValueError):
            await self._error("invalid", _("A field is missing or has a wrong value."))

    def _user(self) -> int:
        """The user a message acts for (the projector, which has none, only says hello)."""
        if self.user_id is None:
            raise PermissionDenied(_("The projector only shows the room."))
        return self.user_id

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BUCKET_SIZE, self.tokens + (now - self.refilled) * BUCKET_REFILL)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def _log_limited(self, which: str) -> None:
        """Log the first refused message of a flood, not each one."""
        if not self.limited:
            self.limited = True
            logger.warning(
                "live room messages rate-limited (%s): user %s, assist %s",
                which,
                self.user_id,
                self.assist_id,
            )

    async def _error(self, code: str, message: str, client_id: str | None = None) -> None:
        error: events.Error = {"type": "error", "code": code, "message": message}
        if client_id:
            error["client_id"] = client_id
        await self._send(error)

    async def on_ping(self, message: dict[str, Any]) -> None:
        await self._send({"type": "pong", "server_time": timezone.now().isoformat()})

    async def on_hello(self, message: dict[str, Any]) -> None:
        last_seq = int(message.get("last_seq") or 0)
        missed = None
        if last_seq > 0:
            missed = await in_db_thread(selectors.events_since)(
                assist_id=self.assist_id, seq=last_seq
            )
        if missed is None:
            # Through the hub, in order with the presence changes it queues (see send_state):
            # the state is made from `view` (joining_state reads it before any await).
            view = hub.presence_view(self.assist_id)
            text = await joining.joining_state(assist_id=self.assist_id, actor=self.actor)
            await hub.send_state(self, text, view)
            return
        await hub.send_presence(self)  # the client's list is from its last connection
        for event in missed:
            await self._send(event)
        # Read after the missed events, so these rights are at least as new as the last of
        # them; tagged with its seq. A step change committed meanwhile reaches this socket
        # through the hub with its own rights and a higher seq: if those arrive first, the
        # client keeps them rather than these (found by the 90-minute replay: a spokesperson
        # who reconnected as the plenary began was left with the previous step's kinds).
        me = await in_db_thread(selectors.me_dict)(assist_id=self.assist_id, actor=self.actor)
        seq = max([last_seq, *(int(event["seq"]) for event in missed)])
        await self._send(
            {
                "type": "me",
                "may": me["may"],
                "why": me["why"],
                "role": me["role"],
                "person_id": me["person_id"],
                "name": me["name"],
                "seq": seq,
            }
        )

    async def on_post(self, message: dict[str, Any]) -> None:
        posted = await in_db_thread(services.contribution_post)(
            assist_id=self.assist_id,
            user_id=self._user(),
            client_id=str(message["client_id"]),
            text=str(message.get("text", "")),
            kind=str(message.get("kind", "")),
            focus_question=_optional_int(message.get("focus_question")),
            group_id=_optional_int(message.get("group_id")),
            on_behalf_of=_optional_int(message.get("on_behalf_of")),
            typed_in_step=_optional_int(message.get("step_id")),
            anonymous=message.get("anonymous") is True,
        )
        await self._send(
            {
                "type": "ack",
                "client_id": posted.contribution["client_id"],
                "contribution": posted.contribution,
                "created": posted.created,
            }
        )

    async def on_edit(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.contribution_edit)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            text=str(message.get("text", "")),
            kind=str(message.get("kind", "")),
        )

    async def on_delete(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.contribution_delete)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
        )

    async def on_star(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.contribution_star)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            starred=bool(message.get("starred", True)),
        )

    async def on_move(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.contribution_move)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            focus_question=_optional_int(message.get("focus_question")),
            group_id=_optional_int(message.get("group_id")),
        )

    async def on_merge(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.contribution_merge)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            into_id=int(message["into_id"]),
        )

    async def on_tag(self, message: dict[str, Any]) -> None:
        tags = message.get("tags") or []
        if not isinstance(tags, list):
            raise TypeError
        await in_db_thread(services.contribution_tag)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            tags=[str(t) for t in tags],
        )

    async def on_timer(self, message: dict[str, Any]) -> None:
        await in_db_thread(services.timer_control)(
            assist_id=self.assist_id,
            user_id=self._user(),
            action=str(message["action"]),
            minutes=int(message.get("minutes") or 0),
            step_id=_optional_int(message.get("step_id")),
            on=bool(message.get("on", False)),
        )

    async def on_anonymous(self, message: dict[str, Any]) -> None:
        await in_db_thread(questions.anonymous_questions_set)(
            assist_id=self.assist_id,
            user_id=self._user(),
            step_id=int(message["step_id"]),
            on=message.get("on") is True,
        )

    async def on_upvote(self, message: dict[str, Any]) -> None:
        await in_db_thread(questions.question_upvote)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            on=message.get("on", True) is not False,
        )

    async def on_answer(self, message: dict[str, Any]) -> None:
        await in_db_thread(questions.question_answer)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_id=int(message["contribution_id"]),
            answered=message.get("answered", True) is not False,
        )

    async def on_vote_open(self, message: dict[str, Any]) -> None:
        ids = message.get("contribution_ids")
        if not isinstance(ids, list):
            raise TypeError
        await in_db_thread(votes.vote_open)(
            assist_id=self.assist_id,
            user_id=self._user(),
            contribution_ids=[int(i) for i in ids],
            dots=int(message["dots"]),
            voters=str(message.get("voters") or "everyone"),
        )

    async def on_vote_cast(self, message: dict[str, Any]) -> None:
        dots = message.get("dots")
        if not isinstance(dots, dict):
            raise TypeError
        vote_id = int(message["vote_id"])
        try:
            ballot = await in_db_thread(votes.vote_cast)(
                assist_id=self.assist_id,
                user_id=self._user(),
                vote_id=vote_id,
                client_id=str(message.get("client_id", "")),
                dots=dots,
            )
        except services.RoomError as refusal:
            # Tell the client which ballot failed, so it stops sending it.
            await self.send(
                text_data=json.dumps(
                    {
                        "type": "error",
                        "code": refusal.code,
                        "message": refusal.message,
                        "vote_id": vote_id,
                    }
                )
            )
            return
        await self.send(text_data=json.dumps(ballot))

    async def on_vote_close(self, message: dict[str, Any]) -> None:
        await in_db_thread(votes.vote_close)(
            assist_id=self.assist_id, user_id=self._user(), vote_id=int(message["vote_id"])
        )

    # --- Presence ---------------------------------------------------------------------

    def presence_entry(self) -> events.PresenceEntry | None:
        if self.actor.role == selectors.PROJECTOR:
            return None
        return {"person_id": self.actor.person_id, "name": self.actor.name, "role": self.actor.role}


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)
