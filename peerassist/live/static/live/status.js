// The connection status line, the alert line and who is in the room.

import { format, h } from "./render.js";

/** Show (or, with an empty message, hide) the alert line above the board. */
export function showAlert(room, message) {
  room.ui.alert.textContent = message || "";
  room.ui.alert.hidden = !message;
}

/** "Saved", "Sending…", "Offline: N notes waiting", or why the room closed to this person. */
export function renderStatus(room) {
  const { ui, S, outbox, socket, connection, model } = room;
  const pending = outbox.sendable().length;
  const failed = outbox.all().length - pending;
  let text;
  let state;
  if (connection.refused) {
    text = connection.limitReason
      ? format(S.limited_status, { why: connection.limitReason })
      : connection.refusedReason || S.refused_status;
    state = "refused";
  } else if (!socket.connected) {
    text = pending ? format(S.offline, { n: pending }) : model.room ? S.offline_none : S.connecting;
    state = model.room || pending ? "offline" : "connecting";
  } else if (pending) {
    text = S.sending;
    state = "sending";
  } else {
    text = failed ? S.connected : S.saved;
    state = "saved";
  }
  if (failed && !connection.refused) text = `${text} · ${format(S.failed_status, { n: failed })}`;
  if (ui.status.textContent !== text) ui.status.textContent = text;
  ui.status.dataset.state = state;
  ui.reconnect.hidden = socket.connected || connection.refused || state === "connecting";
  if (ui.controls) {
    for (const button of ui.controls.querySelectorAll("button")) button.disabled = !socket.connected;
    ui.controlsOffline.hidden = socket.connected;
  }
  if (socket.connected && ui.alert.textContent === S.offline_action) showAlert(room, "");
}

/** Who is in the room now, with their role. */
export function renderPresence(room) {
  const { ui, S, model } = room;
  if (!model.room) return;
  const people = model.room.presence || [];
  const myId = room.me().person_id;
  ui.presenceCount.textContent = format(S.notes_count, { n: people.length });
  ui.presence.replaceChildren(
    ...(people.length
      ? people.map((p) =>
          h(
            "li",
            {},
            h("span", { className: "person-name", text: p.name }),
            p.person_id !== null && p.person_id === myId ? ` ${S.you}` : "",
            p.role ? h("span", { className: "muted", text: ` · ${S.roles[p.role] || p.role}` }) : "",
          ),
        )
      : [h("li", { className: "muted", text: S.nobody })]),
  );
}
