/** shields.io's text width tables: the width in pixels of a text in one of a few fonts. */
declare module 'anafanafo' {
  export default function measure(text: string, options: { font: '10px Verdana' | 'bold 10px Verdana' | '11px Verdana' | 'bold 11px Helvetica'; guess?: boolean }): number;
}
