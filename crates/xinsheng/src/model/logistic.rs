//! L2-regularized logistic regression by Newton's method (iteratively reweighted least
//! squares) with step halving: deterministic, exact to the tolerance, and fast for the few
//! dozen features a call model has.
//!
//! Objective (minimized): Σᵢ wᵢ·loss(yᵢ, β₀ + xᵢ·β) + λ/2·‖β‖², the intercept β₀ not
//! penalized, `loss` the log loss.

/// Newton iterations at most.
const MAX_ITER: usize = 100;
/// Convergence: largest change of a coefficient.
const TOLERANCE: f64 = 1e-9;
/// Step halvings at most per iteration.
const MAX_HALVINGS: usize = 30;

/// A fitted linear predictor: `intercept + Σ weights[j]·x[j]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    pub intercept: f64,
    pub weights: Vec<f64>,
    /// Newton iterations used.
    pub iterations: usize,
}

/// The logistic function, stable for large |z|.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + e^z), stable.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Penalized objective at `beta` (`beta[0]` the intercept).
fn objective(x: &[Vec<f64>], y: &[bool], w: &[f64], beta: &[f64], l2: f64) -> f64 {
    let mut f = 0.0;
    for ((row, &yi), &wi) in x.iter().zip(y).zip(w) {
        let z = linear(beta, row);
        // log loss = softplus(z) − y·z
        f += wi * (softplus(z) - if yi { z } else { 0.0 });
    }
    f + 0.5 * l2 * beta[1..].iter().map(|b| b * b).sum::<f64>()
}

fn linear(beta: &[f64], row: &[f64]) -> f64 {
    beta[0] + beta[1..].iter().zip(row).map(|(b, v)| b * v).sum::<f64>()
}

/// Solve `a·x = b` for a symmetric positive definite `a` (Cholesky); `None` if not.
fn solve_spd(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![vec![0f64; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    let mut z = vec![0f64; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i][k] * z[k]).sum();
        z[i] = (b[i] - s) / l[i][i];
    }
    let mut out = vec![0f64; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k][i] * out[k]).sum();
        out[i] = (z[i] - s) / l[i][i];
    }
    Some(out)
}

