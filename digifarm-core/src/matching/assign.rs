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
//! [`Solver`] keeps the solution with its prices, so that pairs found later (the matcher's
//! pricing rounds) are added and the optimum restored by re-inserting only the rows that got
//! pairs, instead of solving again from scratch.
//!
//! Determinism: rows are inserted in index order, and among equally short paths the column with
//! the smaller index wins, the "unassigned" column last. Give rows and columns in id order to
//! break ties by id. Pairs added later are taken in row order; the same problem given in the
//! same rounds always gives the same solution.

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

/// Pairs to add to one row: the row and its `(column, score)` pairs.
pub type RowPairs = (usize, Vec<(u32, f64)>);

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
        round_to_int(score * SCALE)
    } else {
        0
    }
}

/// `x.round() as i64` for a finite `x` (half away from zero, saturating), without `round`:
/// on the baseline x86-64 target `f64::round` is a software routine, and pricing scales
/// every score it reads. `x as i64` truncates; below 2^63 in magnitude the fraction left,
/// `x - trunc(x)`, is exact (0 from 2^52 on), so comparing it with ±0.5 rounds exactly as
/// `round` does; beyond, the cast saturates and so does the step of one.
#[inline]
fn round_to_int(x: f64) -> i64 {
    let t = x as i64;
    let frac = x - t as f64;
    if frac >= 0.5 {
        t.saturating_add(1)
    } else if frac <= -0.5 {
        t.saturating_sub(1)
    } else {
        t
    }
}

/// Solves `problem` exactly. Runs in `O(rows · E log C)` in the worst case, and much faster
/// when rows rarely compete for the same columns.
pub fn solve(problem: &Problem) -> Solution {
    Solver::new(problem).solution()
}

/// Whether a pair can gain anything: its column exists and has a slot, its score is positive.
fn usable(capacities: &[u32], column: u32, score: f64) -> bool {
    capacities.get(column as usize).is_some_and(|&c| c > 0) && scaled(score) > 0
}

/// An optimal solution kept with its dual prices, so that pairs can be added later and the
/// optimum restored without solving again from scratch (column generation: the matcher adds
/// the pairs its pricing finds and re-optimises).
///
/// Adding pairs to a row breaks the dual certificate only at that row. The row is taken out
/// of the solution; if that frees a slot in a column with a negative price (a column other
/// rows compete for), a shortest-path search backwards from that column either gives the slot
/// to an unassigned row or moves rows along a chain so that the cheapest column for it keeps
/// the free slot, at price 0 (the reverse of an insertion, with the same price update). The row is then inserted again
/// with all its pairs, as a new row. After each such step the solution is optimal for the
/// pairs taken in so far, so the result is optimal for all of them.
#[derive(Debug, Clone)]
pub struct Solver {
    capacities: Vec<u32>,
    /// The usable pairs by row (CSR): row `r`'s are `edges[start[r]..start[r + 1]]`, of which
    /// `edges[start[r]..active[r]]` are in the problem; the rest were added and wait for the
    /// row's re-insertion.
    start: Vec<usize>,
    active: Vec<usize>,
    /// Column and cost (the negated scaled score) of each pair.
    edges: Vec<(u32, i64)>,
    /// The original score of each pair.
    scores: Vec<f64>,
    /// Column duals (≤ 0; 0 for a column with a free slot).
    price: Vec<i64>,
    free: Vec<u32>,
    col_rows: Vec<Vec<u32>>,
    assigned: Vec<Option<u32>>,
    /// The cost of each assigned row's pair (0 when unassigned).
    row_cost: Vec<i64>,
    scratch: Scratch,
}

/// The shortest-path searches' working memory, reset after each search.
#[derive(Debug, Clone, Default)]
struct Scratch {
    dist: Vec<i64>,
    /// The row through which each column was reached (backward search: the row that would
    /// leave it).
    pred: Vec<u32>,
    /// The cost of the pair that row would take.
    pred_cost: Vec<i64>,
    /// Backward search only: the column that row would move into.
    pred_col: Vec<u32>,
    done: Vec<bool>,
    touched: Vec<u32>,
    scanned: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// The moves a search found, in the order they are applied.
    moves: Vec<Move>,
}

