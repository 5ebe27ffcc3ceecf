// One polite live region per page (the room's and the projector's): messages that come
// together, such as a new step that starts in its last minute, are read as one.

export function makeAnnouncer(element, { delay = 100 } = {}) {
  let heard = [];
  let timer = 0;
  return (message) => {
    heard.push(message);
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (element) element.textContent = heard.join(" ");
      heard = [];
    }, delay);
  };
}
