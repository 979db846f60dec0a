//! The figures for people, in their language: a text report, CSV for Excel, a
//! self-contained SVG chart and a one-page HTML report for A4. Every word comes from the
//! [`messages`](super::messages) table; numbers, percentages and dates are written by
//! [`Lang`] (`1.234,5`, `71 %`, `26. November 2026` in German).

use std::fmt::Write as _;

use super::messages::{Messages, messages};
use super::{Count, Median, Stats};
use crate::export::CsvDialect;
use crate::export::csv::CsvWriter;
use crate::export::text::esc;
use crate::i18n::Lang;

fn lang_of(s: &Stats) -> Lang {
    Lang::from_tag(&s.language)
}

fn city<'a>(s: &'a Stats, m: &'a Messages) -> &'a str {
    if s.city.trim().is_empty() {
        m.unnamed_city
    } else {
        &s.city
    }
}

/// An amount (hours, euros): whole numbers without decimals, others with one.
fn amount(lang: Lang, x: f64) -> String {
    if x.fract() == 0.0 {
        lang.number(x, 0)
    } else {
        lang.number(x, 1)
    }
}

fn days(m: &Messages, lang: Lang, median: &Median) -> String {
    match median.days {
        Some(d) => (m.days_over)(&amount(lang, d), d, median.projects),
        None => m.no_dates.to_owned(),
    }
}

fn list(m: &Messages, lang: Lang, counts: &[Count], all: bool) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| all || c.count > 0)
        .map(|c| format!("{} {}", c.label, lang.integer(c.count as i64)))
        .collect();
    if parts.is_empty() {
        m.none.to_owned()
    } else {
        parts.join(", ")
    }
}

fn admission_line(s: &Stats, m: &Messages, lang: Lang) -> String {
    format!(
        "{} {}, {} {}, {} {}; {} {}",
        lang.integer(s.admission.admitted as i64),
        m.admitted,
        lang.integer(s.admission.rejected as i64),
        m.rejected,
        lang.integer(s.admission.pending as i64),
        m.pending,
        m.rate,
        s.admission
            .rate
            .map_or_else(|| m.not_available.to_owned(), |r| lang.percent(r, 0))
    )
}

/// Names longer than this are shortened in the text report's label column.
const NAME_COLUMN: usize = 32;

