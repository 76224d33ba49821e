// The layout manager's drag and drop (HTML5): blocks among blocks, fields within and across blocks, tabs among
// tabs. Moving an item moves its hidden inputs, so "Save layout" posts the new order; without script the arrow
// buttons do the same on the server.
(function () {
  "use strict";

  var dragged = null;

  function groupOf(item) {
    return item.parentElement.getAttribute("data-sortable");
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-layout-editor] .sortable-item");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    event.stopPropagation();
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var group = groupOf(dragged);
    var list = event.target.closest && event.target.closest("[data-sortable='" + group + "']");
    if (!list) return;
    event.preventDefault();
    var over = event.target.closest(".sortable-item");
    // The item under the pointer within this list (a block when dragging a block, not one of its fields).
    while (over && over.parentElement !== list) over = over.parentElement.closest(".sortable-item");
    if (over === dragged || (over && over.contains(dragged)) || dragged.contains(list)) return;
    if (!over) {
      list.appendChild(dragged);
    } else {
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    }
    // A field dropped into another block now belongs to that block.
    if (group === "field") {
      var block = list.closest("[data-block]").getAttribute("data-block");
      dragged.querySelector("input[type=hidden]").name = "fields:" + block;
    }
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });
})();
