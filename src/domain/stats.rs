//! Small statistics for the admin's figures: nearest-rank percentiles over durations.

/// The `p`th percentile (0 < p ≤ 100) of `values` by the nearest-rank method: the smallest value
/// with at least p% of the values at or below it. `None` for no values.
pub fn percentile(values: &[u64], p: f64) -> Option<u64> {
    if values.is_empty() || !(p > 0.0 && p <= 100.0) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// The arithmetic mean, rounded down; `None` for no values.
pub fn mean(values: &[u64]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let sum: u128 = values.iter().map(|v| u128::from(*v)).sum();
    Some((sum / values.len() as u128) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&v, 50.0), Some(10));
        assert_eq!(percentile(&v, 95.0), Some(19));
        assert_eq!(percentile(&v, 100.0), Some(20));
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[3, 1, 2], 50.0), Some(2));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&v, 0.0), None);
    }

    #[test]
    fn means_round_down_and_do_not_overflow() {
        assert_eq!(mean(&[1, 2]), Some(1));
        assert_eq!(mean(&[u64::MAX, u64::MAX]), Some(u64::MAX));
        assert_eq!(mean(&[]), None);
    }
}
