// Edit in place: <button data-edit> opens a row's hidden editor; cancel or Escape closes it.
import { clearErrors } from "./problems.js";

function openEditor(opener, box) {
  box.hidden = false;
  opener.setAttribute("aria-expanded", "true");
  var first = box.querySelector("input:not([type=hidden]):enabled, select:enabled, textarea:enabled");
  if (first) { first.focus(); }
}

export function closeEditor(box) {
  box.querySelectorAll("form").forEach(function (form) {  // back to what the record holds
    form.reset(); clearErrors(form);
  });
  box.hidden = true;
  var opener = document.querySelector('[data-edit="' + CSS.escape(box.id) + '"]');
  if (opener) { opener.setAttribute("aria-expanded", "false"); opener.focus(); }
}

export function onEditClick(event) {
  var el = event.target.closest ? event.target.closest("[data-edit], [data-cancel]") : null;
  if (!el) { return; }
  var box = el.hasAttribute("data-edit") ? document.getElementById(el.getAttribute("data-edit"))
    : el.closest("[data-editor]");
  if (!box) { return; }
  event.preventDefault();
  if (el.hasAttribute("data-edit") && box.hidden) { openEditor(el, box); } else { closeEditor(box); }
}
