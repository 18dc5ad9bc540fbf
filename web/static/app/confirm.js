// data-confirm: asks before a form or button acts.
import { fill, t } from "./text.js";

// data-confirm="1" asks whether to go on with the button's action, named by its label (a
// form's: its submit button's); any other value is the question itself
export function confirmed(el) {
  var question = el.getAttribute("data-confirm");
  if (question === null) { return true; }
  if (question && question !== "1") { return window.confirm(question); }
  var button = el instanceof HTMLFormElement ? el.querySelector("button[type=submit], button:not([type])") : el;
  var action = button ? button.textContent.trim() : "";
  return window.confirm(action ? fill(t("confirm_action", "%(action)s: are you sure?"), { action: action }) : t("confirm", "Are you sure?"));
}
