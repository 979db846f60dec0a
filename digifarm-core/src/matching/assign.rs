//! Exact capacitated assignment: rows (needs) to columns (offers with a capacity), maximising
//! the total score.
//!
//! The solver is the shortest-augmenting-path method (Jonker–Volgenant style, the family scipy's
//! `linear_sum_assignment` belongs to), generalised to column capacities and to rows that may
//! stay unassigned: every row has an implicit "unassigned" column of score 0 with unlimited
//! capacity. Rows are inserted one by one; each insertion runs Dijkstra on reduced costs from
//! the new row until the first column with a free slot, then moves rows along the path and
//! updates the column prices. Maintaining the dual prices keeps the partial solution optimal
//! after every insertion, so the final one is optimal (LP duality; the constraint matrix is
//! totally unimodular).
//!
//! Scores are scaled to integers (`SCALE` = 1e9 per unit of score) so that prices never drift;
//! the total returned is the sum of the original floating-point scores of the chosen pairs.
//! Determinism: rows are inserted in index order, and among equally short paths the column with
//! the smaller index wins, the "unassigned" column last. Give rows and columns in id order to
//! break ties by id.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Scores are compared as integers: `round(score * SCALE)`.
pub const SCALE: f64 = 1e9;

/// A capacitated assignment problem.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problem {
    /// Capacity of each column.
    pub capacities: Vec<u32>,
    /// For each row, its candidate columns with their scores. Pairs with a score ≤ 0 (or a
    /// column index out of range) are ignored: assigning them gains nothing.
    pub rows: Vec<Vec<(u32, f64)>>,
}

/// An optimal solution of a [`Problem`].
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The column assigned to each row, `None` when the row stays unassigned.
    pub assignment: Vec<Option<u32>>,
    /// The sum of the scores of the assigned pairs.
    pub total_score: f64,
    /// Dual value of each row, in scaled units (≤ 0): `-row_dual[r] / SCALE` is what row `r`
    /// gains in the optimum net of its column's price. Any pair left out of the problem with a
    /// score `s` satisfying `round(s * SCALE) <= -row_dual[r]` cannot improve the solution.
    pub row_dual: Vec<i64>,
    /// Dual price of each column, in scaled units (≤ 0; 0 for a column with a free slot).
    pub col_price: Vec<i64>,
}

impl Solution {
    /// Whether a pair of row `row` with score `score`, left out of the problem, provably
    /// cannot improve this solution (the dual certificate of optimality still holds with it).
    pub fn admits_pruned(&self, row: usize, score: f64) -> bool {
        let dual = self.row_dual.get(row).copied().unwrap_or(0);
        scaled(score) <= -dual
    }
}

/// A score in the solver's integer units.
pub fn scaled(score: f64) -> i64 {
    if score.is_finite() {
        (score * SCALE).round() as i64
    } else {
        0
    }
}

