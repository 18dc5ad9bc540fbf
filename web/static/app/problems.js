// RFC 9457 problem errors shown beside the fields they name, in the page's language.
import { T, fill, t } from "./text.js";

function fieldBox(form, field) {
  var parts = String(field).replace(/\[(\d+)\]/g, ".$1").split(".");  // rules[1].x → rules.1.x
  while (parts.length) {
    var name = parts.join(".");
    var box = form.querySelector('[data-field="' + name.replace(/"/g, "") + '"]');
    if (box) { return box; }
    parts.pop();
  }
  return null;
}

// A field's error is its description (aria-describedby), beside any hint it already had.
var errorIds = 0;
function describedBy(input, id, on) {
  var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
  if (on) { ids.push(id); }
  if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); } else { input.removeAttribute("aria-describedby"); }
}

// `input` no longer marked invalid nor described by its error slot; its field box and slot.
function unmark(input) {
  input.removeAttribute("aria-invalid");
  var box = input.closest("[data-field]");
  var slot = box ? box.querySelector(".ferror") : null;
  if (slot && slot.id) { describedBy(input, slot.id, false); }
  return { box: box, slot: slot };
}

export function clearErrors(form) {
  form.querySelectorAll(".ferror").forEach(function (el) { el.textContent = ""; });
  form.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
  form.querySelectorAll("[aria-invalid]").forEach(unmark);
  var status = form.querySelector(".form-status");
  if (status) { status.textContent = ""; status.classList.remove("error", "ok"); }
}

// A marked field that the user gives a value loses its mark and its error (the API checks it
// again on the next send); once no field is marked, the summary goes too.
export function clearFieldError(event) {
  var input = event.target;
  var form = input && input.form;
  if (!form || input.getAttribute("aria-invalid") !== "true") { return; }
  if (input.type !== "checkbox" && String(input.value).trim() === "") { return; }
  var marked = unmark(input);
  if (marked.slot) { marked.slot.textContent = ""; }
  if (marked.box) { marked.box.classList.remove("invalid"); }
  var status = form.querySelector(".form-status.error");
  if (status && !form.querySelector('[aria-invalid="true"]')) {
    status.textContent = "";
    status.classList.remove("error");
  }
}

// Field errors in the page's language (web/field_errors.py): a known reason, else the
// error type with its ctx, else the API's English reason.
var FE = T.field_errors || {};
var PT = T.problems || {};

// The problem's detail in the page's language (web/problem_text.py words the same way).
export function problemText(problem) {
  var detail = problem.detail || "";
  if ((PT.details || {})[detail]) { return PT.details[detail]; }
  if (PT.keep_detail && detail) { return detail; }
  if (!problem.code) { return detail || t("failed", "Failed"); }  // the script's own texts
  return (PT.codes || {})[problem.code] || t("failed", "Failed");
}
export function errorText(err, input) {
  var reason = String(err.reason || "").replace(/^Value error, /, "");
  var dataType = input ? input.getAttribute("data-type") : "";
  var client = FE.client || {};
  if (/^(int|float)_/.test(err.type || "") && client[dataType]) { return client[dataType]; }
  if ((FE.reasons || {})[reason]) { return FE.reasons[reason]; }
  if (err.type && err.type !== "value_error" && (FE.types || {})[err.type]) {
    return fill(FE.types[err.type], err.ctx);
  }
  return reason;
}

function labelOf(box, field) {
  var summary = box && box.getAttribute("data-summary");  // a label that needs its section
  if (summary) { return summary; }
  var text = box && box.querySelector(".ftext, legend");
  if (!text) { return box && box.getAttribute("aria-label") || String(field); }
  var copy = text.cloneNode(true);
  copy.querySelectorAll("abbr").forEach(function (el) { el.remove(); });
  return copy.textContent.trim() || String(field);
}

export function showProblem(form, problem) {
  var invalid = [];
  var marked = [];
  var unplaced = [];
  (problem.errors || []).forEach(function (err) {
    var box = fieldBox(form, err.field);
    var input = box ? box.querySelector("input, select, textarea") : null;
    var text = errorText(err, input);
    var slot = box ? box.querySelector(".ferror") : null;
    if (!slot) { unplaced.push(box ? labelOf(box, err.field) + ": " + text : text); return; }
    box.classList.add("invalid");
    slot.textContent = slot.textContent ? slot.textContent + "; " + text : text;
    if (marked.indexOf(box) < 0) { marked.push(box); }
    if (input) {
      if (!slot.id) { slot.id = "dd-error-" + (++errorIds); }
      input.setAttribute("aria-invalid", "true");
      describedBy(input, slot.id, true);
      if (invalid.indexOf(input) < 0) { invalid.push(input); }
    }
  });
  var first = null;  // the first marked field in the order of the form, not of the errors
  invalid.forEach(function (input) {
    if (!first || first.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_PRECEDING) { first = input; }
  });
  var status = form.querySelector(".form-status");
  var parts = [];
  if (marked.length) {  // named by their labels, in the order of the form
    marked.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    var names = marked.map(function (box) { return labelOf(box, box.getAttribute("data-field")); })
      .filter(function (name, i, all) { return all.indexOf(name) === i; });
    parts.push(fill((FE.client || {}).fields || t("fix", "Please correct the marked fields") + ": %(fields)s",
      { fields: names.join(t("list_sep", ", ")) }));
  }
  if (unplaced.length) { parts.push(unplaced.join(t("clause_sep", "; "))); }
  if (!parts.length) { parts.push(problemText(problem)); }
  var text = parts.join(t("sentence_sep", ". "));
  if (status) { status.textContent = text; status.classList.add("error"); } else { window.alert(text); }
  if (first) { first.focus(); }
}