/// A row leaving its column (if any) for another column at a cost, or for "unassigned".
#[derive(Debug, Clone, Copy)]
struct Move {
    row: usize,
    from: Option<u32>,
    to: Option<u32>,
    cost: i64,
}

impl Scratch {
    fn new(n_cols: usize) -> Self {
        Scratch {
            dist: vec![i64::MAX; n_cols],
            pred: vec![0; n_cols],
            pred_cost: vec![0; n_cols],
            pred_col: vec![0; n_cols],
            done: vec![false; n_cols],
            ..Scratch::default()
        }
    }

    fn reset(&mut self) {
        for &c in &self.touched {
            let ci = c as usize;
            self.dist[ci] = i64::MAX;
            self.done[ci] = false;
        }
        self.touched.clear();
        self.scanned.clear();
        self.heap.clear();
    }
}

/// A pair seen from its column.
#[derive(Debug, Clone, Copy, Default)]
struct ColPair {
    row: u32,
    cost: i64,
    /// Added in this call of [`Solver::add_pairs`]: in the problem only once its row has
    /// been re-inserted.
    added: bool,
}

/// How a backward search ends.
enum Exit {
    /// This column gives up a slot (its price becomes 0).
    Column(u32),
    /// This unassigned row takes a pair to this column at this cost.
    Row { row: u32, col: u32, cost: i64 },
}

impl Solver {
    /// Solves `problem` exactly, inserting rows in index order.
    pub fn new(problem: &Problem) -> Self {
        let n_cols = problem.capacities.len();
        let n_rows = problem.rows.len();
        let n_pairs = problem.rows.iter().map(Vec::len).sum();
        let mut s = Solver {
            capacities: problem.capacities.clone(),
            start: Vec::with_capacity(n_rows + 1),
            active: Vec::with_capacity(n_rows),
            edges: Vec::with_capacity(n_pairs),
            scores: Vec::with_capacity(n_pairs),
            price: vec![0; n_cols],
            free: problem.capacities.clone(),
            col_rows: vec![Vec::new(); n_cols],
            assigned: vec![None; n_rows],
            row_cost: vec![0; n_rows],
            scratch: Scratch::new(n_cols),
        };
        for row in &problem.rows {
            s.start.push(s.edges.len());
            for &(c, score) in row {
                if usable(&s.capacities, c, score) {
                    s.edges.push((c, -scaled(score)));
                    s.scores.push(score);
                }
            }
            s.active.push(s.edges.len());
        }
        s.start.push(s.edges.len());

        for r in 0..n_rows {
            s.sort_row(r);
            s.insert(r);
        }
        s
    }

    /// Adds pairs `(row, [(column, score)])` (rows out of range and useless pairs are ignored)
    /// and restores the optimum. Rows are re-inserted in index order.
    pub fn add_pairs(&mut self, additions: &[RowPairs]) {
        let n_rows = self.assigned.len();
        let mut by_row: Vec<(usize, &[(u32, f64)])> = additions
            .iter()
            .filter(|(r, _)| *r < n_rows)
            .map(|(r, pairs)| (*r, pairs.as_slice()))
            .collect();
        by_row.sort_by_key(|x| x.0);
        let extra: usize = by_row.iter().map(|x| x.1.len()).sum();
        let mut start = Vec::with_capacity(n_rows + 1);
        let mut active = Vec::with_capacity(n_rows);
        let mut edges = Vec::with_capacity(self.edges.len() + extra);
        let mut scores = Vec::with_capacity(self.edges.len() + extra);
        let mut changed = Vec::new();
        let mut k = 0;
        for r in 0..n_rows {
            start.push(edges.len());
            let old = self.start[r]..self.start[r + 1];
            edges.extend_from_slice(&self.edges[old.clone()]);
            scores.extend_from_slice(&self.scores[old]);
            active.push(edges.len());
            while let Some(&(row, pairs)) = by_row.get(k).filter(|x| x.0 == r) {
                debug_assert_eq!(row, r);
                for &(c, score) in pairs {
                    if usable(&self.capacities, c, score) {
                        edges.push((c, -scaled(score)));
                        scores.push(score);
                    }
                }
                k += 1;
            }
            if edges.len() > active[r] {
                changed.push(r);
            }
        }
        start.push(edges.len());
        self.start = start;
        self.active = active;
        self.edges = edges;
        self.scores = scores;
        if changed.is_empty() {
            return;
        }
        // Every pair by column, for the backward searches: built when the first is needed.
        let mut by_column: Option<(Vec<usize>, Vec<ColPair>)> = None;
        for r in changed {
            if let Some(c0) = self.assigned[r] {
                self.unassign(r, c0);
                if self.price[c0 as usize] < 0 {
                    let (col_start, by_col) = by_column.get_or_insert_with(|| self.by_column());
                    self.refill(c0, r, col_start, by_col);
                }
            }
            self.active[r] = self.start[r + 1];
            self.sort_row(r);
            self.insert(r);
        }
    }

