// <fieldset data-show-if="name=value">: shown and sent only for that choice.

// <fieldset data-show-if="category=special_equipment" hidden disabled>: shown and sent only
// while the form's `category` has that value (a disabled fieldset's fields are not sent).
export function startShowIf(part) {
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
