import type { DepartmentRef } from './types.ts';

/** Owner departments (责任单位) of the Taizhou layers. */
export const departments = {
  naturalResources: { code: 'tz-zrzy', title: { zh: '台州市自然资源和规划局', en: 'Taizhou Natural Resources and Planning Bureau' } },
  water: { code: 'tz-sl', title: { zh: '台州市水利局', en: 'Taizhou Water Resources Bureau' } },
  transport: { code: 'tz-jt', title: { zh: '台州市交通运输局', en: 'Taizhou Transport Bureau' } },
  housing: { code: 'tz-zj', title: { zh: '台州市住房和城乡建设局', en: 'Taizhou Housing and Urban-Rural Development Bureau' } },
  civilAffairs: { code: 'tz-mz', title: { zh: '台州市民政局', en: 'Taizhou Civil Affairs Bureau' } },
} as const satisfies Record<string, DepartmentRef>;
