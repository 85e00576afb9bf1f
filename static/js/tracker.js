// Behaviour the pages share, loaded once by base.html. Nothing here is needed to use a
// page: without JavaScript every control is a form or a link. No inline script or hx-on
// attribute anywhere, so that a strict Content-Security-Policy can forbid them.

// One history entry per view: a push of the address already shown (Enter in a search box
// whose results already match what was typed) replaces it instead of adding a duplicate
// that the back button would have to be pressed twice to get past.
document.addEventListener("htmx:beforeHistoryUpdate", (event) => {
  const update = event.detail.history;
  if (update.type === "push" && update.path === location.pathname + location.search) {
    update.type = "replace";
  }
});
