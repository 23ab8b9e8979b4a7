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

bannerBesideTheChange();
initAll();
