// The page's words (#dd-i18n, filled in by base.html) and its <meta> values.

export var meta = function (name) {
  var el = document.querySelector('meta[name="' + name + '"]');
  return el ? el.getAttribute("content") : "";
};
export var T = {};
try {
  var i18n = document.getElementById("dd-i18n");
  T = i18n ? JSON.parse(i18n.textContent || "{}") : {};
} catch (e) {
  T = {};
}
export var t = function (key, fallback) { return T[key] || fallback; };
export function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, function (all, name) {
    return values && values[name] !== undefined ? String(values[name]) : all;
  });
}
