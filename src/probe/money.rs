//! Amounts in probe packs and confirmations: decimal text compared exactly, never as floating point.

/// Eight decimal places cover fiat minor units and most token amounts.
const SCALE: u32 = 8;

/// `"10.00"` → 1_000_000_000 (units of 10⁻⁸). `None` for anything that is not a plain non-negative decimal.
pub fn parse(text: &str) -> Option<i128> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 20
        || !digits(whole)
        || !digits(frac)
        || frac.len() > SCALE as usize
    {
        return None;
    }
    if text.ends_with('.') {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let frac_value: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    Some(whole * 10i128.pow(SCALE) + frac_value * 10i128.pow(SCALE - frac.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(parse("10.00"), parse("10"));
        assert!(parse("10.01") > parse("10.00"));
        assert!(parse("0.1").unwrap() + parse("0.2").unwrap() == parse("0.3").unwrap());
        for bad in ["", "-1", "1e3", "1.", ".5", "1,00", "10.000000001"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
