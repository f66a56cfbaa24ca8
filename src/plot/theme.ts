/** Colours of the two looks: matplotlib's `dark_background` style (the seed's) and its default white one. */
export type ThemeName = 'dark' | 'light';
export const THEMES: readonly ThemeName[] = ['dark', 'light'];

export interface Theme {
  background: string;
  foreground: string;
  grid: string;
  /** Training, validation: the first two colours of the style's cycle. */
  training: string;
  validation: string;
}

export const THEME: Record<ThemeName, Theme> = {
  dark: { background: '#000000', foreground: '#ffffff', grid: '#444444', training: '#8dd3c7', validation: '#feffb3' },
  light: { background: '#ffffff', foreground: '#000000', grid: '#dddddd', training: '#1f77b4', validation: '#ff7f0e' },
};
