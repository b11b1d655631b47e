/**
 * Generates plausible Chinese names from the parts in geography/name-parts.ts, unique within a
 * namespace (e.g. villages per district), so that search results and labels stay readable.
 */
import {
  GOOD_WORDS, LANDFORMS, PEAK_SUFFIXES, POSITIONS, SECOND_WORDS, STREAM_SUFFIXES, STREET_SUFFIXES, SURNAMES,
} from '../geography/name-parts.ts';
import type { Rng } from './prng.ts';

const SERIALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Name generator with per-namespace uniqueness. */
export class Namer {
  private readonly used = new Map<string, Set<string>>();
  private readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  /** Reserves a name (e.g. a real one) so generated names never repeat it. */
  reserve(namespace: string, name: string): void {
    this.namespace(namespace).add(name);
  }

  private namespace(ns: string): Set<string> {
    let set = this.used.get(ns);
    if (!set) {
      set = new Set();
      this.used.set(ns, set);
    }
    return set;
  }

  /** Draws from `make` until unused in `ns`; after 20 clashes numbers the stem (王家二村). */
  unique(ns: string, make: () => string, suffix: string): string {
    const set = this.namespace(ns);
    let stem = make();
    for (let i = 0; i < 20 && set.has(stem + suffix); i++) stem = make();
    let name = stem + suffix;
    for (let i = 0; set.has(name); i++) name = `${stem}${SERIALS[i % 10] ?? ''}${i >= 10 ? String(i) : ''}${suffix}`;
    set.add(name);
    return name;
  }

  /** A two-character place word such as 锦江, 下岙, 陈家. */
  placeWord(): string {
    const r = this.rng;
    switch (r.int(0, 3)) {
      case 0:
        return r.pick(SURNAMES) + r.pick(['家', '宅', '岙', '洋', '桥', '塘', '店', '坑', '垟']);
      case 1:
        return r.pick(POSITIONS) + r.pick(LANDFORMS).slice(0, 1);
      case 2:
        return r.pick(GOOD_WORDS) + r.pick(LANDFORMS).slice(0, 1);
      default:
        return r.pick(GOOD_WORDS) + r.pick(SECOND_WORDS);
    }
  }

  village(ns: string): string {
    return this.unique(ns, () => this.placeWord(), '村');
  }

  community(ns: string): string {
    return this.unique(ns, () => this.rng.pick(GOOD_WORDS) + this.rng.pick(SECOND_WORDS), '社区');
  }

  street(ns: string): string {
    const suffix = this.rng.pick(STREET_SUFFIXES);
    return this.unique(ns, () => this.rng.pick(GOOD_WORDS) + this.rng.pick(SECOND_WORDS), suffix);
  }

  peak(ns: string): string {
    const suffix = this.rng.pick(PEAK_SUFFIXES);
    return this.unique(ns, () => this.rng.pick([...GOOD_WORDS, ...POSITIONS]) + this.rng.pick(['石', '龙', '虎', '鹰', '狮', '马', '牛', '羊', '鸡', '凤', '云', '雾', '茶', '竹', '松', '白', '黄', '青', '紫']), suffix);
  }

  stream(ns: string): string {
    return this.unique(ns, () => this.placeWord(), this.rng.pick(STREAM_SUFFIXES));
  }
}
