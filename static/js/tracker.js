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

// A control whose request fails (the database not answering, the network gone) leaves
// the page as it was; say so in words instead of doing nothing, and clear the message
// at the next request that succeeds.
function showRequestProblem(text) {
  const box = document.getElementById("request-problem");
  if (!box) return;
  box.textContent = text;
  box.hidden = text === "";
}

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  showRequestProblem(
    status === 503
      ? "The database is not answering, so this page was not updated. Nothing was changed; try again in a few seconds."
      : `The server could not answer (error ${status}), so this page was not updated.`,
  );
});

document.addEventListener("htmx:sendError", () => {
  showRequestProblem(
    "The server could not be reached, so this page was not updated. Check the connection and try again.",
  );
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) showRequestProblem("");
});

// The header search's suggestions close on Escape and when the focus leaves the search
// (not when it moves to a suggestion: clicking one follows its link), and open again as
// one types or comes back to the box.
const siteSearch = document.querySelector(".site-search");
if (siteSearch) {
  const close = () => siteSearch.classList.add("closed");
  const open = () => siteSearch.classList.remove("closed");
  siteSearch.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  siteSearch.addEventListener("focusout", (event) => {
    if (!siteSearch.contains(event.relatedTarget)) close();
  });
  siteSearch.addEventListener("focusin", open);
  siteSearch.addEventListener("input", open);
}
