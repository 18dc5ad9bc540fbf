// <el data-classify>: the classifier's suggestion for the text typed in its form.
import { callApi } from "./api.js";
import { fill } from "./text.js";

export function startClassify(box) {
  var form = box.closest("form");
  if (!form) { return; }
  var labels = {};
  try { labels = JSON.parse((document.getElementById("dd-labels") || {}).textContent || "{}"); } catch (e) { labels = {}; }
  var out = box.querySelector(".preview-text");
  var sources = (box.getAttribute("data-sources") || "description").split(",");
  var timer = null;
  var last = "";
  function text() {
    return sources.map(function (name) {
      var el = form.elements[name];
      return el ? el.value.trim() : "";
    }).filter(function (v) { return v; }).join("\n");
  }
  function show(data) {
    var domain = (labels.domain_names || {})[data.domain] || data.domain;
    var urgency = (labels.urgency_names || {})[data.urgency] || data.urgency;
    var best = (data.domains || [])[0];
    // the brackets and colons are the page language's (（依据：电梯） in Chinese)
    function terms(what, found) {
      return fill(labels.terms || "%(what)s (%(terms)s)", { what: what, terms: found.join("、") });
    }
    var parts = [best && best.evidence.length ? fill(labels.evidence || "%(domain)s (evidence: %(terms)s)", { domain: domain, terms: best.evidence.join("、") }) : domain,
      fill(labels.urgency || "Urgency: %(urgency)s", { urgency: urgency })];
    if (data.emergency_terms && data.emergency_terms.length) { parts.push(terms(labels.emergency || "Emergency", data.emergency_terms)); }
    if (data.report_terms && data.report_terms.length) { parts.push(terms(labels.report || "Clue", data.report_terms)); }
    if (data.utility_terms && data.utility_terms.length) { parts.push(terms(labels.utility || "Utilities", data.utility_terms)); }
    out.textContent = parts.join(" · ");
    out.classList.remove("muted");
    box.setAttribute("data-domain", data.domain);
    box.setAttribute("data-urgency", data.urgency);
    box.classList.toggle("emergency", data.urgency === "emergency");
  }
  function run() {
    var value = text().slice(0, 4000);
    if (value.length < 4 || value === last) { return; }
    last = value;
    callApi("POST", box.getAttribute("data-classify"), { text: value }).then(function (result) {
      if (result.ok && value === last) { show(result.data); }
    });
  }
  form.addEventListener("input", function (event) {
    if (sources.indexOf(event.target.name) < 0) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 400);
  });
  // something was saved (a term of the dictionary): the same text may be classified anew
  document.addEventListener("dd:changed", function () { last = ""; run(); });
  run();  // text typed before the modules had loaded, or put back by the browser
}
