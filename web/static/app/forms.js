// <form data-api>: sends the form to the API and shows the answer, its problems or the next page.
import { callApi } from "./api.js";
import { confirmed } from "./confirm.js";
import { formBody } from "./form_body.js";
import { focusKey, refresh } from "./live.js";
import { reloadAt } from "./place.js";
import { clearErrors, showProblem } from "./problems.js";
import { t } from "./text.js";
import { holdForUnsaved, markSaved } from "./unsaved.js";

// A form with data-autotitle="category,place" (the incident form) sends "category · place"
// as its title while the user leaves the Title field empty: computed afresh on every send
// and shown as the field's placeholder, never written into the field, so it follows later
// changes of those fields. With nothing to build it from, the title is left out and the
// API's "title required" is not shown: the fields it is built from carry their own errors.
function autotitle(form) {
  var spec = form.getAttribute("data-autotitle");
  if (!spec) { return ""; }
  return spec.split(",").map(function (name) {
    var el = form.elements[name];
    if (!el || !el.value) { return ""; }
    return el.tagName === "SELECT" ? el.options[el.selectedIndex].text : el.value.trim();
  }).filter(function (s) { return s; }).join(" · ");
}

export function previewTitle(event) {
  var form = event.target.form;
  var title = form && form.hasAttribute("data-autotitle") ? form.elements.namedItem("title") : null;
  if (!title || event.target === title) { return; }
  if (!title.hasAttribute("data-placeholder")) { title.setAttribute("data-placeholder", title.placeholder); }
  title.placeholder = autotitle(form) || title.getAttribute("data-placeholder");
}

// The new thing's id in the API's answer: `id`, or the path data-id names ("items.0.id").
function answerId(form, data) {
  return (form.getAttribute("data-id") || "id").split(".").reduce(function (node, key) {
    return node === undefined || node === null ? undefined : node[key];
  }, data);
}

// A form that creates a row (data-reload-to="swap-{id}") reloads to that row, not to the
// form emptied by the reload; without an id in the answer, to the form as before.
function landing(form, data) {
  var pattern = form.getAttribute("data-reload-to");
  var id = pattern ? answerId(form, data) : undefined;
  return id === undefined || id === null ? null : pattern.replace("{id}", String(id));
}

// A form whose new record may belong on another page of the same list (data-reload-page=
// "/admin/calendar?day={id}": a range saved in another year) reloads to that page, so the
// user sees what was saved; without an id in the answer, to the page as before.
function landingPage(form, data) {
  var pattern = form.getAttribute("data-reload-page");
  var id = pattern ? answerId(form, data) : undefined;
  return id === undefined || id === null ? null : pattern.replace("{id}", encodeURIComponent(String(id)));
}

export function onSubmit(event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-api")) { return; }
  event.preventDefault();
  if (!confirmed(form)) { return; }
  clearErrors(form);
  var body = formBody(form);
  var auto = form.hasAttribute("data-autotitle") && !body.title ? autotitle(form) : null;
  if (auto) { body.title = auto; }
  var button = form.querySelector('[type="submit"]');
  if (button) { button.disabled = true; }
  callApi(form.getAttribute("data-method") || "POST", form.getAttribute("data-api"), body,
    form.getAttribute("data-if-match"))
    .then(function (result) {
      if (button) { button.disabled = false; }
      if (result.ok && result.etag && form.hasAttribute("data-if-match")) {
        form.setAttribute("data-if-match", result.etag);  // the next save builds on this one
      }
      if (!result.ok) {
        if (auto === "" && result.data.errors) {
          result.data.errors = result.data.errors.filter(function (e) { return e.field !== "title"; });
        }
        showProblem(form, result.data);
        return;
      }
      var data = result.data || {};
      var redirect = form.getAttribute("data-redirect");
      if (data.deduplicated && form.hasAttribute("data-redirect-dedup")) {
        redirect = form.getAttribute("data-redirect-dedup");
      }
      if (redirect) {
        window.location.assign(redirect.replace("{id}", encodeURIComponent(answerId(form, data))));
        return;
      }
      document.dispatchEvent(new CustomEvent("dd:changed"));
      var status = form.querySelector(".form-status");
      var message = form.getAttribute("data-show") ? data[form.getAttribute("data-show")] : t("saved", "Saved");
      if (status) { status.textContent = message; status.classList.add("ok"); }
      var target = form.getAttribute("data-answer-target");
      var box = target ? document.querySelector(target) : null;
      if (box) { box.textContent = message; box.hidden = false; }
      if (form.hasAttribute("data-reload")) {
        markSaved(form);
        if (holdForUnsaved(form).length) {  // a reload would drop what they hold
          if (status) { status.textContent = message + t("sentence_sep", ". ") + t("unsaved_below", "The page is not reloaded: another form here has changes not saved yet"); }
          return;
        }
        reloadAt(form, message, landing(form, data), landingPage(form, data));
        return;
      }
      var region = form.closest("[data-refresh]");
      if (region) {  // sent: clear it, so the live region (data-keep-inputs) updates again;
        form.reset();  // the focus goes to the form's button, out of the typing field
        if (button && form.contains(document.activeElement)) { button.focus({ preventScroll: true }); }
        refresh(region, true, button ? focusKey(region, button) : null);
      }
    });
}
