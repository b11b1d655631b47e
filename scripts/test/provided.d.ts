// Values the Vitest global setup provides to every test file (see global-setup.ts).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}
