/**
 * Urban centres that attract buildings and streets: the 椒江–黄岩–路桥 core and the six county
 * towns, with the local street-grid orientation, real arterial names where we know them, and
 * the bearings of their industrial belts (开发区). Shares and radii are rough calibrations so
 * the core holds the largest part of the buildings.
 */
import type { LonLat } from '../types.ts';

/** One urban centre with its street grid and industrial belts. */
export interface CentreSpec {
  readonly name: string;
  readonly adcode: string;
  readonly centreDeg: LonLat;
  /** e-folding distance of building density, km. */
  readonly radiusKm: number;
  /** Relative share of the urban buildings. */
  readonly share: number;
  /** Rotation of the street grid, degrees counter-clockwise from east. */
  readonly gridAngleDeg: number;
  /** Arterials named first, in order of distance from the centre. */
  readonly arterialNames: readonly string[];
  /** Bearings (degrees clockwise from north) of the industrial belts. */
  readonly industryBearingsDeg: readonly number[];
}

/** The core districts first (largest shares), then the county towns. */
export const CENTRES: readonly CentreSpec[] = [
  { name: '椒江', adcode: '331002', centreDeg: [121.425, 28.664], radiusKm: 2.7, share: 0.25, gridAngleDeg: 6, arterialNames: ['市府大道', '中山路', '东海大道', '开发大道', '解放路', '青年路', '工人路', '台州大道', '康平路', '东环大道', '西环大道', '白云山路'], industryBearingsDeg: [100, 170] },
  { name: '黄岩', adcode: '331003', centreDeg: [121.262, 28.643], radiusKm: 2.2, share: 0.16, gridAngleDeg: -12, arterialNames: ['劳动路', '天长路', '东城路', '青年西路', '环城东路', '江北路', '黄椒路', '西城路', '北院大道'], industryBearingsDeg: [45, 250] },
  { name: '路桥', adcode: '331004', centreDeg: [121.375, 28.58], radiusKm: 2.3, share: 0.18, gridAngleDeg: 20, arterialNames: ['路桥大道', '银安街', '南官大道', '商海街', '腾达路', '富仕路', '路泽太公路', '数码街'], industryBearingsDeg: [180, 120] },
  { name: '临海', adcode: '331082', centreDeg: [121.135, 28.856], radiusKm: 2.0, share: 0.09, gridAngleDeg: -5, arterialNames: ['靖江路', '大洋路', '东方大道', '崇和路', '柏叶路', '两水路', '巾山路', '括苍路'], industryBearingsDeg: [100] },
  { name: '温岭', adcode: '331081', centreDeg: [121.376, 28.377], radiusKm: 2.0, share: 0.1, gridAngleDeg: 15, arterialNames: ['万昌路', '东辉路', '人民路', '九龙大道', '中华路', '三星大道', '横湖路', '锦屏路'], industryBearingsDeg: [0, 300] },
  { name: '玉环', adcode: '331083', centreDeg: [121.232, 28.136], radiusKm: 1.4, share: 0.05, gridAngleDeg: 25, arterialNames: ['玉城大道', '环城路', '广陵路', '双港路', '珠港大道'], industryBearingsDeg: [20] },
  { name: '天台', adcode: '331023', centreDeg: [121.03, 29.146], radiusKm: 1.3, share: 0.045, gridAngleDeg: 0, arterialNames: ['赤城路', '始丰路', '劳动路', '人民路', '天台山大道'], industryBearingsDeg: [270] },
  { name: '仙居', adcode: '331024', centreDeg: [120.733, 28.857], radiusKm: 1.3, share: 0.04, gridAngleDeg: -8, arterialNames: ['环城南路', '穿城北路', '仙居大道', '城东路', '永安路'], industryBearingsDeg: [90] },
  { name: '三门', adcode: '331022', centreDeg: [121.376, 29.121], radiusKm: 1.1, share: 0.035, gridAngleDeg: 10, arterialNames: ['人民路', '南山路', '海游路', '三门大道', '广场路'], industryBearingsDeg: [180] },
];

/** Split of the scale-1 building total between centres, town seats and villages. */
export const BUILDING_SHARES = { centres: 0.66, towns: 0.18, villages: 0.16 } as const;

/** Buildings at scale 1 (the issue asks for ≥ 150 000; the margin absorbs rejected lots). */
export const BUILDINGS_AT_SCALE_1 = 158_000;
