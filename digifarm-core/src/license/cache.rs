//! Checking many expressions against one policy, with verdicts cached per distinct string.
//!
//! Catalogs repeat a handful of licence strings thousands of times, so the bulk path keeps
//! each distinct string's verdict: a repeat costs one hash lookup instead of a parse.

use std::collections::HashMap;

use super::policy::{Policy, Verdict, check};

/// Entries kept before the cache is emptied (bounds memory on adversarial input).
const DEFAULT_CAPACITY: usize = 65_536;

static UNREACHABLE: Verdict = Verdict {
    input: String::new(),
    valid_expression: false,
    normalized: None,
    allowed: false,
    findings: Vec::new(),
};

/// A policy plus a cache of verdicts.
#[derive(Debug, Clone)]
pub struct Checker {
    policy: Policy,
    cache: HashMap<Box<str>, Verdict>,
    capacity: usize,
}

impl Checker {
    /// A checker for `policy` with the default cache size.
    pub fn new(policy: Policy) -> Self {
        Self::with_capacity(policy, DEFAULT_CAPACITY)
    }

    /// A checker that keeps at most `capacity` distinct verdicts (at least the latest one).
    pub fn with_capacity(policy: Policy, capacity: usize) -> Self {
        Checker {
            policy,
            cache: HashMap::new(),
            capacity,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The verdict for `expr` (the same as [`check`] would return).
    pub fn check(&mut self, expr: &str) -> Verdict {
        self.check_ref(expr).clone()
    }

    /// The verdict for `expr`, borrowed from the cache.
    pub fn check_ref(&mut self, expr: &str) -> &Verdict {
        if !self.cache.contains_key(expr) {
            if self.cache.len() >= self.capacity {
                self.cache.clear();
            }
            let verdict = check(expr, &self.policy);
            self.cache.insert(expr.into(), verdict);
        }
        // Always present (inserted just above); the fallback only avoids a panic path.
        self.cache.get(expr).unwrap_or(&UNREACHABLE)
    }

    /// Whether the policy allows `expr`.
    pub fn is_allowed(&mut self, expr: &str) -> bool {
        if let Some(v) = self.cache.get(expr) {
            return v.allowed;
        }
        self.check_ref(expr).allowed
    }

    /// How many distinct verdicts are cached.
    pub fn cached(&self) -> usize {
        self.cache.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LicensePolicyKind;

    #[test]
    fn cached_verdicts_equal_fresh_ones() {
        let policy = Policy::new(LicensePolicyKind::OsiOrFsf);
        let mut c = Checker::with_capacity(policy.clone(), 2);
        for expr in ["MIT", "SSPL-1.0", "MIT", "GPL v3", "mit", "MIT", "SSPL-1.0"] {
            assert_eq!(c.check(expr), check(expr, &policy), "{expr}");
            assert!(c.cached() <= 2);
        }
        let mut off = Checker::with_capacity(policy.clone(), 0);
        assert!(off.is_allowed("MIT"));
        assert!(!off.is_allowed("SSPL-1.0"));
    }
}
