// Back to the place of an action after the page reloaded for it.

// The ids around `el`, nearest first: where the user acted, then the places around it to fall
// back on when it is gone after the reload. A closed editor is stood for by its button's row.
function placesOf(el) {
  var ids = [];
  for (var node = el; node && node !== document.body; node = node.parentElement) {
    if (node.hasAttribute("data-editor")) {
      var opener = document.querySelector('[data-edit="' + CSS.escape(node.id) + '"]');
      if (opener) { node = opener; }
    }
    if (node.id && ids.indexOf(node.id) < 0) { ids.push(node.id); }
  }
  return ids;
}

var RETURN_KEY = "dd-return";
function here() { return window.location.pathname + window.location.search; }

// `landing`: the id of a place to prefer to `el`'s own (the row a form has just created);
// `page`: the address to load instead of this one (where that row is shown), if any;
// `shownBy`: the data-action of a button whose .action-status shows `message` after the reload
// (an outcome worth reading, such as what a detection run found), not only read out
export function reloadAt(el, message, landing, page, shownBy) {
  var ids = placesOf(el);
  if (landing) { ids.unshift(landing); }
  var target = page || here();
  try {
    window.sessionStorage.setItem(RETURN_KEY, JSON.stringify({ page: target, ids: ids, message: message, shownBy: shownBy || null, scrollY: window.scrollY }));
    // the browser's own restoring of the scroll on reload would come after ours and undo it
    window.history.scrollRestoration = "manual";
  } catch (e) { /* storage refused: a plain reload */ }
  if (target !== here()) { window.location.assign(target); } else { window.location.reload(); }
}

// back to the browser's own restoring for later visits, once this load's chance has passed
function restoreScrollingLater() {
  var auto = function () { window.setTimeout(function () { window.history.scrollRestoration = "auto"; }, 0); };
  if (document.readyState === "complete") { auto(); } else { window.addEventListener("load", auto, { once: true }); }
}

function shown(el) { return !!el && !el.closest("[hidden]") && el.getClientRects().length > 0; }
function inView(el) {
  var box = el.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}

function showOutcome(action, message) {
  var button = Array.prototype.filter.call(document.querySelectorAll("[data-action]"), function (b) {
    return b.getAttribute("data-action") === action;
  })[0];
  var status = button && button.parentElement ? button.parentElement.querySelector(".action-status") : null;
  if (status) { status.textContent = message; }
}

export function returnToPlace() {
  var saved = null;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(RETURN_KEY) || "null");
    window.sessionStorage.removeItem(RETURN_KEY);
  } catch (e) { saved = null; }
  if (!saved || saved.page !== here()) { return; }
  restoreScrollingLater();
  if (saved.shownBy && saved.message) { showOutcome(saved.shownBy, saved.message); }
  var place = (saved.ids || []).map(function (id) { return document.getElementById(id); }).filter(shown)[0];
  if (!place) { window.scrollTo(0, saved.scrollY || 0); return; }
  // the address names the place (set once loaded: a reload is then one plain navigation), so
  // reloading the page or sharing its address lands there too, even without this script
  if (window.location.hash !== "#" + place.id) { window.history.replaceState(window.history.state, "", here() + "#" + place.id); }
  if (place.tabIndex < 0 && !place.hasAttribute("tabindex")) {
    place.setAttribute("tabindex", "-1");  // focusable for this return only, as GOV.UK's banners
    place.addEventListener("blur", function () { place.removeAttribute("tabindex"); }, { once: true });
  }
  if (!inView(place)) {  // a place taller than the window (a table) is shown from its top
    place.scrollIntoView({ block: place.offsetHeight > window.innerHeight ? "start" : "center" });
  }
  place.focus({ preventScroll: true });
  var box = document.getElementById("dd-announce");
  // a live region changed while the page loads is often not read: say it once the focus settled
  if (box && saved.message) { window.setTimeout(function () { box.textContent = saved.message; }, 300); }
}
