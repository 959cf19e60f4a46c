// Supervision cockpit: draws the 30-day trend lines and this month's department rankings with ECharts from the
// blueprint's data.json (the labels come translated in the chart element's data-labels).
import echarts from './charts.js';

const COLOURS = {
  started: '#1d4f91', ended: '#1a8a3a', ended_overdue: '#c0392b', signals_yellow: '#d4a106', signals_red: '#cf222e'
};
const charts = [];

function labelsOf(element) {
  try {
    return JSON.parse(element.dataset.labels || '{}');
  } catch (error) {
    return {};
  }
}

function empty(element, text) {
  element.classList.add('chart-empty');
  element.textContent = text;
}

function draw(element, option) {
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  chart.setOption(option);
  charts.push(chart);
}

function trend(element, data, labels) {
  const names = Object.keys(COLOURS);
  draw(element, {
    tooltip: { trigger: 'axis' },
    legend: { data: names.map((n) => labels[n] || n), bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: 'category', data: data.days.map((d) => d.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: names.map((n) => ({
      name: labels[n] || n, type: 'line', smooth: false, symbolSize: 5, data: data.series[n] || [],
      itemStyle: { color: COLOURS[n] }, lineStyle: { color: COLOURS[n] }
    }))
  });
}

function ranking(element, rows, value, title, colour, labels, max) {
  if (!rows.length) {
    empty(element, title + '：' + (labels.empty || '—'));
    return;
  }
  const top = rows.slice(0, 10).reverse();
  draw(element, {
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max, minInterval: 1 },
    yAxis: { type: 'category', data: top.map((r) => r.department) },
    series: [{ type: 'bar', data: top.map((r) => r[value]), itemStyle: { color: colour },
               label: { show: true, position: 'right' } }]
  });
}

async function start() {
  const trendElement = document.getElementById('chart-trend');
  if (!trendElement) return;
  const labels = labelsOf(trendElement);
  try {
    const response = await fetch(trendElement.dataset.url,
                                 { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    trend(trendElement, data.trends, labels);
    ranking(document.getElementById('chart-ontime'), data.rankings.on_time, 'rate', labels.on_time,
            '#1a8a3a', labels, 100);
    ranking(document.getElementById('chart-red'), data.rankings.red_signals, 'count', labels.red_signals,
            '#cf222e', labels, undefined);
    document.body.dataset.chartsReady = 'true';
  } catch (error) {
    empty(trendElement, labels.empty || '—');
  }
}

window.addEventListener('resize', () => { charts.forEach((chart) => chart.resize()); });
start();   // module scripts run once the document is parsed
