// <button data-action>: calls the API, then refreshes its live region or reloads the page.
import { callApi } from "./api.js";
import { confirmed } from "./confirm.js";
import { focusKey, refresh } from "./live.js";
import { reloadAt } from "./place.js";
import { errorText, problemText } from "./problems.js";
import { fill, t } from "./text.js";

function statusNear(el) {
  var node = el;
  while (node && node !== document.body) {
    var found = node.querySelector ? node.querySelector(".action-status") : null;
    if (found) { return found; }
    node = node.parentElement;
  }
  return null;
}

// What the button's answer says, worded by its data-done ("%(created)s new …", filled from the
// answer's fields), or data-done-none when every field data-done names is 0; else "Done".
function outcome(el, data) {
  var text = el.getAttribute("data-done");
  if (!text) { return t("done", "Done"); }
  var names = (text.match(/%\((\w+)\)s/g) || []).map(function (m) { return m.slice(2, -2); });
  var none = el.getAttribute("data-done-none");
  if (none && names.every(function (n) { return !data || !data[n]; })) { return none; }
  return fill(text, data || {});
}

export function onClick(event) {
  var el = event.target.closest ? event.target.closest("[data-action], [data-print]") : null;
  if (!el) { return; }
  if (el.hasAttribute("data-print")) { window.print(); return; }
  event.preventDefault();
  if (!confirmed(el)) { return; }
  var region = el.closest("[data-refresh]");
  var place = region ? focusKey(region, el) : null;  // disabling the button drops its focus
  el.disabled = true;
  callApi(el.getAttribute("data-method") || "POST", el.getAttribute("data-action")).then(function (result) {
    el.disabled = false;
    var status = statusNear(el);
    if (!result.ok) {
      var data = result.data || {};
      var reasons = (data.errors || []).map(function (e) { return errorText(e, null); }).join(t("clause_sep", "; "));
      var text = reasons || problemText(data);
      if (status) { status.textContent = text; status.classList.add("error"); } else { window.alert(text); }
      return;
    }
    document.dispatchEvent(new CustomEvent("dd:changed"));
    var said = outcome(el, result.data);
    if (region) {
      refresh(region, true, place);
    } else {
      reloadAt(el, said, null, null, el.hasAttribute("data-done") ? el.getAttribute("data-action") : null);
    }
  });
}
