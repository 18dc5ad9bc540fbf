/* Accessibility checks evaluated in a page by tests/browser/a11y.py: one object of checks,
 * each returning what it found wrong (empty when the page passes). Contrast follows WCAG 2.1:
 * relative luminance; a colour with alpha, or an element under opacity, is blended over the
 * background that actually shows behind it (the nearest opaque ancestor, else white). */
({
  parse(c) {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) { return null; }
    const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { rgb: v.slice(0, 3), a: v.length > 3 ? v[3] : 1 };
  },
  over(fg, bg) { return fg.rgb.map((c, i) => c * fg.a + bg[i] * (1 - fg.a)); },
  behind(el) {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = this.parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    let rgb = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) { rgb = this.over(layers[i], rgb); }
    return rgb;
  },
  lum(rgb) {
    const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
  },
  ratio(a, b) {
    const x = this.lum(a), y = this.lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  },
  opacity(el) {
    let o = 1;
    for (let n = el; n; n = n.parentElement) { o *= Number(getComputedStyle(n).opacity); }
    return o;
  },
  css(rgb) { return "rgb(" + rgb.map(Math.round).join(",") + ")"; },

  /* 1.4.3: text at 4.5:1 (3:1 when large: 24px, or bold 18.66px) against what is behind it. */
  textContrast() {
    const found = [];
    document.querySelectorAll("body *").forEach((el) => {
      if (!el.getClientRects().length || el.closest(".sr-only, svg")) { return; }
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) { return; }
      const style = getComputedStyle(el);
      const bg = this.behind(el);
      const fg = this.parse(style.color);
      const shown = this.over({ rgb: fg.rgb, a: fg.a * this.opacity(el) }, bg);
      const size = parseFloat(style.fontSize);
      const need = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
      const r = this.ratio(shown, bg);
      if (r < need) {
        found.push(`${r.toFixed(2)}:1 < ${need}:1 for ${el.tagName.toLowerCase()}.${el.className} `
          + `"${el.textContent.trim().slice(0, 20)}" (${this.css(shown)} on ${this.css(bg)})`);
      }
    });
    return [...new Set(found)];
  },

  /* 2.4.7 and 1.4.11: the focused element shows a ring of 3:1 against what surrounds it. */
  focusRing() {
    const el = document.activeElement;
    if (!el || el === document.body) { return "nothing focused"; }
    const style = getComputedStyle(el);
    const what = `${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim().slice(0, 20)}"`;
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 1) { return `${what}: no focus ring`; }
    const bg = this.behind(el.parentElement);
    const r = this.ratio(this.over(this.parse(style.outlineColor), bg), bg);
    return r < 3 ? `${what}: focus ring ${r.toFixed(2)}:1 < 3:1 (${style.outlineColor} on ${this.css(bg)})` : "";
  },

  /* Language, landmarks, one h1 and no skipped heading level, labelled controls, header cells. */
  structure(lang) {
    const found = [];
    const root = document.documentElement;
    if (root.lang !== lang) { found.push(`html lang ${root.lang} != ${lang}`); }
    for (const tag of ["header", "nav", "main"]) {
      if (!document.querySelector(tag)) { found.push(`no <${tag}>`); }
    }
    const headings = [...document.querySelectorAll("h1, h2, h3, h4")].filter((h) => h.getClientRects().length);
    if (headings.filter((h) => h.tagName === "H1").length !== 1) { found.push("not exactly one h1"); }
    let level = 0;
    headings.forEach((h) => {
      const l = Number(h.tagName[1]);
      if (l > level + 1) { found.push(`heading ${h.tagName} "${h.textContent.trim().slice(0, 20)}" skips a level`); }
      level = l;
    });
    document.querySelectorAll("input:not([type=hidden]), select, textarea, progress").forEach((el) => {
      const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim()))
        || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.title;
      if (!labelled) { found.push(`${el.tagName.toLowerCase()} ${el.name || el.id} has no label`); }
      const starred = el.labels && [...el.labels].some((l) => l.querySelector(".ftext abbr"));
      if (starred && !el.required && el.getAttribute("aria-required") !== "true") {
        found.push(`${el.tagName.toLowerCase()} ${el.name || el.id} shows a required star but is not required`);
      }
    });
    document.querySelectorAll(".ftext abbr:not([aria-hidden=true])").forEach((abbr) => {
      found.push(`the required star of "${abbr.parentElement.textContent.trim()}" is read as part of its label`);
    });
    document.querySelectorAll("th").forEach((th) => {
      if (!th.textContent.trim()) { found.push(`empty header cell in ${th.closest("table").id || "a table"}`); }
    });
    document.querySelectorAll("[lang]").forEach((el) => {
      if (el !== root && !el.getAttribute("lang")) { found.push("empty lang attribute"); }
    });
    return found;
  },
})
