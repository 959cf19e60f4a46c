// Performance evaluation pages (the supervisors' reports and the public results): the departments' score ranking
// as a bar chart. (Their month pickers submit by themselves: forms.js, data-autosubmit.)
import echarts from './charts.js';

function drawRanking(element) {
  const data = JSON.parse(element.getAttribute('data-ranking-chart'));
  const names = data.names.slice().reverse();
  const scores = data.scores.slice().reverse();
  element.style.height = Math.max(160, names.length * 28 + 60) + 'px';
  const chart = echarts.init(element);
  chart.setOption({
    grid: { left: 8, right: 48, top: 16, bottom: 16, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: 0 },
    yAxis: { type: 'category', data: names },
    series: [{ type: 'bar', name: element.getAttribute('data-label') || '', data: scores,
               label: { show: true, position: 'right' }, itemStyle: { color: '#2f6fb3' } }]
  });
  window.addEventListener('resize', () => { chart.resize(); });
}

document.querySelectorAll('[data-ranking-chart]').forEach(drawRanking);
