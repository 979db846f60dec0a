//! Who could help: for every need that wants help (nobody supports it, its project is
//! active), the best support offers, as `digifarm match` ranks them, then the best
//! assignment of offers to needs that respects every offer's capacity.
//!
//! ```text
//! cargo run -p digifarm-core --example match_needs -- examples/muenster [TOP] [YYYY-MM-DD]
//! ```
//!
//! `TOP` offers per need (default 3). The date (default: today) decides which offers are still
//! valid and how old a need is. A pair is suggested only if it meets every hard constraint
//! (kind, region, capacity, licence requirement) and scores at least `[matching] min_score`.
//! Matching never runs on a catalog with errors (exit code 1).
#![allow(clippy::print_stderr)]

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use digifarm_core::catalog::LoadOptions;
use digifarm_core::matching::{Matcher, NeedId};
use digifarm_core::validate::{today, validate_path};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn Error>> {
    let mut stdout = std::io::stdout().lock();
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        return Err("usage: match_needs <CATALOG> [TOP] [YYYY-MM-DD]".into());
    };
    let top: usize = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|e| format!("`{s}` is not a number of offers: {e}"))?,
        None => 3,
    };
    let date = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))?,
        None => today(),
    };

    let (catalog, report) = validate_path(&path, &LoadOptions::default(), date)?;
    if !report.valid {
        for d in report.diagnostics.iter().filter(|d| d.is_error()) {
            writeln!(
                stdout,
                "{}:{}:{}: error {}: {}",
                d.file, d.line, d.column, d.code, d.message
            )?;
        }
        writeln!(stdout, "the catalog has errors; matching did not run")?;
        return Ok(ExitCode::from(1));
    }
    // The matcher as `digifarm match` builds it: a project whose repository went quiet (the
    // stored forge data, `digifarm refresh`) needs a partner sooner, so its needs' urgency is
    // raised. Invalid matching settings in digifarm.toml are a finding.
    let matcher = Matcher::for_catalog(&catalog, date).map_err(|d| {
        format!(
            "{}:{}:{} {} {}",
            d.file, d.line, d.column, d.code, d.message
        )
    })?;

    // Needs and offers are addressed by index into the catalog's lists.
    let need_label = |id: NeedId| -> String {
        let project = &catalog.projects[id.project];
        format!(
            "{} ({}), need {} [{}]",
            project.name, project.id, id.need, project.needs[id.need].kind
        )
    };
    let offer_label = |offer: usize| -> String {
        let offer = &catalog.offers[offer];
        let partner = catalog
            .partners
            .iter()
            .find(|p| p.id == offer.partner)
            .map_or(offer.partner.as_str(), |p| p.name.as_str());
        format!("{} by {partner}", offer.id)
    };

    let open = matcher.open_needs();
    writeln!(stdout, "{} needs want help on {date}", open.len())?;
    for &need in &open {
        writeln!(stdout, "{}", need_label(need))?;
        let ranked = matcher.rank_offers(need, top);
        if ranked.is_empty() {
            writeln!(stdout, "    no offer fits")?;
        }
        for r in ranked {
            writeln!(stdout, "    {:.3}  {}", r.score, offer_label(r.offer))?;
        }
    }

    // The rankings may suggest one offer to more needs than it has room for; the assignment
    // gives each offer at most its capacity and maximises the total score.
    let assignment = matcher.assign();
    writeln!(
        stdout,
        "\nassignment: {} of {} needs matched, total score {:.3}",
        assignment.pairs.len(),
        open.len(),
        assignment.total_score
    )?;
    for r in &assignment.pairs {
        writeln!(
            stdout,
            "    {:.3}  {}  <-  {}",
            r.score,
            need_label(r.need),
            offer_label(r.offer)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
