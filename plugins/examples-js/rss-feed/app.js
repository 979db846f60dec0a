// An RSS 2.0 feed of the catalog's projects that have needs still wanting help (a need whose
// `supported_by` is empty), as a digifarm exporter plugin written in JavaScript.
//
// One item per such project: its name and summary in the city's first language, and the needs
// that want help. Links are absolute only: they point at `<base_url>/projects/<id>` where
// `base_url` is the config key the city grants; without it items carry no <link> (a relative
// link would be meaningless in a feed reader) and the channel links the city's website, if
// any. Dates are the needs' `since`, else the project's `last_reviewed`: the plugin reads no
// clock, so the feed is deterministic.

import { defineExporter, host, localized } from 'digifarm-plugin';

/** Text for XML 1.0 character data and attribute values. */
function esc(s) {
  let out = '';
  for (const ch of String(s)) {
    const c = ch.codePointAt(0);
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    // XML 1.0 forbids most control characters, lone surrogates, U+FFFE and U+FFFF.
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
             (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) continue;
    else out += ch;
  }
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An ISO date (`2024-05-01`) as an RFC 822 date, or null. Pure arithmetic, no clock. */
function rfc822(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const day = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return `${DAYS[day]}, ${m[3]} ${MONTHS[mo - 1]} ${m[1]} 00:00:00 +0000`;
}

const LABELS = {
  de: { title: 'Projekte, die Unterstützung suchen', wants: 'sucht Unterstützung', hours: 'Stunden/Monat', skills: 'Fähigkeiten' },
  en: { title: 'Projects looking for support', wants: 'looking for support', hours: 'hours/month', skills: 'skills' },
};

export const exporter = defineExporter((catalog) => {
  const { city } = catalog;
  const lang = city.languages[0] ?? 'de';
  const langs = [lang, ...city.languages.slice(1)];
  const label = LABELS[lang] ?? LABELS.en;
  const base = (host.config('base_url') ?? '').trim().replace(/\/+$/, '');
  const absolute = /^https?:\/\/\S+$/.test(base) ? base : null;

  const items = [];
  for (const p of catalog.projects) {
    const open = p.needs.filter((n) => n.supported_by.length === 0);
    if (open.length === 0) continue;
    const summary = localized(p.summary, langs);
    const lines = open.map((n) => {
      const what = localized(n.description, langs);
      const details = [
        n.priority,
        n.hours_per_month != null ? `${n.hours_per_month} ${label.hours}` : null,
        n.skills.length ? `${label.skills}: ${n.skills.join(', ')}` : null,
      ].filter(Boolean);
      return `${n.kind}${what ? `: ${what}` : ''} (${details.join('; ')})`;
    });
    const description = [summary, ...lines.map((l) => `• ${l}`)].filter(Boolean).join('\n');
    const dates = open.map((n) => n.since).filter(Boolean).sort();
    const date = rfc822(dates[dates.length - 1] ?? p.last_reviewed);
    const item = ['    <item>', `      <title>${esc(`${p.name}: ${label.wants}`)}</title>`];
    if (absolute) item.push(`      <link>${esc(`${absolute}/projects/${encodeURIComponent(p.id)}`)}</link>`);
    item.push(`      <description>${esc(description)}</description>`);
    for (const c of p.categories) item.push(`      <category>${esc(c)}</category>`);
    item.push(`      <guid isPermaLink="false">${esc(`digifarm:${p.id}`)}</guid>`);
    if (date) item.push(`      <pubDate>${date}</pubDate>`);
    item.push('    </item>');
    items.push(item.join('\n'));
  }

  const channelLink = absolute ?? (city.website && /^https?:\/\//.test(city.website) ? city.website : null);
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0">',
    '  <channel>',
    `    <title>${esc(`${city.name}: ${label.title}`)}</title>`,
    ...(channelLink ? [`    <link>${esc(channelLink)}</link>`] : []),
    `    <description>${esc(`${label.title} (${city.name})`)}</description>`,
    `    <language>${esc(lang)}</language>`,
    '    <generator>digifarm rss-feed (JavaScript plugin)</generator>',
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
  return { media_type: 'application/rss+xml', bytes: xml };
});
