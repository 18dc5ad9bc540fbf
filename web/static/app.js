/* DutyDesk pages: small vanilla JS, no framework, no build step, no CDN: native ES modules
 * (static/app/*.js, one concern each), started here.
 *
 * - <form data-api="/api/v1/..." data-method="POST"> sends its fields as JSON to the API
 *   with the session's CSRF token; RFC 9457 problem `errors` are shown beside the field
 *   they name (an element with data-field="<name>"), worded in the page's language from the
 *   error's type or reason (web/field_errors.py); the status names the fields by their labels.
 *   Input conversions by data-type: int, float, bool, list, datetime, phone, pairs, cents
 *   (yuan typed, cents sent), json (a hidden part of the record sent back as it was), flag
 *   (a checkbox sent as true when ticked, left out unticked).
 *   data-confirm asks first (its value is the question; "1": whether to go on with the button's
 *   action, named by its label); data-id="items.0.id"
 *   names where the answer keeps the id that data-redirect's {id} stands for.
 *   data-if-match="<ETag>" sends the record's tag as If-Match (a 412 asks to reload: someone
 *   else saved it meanwhile) and takes the answer's ETag for the next save.
 *   Dotted names build nested JSON ("contacts.0.value" → {contacts: [{value}]}).
 *   data-empty="null" sends empty fields as null (no such value), except an input marked
 *   data-empty="omit" (an entry of a mapping: left out when empty).
 *   After success: data-redirect="/x/{id}" | data-show="answer" | data-reload | "Saved";
 *   data-reload waits while another form of the page holds changes not sent yet (unsaved.js);
 *   a form inside a live region is then cleared and the region refreshed.
 *   data-autotitle="a,b": an empty title is sent as "a · b" (see autotitle).
 * - <button data-action="/api/v1/..." [data-method] [data-confirm]> calls the API, then
 *   refreshes the live region it sits in, or reloads the page.
 * - <button data-edit="x" aria-controls="x" aria-expanded="false"> opens the hidden editor
 *   <el id="x" data-editor hidden> (a row's form filled with what the record holds) and puts
 *   the focus in its first field; its [data-cancel] button, Escape or the button again put
 *   the record's values back, close it and return the focus to the button.
 * - <el data-classify="/api/v1/complaints/classify" data-sources="a,b"> shows the classifier's
 *   suggestion for the text of those fields of its form as they are typed, and again after
 *   any form or button of the page saved something (the "dd:changed" event).
 * - <fieldset data-show-if="name=value"> is shown and sent only while the form's field has
 *   that value; <el data-suggest="/api/..." data-sources="a,b"> shows the severity the API
 *   suggests for those fields (startSuggest).
 * - <el data-refresh="/fragment" data-interval="2000"> polls an HTML fragment and swaps it
 *   in (skipped while the tab is hidden, or while someone types in it with data-keep-inputs;
 *   data-interval="0": never by time, only after a form or button in it succeeds).
 *   The keyboard focus stays where it was: on the same control in the new content (found by
 *   its id, or its data-action / data-api / name / href and those of the rows around it), else
 *   on the region itself, never dropped to the page. data-announce="li.ev" names the items
 *   whose arrival is read out, politely, through the page's #dd-announce (data-say, else the
 *   item's text) when its text was not in the region before the swap.
 * - A page reloaded after an action (data-reload, or a data-action button outside a live region)
 *   comes back where the user acted: the nearest element with an id around the form or button
 *   (the row: id="warning-7"), else the next one around it that is still shown (the row left the
 *   list: its table), is scrolled into view and given the focus, the outcome is read out, and
 *   the address then names that place (#warning-7), where the browser lands by itself.
 * - A field marked by an error loses the mark and the error as soon as it is given a value.
 * - <el data-scroll-end> (a box that scrolls sideways, such as a long chart) opens at its end.
 */
import { onClick } from "./app/actions.js";
import { startClassify } from "./app/classify.js";
import { onEditClick } from "./app/editors.js";
import { onSubmit, previewTitle } from "./app/forms.js";
import { onKey } from "./app/keys.js";
import { keepTableRoles, startPolling } from "./app/live.js";
import { returnToPlace } from "./app/place.js";
import { clearFieldError } from "./app/problems.js";
import { startShowIf } from "./app/show_if.js";
import { startSuggest } from "./app/suggest.js";

document.addEventListener("submit", onSubmit);
document.addEventListener("click", onClick);
document.addEventListener("click", onEditClick);
document.addEventListener("keydown", onKey);
document.addEventListener("input", previewTitle);
document.addEventListener("change", previewTitle);
// "input" only: the "change" a text field fires when it loses the focus (as the focus moves to
// the first marked field) would clear an error it was just given
document.addEventListener("input", clearFieldError);
// a box of a long series (a chart of days) opens at its end: the newest days are in view
function scrollToEnd(box) { box.scrollLeft = box.scrollWidth; }

function start() {
  keepTableRoles(document);
  document.querySelectorAll("[data-scroll-end]").forEach(scrollToEnd);
  returnToPlace();
  startPolling();
  document.querySelectorAll("[data-classify]").forEach(startClassify);
  document.querySelectorAll("[data-show-if]").forEach(startShowIf);
  document.querySelectorAll("[data-suggest]").forEach(startSuggest);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