/// `text` cut to `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The text report, in the figures' language.
pub fn human(s: &Stats) -> String {
    let lang = lang_of(s);
    let m = messages(lang);
    let headings = [
        m.projects,
        m.needs,
        m.partners,
        m.offers,
        m.support_by_partner,
        m.coverage_by_quarter,
        m.admission,
        m.median,
        m.stale,
    ];
    let sub = [m.lifecycle, m.status, m.category];
    let kinds = s.needs.iter().map(|c| c.label.chars().count() + 2);
    let partners = s
        .support_by_partner
        .iter()
        .map(|p| p.name.chars().count().min(NAME_COLUMN) + 2);
    let width = headings
        .iter()
        .map(|h| h.chars().count())
        .chain(sub.iter().map(|h| h.chars().count() + 2))
        .chain(kinds)
        .chain(partners)
        .max()
        .unwrap_or(0)
        + 2;
    let row = |out: &mut String, label: &str, value: &str| {
        let label = shorten(label, width - 2);
        let pad = width.saturating_sub(label.chars().count());
        let _ = writeln!(out, "{label}{}{value}", " ".repeat(pad));
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {}",
        (m.title)(city(s, m)),
        (m.on_date)(&lang.date(s.today))
    );
    if let Some(since) = s.since {
        let _ = write!(out, " {}", (m.since_note)(&lang.date(since)));
    }
    out.push('\n');
    row(&mut out, m.projects, &lang.integer(s.projects as i64));
    row(
        &mut out,
        &format!("  {}", m.lifecycle),
        &list(m, lang, &s.by_lifecycle, false),
    );
    row(
        &mut out,
        &format!("  {}", m.status),
        &list(m, lang, &s.by_status, false),
    );
    row(
        &mut out,
        &format!("  {}", m.category),
        &list(m, lang, &s.by_category, true),
    );
    row(
        &mut out,
        m.needs,
        &format!(
            "{} / {} / {} ({})",
            m.open, m.supported, m.total, m.coverage
        ),
    );
    for c in &s.needs {
        row(
            &mut out,
            &format!("  {}", c.label),
            &format!(
                "{} / {} / {} ({})",
                c.open,
                c.supported,
                c.total,
                lang.percent(c.coverage, 0)
            ),
        );
    }
    let suggested: usize = s.needs.iter().map(|c| c.suggested).sum();
    if suggested > 0 {
        row(&mut out, "", &(m.suggested_note)(suggested));
    }
    row(
        &mut out,
        m.partners,
        &list(m, lang, &s.partners_by_kind, true),
    );
    row(&mut out, m.offers, &list(m, lang, &s.offers_by_kind, true));
    if s.support_by_partner.is_empty() {
        row(&mut out, m.support_by_partner, m.no_support);
    } else {
        row(
            &mut out,
            m.support_by_partner,
            &format!(
                "{} / {} / {} / {}",
                m.projects, m.needs_supported, m.hours_per_month, m.eur_per_year
            ),
        );
        for p in &s.support_by_partner {
            row(
                &mut out,
                &format!("  {}", p.name),
                &format!(
                    "{} / {} / {} / {}",
                    p.projects,
                    p.needs,
                    amount(lang, p.hours_per_month),
                    amount(lang, p.eur_per_year)
                ),
            );
        }
    }
    if s.coverage_by_quarter.is_empty() {
        row(&mut out, m.coverage_by_quarter, m.no_admission_yet);
    } else {
        let cells: Vec<String> = s
            .coverage_by_quarter
            .iter()
            .map(|q| {
                format!(
                    "{} {}",
                    q.label,
                    q.coverage
                        .map_or_else(|| m.not_available.to_owned(), |c| lang.percent(c, 0))
                )
            })
            .collect();
        for (i, chunk) in cells.chunks(4).enumerate() {
            let label = if i == 0 { m.coverage_by_quarter } else { "" };
            row(&mut out, label, &chunk.join(", "));
        }
    }
    row(&mut out, m.admission, &admission_line(s, m, lang));
    row(
        &mut out,
        m.median,
        &format!(
            "{}: {}",
            m.proposal_to_admission,
            days(m, lang, &s.proposal_to_admission)
        ),
    );
    row(
        &mut out,
        "",
        &format!(
            "{}: {}",
            m.admission_to_first_support,
            days(m, lang, &s.admission_to_first_support)
        ),
    );
    row(&mut out, m.stale, &lang.integer(s.stale as i64));
    out
}