    /// Every pair by column (CSC), as (row, cost, added and waiting for its row's
    /// re-insertion), each column's best first.
    fn by_column(&self) -> (Vec<usize>, Vec<ColPair>) {
        let n_rows = self.assigned.len();
        let n_cols = self.capacities.len();
        let mut col_start = vec![0usize; n_cols + 1];
        for &(c, _) in &self.edges {
            col_start[c as usize + 1] += 1;
        }
        for c in 0..n_cols {
            col_start[c + 1] += col_start[c];
        }
        let mut fill = col_start.clone();
        let mut by_col = vec![ColPair::default(); self.edges.len()];
        for r in 0..n_rows {
            for e in self.start[r]..self.start[r + 1] {
                let (c, cost) = self.edges[e];
                let slot = &mut fill[c as usize];
                by_col[*slot] = ColPair {
                    row: r as u32,
                    cost,
                    added: e >= self.active[r],
                };
                *slot += 1;
            }
        }
        // Each column's pairs best score first (ties by row), so that a backward search stops
        // reading a column at the first pair that cannot reach below its end.
        for c in 0..n_cols {
            by_col[col_start[c]..col_start[c + 1]].sort_unstable_by_key(|p| (p.cost, p.row));
        }
        (col_start, by_col)
    }

    /// The current optimum.
    pub fn solution(&self) -> Solution {
        let n_rows = self.assigned.len();
        let mut total_score = 0.0;
        let mut row_dual = vec![0i64; n_rows];
        for (r, a) in self.assigned.iter().enumerate() {
            if let Some(c) = *a {
                let range = self.start[r]..self.active[r];
                if let Some(e) = range
                    .into_iter()
                    .find(|&e| self.edges[e] == (c, self.row_cost[r]))
                {
                    total_score += self.scores[e];
                }
                row_dual[r] = self.row_cost[r] - self.price[c as usize];
            }
        }
        Solution {
            assignment: self.assigned.clone(),
            total_score,
            row_dual,
            col_price: self.price.clone(),
        }
    }

    /// Orders row `r`'s active pairs best first (by cost, then column), so that a search
    /// stops reading them at the first that cannot reach below its bound.
    fn sort_row(&mut self, r: usize) {
        let range = self.start[r]..self.active[r];
        let edges = &mut self.edges[range.clone()];
        if edges.is_sorted_by_key(|&(c, cost)| (cost, c)) {
            return;
        }
        let scores = &mut self.scores[range];
        let mut pairs: Vec<((u32, i64), f64)> =
            edges.iter().copied().zip(scores.iter().copied()).collect();
        pairs.sort_by_key(|&((c, cost), _)| (cost, c));
        for (k, (e, sc)) in pairs.into_iter().enumerate() {
            edges[k] = e;
            scores[k] = sc;
        }
    }

    fn unassign(&mut self, r: usize, c: u32) {
        let ci = c as usize;
        if let Some(pos) = self.col_rows[ci].iter().position(|&x| x as usize == r) {
            self.col_rows[ci].swap_remove(pos);
        }
        self.free[ci] += 1;
        self.assigned[r] = None;
        self.row_cost[r] = 0;
    }

    fn take(&mut self, r: usize, c: u32, cost: i64) {
        let ci = c as usize;
        self.col_rows[ci].push(r as u32);
        self.free[ci] -= 1;
        self.assigned[r] = Some(c);
        self.row_cost[r] = cost;
    }

