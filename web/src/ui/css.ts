import type { CSSProperties } from 'react';

/** Dynamic values (a bar's position, a progress) go to the stylesheet as CSS variables, never as ad-hoc styles. */
export function cssVars(vars: Record<`--${string}`, string | number>): CSSProperties {
  return vars as CSSProperties;
}
