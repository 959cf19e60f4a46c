// Performance evaluation pages: the departments' score ranking as a bar chart, and month pickers that submit.
(function () {
  "use strict";

  function drawRanking(element) {
    if (typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(element.getAttribute("data-ranking-chart"));
    var names = data.names.slice().reverse();
    var scores = data.scores.slice().reverse();
    element.style.height = Math.max(160, names.length * 28 + 60) + "px";
    var chart = window.echarts.init(element);
    chart.setOption({
      grid: { left: 8, right: 48, top: 16, bottom: 16, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0 },
      yAxis: { type: "category", data: names },
      series: [{ type: "bar", name: element.getAttribute("data-label") || "", data: scores,
                 label: { show: true, position: "right" }, itemStyle: { color: "#2f6fb3" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    document.querySelectorAll("[data-ranking-chart]").forEach(drawRanking);
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.submit(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
