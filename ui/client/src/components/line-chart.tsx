// A live line chart (uPlot: canvas, fast enough for a sample a second over an hour). The
// figure carries data-points, the number of samples drawn, which the browser test watches;
// a visually hidden summary gives screen readers the latest values.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
}

export interface LineChartProps {
  title: string;
  series: ChartSeries[];
  /** [times in seconds, ...one array per series] */
  data: [number[], ...number[][]];
  /** Fixed y range (percentages), else auto. */
  yMax?: number;
  summary: string;
  id: string;
  /** The legend's label for the time axis. */
  timeLabel: string;
}

const HEIGHT = 180;

export function LineChart({ title, series, data, yMax, summary, id, timeLabel }: LineChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = holder.current;
    if (!el) return;
    const axisStroke = getComputedStyle(el).color;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: yMax === undefined ? { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } : { auto: false, range: [0, yMax] } },
      axes: [
        { stroke: axisStroke, grid: { stroke: 'rgba(127,127,127,0.2)' }, ticks: { stroke: 'rgba(127,127,127,0.3)' } },
        { stroke: axisStroke, grid: { stroke: 'rgba(127,127,127,0.2)' }, ticks: { stroke: 'rgba(127,127,127,0.3)' }, size: 50 },
      ],
      series: [{ label: timeLabel }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
    };
    const chart = new uPlot(opts, data as uPlot.AlignedData, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    });
    observer.observe(el);
    return () => { observer.disconnect(); chart.destroy(); plot.current = null; };
    // The chart is rebuilt only when its series change (e.g. the language); data goes through setData.
  }, [series.map((s) => s.label + s.color).join('|'), yMax, timeLabel]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure class="chart" id={id} data-points={data[0].length} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div ref={holder} class="chart-canvas" aria-hidden="true" />
      <p class="visually-hidden" aria-live="off">{summary}</p>
    </figure>
  );
}
