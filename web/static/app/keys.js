// Keyboard: Escape closes an editor, Ctrl/Cmd+Enter sends an API form.
import { closeEditor } from "./editors.js";

export function onKey(event) {
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