/// One figure per row (section, name, value) in `dialect`: for [`CsvDialect::Excel`] `;`,
/// a byte order mark, CRLF and decimal commas, as `digifarm export --format csv` writes.
/// Section and name are in the figures' language; shares are percentages.
pub fn csv(s: &Stats, dialect: CsvDialect) -> String {
    let lang = lang_of(s);
    let m = messages(lang);
    let mut w = CsvWriter::new(dialect);
    w.row(&m.csv_header);
    let put = |w: &mut CsvWriter, section: &str, name: &str, value: String| {
        w.row(&[section, name, value.as_str()]);
    };
    // To one decimal; a figure too large for that (× 10 overflows) is already whole.
    let num = |w: &CsvWriter, x: f64| {
        let rounded = (x * 10.0).round() / 10.0;
        w.number(if rounded.is_finite() { rounded } else { x })
    };
    put(&mut w, m.projects, m.total, s.projects.to_string());
    for (section, counts) in [
        (m.lifecycle, &s.by_lifecycle),
        (m.status, &s.by_status),
        (m.category, &s.by_category),
        (m.partners, &s.partners_by_kind),
        (m.offers, &s.offers_by_kind),
    ] {
        for c in counts {
            put(&mut w, section, &c.label, c.count.to_string());
        }
    }
    for c in &s.needs {
        let section = format!("{}: {}", m.needs, c.label);
        put(&mut w, &section, m.total, c.total.to_string());
        put(&mut w, &section, m.open, c.open.to_string());
        put(&mut w, &section, m.suggested, c.suggested.to_string());
        put(&mut w, &section, m.supported, c.supported.to_string());
        let v = num(&w, c.coverage * 100.0);
        put(&mut w, &section, &(m.in_percent)(m.coverage), v);
    }
    for p in &s.support_by_partner {
        let section = format!("{}: {}", m.support_by_partner, p.name);
        put(&mut w, &section, m.projects, p.projects.to_string());
        put(&mut w, &section, m.needs_supported, p.needs.to_string());
        let h = num(&w, p.hours_per_month);
        put(&mut w, &section, m.hours_per_month, h);
        let e = num(&w, p.eur_per_year);
        put(&mut w, &section, m.eur_per_year, e);
    }
    for q in &s.coverage_by_quarter {
        let v = q.coverage.map_or_else(String::new, |c| num(&w, c * 100.0));
        put(&mut w, &(m.in_percent)(m.coverage_by_quarter), &q.label, v);
    }
    put(
        &mut w,
        m.admission,
        m.admitted,
        s.admission.admitted.to_string(),
    );
    put(
        &mut w,
        m.admission,
        m.rejected,
        s.admission.rejected.to_string(),
    );
    put(
        &mut w,
        m.admission,
        m.pending,
        s.admission.pending.to_string(),
    );
    let rate = s
        .admission
        .rate
        .map_or_else(String::new, |r| num(&w, r * 100.0));
    put(&mut w, m.admission, &(m.in_percent)(m.rate), rate);
    let median_days = (m.in_days)(m.median);
    for (name, median) in [
        (m.proposal_to_admission, &s.proposal_to_admission),
        (m.admission_to_first_support, &s.admission_to_first_support),
    ] {
        let v = median.days.map_or_else(String::new, |d| num(&w, d));
        put(&mut w, &median_days, name, v);
    }
    put(&mut w, m.stale, m.projects, s.stale.to_string());
    w.finish()
}

/// A conservative estimate of how wide `text` is at `size` px in a sans-serif font (sized
/// for DejaVu Sans, the widest common one), so that the chart reserves room for every label.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | 'í' | 'ì' => 0.32,
            ' ' | '\u{a0}' => 0.34,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' | '–' => 0.45,
            'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' | '→' | '←' => 1.0,
            c if c.is_ascii_digit() => 0.65,
            c if c.is_uppercase() => 0.78,
            c if c.is_alphabetic() && (c as u32) < 0x2E80 => 0.64,
            c if (c as u32) >= 0x2E80 => 1.05,
            _ => 0.8,
        })
        .sum();
    em * size * if bold { 1.12 } else { 1.0 }
}

const FONT: f64 = 13.0;
const TITLE_FONT: f64 = 17.0;
const ROW: f64 = 24.0;
const BAR_H: f64 = 16.0;
const BAR_MAX: f64 = 420.0;
const MARGIN: f64 = 12.0;
const QUARTER_PLOT_H: f64 = 110.0;
const GREEN: &str = "#2e7d32";
const BLUE: &str = "#1565c0";
const ORANGE: &str = "#c25e00";
const SLATE: &str = "#455a64";
const GRID: &str = "#9e9e9e";

/// The chart's text for screen readers: every figure it draws.
fn chart_desc(s: &Stats, m: &Messages, lang: Lang) -> String {
    let mut parts = Vec::new();
    for c in s.needs.iter().filter(|c| c.total > 0) {
        parts.push(format!(
            "{}: {}",
            c.label,
            (m.chart_need_value)(c.supported, c.total, &lang.percent(c.coverage, 0))
        ));
    }
    for q in &s.coverage_by_quarter {
        parts.push(format!(
            "{}: {}",
            q.label,
            q.coverage
                .map_or_else(|| m.not_available.to_owned(), |c| lang.percent(c, 0))
        ));
    }
    for c in &s.by_lifecycle {
        parts.push(format!("{}: {}", c.label, c.count));
    }
    parts.join("; ")
}

