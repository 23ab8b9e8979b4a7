import { initAll } from "../build/govuk-frontend.min.js";

// After a change to a row of a long page (a move, a delete, an update: the page is sent to
// the row, #action-12), the "Done" banner and its Undo go beside that row, where the eye is,
// instead of staying at the top of the page out of view. GOV.UK Frontend then focuses it
// (initAll, below), so it is read out and scrolled into view there. Without JavaScript the
// banner stays at the top.
function bannerBesideTheChange() {
  const banner = document.querySelector(".govuk-notification-banner--success");
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!banner || !target || target.contains(banner)) {
    return;
  }
  const row = target.closest("tr");
  if (row) {
    const bannerRow = document.createElement("tr");
    bannerRow.className = "app-banner-row";
    const cell = document.createElement("td");
    cell.colSpan = 99;
    cell.append(banner);
    bannerRow.append(cell);
    row.before(bannerRow);
  } else {
    target.before(banner);
  }
  // The browser's own jump to the row comes after this, and takes the focus with it: bring
  // the banner back into view, and focused, once it has.
  window.addEventListener("load", () => {
    window.requestAnimationFrame(() => {
      banner.setAttribute("tabindex", "-1");
      banner.scrollIntoView({ block: "start" });
      banner.focus({ preventScroll: true });
    });
  });
}

// The GOV.UK timeout warning: two minutes before the session ends idle (mscp.sessions, the
// clock starting at this page's request), a dialog says so and counts down; "Stay signed in"
// makes a request, which starts the idle time again.
function timeoutWarning() {
  const dialog = document.getElementById("timeout-warning");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const timeout = Number(dialog.dataset.timeout) * 1000;
  const warnBefore = Math.min(2 * 60 * 1000, timeout / 2);
  const countdown = dialog.querySelector(".app-timeout__countdown");
  let warning;
  let ticking;
  let deadline;
  const inWords = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = inWords(left);
    if (left === 0) {
      window.clearInterval(ticking);
    }
  };
  const start = () => {
    window.clearTimeout(warning);
    window.clearInterval(ticking);
    deadline = Date.now() + timeout;
    warning = window.setTimeout(() => {
      tick();
      dialog.showModal();
      ticking = window.setInterval(tick, 1000);
    }, timeout - warnBefore);
  };
  dialog.querySelector("[data-stay]").addEventListener("click", async () => {
    await window.fetch(dialog.dataset.keepAlive, { credentials: "same-origin" });
    dialog.close();
    start();
  });
  start();
}

// Drag and drop, for a mouse: an action's row dragged by its handle and dropped on another row
// of the same outcome takes that row's place. It posts what the move page would (place: 1 is
// first), so the server moves it and offers to renumber as after any move; the move page and
// the Move up and down buttons do the same without a mouse or JavaScript.
function dragToMove() {
  const rows = [...document.querySelectorAll("tr[data-move]")];
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (rows.length < 2 || !token) {
    return;
  }
  let dragged = null;
  const droppable = (row) => dragged && dragged !== row && dragged.dataset.list === row.dataset.list;
  for (const row of rows) {
    const handle = document.createElement("span");
    handle.className = "app-drag-handle";
    handle.draggable = true;
    handle.title = "Drag to move";
    handle.setAttribute("aria-hidden", "true");
    handle.textContent = "⠿";
    row.querySelector(".app-action-links")?.prepend(handle);
    handle.addEventListener("dragstart", (event) => {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.id);
      event.dataTransfer.setDragImage(row, 20, 20);
      row.classList.add("app-dragging");
    });
    handle.addEventListener("dragend", () => {
      row.classList.remove("app-dragging");
      dragged = null;
    });
    row.addEventListener("dragover", (event) => {
      if (droppable(row)) {
        event.preventDefault();
        row.classList.add("app-drop-target");
      }
    });
    row.addEventListener("dragleave", () => row.classList.remove("app-drop-target"));
    row.addEventListener("drop", (event) => {
      row.classList.remove("app-drop-target");
      if (!droppable(row)) {
        return;
      }
      event.preventDefault();
      const form = document.createElement("form");
      form.method = "post";
      form.action = dragged.dataset.move;
      for (const [name, value] of [["csrfmiddlewaretoken", token.value], ["place", row.dataset.place]]) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    });
  }
}

// A rating's colour: the browser's colour picker beside the hex box, each setting the other.
// Without JavaScript the colour is typed (#f47738); left blank, the scale's own is used.
function colourPickers() {
  for (const box of document.querySelectorAll("input[data-colour-picker]")) {
    const picker = document.createElement("input");
    picker.type = "color";
    picker.className = "app-colour-picker";
    picker.setAttribute("aria-label", "Pick the colour");
    const hex = /^#[0-9a-f]{6}$/i;
    const follow = () => {
      if (hex.test(box.value.trim())) {
        picker.value = box.value.trim().toLowerCase();
      }
    };
    follow();
    picker.addEventListener("input", () => {
      box.value = picker.value;
    });
    box.addEventListener("input", follow);
    box.after(picker);
  }
}

bannerBesideTheChange();
timeoutWarning();
colourPickers();
dragToMove();
initAll();