    /// Inserts unassigned row `r` with its active pairs: Dijkstra on reduced costs from the
    /// row to the first column with a free slot or to the "unassigned" column, a price update,
    /// and the moves along the path.
    fn insert(&mut self, r: usize) {
        let Solver {
            start,
            active,
            edges,
            price,
            free,
            col_rows,
            assigned,
            row_cost,
            scratch,
            ..
        } = self;
        let Scratch {
            dist,
            pred,
            pred_cost,
            done,
            touched,
            scanned,
            heap,
            moves,
            ..
        } = scratch;
        let edges_of = |i: usize| &edges[start[i]..active[i]];
        if edges_of(r).is_empty() {
            return;
        }
        // The "unassigned" column: reached from any scanned row at (distance of the row's
        // column) − (row dual), from the new row at 0.
        let mut dummy_dist = 0i64;
        let mut dummy_pred = r as u32;

        // The search ends by this distance: the "unassigned" column's or that of a column
        // with a free slot already reached. A column beyond it is never scanned (on a tie it
        // still is), so it is not queued.
        let mut bound = dummy_dist;

        // Relax from the new row (its dual taken as 0).
        for &(c, cost) in edges_of(r) {
            // Prices are ≤ 0, so this pair and every later (costlier) one reach beyond.
            if cost > bound {
                break;
            }
            let ci = c as usize;
            let nd = cost - price[ci];
            if nd < dist[ci] && nd <= bound {
                if dist[ci] == i64::MAX {
                    touched.push(c);
                }
                if free[ci] > 0 {
                    bound = nd;
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
                    bound = bound.min(base);
                }
                for &(c2, cost) in edges_of(iu) {
                    if base + cost > bound {
                        break;
                    }
                    let c2i = c2 as usize;
                    if done[c2i] {
                        continue;
                    }
                    let nd = base + cost - price[c2i];
                    if nd < dist[c2i] && nd <= bound {
                        if dist[c2i] == i64::MAX {
                            touched.push(c2);
                        }
                        if free[c2i] > 0 {
                            bound = nd;
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
        for &c in scanned.iter() {
            let ci = c as usize;
            price[ci] += dist[ci] - total_dist;
        }

        // The moves along the path back to row r, each row into the slot the one before it
        // on the path leaves (the terminal's slot is free).
        let (mut col, mut i) = match terminal {
            Some(c) => (Some(c), pred[c as usize]),
            None => (None, dummy_pred),
        };
        loop {
            let iu = i as usize;
            let prev = assigned[iu];
            let cost = col.map_or(0, |c| pred_cost[c as usize]);
            moves.push(Move {
                row: iu,
                from: prev,
                to: col,
                cost,
            });
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
        self.apply_moves();
    }

    /// Applies the moves a search left in the scratch space, then resets it.
    fn apply_moves(&mut self) {
        let moves = std::mem::take(&mut self.scratch.moves);
        for m in &moves {
            if let Some(from) = m.from {
                self.unassign(m.row, from);
            }
            if let Some(to) = m.to {
                self.take(m.row, to, m.cost);
            }
        }
        self.scratch.moves = moves;
        self.scratch.moves.clear();
        self.scratch.reset();
    }

    /// Column `c0` has a free slot but a negative price (row `skip` just left it and is out of
    /// the problem until its re-insertion). Dijkstra backwards from `c0`: a row with a pair
    /// into a scanned column may move there, freeing its own column; the search ends at the
    /// cheapest of an unassigned row taking the slot (its reduced cost) or a scanned column
    /// keeping a free slot (its distance minus its price). Prices of scanned columns rise by
    /// (end − distance), which keeps every reduced cost non-negative and the rows' duals
    /// ≤ 0, makes the moved pairs tight and the column that keeps the free slot free of charge.
    fn refill(&mut self, c0: u32, skip: usize, col_start: &[usize], by_col: &[ColPair]) {
        let Solver {
            start,
            active,
            price,
            assigned,
            row_cost,
            scratch,
            ..
        } = self;
        let Scratch {
            dist,
            pred,
            pred_cost,
            pred_col,
            done,
            touched,
            scanned,
            heap,
            moves,
        } = scratch;
        dist[c0 as usize] = 0;
        touched.push(c0);
        heap.push(Reverse((0, c0)));
        let mut best = i64::MAX;
        let mut exit = Exit::Column(c0);
        while let Some(Reverse((d, c))) = heap.pop() {
            let ci = c as usize;
            if done[ci] || d != dist[ci] {
                continue;
            }
            if d >= best {
                break;
            }
            done[ci] = true;
            scanned.push(c);
            // Keeping the slot free here costs the column's price.
            let here = d - price[ci];
            if here < best {
                best = here;
                exit = Exit::Column(c);
            }
            for &ColPair {
                row: i,
                cost,
                added,
            } in &by_col[col_start[ci]..col_start[ci + 1]]
            {
                // A row's dual is ≤ 0, so this pair, and every costlier one after it, reaches
                // at least here: not below the end of the search.
                if d + cost - price[ci] >= best {
                    break;
                }
                let iu = i as usize;
                // The leaving row, and pairs that wait for their row's re-insertion, are not
                // in the problem.
                if iu == skip || (added && active[iu] < start[iu + 1]) {
                    continue;
                }
                match assigned[iu] {
                    Some(own) if own == c => {}
                    Some(own) => {
                        let oi = own as usize;
                        if done[oi] {
                            continue;
                        }
                        // Row i's dual is row_cost − price of its column.
                        let nd = d + cost - price[ci] - (row_cost[iu] - price[oi]);
                        if nd < dist[oi] {
                            if dist[oi] == i64::MAX {
                                touched.push(own);
                            }
                            dist[oi] = nd;
                            pred[oi] = i;
                            pred_col[oi] = c;
                            pred_cost[oi] = cost;
                            heap.push(Reverse((nd, own)));
                        }
                    }
                    None => {
                        let nd = d + cost - price[ci];
                        if nd < best {
                            best = nd;
                            exit = Exit::Row {
                                row: i,
                                col: c,
                                cost,
                            };
                        }
                    }
                }
            }
        }
        for &c in scanned.iter() {
            let ci = c as usize;
            price[ci] += best - dist[ci];
        }
        let (mut x, newcomer) = match exit {
            Exit::Column(c) => (c, None),
            Exit::Row { row, col, cost } => (col, Some((row as usize, col, cost))),
        };
        // The chain of moves back to c0: each column on it hands a row to its predecessor.
        // Applied from c0's free slot outwards, so that every move finds its slot free.
        let first = moves.len();
        while x != c0 {
            let xi = x as usize;
            moves.push(Move {
                row: pred[xi] as usize,
                from: Some(x),
                to: Some(pred_col[xi]),
                cost: pred_cost[xi],
            });
            x = pred_col[xi];
        }
        moves[first..].reverse();
        if let Some((row, col, cost)) = newcomer {
            moves.push(Move {
                row,
                from: None,
                to: Some(col),
                cost,
            });
        }
        self.apply_moves();
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
    fn rounding_without_round_rounds_as_round_does() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            -4503599627370495.5,
            4503599627370497.0,
            9.223372036854775e18,
            -9.223372036854775e18,
            1e19,
            -1e19,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            1e9 * 0.7,
            1e9 * 0.1 + 0.5,
        ];
        // Halfway points and their neighbours across the scaled range of scores.
        for i in -3000i64..3000 {
            let x = i as f64 * 333_333.5;
            cases.extend([x, x.next_up(), x.next_down()]);
        }
        for x in cases {
            assert_eq!(round_to_int(x), x.round() as i64, "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn scaled_scores_round_as_round_does(score in -4.0f64..4.0, bits in any::<u64>()) {
            prop_assert_eq!(scaled(score), (score * SCALE).round() as i64);
            let x = f64::from_bits(bits);
            if x.is_finite() {
                prop_assert_eq!(round_to_int(x), x.round() as i64);
            }
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

    /// The dual certificate: every pair's reduced cost is ≥ 0, assigned pairs are tight,
    /// duals and prices are ≤ 0, and a column with a free slot has price 0.
    fn check_certificate(p: &Problem, s: &Solution) {
        let mut used = vec![0u32; p.capacities.len()];
        for a in s.assignment.iter().flatten() {
            used[*a as usize] += 1;
        }
        for (c, &price) in s.col_price.iter().enumerate() {
            assert!(price <= 0);
            if used[c] < p.capacities[c] {
                assert_eq!(price, 0, "column {c} has a free slot");
            }
        }
        for (r, row) in p.rows.iter().enumerate() {
            let dual = s.row_dual[r];
            assert!(dual <= 0);
            for &(c, sc) in row {
                if usable(&p.capacities, c, sc) {
                    assert!(
                        -scaled(sc) - s.col_price[c as usize] - dual >= 0,
                        "row {r} column {c}"
                    );
                }
            }
            match s.assignment[r] {
                Some(c) => assert!(
                    row.iter()
                        .any(|&(cc, sc)| cc == c
                            && -scaled(sc) - s.col_price[c as usize] - dual == 0)
                ),
                None => assert_eq!(dual, 0),
            }
        }
    }

    #[test]
    fn added_pairs_move_a_row_and_refill_its_column() {
        // Row 0 holds column 0, which row 1 also wants; a new, better pair moves row 0 to
        // column 1, and column 0's slot goes to row 1.
        let p = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.9)], vec![(0, 0.5)]],
        };
        let mut solver = Solver::new(&p);
        assert_eq!(solver.solution().assignment, vec![Some(0), None]);
        solver.add_pairs(&[(0, vec![(1, 0.95)])]);
        let s = solver.solution();
        assert_eq!(s.assignment, vec![Some(1), Some(0)]);
        assert!((s.total_score - 1.45).abs() < 1e-12);
        let full = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.9), (1, 0.95)], vec![(0, 0.5)]],
        };
        check_certificate(&full, &s);
    }

