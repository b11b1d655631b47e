/**
 * A station's series as a uPlot chart: the values (bars for rainfall totals, a line for stages
 * and flows), a dashed line per threshold (警戒/保证/汛限) and a vertical marker at the time cursor.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Lang } from '../../i18n.ts';
import { chartData, type SeriesDoc, type ThresholdLine } from './water-logic.ts';

export interface StationChartProps {
  readonly doc: SeriesDoc;
  readonly lines: readonly ThresholdLine[];
  /** The time cursor, epoch ms. */
  readonly atMs: number;
  readonly lang: Lang;
}

const WIDTH = 370;
const HEIGHT = 200;

export function StationChart({ doc, lines, atMs, lang }: StationChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const total = doc.meta.aggregation === 'total';
    const data = chartData(doc, lines);
    const cursorX = atMs / 1000;
    const opts: uPlot.Options = {
      width: WIDTH,
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: '#444' }, { stroke: '#444', label: doc.meta.unit, size: 50 }],
      series: [
        {},
        {
          label: `${doc.meta.element} (${doc.meta.unit})`,
          stroke: total ? '#2166ac' : '#1f5fa8',
          fill: total ? 'rgba(33, 102, 172, 0.6)' : 'rgba(31, 95, 168, 0.08)',
          width: total ? 0 : 1.5,
          ...(total ? { paths: uPlot.paths.bars!({ size: [0.9, 8] }) } : {}),
          points: { show: false },
        },
        ...lines.map((l) => ({ label: l.label[lang], stroke: l.colour, width: 1.5, dash: [6, 4], points: { show: false } })),
      ],
      hooks: {
        draw: [
          (u: uPlot) => {
            const x = u.valToPos(cursorX, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#d6336c';
            ctx.lineWidth = 2;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(opts, data as uPlot.AlignedData, el);
    el.dataset['points'] = String(data[0].length);
    el.dataset['cursor'] = String(atMs);
    return () => plot.destroy();
  }, [doc, lines, atMs, lang]);
  return <div ref={host} className="water-chart" data-testid="water-chart" />;
}
