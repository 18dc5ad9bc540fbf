// Changes typed into a form and not sent yet. A page reloaded after another form's save would
// drop them without a word, so that reload waits while there are any: the person editor has a
// form for the person and one for each phone number. (A button's action, such as Remove, still
// reloads: pressing it is leaving whatever else was being typed.)
import { t } from "./text.js";

function changedSelect(select) {
  var options = Array.prototype.slice.call(select.options);
  if (select.multiple) {
    return options.some(function (o) { return o.selected !== o.defaultSelected; });
  }
  var initial = options.findIndex(function (o) { return o.defaultSelected; });
  return select.selectedIndex !== (initial < 0 ? 0 : initial);
}

function changed(form) {
  return Array.prototype.some.call(form.elements, function (el) {
    if (el.disabled || el.type === "hidden" || el.type === "submit" || el.type === "button") { return false; }
    if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
    if (el.tagName === "SELECT") { return changedSelect(el); }
    return "defaultValue" in el && el.value !== el.defaultValue;
  });
}

// After a save the form's values are what the record holds: its new starting point.
export function markSaved(form) {
  Array.prototype.forEach.call(form.elements, function (el) {
    if (el.type === "checkbox" || el.type === "radio") { el.defaultChecked = el.checked; }
    else if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = o.selected; });
    } else if ("defaultValue" in el) { el.defaultValue = el.value; }
  });
}

// The other forms of the page with changes not sent yet, each marked as such and shown (a
// closed <details> around it opened); `source` is the form that was just saved.
export function holdForUnsaved(source) {
  var pending = Array.prototype.filter.call(document.querySelectorAll("form[data-api]"), function (form) {
    return form !== source && changed(form);
  });
  pending.forEach(function (form) {
    for (var node = form.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    var status = form.querySelector(".form-status");
    if (status) {
      status.textContent = t("unsaved", "Not saved yet: save or cancel these changes");
      status.classList.remove("ok");
      status.classList.add("error");
    }
  });
  return pending;
}
