/** The status bar: CGCS2000 coordinates under the pointer (or of the view centre) and the scale bar. */
import { useEffect, useState, type RefObject } from 'react';
import type { AppState } from '../app-state.ts';
import { formatGeographic, formatMetres, loadCgcs2000Converter, type Cgcs2000Converter } from '../cgcs2000.ts';
import { translate } from '../i18n.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';

export function StatusBar({ store, scaleRef }: { readonly store: Store<AppState>; readonly scaleRef: RefObject<HTMLDivElement | null> }) {
  const lang = useStore(store, (s) => s.lang);
  // Touch screens have no hover: without a pointer the centre of the view is shown instead.
  const lonLat = useStore(store, (s) => s.pointer ?? s.view?.center ?? null);
  const convert = useCgcs2000Converter();
  const position = lonLat && convert ? convert(lonLat[0], lonLat[1]) : null;
  return (
    <footer className="status-bar">
      <div className="coordinates" role="group" aria-label={translate(lang, 'pointerCoordinates')} data-testid="coordinates">
        <span className="coordinate" title={translate(lang, 'geographic')} data-testid="coordinates-geographic">
          <abbr className="crs" title={translate(lang, 'geographic')}>EPSG:4490</abbr>{' '}
          {position ? formatGeographic(position) : '—'}
        </span>
        <span className="coordinate" title={translate(lang, 'gaussKruger')} data-testid="coordinates-gk">
          <abbr className="crs" title={translate(lang, 'gaussKruger')}>EPSG:4549</abbr>{' '}
          {position
            ? `${translate(lang, 'east')} ${formatMetres(position.easting)}  ${translate(lang, 'north')} ${formatMetres(position.northing)}`
            : '—'}
        </span>
      </div>
      <div ref={scaleRef} className="scale" role="img" aria-label={translate(lang, 'scale')} data-testid="scale-bar" />
    </footer>
  );
}

/** The converter once proj4 has loaded (undefined for the first few hundred milliseconds). */
function useCgcs2000Converter(): Cgcs2000Converter | undefined {
  const [convert, setConvert] = useState<Cgcs2000Converter>();
  useEffect(() => {
    let live = true;
    loadCgcs2000Converter().then(
      (loaded) => {
        if (live) setConvert(() => loaded);
      },
      () => undefined, // without proj4 the coordinates stay "—"; the map itself is unaffected
    );
    return () => {
      live = false;
    };
  }, []);
  return convert;
}
