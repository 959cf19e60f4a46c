// Applicant portal: read-only flow diagrams (the matter's guide, a case's progress with its current step), and
// an early warning when a chosen material exceeds the per-file limit (the server checks again).
(function () {
  "use strict";

  function parseList(value) {
    try {
      var list = JSON.parse(value || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function showDiagram(container) {
    var loading = container.querySelector(".diagram-loading");
    if (typeof window.ShenpiViewer !== "function") {
      if (loading) loading.textContent = container.dataset.failed || "流程图无法显示";
      return;
    }
    fetch(container.dataset.diagramUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (xml) {
        if (loading) loading.remove();
        var viewer = window.ShenpiViewer(container);
        return viewer.importXML(xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          canvas.zoom("fit-viewport", "auto");
          parseList(container.dataset.completed).forEach(function (id) {
            if (registry.get(id)) canvas.addMarker(id, "completed");
          });
          parseList(container.dataset.current).forEach(function (id) {
            if (registry.get(id)) canvas.addMarker(id, "current");
          });
        });
      })
      .catch(function () {
        if (loading) loading.textContent = "流程图加载失败，请刷新页面重试";
      });
  }

  function checkFileSizes(input) {
    var limit = parseInt(input.dataset.maxBytes, 10);
    var tooLarge = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (limit && file.size > limit) tooLarge.push(file.name);
    });
    input.setCustomValidity(tooLarge.length ? (input.dataset.tooLarge || "") + tooLarge.join("、") : "");
    if (tooLarge.length) input.reportValidity();
  }

  document.querySelectorAll("[data-diagram-url]").forEach(showDiagram);
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { checkFileSizes(input); });
  });
})();