/// Solves `problem` exactly. Runs in `O(rows · E log C)` in the worst case, and much faster
/// when rows rarely compete for the same columns.
pub fn solve(problem: &Problem) -> Solution {
    let n_cols = problem.capacities.len();
    let n_rows = problem.rows.len();
    // Costs are negated scaled scores; only useful pairs are kept. One flat array with row
    // offsets (CSR) keeps the Dijkstra's inner loop on contiguous memory.
    let mut edge_start: Vec<usize> = Vec::with_capacity(n_rows + 1);
    let mut edge_list: Vec<(u32, i64)> =
        Vec::with_capacity(problem.rows.iter().map(Vec::len).sum());
    for row in &problem.rows {
        edge_start.push(edge_list.len());
        edge_list.extend(
            row.iter()
                .filter(|&&(c, s)| {
                    (c as usize) < n_cols && problem.capacities[c as usize] > 0 && scaled(s) > 0
                })
                .map(|&(c, s)| (c, -scaled(s))),
        );
    }
    edge_start.push(edge_list.len());
    let edges = |r: usize| &edge_list[edge_start[r]..edge_start[r + 1]];

    let mut price = vec![0i64; n_cols]; // column duals v (≤ 0)
    let mut free = problem.capacities.clone();
    let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); n_cols];
    let mut assigned: Vec<Option<u32>> = vec![None; n_rows];
    let mut row_cost = vec![0i64; n_rows];

    let mut dist = vec![i64::MAX; n_cols];
    let mut pred = vec![0u32; n_cols];
    let mut pred_cost = vec![0i64; n_cols];
    let mut done = vec![false; n_cols];
    let mut touched: Vec<u32> = Vec::new();
    let mut scanned: Vec<u32> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();

    for r in 0..n_rows {
        if edges(r).is_empty() {
            continue;
        }
        // The "unassigned" column: reached from any scanned row at (distance of the row's
        // column) − (row dual), from the new row at 0.
        let mut dummy_dist = 0i64;
        let mut dummy_pred = r as u32;

        // Relax from the new row (its dual taken as 0).
        for &(c, cost) in edges(r) {
            let ci = c as usize;
            let nd = cost - price[ci];
            if nd < dist[ci] {
                if dist[ci] == i64::MAX {
                    touched.push(c);
                }
                dist[ci] = nd;
                pred[ci] = r as u32;
                pred_cost[ci] = cost;
                heap.push(Reverse((nd, c)));
            }
        }

        let mut terminal: Option<u32> = None; // None: the unassigned column
        let mut total_dist = dummy_dist;
        while let Some(Reverse((d, c))) = heap.pop() {
            let ci = c as usize;
            if done[ci] || d != dist[ci] {
                continue;
            }
            if dummy_dist < d {
                break;
            }
            done[ci] = true;
            scanned.push(c);
            if free[ci] > 0 {
                terminal = Some(c);
                total_dist = d;
                break;
            }
            for &i in &col_rows[ci] {
                let iu = i as usize;
                // Row i sits in column c with a tight edge: its dual is row_cost − price[c].
                let base = d - row_cost[iu] + price[ci];
                if base < dummy_dist {
                    dummy_dist = base;
                    dummy_pred = i;
                }
                for &(c2, cost) in edges(iu) {
                    let c2i = c2 as usize;
                    if done[c2i] {
                        continue;
                    }
                    let nd = base + cost - price[c2i];
                    if nd < dist[c2i] {
                        if dist[c2i] == i64::MAX {
                            touched.push(c2);
                        }
                        dist[c2i] = nd;
                        pred[c2i] = i;
                        pred_cost[c2i] = cost;
                        heap.push(Reverse((nd, c2)));
                    }
                }
            }
        }
        if terminal.is_none() {
            total_dist = dummy_dist;
        }

        // Price update on scanned columns keeps reduced costs non-negative.
        for &c in &scanned {
            let ci = c as usize;
            price[ci] += dist[ci] - total_dist;
        }

        // Augment along the path back to row r.
        let (mut col, mut i) = match terminal {
            Some(c) => (Some(c), pred[c as usize]),
            None => (None, dummy_pred),
        };
        loop {
            let iu = i as usize;
            let prev = assigned[iu];
            match col {
                Some(c) => {
                    let ci = c as usize;
                    col_rows[ci].push(i);
                    free[ci] -= 1;
                    row_cost[iu] = pred_cost[ci];
                }
                None => row_cost[iu] = 0,
            }
            if let Some(p) = prev {
                let pi = p as usize;
                if let Some(pos) = col_rows[pi].iter().position(|&x| x == i) {
                    col_rows[pi].swap_remove(pos);
                }
                free[pi] += 1;
            }
            assigned[iu] = col;
            if iu == r {
                break;
            }
            match prev {
                Some(p) => {
                    col = Some(p);
                    i = pred[p as usize];
                }
                // Only row r starts unassigned on the path; nothing else to move.
                None => break,
            }
        }

        for &c in &touched {
            let ci = c as usize;
            dist[ci] = i64::MAX;
            done[ci] = false;
        }
        touched.clear();
        scanned.clear();
        heap.clear();
    }

    let mut total_score = 0.0;
    let mut row_dual = vec![0i64; n_rows];
    for (r, a) in assigned.iter().enumerate() {
        if let Some(c) = a {
            let ci = *c as usize;
            if let Some(&(_, s)) = problem.rows[r].iter().find(|&&(cc, _)| cc == *c) {
                total_score += s;
            }
            row_dual[r] = row_cost[r] - price[ci];
        }
    }
    Solution {
        assignment: assigned,
        total_score,
        row_dual,
        col_price: price,
    }
}

