// Numbers, sizes and times as people read them, in the panel's language.

import type { Lang } from './i18n.js';

const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

export function formatBytes(bytes: number, lang: Lang): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toLocaleString(LOCALES[lang], { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}

export function formatNumber(n: number, lang: Lang, digits = 0): string {
  return n.toLocaleString(LOCALES[lang], { maximumFractionDigits: digits });
}

export function formatTime(iso: string | number, lang: Lang): string {
  return new Date(iso).toLocaleString(LOCALES[lang], { dateStyle: 'short', timeStyle: 'medium' });
}

/** "3 d 4 h", "5 h 2 min", "40 s": units the same in both languages. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, (part / whole) * 100) : 0;
}
