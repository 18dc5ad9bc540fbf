// <el data-suggest>: the severity the API suggests for the fields typed so far.
import { callApi } from "./api.js";
import { EMPTY, convert } from "./form_body.js";
import { fill } from "./text.js";

// <p data-suggest="/api/v1/incidents/suggested-severity" data-sources="a,b" data-text="… %(level)s">
// shows the level the API suggests for those fields as they are typed, worded with the
// form's severity option, and offers to choose it when it is more severe than the chosen one.
var LEVELS = ["I", "II", "III", "IV"];  // most severe first
export function startSuggest(box) {
  var form = box.closest("form");
  if (!form) { return; }
  var sources = (box.getAttribute("data-sources") || "").split(",");
  var out = box.querySelector(".suggestion-text");
  var use = box.querySelector(".suggestion-use");
  var severity = form.elements.severity;
  var timer = null;
  var last = null;
  var level = null;
  function show() {
    var option = level && severity ? severity.querySelector('option[value="' + level + '"]') : null;
    var above = !!level && severity && (!severity.value || LEVELS.indexOf(level) < LEVELS.indexOf(severity.value));
    out.textContent = level ? fill(box.getAttribute("data-text"), { level: option ? option.text : level }) +
      (above && severity.value ? " " + box.getAttribute("data-above") : "") : "";
    box.classList.toggle("notice", !!(above && severity.value));
    if (level) { box.setAttribute("data-suggested", level); } else { box.removeAttribute("data-suggested"); }
    if (use) { use.hidden = !above; }
  }
  function run() {
    var body = {};
    sources.forEach(function (name) {
      var el = form.elements[name];
      if (!el) { return; }
      var value = convert(el);
      // a value out of the field's own range (a negative count) is left out, not sent to be
      // refused: the field says what is wrong when the form is sent
      var inRange = !el.validity || !(el.validity.rangeUnderflow || el.validity.rangeOverflow);
      if (value !== EMPTY && inRange && (el.getAttribute("data-type") !== "int" || typeof value === "number")) { body[name] = value; }
    });
    var key = JSON.stringify(body);
    if (key === last) { return; }
    last = key;
    callApi("POST", box.getAttribute("data-suggest"), body).then(function (result) {
      if (key !== last) { return; }
      level = result.ok ? result.data.suggested_severity : null;
      show();
    });
  }
  form.addEventListener("input", function (event) {
    if (sources.indexOf(event.target.name) < 0) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 300);
  });
  form.addEventListener("change", function (event) {
    if (event.target === severity) { show(); }
  });
  if (use && severity) {
    use.addEventListener("click", function () {
      severity.value = level;
      severity.dispatchEvent(new Event("change", { bubbles: true }));
      severity.focus();
    });
  }
}
