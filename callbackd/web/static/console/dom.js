// Building the page: elements from a tag, attributes and children; no framework.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

// A time shown in local time, with the exact instant kept in its datetime attribute.
export function moment(iso) {
  return h("time", { datetime: iso }, when(iso));
}

export function notice(text) {
  const el = document.getElementById("notice");
  el.textContent = text || "";
  el.hidden = !text;
}

export function copyButton(text) {
  const button = h("button", { type: "button", class: "copy", title: "Copy" }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      // Without clipboard access (plain HTTP on another host), select the text instead.
      const range = document.createRange();
      range.selectNodeContents(button.previousSibling);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    }
  });
  return button;
}

// Shows each userErrors entry beside the field its path names, or at the form's foot.
// `skip`: how many leading path segments name the argument (input, draft) rather than a
// field of the form; none when the form's fields are the mutation's own arguments.
export function showUserErrors(form, errors, skip = 1) {
  form.querySelectorAll(".field-error").forEach((el) => el.remove());
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  for (const error of errors) {
    const path = (error.field || []).slice(skip);
    let target = null;
    for (let n = path.length; n > 0 && !target; n--) {
      target = form.querySelector(`[data-field="${path.slice(0, n).join(".")}"]`);
    }
    const message = h("p", { class: "field-error", role: "alert", dataset: { code: error.code } }, error.message);
    if (target) {
      target.setAttribute("aria-invalid", "true");
      (target.closest(".field") || target).append(message);
    } else {
      form.querySelector(".form-errors").append(message);
    }
  }
}

export function attemptSummary(attempt) {
  return h(
    "div",
    { class: "attempt outcome-" + attempt.outcome, dataset: { attemptId: attempt.id } },
    h("strong", { class: "outcome" }, attempt.outcome),
    attempt.statusCode !== null ? " HTTP " + attempt.statusCode : "",
    " in " + Math.round(attempt.durationMs) + " ms",
    attempt.error ? h("p", { class: "error" }, attempt.error) : null,
    attempt.responseBody ? h("pre", { class: "excerpt" }, attempt.responseBody) : null
  );
}
