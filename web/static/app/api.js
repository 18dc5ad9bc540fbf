// Calls the JSON API with the session's CSRF token; answers {ok, status, data, etag}.
import { meta, t } from "./text.js";

export function callApi(method, url, body, ifMatch) {
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
