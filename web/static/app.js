/* DutyDesk pages: small vanilla JS, no framework, no build step, no CDN.
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
 */
(function () {
  "use strict";

  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var T = {};
  try {
    var i18n = document.getElementById("dd-i18n");
    T = i18n ? JSON.parse(i18n.textContent || "{}") : {};
  } catch (e) {
    T = {};
  }
  var t = function (key, fallback) { return T[key] || fallback; };

  function callApi(method, url, body, ifMatch) {
    var headers = { "Accept": "application/json, application/problem+json", "X-CSRF-Token": meta("csrf-token") };
    if (ifMatch) { headers["If-Match"] = ifMatch; }
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = { detail: text }; }
        }
        if (response.status === 401) {
          data = { detail: t("signed_out", "Please sign in again") };
          window.setTimeout(function () { window.location.reload(); }, 1500);
        }
        if (response.status === 412) {
          data = { detail: t("edited_elsewhere", "Someone else saved this in the meantime: reload the page") };
        }
        return { ok: response.ok, status: response.status, data: data || {}, etag: response.headers.get("ETag") };
      });
    }, function () {
      return { ok: false, status: 0, data: { detail: t("network", "Network error") } };
    });
  }

  // ---- form → JSON ------------------------------------------------------------------------

  var EMPTY = {};

  function phone(value) {
    var v = value.replace(/[\s-]/g, "");
    if (/^1[3-9]\d{9}$/.test(v)) { return "+86" + v; }
    if (/^0086/.test(v)) { return "+" + v.slice(2); }
    return v;
  }

  function convert(el) {
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
      case "cents": return /^\d+(\.\d{1,2})?$/.test(raw) ? Math.round(parseFloat(raw) * 100) : raw;
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

  function formBody(form) {
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

  // ---- problem errors beside the fields -----------------------------------------------------

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

  function clearErrors(form) {
    form.querySelectorAll(".ferror").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var box = el.closest("[data-field]");
      var slot = box ? box.querySelector(".ferror") : null;
      if (slot && slot.id) { describedBy(el, slot.id, false); }
    });
    var status = form.querySelector(".form-status");
    if (status) { status.textContent = ""; status.classList.remove("error", "ok"); }
  }

  // Field errors in the page's language (web/field_errors.py): a known reason, else the
  // error type with its ctx, else the API's English reason.
  var FE = T.field_errors || {};
  var PT = T.problems || {};

  // The problem's detail in the page's language (web/problem_text.py words the same way).
  function problemText(problem) {
    var detail = problem.detail || "";
    if ((PT.details || {})[detail]) { return PT.details[detail]; }
    if (PT.keep_detail && detail) { return detail; }
    if (!problem.code) { return detail || t("failed", "Failed"); }  // the script's own texts
    return (PT.codes || {})[problem.code] || t("failed", "Failed");
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }
  function errorText(err, input) {
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
    var text = box && box.querySelector(".ftext, legend");
    if (!text) { return box && box.getAttribute("aria-label") || String(field); }
    var copy = text.cloneNode(true);
    copy.querySelectorAll("abbr").forEach(function (el) { el.remove(); });
    return copy.textContent.trim() || String(field);
  }

  function showProblem(form, problem) {
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
    if (unplaced.length) { parts.push(unplaced.join("; ")); }
    if (!parts.length) { parts.push(problemText(problem)); }
    var text = parts.join(t("sentence_sep", ". "));
    if (status) { status.textContent = text; status.classList.add("error"); } else { window.alert(text); }
    if (first) { first.focus(); }
  }

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

  function previewTitle(event) {
    var form = event.target.form;
    var title = form && form.hasAttribute("data-autotitle") ? form.elements.namedItem("title") : null;
    if (!title || event.target === title) { return; }
    if (!title.hasAttribute("data-placeholder")) { title.setAttribute("data-placeholder", title.placeholder); }
    title.placeholder = autotitle(form) || title.getAttribute("data-placeholder");
  }

  // data-confirm="1" asks whether to go on with the button's action, named by its label (a
  // form's: its submit button's); any other value is the question itself
  function confirmed(el) {
    var question = el.getAttribute("data-confirm");
    if (question === null) { return true; }
    if (question && question !== "1") { return window.confirm(question); }
    var button = el instanceof HTMLFormElement ? el.querySelector("button[type=submit], button:not([type])") : el;
    var action = button ? button.textContent.trim() : "";
    return window.confirm(action ? fill(t("confirm_action", "%(action)s: are you sure?"), { action: action }) : t("confirm", "Are you sure?"));
  }

  function onSubmit(event) {
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
          var id = (form.getAttribute("data-id") || "id").split(".").reduce(function (node, key) {
            return node === undefined || node === null ? undefined : node[key];
          }, data);
          window.location.assign(redirect.replace("{id}", encodeURIComponent(id)));
          return;
        }
        document.dispatchEvent(new CustomEvent("dd:changed"));
        var status = form.querySelector(".form-status");
        var message = form.getAttribute("data-show") ? data[form.getAttribute("data-show")] : t("saved", "Saved");
        if (status) { status.textContent = message; status.classList.add("ok"); }
        var target = form.getAttribute("data-answer-target");
        var box = target ? document.querySelector(target) : null;
        if (box) { box.textContent = message; box.hidden = false; }
        if (form.hasAttribute("data-reload")) { reloadAt(form, message); return; }
        var region = form.closest("[data-refresh]");
        if (region) {  // sent: clear it, so the live region (data-keep-inputs) updates again;
          form.reset();  // the focus goes to the form's button, out of the typing field
          if (button && form.contains(document.activeElement)) { button.focus({ preventScroll: true }); }
          refresh(region, true, button ? focusKey(region, button) : null);
        }
      });
  }

  // ---- action buttons -------------------------------------------------------------------------

  function statusNear(el) {
    var node = el;
    while (node && node !== document.body) {
      var found = node.querySelector ? node.querySelector(".action-status") : null;
      if (found) { return found; }
      node = node.parentElement;
    }
    return null;
  }

  function onClick(event) {
    var el = event.target.closest ? event.target.closest("[data-action], [data-print]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-print")) { window.print(); return; }
    event.preventDefault();
    if (!confirmed(el)) { return; }
    var region = el.closest("[data-refresh]");
    var place = region ? focusKey(region, el) : null;  // disabling the button drops its focus
    el.disabled = true;
    callApi(el.getAttribute("data-method") || "POST", el.getAttribute("data-action")).then(function (result) {
      el.disabled = false;
      var status = statusNear(el);
      if (!result.ok) {
        var data = result.data || {};
        var reasons = (data.errors || []).map(function (e) { return errorText(e, null); }).join("; ");
        var text = reasons || problemText(data);
        if (status) { status.textContent = text; status.classList.add("error"); } else { window.alert(text); }
        return;
      }
      document.dispatchEvent(new CustomEvent("dd:changed"));
      if (region) { refresh(region, true, place); } else { reloadAt(el, t("done", "Done")); }
    });
  }

  // ---- back to the place of an action after a reload --------------------------------------------

  // The ids around `el`, nearest first: where the user acted, then the places around it to fall
  // back on when it is gone after the reload. A closed editor is stood for by its button's row.
  function placesOf(el) {
    var ids = [];
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      if (node.hasAttribute("data-editor")) {
        var opener = document.querySelector('[data-edit="' + CSS.escape(node.id) + '"]');
        if (opener) { node = opener; }
      }
      if (node.id && ids.indexOf(node.id) < 0) { ids.push(node.id); }
    }
    return ids;
  }

  var RETURN_KEY = "dd-return";
  function here() { return window.location.pathname + window.location.search; }

  function reloadAt(el, message) {
    try {
      window.sessionStorage.setItem(RETURN_KEY, JSON.stringify({ page: here(), ids: placesOf(el), message: message }));
    } catch (e) { /* storage refused: a plain reload */ }
    window.location.reload();
  }

  function shown(el) { return !!el && !el.closest("[hidden]") && el.getClientRects().length > 0; }
  function inView(el) {
    var box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function returnToPlace() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(RETURN_KEY) || "null");
      window.sessionStorage.removeItem(RETURN_KEY);
    } catch (e) { saved = null; }
    if (!saved || saved.page !== here()) { return; }
    var place = (saved.ids || []).map(function (id) { return document.getElementById(id); }).filter(shown)[0];
    if (!place) { return; }
    // the address names the place (set once loaded: a reload is then one plain navigation), so
    // reloading the page or sharing its address lands there too, even without this script
    if (window.location.hash !== "#" + place.id) { window.history.replaceState(window.history.state, "", here() + "#" + place.id); }
    if (place.tabIndex < 0) { place.setAttribute("tabindex", "-1"); }
    if (!inView(place)) { place.scrollIntoView({ block: "center" }); }
    place.focus({ preventScroll: true });
    var box = document.getElementById("dd-announce");
    // a live region changed while the page loads is often not read: say it once the focus settled
    if (box && saved.message) { window.setTimeout(function () { box.textContent = saved.message; }, 300); }
  }

  // ---- edit in place --------------------------------------------------------------------------

  function openEditor(opener, box) {
    box.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    var first = box.querySelector("input:not([type=hidden]):enabled, select:enabled, textarea:enabled");
    if (first) { first.focus(); }
  }

  function closeEditor(box) {
    var form = box.querySelector("form");
    if (form) { form.reset(); clearErrors(form); }  // back to what the record holds
    box.hidden = true;
    var opener = document.querySelector('[data-edit="' + CSS.escape(box.id) + '"]');
    if (opener) { opener.setAttribute("aria-expanded", "false"); opener.focus(); }
  }

  function onEditClick(event) {
    var el = event.target.closest ? event.target.closest("[data-edit], [data-cancel]") : null;
    if (!el) { return; }
    var box = el.hasAttribute("data-edit") ? document.getElementById(el.getAttribute("data-edit"))
      : el.closest("[data-editor]");
    if (!box) { return; }
    event.preventDefault();
    if (el.hasAttribute("data-edit") && box.hidden) { openEditor(el, box); } else { closeEditor(box); }
  }

  // ---- live regions ---------------------------------------------------------------------------

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
  function focusKey(region, el) {
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
  function keepTableRoles(root) {
    root.querySelectorAll("table.cards").forEach(function (table) {
      TABLE_ROLES.forEach(function (pair) {
        var els = pair[0] ? table.querySelectorAll(pair[0]) : [table];
        Array.prototype.forEach.call(els, function (el) { el.setAttribute("role", pair[1]); });
      });
    });
  }

  function refresh(region, force, focusHint) {
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

  function startPolling() {
    document.querySelectorAll("[data-refresh]").forEach(function (region) {
      var interval = parseInt(region.getAttribute("data-interval") || "3000", 10);
      if (interval === 0) { return; }  // refreshed only after an action in it
      window.setInterval(function () { refresh(region, false); }, Math.max(500, interval));
    });
  }

  // ---- classification preview ---------------------------------------------------------------

  function startClassify(box) {
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
      var parts = [domain + (best && best.evidence.length ? " (" + (labels.evidence || "evidence") + ": " + best.evidence.join("、") + ")" : ""),
        (labels.urgency || "Urgency") + ": " + urgency];
      if (data.emergency_terms && data.emergency_terms.length) { parts.push((labels.emergency || "Emergency") + " (" + data.emergency_terms.join("、") + ")"); }
      if (data.report_terms && data.report_terms.length) { parts.push((labels.report || "Clue") + " (" + data.report_terms.join("、") + ")"); }
      if (data.utility_terms && data.utility_terms.length) { parts.push((labels.utility || "Utilities") + " (" + data.utility_terms.join("、") + ")"); }
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
  }

  // ---- parts of a form for one choice --------------------------------------------------------

  // <fieldset data-show-if="category=special_equipment" hidden disabled>: shown and sent only
  // while the form's `category` has that value (a disabled fieldset's fields are not sent).
  function startShowIf(part) {
    var form = part.closest("form");
    var rule = (part.getAttribute("data-show-if") || "").split("=");
    if (!form || rule.length !== 2) { return; }
    function apply() {
      var el = form.elements[rule[0]];
      var on = !!el && el.value === rule[1];
      part.hidden = !on;
      part.disabled = !on;
    }
    form.addEventListener("change", function (event) { if (event.target.name === rule[0]) { apply(); } });
    apply();
  }

  // <p data-suggest="/api/v1/incidents/suggested-severity" data-sources="a,b" data-text="… %(level)s">
  // shows the level the API suggests for those fields as they are typed, worded with the
  // form's severity option, and offers to choose it when it is more severe than the chosen one.
  var LEVELS = ["I", "II", "III", "IV"];  // most severe first
  function startSuggest(box) {
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
        if (value !== EMPTY && (el.getAttribute("data-type") !== "int" || typeof value === "number")) { body[name] = value; }
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

  // ---- keyboard -------------------------------------------------------------------------------

  function onKey(event) {
    var editor = event.key === "Escape" && event.target.closest ? event.target.closest("[data-editor]") : null;
    if (editor && !editor.hidden) {
      event.preventDefault();
      closeEditor(editor);
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = event.target.form;
      if (form && form.hasAttribute("data-api")) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  }

  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  document.addEventListener("click", onEditClick);
  document.addEventListener("keydown", onKey);
  document.addEventListener("input", previewTitle);
  document.addEventListener("change", previewTitle);
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
}());