/// Exhaustive reference solver for tiny problems (tests): tries every assignment.
pub fn brute_force(problem: &Problem) -> f64 {
    fn go(problem: &Problem, r: usize, free: &mut [u32]) -> f64 {
        let Some(row) = problem.rows.get(r) else {
            return 0.0;
        };
        let mut best = go(problem, r + 1, free);
        for &(c, s) in row {
            let ci = c as usize;
            if ci < free.len() && free[ci] > 0 && scaled(s) > 0 {
                free[ci] -= 1;
                best = best.max(s + go(problem, r + 1, free));
                free[ci] += 1;
            }
        }
        best
    }
    let mut free = problem.capacities.clone();
    go(problem, 0, &mut free)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_feasible(p: &Problem, s: &Solution) {
        let mut used = vec![0u32; p.capacities.len()];
        for (r, a) in s.assignment.iter().enumerate() {
            if let Some(c) = a {
                used[*c as usize] += 1;
                assert!(p.rows[r].iter().any(|&(cc, sc)| cc == *c && sc > 0.0));
            }
        }
        for (u, cap) in used.iter().zip(&p.capacities) {
            assert!(u <= cap);
        }
    }

    #[test]
    fn contested_column_goes_to_the_better_total() {
        // Row 0 prefers column 0 slightly, row 1 can only use column 0.
        let p = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.9), (1, 0.8)], vec![(0, 0.7)]],
        };
        let s = solve(&p);
        assert_eq!(s.assignment, vec![Some(1), Some(0)]);
        assert!((s.total_score - 1.5).abs() < 1e-12);
    }

    #[test]
    fn capacity_two_takes_two_rows() {
        let p = Problem {
            capacities: vec![2],
            rows: vec![vec![(0, 0.5)], vec![(0, 0.6)], vec![(0, 0.7)]],
        };
        let s = solve(&p);
        assert_eq!(s.assignment, vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn zero_capacity_and_empty_inputs() {
        let s = solve(&Problem::default());
        assert!(s.assignment.is_empty());
        let p = Problem {
            capacities: vec![0],
            rows: vec![vec![(0, 0.5)], vec![]],
        };
        let s = solve(&p);
        assert_eq!(s.assignment, vec![None, None]);
        assert_eq!(s.total_score, 0.0);
    }

    #[test]
    fn ties_are_broken_by_index() {
        let p = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.5), (1, 0.5)], vec![(0, 0.5), (1, 0.5)]],
        };
        assert_eq!(solve(&p).assignment, vec![Some(0), Some(1)]);
    }

    fn problem() -> impl Strategy<Value = Problem> {
        (1usize..5, 1usize..7).prop_flat_map(|(cols, rows)| {
            (
                proptest::collection::vec(0u32..3, cols),
                proptest::collection::vec(
                    proptest::collection::vec((0..cols as u32, 0u32..20), 0..=cols),
                    rows,
                ),
            )
                .prop_map(|(capacities, rows)| Problem {
                    capacities,
                    rows: rows
                        .into_iter()
                        .map(|r| {
                            let mut seen = Vec::new();
                            r.into_iter()
                                .filter(|(c, _)| {
                                    let new = !seen.contains(c);
                                    seen.push(*c);
                                    new
                                })
                                .map(|(c, s)| (c, f64::from(s) / 19.0))
                                .collect()
                        })
                        .collect(),
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn optimal_against_brute_force(p in problem()) {
            let s = solve(&p);
            check_feasible(&p, &s);
            let best = brute_force(&p);
            prop_assert!((s.total_score - best).abs() < 1e-6, "ours {} brute {}", s.total_score, best);
            prop_assert_eq!(solve(&p), s);
        }
    }
}
