//! Every word of the council's figures (`digifarm stats` as text, CSV, SVG chart and HTML
//! report), one table per language.
//!
//! The table is a typed struct with one constant per language ([`DE`], [`EN`]): a message
//! missing in one language is a compile error, not an English word in a German report, and
//! messages with values are functions, so plural forms and word order are per language.
//! Numbers and dates inside messages are formatted by [`Lang`] before they are passed in.
//! Names of lifecycle states, statuses, need and partner kinds are the ones the exports use
//! (`export::text`), so a state reads the same in the portal and in the report.

use crate::i18n::Lang;

/// The words of the statistics in one language.
#[derive(Debug)]
pub struct Messages {
    /// The language.
    pub lang: Lang,
    /// Report title: `{city}: programme statistics`.
    pub title: fn(&str) -> String,
    /// The catalog's name when the city has none.
    pub unnamed_city: &'static str,
    /// `on {date}`.
    pub on_date: fn(&str) -> String,
    /// `(projects that entered the programme on or after {date})`.
    pub since_note: fn(&str) -> String,
    /// Projects.
    pub projects: &'static str,
    /// All (the total of a count).
    pub total: &'static str,
    /// Programme phase (lifecycle).
    pub lifecycle: &'static str,
    /// Status of the software.
    pub status: &'static str,
    /// Category.
    pub category: &'static str,
    /// Needs.
    pub needs: &'static str,
    /// Open (help wanted).
    pub open: &'static str,
    /// Suggested, not yet agreed.
    pub suggested: &'static str,
    /// Supported.
    pub supported: &'static str,
    /// Coverage (share of supported needs).
    pub coverage: &'static str,
    /// `{n} needs have suggested support that the partner has not agreed to yet`.
    pub suggested_note: fn(usize) -> String,
    /// Partners.
    pub partners: &'static str,
    /// Offers.
    pub offers: &'static str,
    /// Support given per partner.
    pub support_by_partner: &'static str,
    /// Needs supported (column).
    pub needs_supported: &'static str,
    /// Hours per month (column).
    pub hours_per_month: &'static str,
    /// Euros per year (column).
    pub eur_per_year: &'static str,
    /// `{n} more partners` (the rest of a table).
    pub more_partners: fn(usize) -> String,
    /// No partner has agreed to support anything yet.
    pub no_support: &'static str,
    /// Coverage per quarter.
    pub coverage_by_quarter: &'static str,
    /// A quarter: `Q3 2021`.
    pub quarter: fn(u32, i32) -> String,
    /// A quarter without its year, under a chart's column: `Q3`.
    pub quarter_short: fn(u32) -> String,
    /// No project has been admitted yet.
    pub no_admission_yet: &'static str,
    /// Admission.
    pub admission: &'static str,
    /// Admitted.
    pub admitted: &'static str,
    /// Rejected.
    pub rejected: &'static str,
    /// Waiting for a decision.
    pub pending: &'static str,
    /// Admission rate.
    pub rate: &'static str,
    /// Not available.
    pub not_available: &'static str,
    /// Median time.
    pub median: &'static str,
    /// From proposal to admission.
    pub proposal_to_admission: &'static str,
    /// From admission to first support.
    pub admission_to_first_support: &'static str,
    /// `{days} days (over {n} projects)`; `days` is formatted.
    pub days_over: fn(&str, f64, usize) -> String,
    /// No project has both dates.
    pub no_dates: &'static str,
    /// Stale listings.
    pub stale: &'static str,
    /// Nothing to list.
    pub none: &'static str,
    /// The chart's title for needs: supported, suggested and open per kind.
    pub chart_needs: &'static str,
    /// `{supported} of {total} supported ({percent})`; `percent` is formatted.
    pub chart_need_value: fn(usize, usize, &str) -> String,
    /// The chart's title for coverage over time.
    pub chart_quarters: &'static str,
    /// The chart's title for the pipeline.
    pub chart_pipeline: &'static str,
    /// No needs to show.
    pub no_needs: &'static str,
    /// The chart's description for screen readers: `{title}. {text}`.
    pub chart_description: &'static str,
    /// CSV header: section, name, value.
    pub csv_header: [&'static str; 3],
    /// A value in percent (CSV names).
    pub in_percent: fn(&str) -> String,
    /// A value in days (CSV names).
    pub in_days: fn(&str) -> String,
    /// The report's line under the title: who made it and from what.
    pub report_made_by: fn(&str) -> String,
    /// Key figures (report section).
    pub key_figures: &'static str,
    /// Column: the kind of need.
    pub kind_column: &'static str,
    /// Column: the partner.
    pub partner_column: &'static str,
    /// `As of {date}`.
    pub as_of: fn(&str) -> String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// German.
pub const DE: Messages = Messages {
    lang: Lang::De,
    title: de::title,
    unnamed_city: "Katalog",
    on_date: de::on_date,
    since_note: de::since_note,
    projects: "Projekte",
    total: "gesamt",
    lifecycle: "Phase",
    status: "Status",
    category: "Kategorie",
    needs: "Bedarfe",
    open: "offen",
    suggested: "vorgeschlagen",
    supported: "unterstützt",
    coverage: "Abdeckung",
    suggested_note: de::suggested_note,
    partners: "Partner",
    offers: "Angebote",
    support_by_partner: "Unterstützung je Partner",
    needs_supported: "Bedarfe",
    hours_per_month: "Stunden/Monat",
    eur_per_year: "Euro/Jahr",
    more_partners: de::more_partners,
    no_support: "noch keine zugesagte Unterstützung",
    coverage_by_quarter: "Abdeckung je Quartal",
    quarter: de::quarter,
    quarter_short: de::quarter_short,
    no_admission_yet: "noch kein Projekt aufgenommen",
    admission: "Aufnahme",
    admitted: "aufgenommen",
    rejected: "abgelehnt",
    pending: "offen",
    rate: "Quote",
    not_available: "–",
    median: "Median",
    proposal_to_admission: "Vorschlag → Aufnahme",
    admission_to_first_support: "Aufnahme → erste Unterstützung",
    days_over: de::days_over,
    no_dates: "kein Projekt hat beide Daten",
    stale: "Veraltete Einträge",
    none: "keine",
    chart_needs: "Bedarfe je Art: unterstützt (grün), vorgeschlagen (blau), offen (orange)",
    chart_need_value: de::chart_need_value,
    chart_quarters: "Abdeckung der Bedarfe am Ende jedes Quartals",
    chart_pipeline: "Projekte je Phase",
    no_needs: "keine Bedarfe",
    chart_description: "Diagramm",
    csv_header: ["Bereich", "Bezeichnung", "Wert"],
    in_percent: de::in_percent,
    in_days: de::in_days,
    report_made_by: de::report_made_by,
    key_figures: "Kennzahlen",
    kind_column: "Art",
    partner_column: "Partner",
    as_of: de::as_of,
};

/// English.
pub const EN: Messages = Messages {
    lang: Lang::En,
    title: en::title,
    unnamed_city: "Catalog",
    on_date: en::on_date,
    since_note: en::since_note,
    projects: "Projects",
    total: "total",
    lifecycle: "Phase",
    status: "Status",
    category: "Category",
    needs: "Needs",
    open: "open",
    suggested: "suggested",
    supported: "supported",
    coverage: "coverage",
    suggested_note: en::suggested_note,
    partners: "Partners",
    offers: "Offers",
    support_by_partner: "Support per partner",
    needs_supported: "Needs",
    hours_per_month: "Hours/month",
    eur_per_year: "Euros/year",
    more_partners: en::more_partners,
    no_support: "no agreed support yet",
    coverage_by_quarter: "Coverage per quarter",
    quarter: en::quarter,
    quarter_short: en::quarter_short,
    no_admission_yet: "no project admitted yet",
    admission: "Admission",
    admitted: "admitted",
    rejected: "rejected",
    pending: "pending",
    rate: "rate",
    not_available: "n/a",
    median: "Median",
    proposal_to_admission: "proposal → admission",
    admission_to_first_support: "admission → first support",
    days_over: en::days_over,
    no_dates: "no project has both dates",
    stale: "Stale listings",
    none: "none",
    chart_needs: "Needs per kind: supported (green), suggested (blue), open (orange)",
    chart_need_value: en::chart_need_value,
    chart_quarters: "Coverage of needs at the end of each quarter",
    chart_pipeline: "Projects per phase",
    no_needs: "no needs",
    chart_description: "Chart",
    csv_header: ["Section", "Name", "Value"],
    in_percent: en::in_percent,
    in_days: en::in_days,
    report_made_by: en::report_made_by,
    key_figures: "Key figures",
    kind_column: "Kind",
    partner_column: "Partner",
    as_of: en::as_of,
};

/// The table for `lang`.
pub fn messages(lang: Lang) -> &'static Messages {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

mod de {
    use super::plural;

    pub fn quarter_short(q: u32) -> String {
        format!("Q{q}")
    }
    pub fn title(city: &str) -> String {
        format!("{city}: Programmstatistik")
    }
    pub fn on_date(date: &str) -> String {
        format!("am {date}")
    }
    pub fn since_note(date: &str) -> String {
        format!("(Projekte, die seit dem {date} ins Programm kamen)")
    }
    pub fn suggested_note(n: usize) -> String {
        format!(
            "{} mit vorgeschlagener, noch nicht zugesagter Unterstützung",
            plural(n, "Bedarf", "Bedarfe")
        )
    }
    pub fn more_partners(n: usize) -> String {
        format!("{n} weitere Partner")
    }
    pub fn quarter(q: u32, year: i32) -> String {
        format!("Q{q} {year}")
    }
    pub fn days_over(days: &str, value: f64, projects: usize) -> String {
        let unit = if (value - 1.0).abs() < f64::EPSILON {
            "Tag"
        } else {
            "Tage"
        };
        format!(
            "{days} {unit} (über {})",
            plural(projects, "Projekt", "Projekte")
        )
    }
    pub fn chart_need_value(supported: usize, total: usize, percent: &str) -> String {
        format!("{supported} von {total} unterstützt ({percent})")
    }
    pub fn in_percent(what: &str) -> String {
        format!("{what} in %")
    }
    pub fn in_days(what: &str) -> String {
        format!("{what} in Tagen")
    }
    pub fn report_made_by(date: &str) -> String {
        format!("Erstellt am {date} mit digifarm aus dem Projektkatalog.")
    }
    pub fn as_of(date: &str) -> String {
        format!("Stand: {date}")
    }
}

mod en {
    use super::plural;

    pub fn quarter_short(q: u32) -> String {
        format!("Q{q}")
    }
    pub fn title(city: &str) -> String {
        format!("{city}: programme statistics")
    }
    pub fn on_date(date: &str) -> String {
        format!("on {date}")
    }
    pub fn since_note(date: &str) -> String {
        format!("(projects that entered the programme on or after {date})")
    }
    pub fn suggested_note(n: usize) -> String {
        format!(
            "{} with suggested support the partner has not agreed to yet",
            plural(n, "need", "needs")
        )
    }
    pub fn more_partners(n: usize) -> String {
        format!("{} more", plural(n, "partner", "partners"))
    }
    pub fn quarter(q: u32, year: i32) -> String {
        format!("Q{q} {year}")
    }
    pub fn days_over(days: &str, value: f64, projects: usize) -> String {
        let unit = if (value - 1.0).abs() < f64::EPSILON {
            "day"
        } else {
            "days"
        };
        format!(
            "{days} {unit} (over {})",
            plural(projects, "project", "projects")
        )
    }
    pub fn chart_need_value(supported: usize, total: usize, percent: &str) -> String {
        format!("{supported} of {total} supported ({percent})")
    }
    pub fn in_percent(what: &str) -> String {
        format!("{what} in %")
    }
    pub fn in_days(what: &str) -> String {
        format!("{what} in days")
    }
    pub fn report_made_by(date: &str) -> String {
        format!("Made on {date} with digifarm from the project catalog.")
    }
    pub fn as_of(date: &str) -> String {
        format!("As of {date}")
    }
}
