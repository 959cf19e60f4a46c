// Clerk pages: the case's flow diagram with its current and completed steps, confirmation of weighty forms, and
// an early warning for attachments beyond the per-file size limit (the server checks type and size again).
(function () {
  "use strict";

  function showMessage(container, text) {
    var note = container.querySelector(".diagram-message");
    if (!note) {
      note = document.createElement("p");
      note.className = "diagram-message muted";
      container.appendChild(note);
    }
    note.textContent = text;
  }

  function drawDiagram(container) {
    if (container.dataset.drawn || typeof window.ShenpiViewer !== "function") return;
    container.dataset.drawn = "1";
    fetch(container.dataset.diagramUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (flow) {
        if (flow.xml.indexOf("BPMNDiagram") === -1) {
          showMessage(container, container.dataset.noLayout || "该流程没有图形布局信息，无法显示流程图。");
          return;
        }
        var viewer = window.ShenpiViewer(container);
        return viewer.importXML(flow.xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          flow.completed.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "completed"); });
          flow.current.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "current"); });
          canvas.zoom("fit-viewport");
          var note = container.querySelector(".diagram-message");
          if (note) note.remove();
        });
      })
      .catch(function () {
        showMessage(container, "流程图加载失败。");
      });
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".diagram[data-diagram-url]").forEach(drawDiagram);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });

  // Forms marked data-confirm ask before htmx sends them.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (!form) return;
    event.preventDefault();
    if (window.confirm(form.dataset.confirm)) event.detail.issueRequest(true);
  });

  // A file beyond data-max-bytes makes the input invalid, so the form is not sent; the message comes from the page.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var limit = Number(input.dataset.maxBytes);
    var tooLarge = Array.prototype.filter.call(input.files || [], function (file) { return file.size > limit; });
    input.setCustomValidity(tooLarge.length ? (input.dataset.tooLarge || "").replace("{name}", tooLarge[0].name) : "");
    if (tooLarge.length) input.reportValidity();
  });
})();
