// ECharts with only what the cockpit and the evaluation pages draw (line and bar charts on a canvas), shared by
// their entry points as one chunk instead of the whole 1 MB library.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export default echarts;