    #[test]
    fn a_freed_column_nobody_wants_becomes_free_of_charge() {
        // Row 0's column 0 had a price because row 1 competed for it; once row 1 moved away
        // through a new pair, column 0's price must drop to 0 when row 0 leaves it.
        let p = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.9)], vec![(0, 0.6)]],
        };
        let mut solver = Solver::new(&p);
        solver.add_pairs(&[(1, vec![(1, 0.8)]), (0, vec![(1, 0.2)])]);
        let s = solver.solution();
        assert_eq!(s.assignment, vec![Some(0), Some(1)]);
        let full = Problem {
            capacities: vec![1, 1],
            rows: vec![vec![(0, 0.9), (1, 0.2)], vec![(0, 0.6), (1, 0.8)]],
        };
        check_certificate(&full, &s);
    }

    /// A problem and a split of each row's pairs into up to four rounds.
    fn problem_in_rounds() -> impl Strategy<Value = (Problem, Vec<Vec<u8>>)> {
        problem().prop_flat_map(|p| {
            let splits: Vec<_> = p
                .rows
                .iter()
                .map(|r| proptest::collection::vec(0u8..4, r.len()))
                .collect();
            (Just(p), splits)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn pairs_added_in_rounds_reach_the_optimum((p, split) in problem_in_rounds()) {
            let round = |k: u8| Problem {
                capacities: p.capacities.clone(),
                rows: p.rows.iter().zip(&split).map(|(row, sp)| {
                    row.iter().zip(sp).filter(|(_, s)| **s == k).map(|(x, _)| *x).collect()
                }).collect(),
            };
            let mut solver = Solver::new(&round(0));
            for k in 1..4 {
                let add: Vec<RowPairs> =
                    round(k).rows.into_iter().enumerate().filter(|(_, r)| !r.is_empty()).collect();
                solver.add_pairs(&add);
                let so_far = Problem {
                    capacities: p.capacities.clone(),
                    rows: p.rows.iter().zip(&split).map(|(row, sp)| {
                        row.iter().zip(sp).filter(|(_, s)| **s <= k).map(|(x, _)| *x).collect()
                    }).collect(),
                };
                let s = solver.solution();
                check_feasible(&so_far, &s);
                check_certificate(&so_far, &s);
                let best = brute_force(&so_far);
                prop_assert!((s.total_score - best).abs() < 1e-6, "round {} ours {} brute {}", k, s.total_score, best);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn optimal_against_brute_force(p in problem()) {
            let s = solve(&p);
            check_feasible(&p, &s);
            check_certificate(&p, &s);
            let best = brute_force(&p);
            prop_assert!((s.total_score - best).abs() < 1e-6, "ours {} brute {}", s.total_score, best);
            prop_assert_eq!(solve(&p), s);
        }
    }
}
