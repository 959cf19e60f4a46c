// Applicant portal: read-only flow diagrams (the matter's guide, a case's progress with its current step).
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

  document.querySelectorAll("[data-diagram-url]").forEach(showDiagram);
})();
