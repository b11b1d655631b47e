/**
 * A server problem as text: its detail; for an invalid geometry the PostGIS reason and where
 * (the detail repeats both in English prose, so the structured members are shown instead).
 */
import type { ApiProblem } from '../api-problem.ts';
import { translate, type Lang } from '../i18n.ts';
import { formatWktPoint } from '../wkt-point.ts';

export function ProblemText({ problem, lang }: { readonly problem: ApiProblem; readonly lang: Lang }) {
  if (problem.reason) {
    return (
      <span className="problem-detail" data-testid="problem-detail">
        {translate(lang, 'invalidReason')}: {problem.reason}
        {problem.location && (
          <>
            {' · '}
            {translate(lang, 'invalidLocation')}: {formatWktPoint(problem.location)}
          </>
        )}
      </span>
    );
  }
  return (
    <span className="problem-detail" data-testid="problem-detail">
      {problem.detail || problem.code}
    </span>
  );
}
