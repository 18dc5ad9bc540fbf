// A form's fields as the JSON body its API takes (data-type conversions, dotted names).
import { meta } from "./text.js";

export var EMPTY = {};

function phone(value) {
  var v = value.replace(/[\s-]/g, "");
  if (/^1[3-9]\d{9}$/.test(v)) { return "+86" + v; }
  if (/^0086/.test(v)) { return "+" + v.slice(2); }
  return v;
}

// An amount in yuan as cents: "1,200.50", full-width "１，２００", "¥1200" or "1200元" too;
// commas only as thousands separators (1,20 is no amount). Anything else is sent as typed,
// for the API to refuse beside the field.
function cents(raw) {
  var v = raw.replace(/[\uFF10-\uFF19]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xFEE0); })
    .replace(/\uFF0C/g, ",").replace(/\uFF0E/g, ".").replace(/^[¥\uFFE5]\s*/, "").replace(/\s*元$/, "");
  if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(v)) { v = v.replace(/,/g, ""); }
  return /^\d+(\.\d{1,2})?$/.test(v) ? Math.round(parseFloat(v) * 100) : raw;
}

export function convert(el) {
  var type = el.getAttribute("data-type") || "";
  // a "flag" box says yes or leaves the choice to the server: unticked, nothing is sent
  if (el.type === "checkbox") { return el.checked || type !== "flag" ? el.checked : EMPTY; }
  var raw = el.tagName === "TEXTAREA" ? el.value : el.value.trim();
  if (raw.trim() === "") { return type === "pairs" ? [] : EMPTY; }
  switch (type) {
    case "int": return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw;
    case "float": return isNaN(Number(raw)) ? raw : Number(raw);
    case "bool": return raw === "true";
    case "json": try { return JSON.parse(raw); } catch (e) { return raw; }
    case "cents": return cents(raw);
    case "phone": return phone(raw);
    case "datetime": return (raw.length === 16 ? raw + ":00" : raw) + (meta("dd-tz-offset") || "+08:00");
    case "pairs":
      return raw.split(/\n/).map(function (line) { return line.trim(); })
        .filter(function (line) { return line; })
        .map(function (line) { return line.split(/\s*[>→,]\s*/); });
    default: return raw;
  }
}

function setPath(target, path, value) {
  var parts = path.split(".");
  var node = target;
  for (var i = 0; i < parts.length - 1; i++) {
    var key = /^\d+$/.test(parts[i]) ? parseInt(parts[i], 10) : parts[i];
    if (node[key] === undefined) { node[key] = /^\d+$/.test(parts[i + 1]) ? [] : {}; }
    node = node[key];
  }
  var last = parts[parts.length - 1];
  node[/^\d+$/.test(last) ? parseInt(last, 10) : last] = value;
}

export function formBody(form) {
  var body = {};
  var emptyAsNull = form.getAttribute("data-empty") === "null";
  var lists = {};
  var present = {};
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || el.matches(":disabled") || el.type === "submit" || el.type === "button") { return; }
    if (el.getAttribute("data-type") === "list") {
      lists[el.name] = lists[el.name] || [];
      if (el.checked) { lists[el.name].push(el.value); }
      return;
    }
    var value = convert(el);
    present[el.name] = value !== EMPTY;
    var onlyIf = el.getAttribute("data-if");
    if (onlyIf && !present[onlyIf] && !(form.elements[onlyIf] && form.elements[onlyIf].value.trim())) { return; }
    if (value === EMPTY) {
      if (emptyAsNull && el.getAttribute("data-empty") !== "omit") { setPath(body, el.name, null); }
      return;
    }
    setPath(body, el.name, value);
  });
  Object.keys(lists).forEach(function (name) { setPath(body, name, lists[name]); });
  return body;
}
