/**
 * The HTML other sites paste to show a badge or an embedded record. Every value is escaped for
 * its attribute: the snippet runs on someone else's page.
 */
import { escapeHtml } from './escape.js';

export function embedSnippet(src: string, title: string, height: number): string {
  return `<iframe src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
}

export function badgeSnippet(pageUrl: string, imageUrl: string, alt: string): string {
  return `<a href="${escapeHtml(pageUrl)}"><img src="${escapeHtml(imageUrl)}" alt="${escapeHtml(alt)}"></a>`;
}