/// Fit the model on rows `x` (all the same length), labels `y`, sample weights `w`.
/// `l2` must be > 0 (it keeps the Hessian positive definite even on separable data).
// Matrix code reads best with indices.
#[allow(clippy::needless_range_loop)]
pub(crate) fn fit(x: &[Vec<f64>], y: &[bool], w: &[f64], l2: f64) -> Fit {
    let p = x.first().map_or(0, |r| r.len());
    let dim = p + 1;
    let mut beta = vec![0f64; dim];
    // Start the intercept at the weighted base rate's log-odds.
    let wsum: f64 = w.iter().sum();
    let wpos: f64 = y.iter().zip(w).filter(|(y, _)| **y).map(|(_, w)| w).sum();
    if wsum > 0.0 && wpos > 0.0 && wpos < wsum {
        beta[0] = (wpos / (wsum - wpos)).ln();
    }
    let mut f = objective(x, y, w, &beta, l2);
    let mut iterations = 0;
    for _ in 0..MAX_ITER {
        iterations += 1;
        let mut g = vec![0f64; dim];
        let mut h = vec![vec![0f64; dim]; dim];
        for ((row, &yi), &wi) in x.iter().zip(y).zip(w) {
            let pr = sigmoid(linear(&beta, row));
            let r = wi * (pr - if yi { 1.0 } else { 0.0 });
            let s = wi * pr * (1.0 - pr);
            g[0] += r;
            h[0][0] += s;
            for j in 0..p {
                g[j + 1] += r * row[j];
                h[0][j + 1] += s * row[j];
                for k in 0..=j {
                    h[j + 1][k + 1] += s * row[j] * row[k];
                }
            }
        }
        for j in 1..dim {
            g[j] += l2 * beta[j];
            h[j][j] += l2;
            h[j][0] = h[0][j];
            for k in (j + 1)..dim {
                h[j][k] = h[k][j];
            }
        }
        // A tiny ridge on the intercept keeps a degenerate case (all one label) solvable.
        h[0][0] += 1e-12;
        let Some(step) = solve_spd(&h, &g) else { break };
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..MAX_HALVINGS {
            let cand: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - t * s).collect();
            let fc = objective(x, y, w, &cand, l2);
            if fc <= f + 1e-12 * f.abs().max(1.0) {
                beta = cand;
                f = fc;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        let change = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
        if !accepted || change < TOLERANCE {
            break;
        }
    }
    Fit {
        intercept: beta[0],
        weights: beta[1..].to_vec(),
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic data set: y = 1 when 1.5·a − b + noise > 0.
    fn data() -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for _ in 0..200 {
            let (a, b, e) = (next(), next(), next());
            x.push(vec![a, b]);
            y.push(1.5 * a - b + 0.8 * e > 0.0);
        }
        (x, y)
    }

    #[test]
    fn gradient_is_zero_at_the_optimum() {
        let (x, y) = data();
        let w = vec![1.0; x.len()];
        let l2 = 0.5;
        let f = fit(&x, &y, &w, l2);
        let beta: Vec<f64> = std::iter::once(f.intercept)
            .chain(f.weights.clone())
            .collect();
        // Numerical gradient of the objective vanishes at the returned point.
        for j in 0..beta.len() {
            let h = 1e-6;
            let mut up = beta.clone();
            up[j] += h;
            let mut down = beta.clone();
            down[j] -= h;
            let g = (objective(&x, &y, &w, &up, l2) - objective(&x, &y, &w, &down, l2)) / (2.0 * h);
            assert!(g.abs() < 1e-5, "coefficient {j}: gradient {g}");
        }
        // And the signs are the generating ones.
        assert!(f.weights[0] > 0.5 && f.weights[1] < -0.3, "{:?}", f.weights);
    }

    #[test]
    fn separable_data_stays_finite_and_penalty_shrinks() {
        let x: Vec<Vec<f64>> = (0..40).map(|i| vec![i as f64 / 10.0 - 2.0]).collect();
        let y: Vec<bool> = (0..40).map(|i| i >= 20).collect();
        let w = vec![1.0; 40];
        let loose = fit(&x, &y, &w, 0.01);
        let tight = fit(&x, &y, &w, 10.0);
        assert!(loose.weights[0].is_finite() && loose.weights[0] > tight.weights[0]);
        assert!(tight.weights[0] > 0.0);
    }

    #[test]
    fn known_optimum_of_one_feature_without_signal() {
        // x carries nothing (each positive pair has one x = 1 and one x = −1): the optimum is
        // weight 0, intercept = log-odds of the base rate, 26 positives in 100.
        let x: Vec<Vec<f64>> = (0..100)
            .map(|i| vec![if i % 2 == 0 { 1.0 } else { -1.0 }])
            .collect();
        let y: Vec<bool> = (0..100).map(|i| (i / 2) % 4 == 0).collect();
        let f = fit(&x, &y, &vec![1.0; 100], 1.0);
        assert!(f.weights[0].abs() < 1e-9, "{:?}", f.weights);
        assert!(
            (f.intercept - (26.0f64 / 74.0).ln()).abs() < 1e-9,
            "{}",
            f.intercept
        );
    }

    #[test]
    fn weights_count_like_repeated_rows() {
        let (x, y) = data();
        let doubled_x: Vec<Vec<f64>> = x.iter().chain(&x).cloned().collect();
        let doubled_y: Vec<bool> = y.iter().chain(&y).copied().collect();
        let a = fit(&x, &y, &vec![2.0; x.len()], 1.0);
        let b = fit(&doubled_x, &doubled_y, &vec![1.0; doubled_x.len()], 1.0);
        for (u, v) in a.weights.iter().zip(&b.weights) {
            assert!((u - v).abs() < 1e-8);
        }
    }
}
