/** A CQL2 filter that cannot be read or does not fit the collection, with where it went wrong. */
import type { Position } from './ast.ts';

export class Cql2Error extends Error {
  override readonly name = 'Cql2Error';
  constructor(
    readonly detail: string,
    readonly position: Position,
  ) {
    super(typeof position === 'number' ? `${detail} (at character ${position + 1})` : `${detail} (at ${position || '/'})`);
  }
}
