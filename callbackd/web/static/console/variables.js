// The "View" of a channel's dynamic variables: descriptions, examples, Select All, and the
// chosen placeholders put into the template field.
import { h } from "./dom.js";
import { templateText } from "./catalog.js";

export function variablePicker({ channel, method, selected, template }) {
  const chosen = new Set(selected);
  const list = h("table", { class: "variables", dataset: { field: "variables" } },
    h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "Variable"), h("th", {}, "Description"), h("th", {}, "Example"))),
    h("tbody", {}, channel.dynamicVariables.map((v) =>
      h("tr", {},
        h("td", {}, h("input", {
          type: "checkbox", value: v.name, checked: chosen.has(v.name), "aria-label": v.name,
          onchange: (e) => (e.target.checked ? chosen.add(v.name) : chosen.delete(v.name)),
        })),
        h("td", {}, h("code", {}, v.placeholder)),
        h("td", {}, v.description, v.allowedValues ? h("span", { class: "muted" }, " (" + v.allowedValues.join(", ") + ")") : null),
        h("td", {}, h("code", {}, v.example))
      )))
  );
  const panel = h("div", { class: "picker", hidden: true },
    h("div", { class: "picker-actions" },
      h("button", { type: "button", onclick: () => {
        list.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = true; chosen.add(box.value); });
      } }, "Select All"),
      h("button", { type: "button", class: "primary", onclick: () => {
        template.value = templateText(method(), names());
        panel.hidden = true;
      } }, "Put in template"),
      h("button", { type: "button", onclick: () => (panel.hidden = true) }, "Close")
    ),
    list
  );
  function names() {
    return channel.dynamicVariables.map((v) => v.name).filter((n) => chosen.has(n));
  }
  const view = h("button", { type: "button", onclick: () => (panel.hidden = !panel.hidden) }, "View");
  return { view, panel, names };
}