/// A self-contained SVG chart (no scripts, fonts or other external resources) for a city's
/// report: needs per kind (supported, suggested, open), coverage at the end of each quarter,
/// and the pipeline (projects per phase). Its size follows its labels, so no label is
/// clipped.
pub fn chart_svg(s: &Stats) -> String {
    chart(s, true)
}

fn chart(s: &Stats, standalone: bool) -> String {
    let lang = lang_of(s);
    let m = messages(lang);
    let needs: Vec<&super::Coverage> = s.needs.iter().filter(|c| c.total > 0).collect();
    let need_values: Vec<String> = needs
        .iter()
        .map(|c| (m.chart_need_value)(c.supported, c.total, &lang.percent(c.coverage, 0)))
        .collect();
    let title = format!(
        "{} {}",
        (m.title)(city(s, m)),
        (m.on_date)(&lang.date(s.today))
    );
    // The label column fits the longest label; the bars and the value after them follow.
    let label_w = needs
        .iter()
        .map(|c| text_width(&c.label, FONT, false))
        .chain(
            s.by_lifecycle
                .iter()
                .map(|c| text_width(&c.label, FONT, false)),
        )
        .chain(std::iter::once(text_width("100 %", FONT, false)))
        .fold(0.0, f64::max);
    let x0 = MARGIN + label_w + 8.0;
    let value_w = need_values
        .iter()
        .map(|v| text_width(v, FONT, false))
        .chain(
            s.by_lifecycle
                .iter()
                .map(|c| text_width(&c.count.to_string(), FONT, false)),
        )
        .fold(0.0, f64::max);
    let headings = [m.chart_needs, m.chart_quarters, m.chart_pipeline];
    let width = (x0 + BAR_MAX + 6.0 + value_w + MARGIN)
        .max(MARGIN * 2.0 + text_width(&title, TITLE_FONT, true))
        .max(
            headings
                .iter()
                .map(|h| MARGIN * 2.0 + text_width(h, FONT, true))
                .fold(0.0, f64::max),
        )
        .ceil();

    let mut body = String::new();
    let mut y = 28.0;
    let _ = writeln!(
        body,
        "<text x=\"{MARGIN}\" y=\"{y}\" font-size=\"{TITLE_FONT}\" font-weight=\"bold\">{}</text>",
        esc(&title)
    );

    // Needs per kind.
    y += 32.0;
    let _ = writeln!(
        body,
        "<text x=\"{MARGIN}\" y=\"{y}\" font-weight=\"bold\">{}</text>",
        esc(m.chart_needs)
    );
    y += 12.0;
    let max_needs = needs.iter().map(|c| c.total).max().unwrap_or(0).max(1) as f64;
    if needs.is_empty() {
        let _ = writeln!(
            body,
            "<text x=\"{x0:.1}\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            esc(m.no_needs)
        );
        y += ROW;
    }
    for (c, value) in needs.iter().zip(&need_values) {
        let widths = [
            (c.supported, GREEN),
            (c.suggested, BLUE),
            (c.open - c.suggested, ORANGE),
        ];
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 8.0,
            y + 13.0,
            esc(&c.label)
        );
        let mut x = x0;
        for (n, colour) in widths {
            let w = BAR_MAX * n as f64 / max_needs;
            if w > 0.0 {
                let _ = writeln!(
                    body,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{colour}\"/>"
                );
            }
            x += w;
        }
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 6.0,
            y + 13.0,
            esc(value)
        );
        y += ROW;
    }

    // Coverage per quarter: one column per quarter, 0 to 100 %.
    y += 20.0;
    let _ = writeln!(
        body,
        "<text x=\"{MARGIN}\" y=\"{y}\" font-weight=\"bold\">{}</text>",
        esc(m.chart_quarters)
    );
    y += 16.0;
    let quarters = &s.coverage_by_quarter;
    if quarters.is_empty() {
        let _ = writeln!(
            body,
            "<text x=\"{x0:.1}\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            esc(m.no_admission_yet)
        );
        y += ROW;
    } else {
        let top = y + 6.0;
        let bottom = top + QUARTER_PLOT_H;
        for (share, label) in [
            (1.0, lang.percent(1.0, 0)),
            (0.5, lang.percent(0.5, 0)),
            (0.0, lang.percent(0.0, 0)),
        ] {
            let gy = bottom - QUARTER_PLOT_H * share;
            let _ = writeln!(
                body,
                "<line x1=\"{x0:.1}\" y1=\"{gy:.1}\" x2=\"{:.1}\" y2=\"{gy:.1}\" stroke=\"{GRID}\" stroke-width=\"0.5\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                x0 + BAR_MAX,
                x0 - 8.0,
                gy + 4.5,
                esc(&label)
            );
        }
        let slot = BAR_MAX / quarters.len() as f64;
        let col = (slot * 0.7).min(26.0);
        // Quarter names under the columns when they fit; the year under its first quarter.
        let label_every = {
            let need = text_width(&(m.quarter_short)(4), FONT, false) + 4.0;
            (need / slot).ceil().max(1.0) as usize
        };
        let year_w = text_width("2026", FONT, false) + 6.0;
        let mut last_year_x = f64::NEG_INFINITY;
        for (i, q) in quarters.iter().enumerate() {
            let cx = x0 + slot * (i as f64 + 0.5);
            if let Some(c) = q.coverage {
                let h = QUARTER_PLOT_H * c;
                let _ = writeln!(
                    body,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{col:.1}\" height=\"{h:.1}\" fill=\"{GREEN}\"/>",
                    cx - col / 2.0,
                    bottom - h
                );
            }
            if i % label_every == 0 {
                let _ = writeln!(
                    body,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    bottom + 16.0,
                    esc(&(m.quarter_short)(q.quarter))
                );
            }
            if (i == 0 || q.quarter == 1) && cx - last_year_x >= year_w {
                last_year_x = cx;
                let _ = writeln!(
                    body,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    bottom + 32.0,
                    q.year
                );
            }
        }
        y = bottom + 40.0;
    }

    // The pipeline: projects per phase.
    y += 20.0;
    let _ = writeln!(
        body,
        "<text x=\"{MARGIN}\" y=\"{y}\" font-weight=\"bold\">{}</text>",
        esc(m.chart_pipeline)
    );
    y += 12.0;
    let max_l = s
        .by_lifecycle
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for c in &s.by_lifecycle {
        let w = BAR_MAX * c.count as f64 / max_l;
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{SLATE}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x0 - 8.0,
            y + 13.0,
            esc(&c.label),
            x0 + w + 6.0,
            y + 13.0,
            c.count
        );
        y += ROW;
    }
    let height = (y + MARGIN).ceil();

    let mut svg = String::new();
    if standalone {
        svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"{FONT}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
        esc(&title),
        esc(&format!(
            "{}: {}",
            m.chart_description,
            chart_desc(s, m, lang)
        ))
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// How many partners the report's table lists (the most engaged ones), so that the report
/// stays one A4 page for any catalog; the rest are summed up in one row.
const REPORT_PARTNERS: usize = 12;

/// A one-page HTML report for the council, in the figures' language, that prints on A4:
/// key figures, needs per kind, support per partner and the chart, with no script and no
/// request to any other host.
pub fn report_html(s: &Stats) -> String {
    let lang = lang_of(s);
    let m = messages(lang);
    let title = (m.title)(city(s, m));
    let num = |n: usize| lang.integer(n as i64);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p class=\"meta\">{}",
        lang.tag(),
        esc(&title),
        REPORT_CSS,
        esc(&title),
        esc(&(m.as_of)(&lang.date(s.today)))
    );
    if let Some(since) = s.since {
        let _ = write!(h, " {}", esc(&(m.since_note)(&lang.date(since))));
    }
    h.push_str("</p>\n<div class=\"cols\">\n<section>\n");

    // Key figures.
    let _ = writeln!(h, "<h2>{}</h2>\n<table>\n<tbody>", esc(m.key_figures));
    let mut key = |name: &str, value: String| {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(name),
            esc(&value)
        );
    };
    key(m.projects, num(s.projects));
    key(m.lifecycle, list(m, lang, &s.by_lifecycle, false));
    key(m.admission, admission_line(s, m, lang));
    key(
        &format!("{}: {}", m.median, m.proposal_to_admission),
        days(m, lang, &s.proposal_to_admission),
    );
    key(
        &format!("{}: {}", m.median, m.admission_to_first_support),
        days(m, lang, &s.admission_to_first_support),
    );
    key(m.stale, num(s.stale));
    h.push_str("</tbody>\n</table>\n");

    // Needs per kind.
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th></tr></thead>\n<tbody>",
        esc(m.needs),
        esc(m.kind_column),
        esc(m.open),
        esc(m.suggested),
        esc(m.supported),
        esc(m.total),
        esc(m.coverage)
    );
    for c in &s.needs {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&c.label),
            num(c.open),
            num(c.suggested),
            num(c.supported),
            num(c.total),
            esc(&lang.percent(c.coverage, 0))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n<section>\n");

    // Support per partner.
    let _ = writeln!(h, "<h2>{}</h2>", esc(m.support_by_partner));
    if s.support_by_partner.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(m.no_support));
    } else {
        let _ = writeln!(
            h,
            "<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th><th scope=\"col\" class=\"n\">{}</th></tr></thead>\n<tbody>",
            esc(m.partner_column),
            esc(m.projects),
            esc(m.needs_supported),
            esc(m.hours_per_month),
            esc(m.eur_per_year)
        );
        for p in s.support_by_partner.iter().take(REPORT_PARTNERS) {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&p.name),
                num(p.projects),
                num(p.needs),
                esc(&amount(lang, p.hours_per_month)),
                esc(&amount(lang, p.eur_per_year))
            );
        }
        let rest = &s.support_by_partner[s.support_by_partner.len().min(REPORT_PARTNERS)..];
        if !rest.is_empty() {
            let sum = |f: &dyn Fn(&super::PartnerSupport) -> f64| rest.iter().map(f).sum::<f64>();
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&(m.more_partners)(rest.len())),
                num(rest.iter().map(|p| p.projects).sum()),
                num(rest.iter().map(|p| p.needs).sum()),
                esc(&amount(lang, sum(&|p| p.hours_per_month))),
                esc(&amount(lang, sum(&|p| p.eur_per_year)))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n</div>\n<figure>\n");
    h.push_str(&chart(s, false));
    let _ = write!(
        h,
        "</figure>\n<p class=\"meta\">{}</p>\n</main>\n</body>\n</html>\n",
        esc(&(m.report_made_by)(&lang.date(s.today)))
    );
    h
}

/// The report's style: one A4 page, print first.
const REPORT_CSS: &str = "@page { size: A4; margin: 12mm 14mm; }
html { color: #1a1a1a; background: #ffffff; }
body { font-family: sans-serif; font-size: 9.5pt; line-height: 1.3; margin: 0 auto; max-width: 182mm; padding: 4mm; }
h1 { font-size: 15pt; margin: 0 0 2pt; }
h2 { font-size: 11pt; margin: 6pt 0 3pt; }
p { margin: 0 0 4pt; }
.meta { color: #3d3d3d; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 1pt 3pt; border-bottom: 0.5pt solid #9e9e9e; vertical-align: top; font-weight: normal; }
thead th { font-weight: bold; }
tbody th { font-weight: normal; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 6pt 0 4pt; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-height: 150mm; }
@media print { body { padding: 0; } }
";
