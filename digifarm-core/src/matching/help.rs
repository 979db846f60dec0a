//! Help wanted: Münster's rule, a need nobody supports wants help.

use std::collections::BTreeMap;

use super::NeedId;
use super::constraints::project_inactive;
use crate::model::Project;

/// Every need with no supporter, grouped by kind (kinds in alphabetical order, needs in
/// project order then need order). Projects that are archived, rejected or retired are left
/// out: they get no support.
pub fn help_wanted(projects: &[Project]) -> BTreeMap<String, Vec<NeedId>> {
    let mut out: BTreeMap<String, Vec<NeedId>> = BTreeMap::new();
    for (pi, p) in projects.iter().enumerate() {
        if project_inactive(p.status, p.lifecycle).is_some() {
            continue;
        }
        for (ni, n) in p.needs.iter().enumerate() {
            if n.wants_help() {
                out.entry(n.kind.clone()).or_default().push(NeedId {
                    project: pi,
                    need: ni,
                });
            }
        }
    }
    out
}
