// The few behaviours htmx does not give: menus, the search shortcut, the active tab, the signup slug.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle]");
    if (toggle) {
      document.getElementById(toggle.getAttribute("data-toggle")).classList.toggle("open");
      return;
    }
    // A click outside an open menu closes it.
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
    var tab = event.target.closest(".tabs .tab");
    if (tab && tab.hasAttribute("hx-get")) {
      tab.parentElement.querySelectorAll(".tab").forEach(function (other) {
        other.classList.toggle("active", other === tab);
        other.setAttribute("aria-selected", other === tab ? "true" : "false");
      });
    }
  });

  // A picker that submits its form when changed (no inline handlers: the Content-Security-Policy refuses them).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });

  // A list's "select all" box ticks the row boxes of the bulk form.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    var table = all.closest("table");
    table.querySelectorAll("input[name='" + all.getAttribute("data-select-all") + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // "/" focuses the global search, as in most business tools.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.querySelector("[data-shortcut='/']");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  });

  // Signup: the address follows the company name until the visitor edits it.
  document.addEventListener("input", function (event) {
    var slug = document.getElementById("id_slug");
    if (!slug) return;
    if (event.target === slug) {
      slug.dataset.edited = slug.value ? "yes" : "";
      return;
    }
    if (event.target.id !== "id_companyName" || slug.dataset.edited) return;
    slug.value = event.target.value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+/, "").slice(0, 40).replace(/-+$/, "");
    clearTimeout(slug.suggestTimer);
    slug.suggestTimer = setTimeout(function () {
      if (window.htmx) window.htmx.trigger(slug, "slug-suggested");
    }, 300);
  });
})();
