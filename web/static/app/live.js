// Live regions: <el data-refresh> polls its fragment, keeps the focus and reads the news out.
import { fill, t } from "./text.js";

function busy(region) {
  if (!region.hasAttribute("data-keep-inputs")) { return false; }
  var active = document.activeElement;
  if (active && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) { return true; }
  return Array.prototype.some.call(region.querySelectorAll("input:not([type=hidden]), textarea"), function (el) {
    return el.value.trim() !== "";
  });
}

// Where the focus is inside a live region, said so that it can be found again in the new
// content: "tag[attr=value]" for the control and each identified element around it.
var IDENTITY = ["data-action", "data-api", "name", "data-page", "href", "data-incident", "data-notification",
  "data-handover", "data-report", "data-complaint", "data-person"];
function cssValue(value) { return '"' + String(value).replace(/["\\]/g, "\\$&") + '"'; }
export function focusKey(region, el) {
  if (!el || el === region || !region.contains(el)) { return null; }
  var parts = [];
  for (var node = el; node && node !== region; node = node.parentElement) {
    if (node.id) { parts.unshift("#" + CSS.escape(node.id)); break; }
    var attr = IDENTITY.filter(function (name) { return node.hasAttribute(name); })[0];
    if (attr) { parts.unshift(node.tagName.toLowerCase() + "[" + attr + "=" + cssValue(node.getAttribute(attr)) + "]"); }
    else if (node === el) { parts.unshift(node.tagName.toLowerCase()); }
  }
  return parts.join(" ");
}
function restoreFocus(region, key) {
  var el = null;
  try { el = region.querySelector(key); } catch (e) { el = null; }
  if (!el || el.disabled || el.hidden) {  // gone (an acknowledged incident's button): keep the place
    if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "-1"); }
    el = region;
  }
  el.focus({ preventScroll: true });
}

var ANNOUNCE_MAX = 3;  // more new items at once are counted, not read one by one
function announced(region) {
  var selector = region.getAttribute("data-announce");
  if (!selector) { return []; }
  return Array.prototype.map.call(region.querySelectorAll(selector), function (el) {
    return (el.getAttribute("data-say") || el.textContent).replace(/\s+/g, " ").trim();
  }).filter(function (text) { return text; });
}
function announceNew(region, before) {
  var box = document.getElementById("dd-announce");
  var fresh = announced(region).filter(function (text) { return before.indexOf(text) < 0; });
  if (!box || !fresh.length) { return; }
  var sep = t("sentence_sep", ". ");
  var text = fresh.slice(0, ANNOUNCE_MAX).join(sep);
  if (fresh.length > ANNOUNCE_MAX) { text += sep + fill(t("more_new", "%(n)s more"), { n: fresh.length - ANNOUNCE_MAX }); }
  box.textContent = box.textContent === text ? text + "\u00a0" : text;  // read again if repeated
}

// Below 761 px a `table.cards` shows a card per row (display: block), and browsers then
// drop its table semantics: explicit roles keep it a table for screen readers.
var TABLE_ROLES = [["", "table"], ["thead, tbody", "rowgroup"], ["tr", "row"],
  ["th", "columnheader"], ["td", "cell"]];
export function keepTableRoles(root) {
  root.querySelectorAll("table.cards").forEach(function (table) {
    TABLE_ROLES.forEach(function (pair) {
      var els = pair[0] ? table.querySelectorAll(pair[0]) : [table];
      Array.prototype.forEach.call(els, function (el) { el.setAttribute("role", pair[1]); });
    });
  });
}

export function refresh(region, force, focusHint) {
  if (!force && (document.hidden || busy(region) || region._loading)) { return; }
  region._loading = true;
  fetch(region.getAttribute("data-refresh"), {
    credentials: "same-origin",
    headers: { "X-DutyDesk-Fragment": "1", "Accept": "text/html" }
  }).then(function (response) {
    if (response.status === 401) { window.location.reload(); return null; }
    return response.ok ? response.text() : null;
  }, function () { return null; }).then(function (html) {
    region._loading = false;
    if (html === null || html === undefined || html === region._last) { return; }
    region._last = html;
    var active = document.activeElement;
    var dropped = !active || active === document.body;  // a disabled button lost it
    var key = focusKey(region, active) || (dropped ? focusHint : null);
    var before = announced(region);
    region.innerHTML = html;
    keepTableRoles(region);
    if (key) { restoreFocus(region, key); }
    announceNew(region, before);
    if (region.querySelector("[data-reload-page]")) { window.location.reload(); }
  });
}

export function startPolling() {
  document.querySelectorAll("[data-refresh]").forEach(function (region) {
    var interval = parseInt(region.getAttribute("data-interval") || "3000", 10);
    if (interval === 0) { return; }  // refreshed only after an action in it
    window.setInterval(function () { refresh(region, false); }, Math.max(500, interval));
  });
}
