/**
 * The 横断面 and 纵断面 charts as plain SVG from the models in pipes-logic.ts (no chart library:
 * a few paths and circles, readable by tests and screen readers alike).
 */
import type { Lang } from '../../i18n.ts';
import { profileModel, sectionModel, type ProfileNode, type SectionCrossing } from './pipes-logic.ts';

const T = {
  offset: { zh: '距起点 (米)', en: 'Offset (m)' },
  chainage: { zh: '里程 (米)', en: 'Chainage (m)' },
  elevation: { zh: '高程 (米)', en: 'Elevation (m)' },
  ground: { zh: '地面', en: 'Ground' },
  top: { zh: '管顶', en: 'Pipe top' },
  invert: { zh: '管底', en: 'Invert' },
  noDepth: { zh: '无埋深信息 (需管线部门权限)', en: 'No depth (pipeline departments only)' },
} as const;

function Axes({ frame, xTicks, yTicks, xLabel, yLabel }: { frame: { width: number; height: number; left: number; right: number; top: number; bottom: number }; xTicks: { v: number; x: number }[]; yTicks: { v: number; y: number }[]; xLabel: string; yLabel: string }) {
  const bottom = frame.height - frame.bottom;
  return (
    <g className="pipes-axes" fontSize="10" fill="#444">
      <line x1={frame.left} y1={bottom} x2={frame.width - frame.right} y2={bottom} stroke="#888" />
      <line x1={frame.left} y1={frame.top} x2={frame.left} y2={bottom} stroke="#888" />
      {xTicks.map((t) => (
        <text key={`x${t.v}`} x={t.x} y={bottom + 12} textAnchor="middle">{Number(t.v.toFixed(2))}</text>
      ))}
      {yTicks.map((t) => (
        <g key={`y${t.v}`}>
          <line x1={frame.left} y1={t.y} x2={frame.width - frame.right} y2={t.y} stroke="#eee" />
          <text x={frame.left - 4} y={t.y + 3} textAnchor="end">{Number(t.v.toFixed(2))}</text>
        </g>
      ))}
      <text x={(frame.left + frame.width - frame.right) / 2} y={frame.height - 4} textAnchor="middle">{xLabel}</text>
      <text x={10} y={(frame.top + bottom) / 2} textAnchor="middle" transform={`rotate(-90 10 ${(frame.top + bottom) / 2})`}>{yLabel}</text>
    </g>
  );
}

export function SectionChart({ lengthM, crossings, colours, lang }: { lengthM: number; crossings: readonly SectionCrossing[]; colours: Readonly<Record<string, string>>; lang: Lang }) {
  const m = sectionModel(lengthM, crossings, colours);
  return (
    <figure className="pipes-chart">
      <svg viewBox={`0 0 ${m.frame.width} ${m.frame.height}`} role="img" aria-label={lang === 'zh' ? '横断面图' : 'Cross-section chart'} data-testid="pipes-section-chart">
        <Axes frame={m.frame} xTicks={m.xTicks} yTicks={m.yTicks} xLabel={T.offset[lang]} yLabel={T.elevation[lang]} />
        {m.ground && <path d={m.ground} fill="none" stroke="#7a5c2e" strokeWidth="1.5" strokeDasharray="4 2" />}
        {m.shapes.map((s) =>
          s.rect ? (
            <rect key={s.id} x={s.cx - s.rx} y={s.cy - s.ry} width={2 * s.rx} height={2 * s.ry} fill={s.color} stroke="#222" strokeWidth="0.6" data-line={s.label}>
              <title>{s.label}</title>
            </rect>
          ) : (
            <ellipse key={s.id} cx={s.cx} cy={s.cy} rx={s.rx} ry={s.ry} fill={s.color} stroke="#222" strokeWidth="0.6" data-line={s.label}>
              <title>{s.label}</title>
            </ellipse>
          ),
        )}
      </svg>
      {!m.hasElevations && crossings.length > 0 && <figcaption className="pipes-hint">{T.noDepth[lang]}</figcaption>}
    </figure>
  );
}

export function ProfileChart({ nodes, colour, lang }: { nodes: readonly ProfileNode[]; colour: string; lang: Lang }) {
  const m = profileModel(nodes);
  return (
    <figure className="pipes-chart">
      <svg viewBox={`0 0 ${m.frame.width} ${m.frame.height}`} role="img" aria-label={lang === 'zh' ? '纵断面图' : 'Longitudinal profile chart'} data-testid="pipes-profile-chart">
        <Axes frame={m.frame} xTicks={m.xTicks} yTicks={m.yTicks} xLabel={T.chainage[lang]} yLabel={T.elevation[lang]} />
        {m.nodes.map((n) => (
          <line key={n.label} x1={n.x} x2={n.x} y1={m.frame.top} y2={m.frame.height - m.frame.bottom} stroke="#ccc" strokeDasharray="2 2">
            <title>{n.label}</title>
          </line>
        ))}
        {m.ground && <path d={m.ground} fill="none" stroke="#7a5c2e" strokeWidth="1.5"><title>{T.ground[lang]}</title></path>}
        {m.top && <path d={m.top} fill="none" stroke={colour} strokeWidth="1.5"><title>{T.top[lang]}</title></path>}
        {m.invert && <path d={m.invert} fill="none" stroke={colour} strokeWidth="1.5" strokeDasharray="5 2"><title>{T.invert[lang]}</title></path>}
      </svg>
      {!m.hasElevations && nodes.length > 0 && <figcaption className="pipes-hint">{T.noDepth[lang]}</figcaption>}
    </figure>
  );
}
