/**
 * The nine county-level divisions of 台州市 (domain.md §6.1): real names and adcodes, seats and
 * centroids, plus hand-placed anchor points. A district's generated area is the union of the
 * Voronoi cells of its anchors, clipped to the land, so anchors are spread over each real
 * district's territory (island anchors keep 大陈 with 椒江 and the 玉环 islands with 玉环).
 */
import type { LonLat } from '../types.ts';

/** One county-level division and the anchors that shape it. */
export interface DistrictSpec {
  readonly adcode: string;
  readonly name: string;
  readonly nameEn: string;
  /** Seat of the district government (county town). */
  readonly seatDeg: LonLat;
  /** Approximate centroid of the real district, including islands. */
  readonly centroidDeg: LonLat;
  /** Voronoi anchors; the seat and centroid are added automatically. */
  readonly anchorsDeg: readonly LonLat[];
}

/** The nine divisions in adcode order. */
export const DISTRICTS: readonly DistrictSpec[] = [
  {
    adcode: '331002', name: '椒江区', nameEn: 'Jiaojiang District',
    seatDeg: [121.4266, 28.6791], centroidDeg: [121.4477, 28.6637],
    anchorsDeg: [[121.41, 28.63], [121.39, 28.72], [121.48, 28.69], [121.52, 28.62], [121.89, 28.47], [121.78, 28.69]],
  },
  {
    adcode: '331003', name: '黄岩区', nameEn: 'Huangyan District',
    seatDeg: [121.2579, 28.648], centroidDeg: [121.0767, 28.6019],
    anchorsDeg: [[121.03, 28.54], [120.88, 28.56], [121.26, 28.67], [121.13, 28.64], [120.96, 28.65], [121.23, 28.56]],
  },
  {
    adcode: '331004', name: '路桥区', nameEn: 'Luqiao District',
    seatDeg: [121.3685, 28.5848], centroidDeg: [121.4776, 28.5436],
    anchorsDeg: [[121.34, 28.58], [121.44, 28.54], [121.54, 28.55], [121.62, 28.51]],
  },
  {
    adcode: '331022', name: '三门县', nameEn: 'Sanmen County',
    seatDeg: [121.372, 29.1216], centroidDeg: [121.5067, 29.0143],
    anchorsDeg: [[121.63, 29.0], [121.69, 28.91], [121.4, 29.12], [121.45, 29.01], [121.54, 28.91], [121.56, 29.1], [121.29, 29.04], [121.69, 29.1]],
  },
  {
    adcode: '331023', name: '天台县', nameEn: 'Tiantai County',
    seatDeg: [121.0269, 29.1438], centroidDeg: [120.9731, 29.1481],
    anchorsDeg: [[120.77, 29.04], [120.8, 29.16], [120.95, 29.23], [120.9, 29.07], [121.17, 29.13], [121.11, 29.27], [121.03, 29.11]],
  },
  {
    adcode: '331024', name: '仙居县', nameEn: 'Xianju County',
    seatDeg: [120.7309, 28.8522], centroidDeg: [120.6304, 28.7365],
    anchorsDeg: [[120.46, 28.77], [120.77, 28.67], [120.39, 28.61], [120.64, 28.79], [120.57, 28.63], [120.85, 28.78], [120.75, 28.91]],
  },
  {
    adcode: '331081', name: '温岭市', nameEn: 'Wenling City',
    seatDeg: [121.3692, 28.3719], centroidDeg: [121.4227, 28.3915],
    anchorsDeg: [[121.26, 28.47], [121.59, 28.32], [121.61, 28.42], [121.49, 28.43], [121.37, 28.45], [121.27, 28.34], [121.42, 28.32], [121.68, 28.29]],
  },
  {
    adcode: '331082', name: '临海市', nameEn: 'Linhai City',
    seatDeg: [121.1268, 28.8483], centroidDeg: [121.2246, 28.8509],
    anchorsDeg: [[121.28, 28.92], [121.25, 28.78], [120.95, 28.94], [121.42, 28.84], [121.59, 28.77], [121.12, 28.96], [121.04, 28.77], [121.86, 28.75], [121.85, 28.8]],
  },
  {
    adcode: '331083', name: '玉环市', nameEn: 'Yuhuan City',
    seatDeg: [121.2282, 28.1317], centroidDeg: [121.253, 28.1732],
    anchorsDeg: [[121.35, 28.24], [121.29, 28.14], [121.2, 28.22], [121.19, 28.09], [121.51, 28.09], [121.38, 28.1]],
  },
];

/** 台州市人民政府 (市府大道, 椒江). */
export const CITY_GOVERNMENT_DEG: LonLat = [121.4242, 28.6643];
