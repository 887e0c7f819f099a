//! Exact decimals, as MySQL's DECIMAL: an i128 count of units of 10^-scale. 38 digits cover
//! every DECIMAL(p,s) with p ≤ 38, which is more than the pure-Rust decimal crates give (28)
//! and needs no dependency (docs/ARCHITECTURE.md, "Decimals").

use alloc::string::ToString;
use core::cmp::Ordering;
use core::fmt;

/// Digits an i128 always holds (10^38 < 2^127).
pub const MAX_PRECISION: u8 = 38;
/// MySQL's largest scale, also the scale that a product or quotient is rounded to at most.
pub const MAX_SCALE: u8 = 30;
/// Digits that `/` adds to the dividend's scale (MySQL's `div_precision_increment`).
const DIV_INCREMENT: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// The value times 10^scale.
    pub units: i128,
    pub scale: u8,
}

/// 10^0 to 10^22: the powers of ten a double holds exactly (5^22 < 2^53).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^0 to 10^38, every power of ten an i128 holds: a table, since a loop of checked i128
/// multiplications per call was a tenth of a bulk INSERT's time in the size-built wasm module
/// (every number literal's `fits` asks for 10^38).
const POWERS_OF_TEN: [i128; MAX_PRECISION as usize + 1] = {
    let mut table = [1i128; MAX_PRECISION as usize + 1];
    let mut i = 1;
    while i < table.len() {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// 10^n, or None past what an i128 holds.
pub(crate) fn pow10(n: u8) -> Option<i128> {
    POWERS_OF_TEN.get(usize::from(n)).copied()
}

/// `high` followed by the `digits` digits of `low`; None on overflow.
fn append(high: i128, low: u64, digits: u8) -> Option<i128> {
    if high == 0 {
        return Some(low.into());
    }
    high.checked_mul(pow10(digits)?)?.checked_add(low.into())
}

/// `n / d` rounded half away from zero; None if `d` is zero or the quotient overflows.
fn div_round(n: i128, d: i128) -> Option<i128> {
    let (q, r) = (n.checked_div(d)?, n.checked_rem(d)?);
    let away = r.unsigned_abs().checked_mul(2)? >= d.unsigned_abs();
    if !away {
        return Some(q);
    }
    q.checked_add(if (n < 0) != (d < 0) { -1 } else { 1 })
}

impl Decimal {
    /// None past 38 digits, which every result is held to (an i128 holds a few of 39).
    fn new(units: i128, scale: u8) -> Option<Decimal> {
        Some(Decimal { units, scale }).filter(|d| d.fits(MAX_PRECISION))
    }

    pub fn from_int(n: i128) -> Decimal {
        Decimal { units: n, scale: 0 }
    }

    /// A literal of digits with at most one point and no sign or exponent, at the scale it is
    /// written with; None past 38 digits or a scale of 30 (such literals are read as doubles).
    pub fn parse(text: &str) -> Option<Decimal> {
        // One pass, gathering 19 digits at a time in a u64, whose steps cost a fraction of an
        // i128's checked ones: a bulk INSERT reads every number literal here.
        const CHUNK: u8 = 19;
        let (mut high, mut low, mut n, mut point) = (0i128, 0u64, 0, None);
        for (i, &b) in text.as_bytes().iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    if n == CHUNK {
                        high = append(high, low, n)?;
                        (low, n) = (0, 0);
                    }
                    low = low * 10 + u64::from(b - b'0');
                    n += 1;
                }
                b'.' if point.is_none() => point = Some(i),
                _ => return None,
            }
        }
        if text.len() == usize::from(point.is_some()) {
            return None;
        }
        let scale = u8::try_from(point.map_or(0, |p| text.len() - p - 1))
            .ok()
            .filter(|&s| s <= MAX_SCALE)?;
        // Past 38 digits (leading zeros aside) the value is at least 10^38, as a scale of at
        // most 30 leaves them in the integer part; `new` declines it.
        Decimal::new(append(high, low, n)?, scale)
    }

    /// Text of a decimal with an optional sign (`-1.50`), as JSON and JS carry decimals.
    pub fn parse_signed(text: &str) -> Option<Decimal> {
        let text = text.trim();
        match text.as_bytes().first() {
            Some(b'-') => Decimal::parse(&text[1..])?.checked_neg(),
            Some(b'+') => Decimal::parse(&text[1..]),
            _ => Decimal::parse(text),
        }
    }

    /// A double at `scale`, rounded half away from zero from its shortest exact text (as MySQL
    /// converts through the double's printed form: 1.999 is 1.999, not 1.99899...).
    pub fn from_f64(d: f64, scale: u8) -> Option<Decimal> {
        if !d.is_finite() {
            return None;
        }
        // Rust prints doubles without an exponent, so the text is plain digits.
        let text = alloc::format!("{}", d.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut units = 0i128;
        for b in int.bytes().chain(
            frac.bytes()
                .chain(core::iter::repeat(b'0'))
                .take(scale.into()),
        ) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        if frac
            .as_bytes()
            .get(usize::from(scale))
            .is_some_and(|&b| b >= b'5')
        {
            units = units.checked_add(1)?;
        }
        Some(Decimal {
            units: if d < 0.0 { -units } else { units },
            scale,
        })
    }

    /// The double nearest to the value.
    pub fn to_f64(self) -> f64 {
        // Clinger's fast path: units and 10^scale are both exact doubles, and IEEE division
        // rounds their quotient correctly. A bulk insert of DOUBLE literals spent a tenth of
        // its time printing and parsing text here.
        if self.units.unsigned_abs() <= 1 << 53 {
            if let Some(&power) = EXACT_POWERS_OF_TEN.get(usize::from(self.scale)) {
                return self.units as f64 / power;
            }
        }
        // Through the text otherwise, so the double is still the nearest one.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// This value at another scale, rounded half away from zero when the scale shrinks; None
    /// if it no longer fits in 38 digits.
    pub fn rescale(self, scale: u8) -> Option<Decimal> {
        let units = match scale.cmp(&self.scale) {
            Ordering::Equal => self.units,
            Ordering::Greater => self.units.checked_mul(pow10(scale - self.scale)?)?,
            Ordering::Less => div_round(self.units, pow10(self.scale - scale)?)?,
        };
        Decimal::new(units, scale)
    }

    /// Whether the value has at most `precision` digits at its scale.
    pub fn fits(self, precision: u8) -> bool {
        pow10(precision).is_none_or(|limit| self.units.unsigned_abs() < limit.unsigned_abs())
    }

    /// The greatest value of DECIMAL(precision, scale).
    pub fn max_of(precision: u8, scale: u8) -> Decimal {
        Decimal {
            units: pow10(precision).map_or(i128::MAX, |p| p - 1),
            scale,
        }
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    pub fn checked_neg(self) -> Option<Decimal> {
        Some(Decimal {
            units: self.units.checked_neg()?,
            scale: self.scale,
        })
    }

    /// Both at the larger scale.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u8)> {
        let scale = self.scale.max(other.scale);
        Some((
            self.rescale(scale)?.units,
            other.rescale(scale)?.units,
            scale,
        ))
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Decimal::new(a.checked_add(b)?, scale)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(other.checked_neg()?)
    }

    /// The product at the sum of the scales (rounded to 30 past that), as in MySQL.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let exact = Decimal {
            units: self.units.checked_mul(other.units)?,
            scale: self.scale + other.scale,
        };
        exact.rescale(exact.scale.min(MAX_SCALE))
    }

    /// The quotient at the dividend's scale plus 4 (at most 30), rounded; None when it does
    /// not fit. The divisor is not zero (SQL makes that NULL first).
    pub fn checked_div(self, other: Decimal) -> Option<Decimal> {
        let scale = (self.scale + DIV_INCREMENT).min(MAX_SCALE);
        // self.units / 10^s1 ÷ other.units / 10^s2 = result.units / 10^scale.
        let shift = scale + other.scale;
        let numerator = match shift.checked_sub(self.scale) {
            Some(up) => self.units.checked_mul(pow10(up)?)?,
            None => return None,
        };
        Decimal::new(div_round(numerator, other.units)?, scale)
    }

    /// The remainder with the dividend's sign, at the larger scale, as MySQL's `%`.
    pub fn checked_rem(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            units: a.checked_rem(b)?,
            scale,
        })
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        // Whole parts first, then the fractions at the larger scale (< 10^30, no overflow), so
        // that two values of any scales compare without rescaling either whole.
        let whole =
            |d: &Decimal| pow10(d.scale).map_or((0, d.units), |p| (d.units / p, d.units % p));
        let ((wa, fa), (wb, fb)) = (whole(self), whole(other));
        let scale = self.scale.max(other.scale);
        let up = |f: i128, s: u8| f * pow10(scale - s).unwrap_or(1);
        wa.cmp(&wb)
            .then_with(|| up(fa, self.scale).cmp(&up(fb, other.scale)))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Exactly `scale` decimals: `-0.05`, `2.00`, `7`.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = alloc::format!(
            "{:0>width$}",
            self.units.unsigned_abs(),
            width = usize::from(self.scale) + 1
        );
        let (int, frac) = digits.split_at(digits.len() - usize::from(self.scale));
        let sign = if self.units < 0 { "-" } else { "" };
        if frac.is_empty() {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{frac}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast path gives the double that parsing the text gives, the nearest one.
        #[test]
        fn to_f64_is_the_nearest_double(
            units in prop_oneof![
                -(1i128 << 53)..=(1i128 << 53),
                (1i128 << 53) - 1000..(1i128 << 53) + 1000,
                any::<i64>().prop_map(i128::from),
            ],
            scale in 0u8..=30,
        ) {
            let d = Decimal { units, scale };
            prop_assert_eq!(d.to_f64().to_bits(), d.to_string().parse::<f64>().unwrap().to_bits());
        }

        /// A literal's digits, leading zeros and all, read whole: None past 38 digits or a
        /// scale of 30, and the double of the decimal is the one the text parses to (so a
        /// DOUBLE column gains nothing from parsing its literals as doubles).
        #[test]
        fn parse_reads_every_digit(
            zeros in 0usize..50,
            int in proptest::collection::vec(0u8..10, 0..24),
            frac in proptest::option::of(proptest::collection::vec(0u8..10, 0..32)),
        ) {
            let digits = |d: &[u8]| -> alloc::string::String {
                d.iter().map(|&d| char::from(b'0' + d)).collect()
            };
            let int = [alloc::vec![0; zeros], int].concat();
            let text = match &frac {
                Some(frac) => alloc::format!("{}.{}", digits(&int), digits(frac)),
                None => digits(&int),
            };
            let frac = frac.unwrap_or_default();
            let significant = int.iter().skip_while(|&&d| d == 0).count() + frac.len();
            let want = (int.len() + frac.len() > 0 && frac.len() <= 30 && significant <= 38)
                .then(|| Decimal {
                    units: alloc::format!("0{}{}", digits(&int), digits(&frac))
                        .parse()
                        .unwrap(),
                    scale: u8::try_from(frac.len()).unwrap(),
                });
            prop_assert_eq!(Decimal::parse(&text), want);
            if let Some(d) = want {
                prop_assert_eq!(d.to_f64().to_bits(), text.parse::<f64>().unwrap().to_bits());
            }
        }
    }

    fn d(text: &str) -> Decimal {
        match text.strip_prefix('-') {
            Some(rest) => Decimal::parse(rest).unwrap().checked_neg().unwrap(),
            None => Decimal::parse(text).unwrap(),
        }
    }

    #[test]
    fn parses_and_prints_at_its_scale() {
        for text in [
            "0",
            "0.1",
            "1.50",
            "-0.05",
            "123456789.000",
            "0.000000000000000000000000000001",
        ] {
            assert_eq!(d(text).to_string(), text);
        }
        assert_eq!(Decimal::parse(".5").unwrap().to_string(), "0.5");
        assert_eq!(Decimal::parse("1e5"), None);
        assert_eq!(
            Decimal::parse_signed(" -1.50").unwrap().to_string(),
            "-1.50"
        );
        assert_eq!(Decimal::parse_signed("+2").unwrap().to_string(), "2");
        assert_eq!(Decimal::parse_signed("--2"), None);
        assert_eq!(Decimal::parse_signed("-"), None);
        assert_eq!(Decimal::parse(&"9".repeat(39)), None);
        assert!(Decimal::parse(&"9".repeat(38)).is_some());
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let cases = [
            ("1.999", 2, "2.00"),
            ("1.995", 2, "2.00"),
            ("1.994", 2, "1.99"),
            ("-1.995", 2, "-2.00"),
            ("2.5", 0, "3"),
            ("-2.5", 0, "-3"),
            ("-2.4", 0, "-2"),
            ("0.05", 1, "0.1"),
            ("7", 2, "7.00"),
        ];
        for (text, scale, want) in cases {
            assert_eq!(d(text).rescale(scale).unwrap().to_string(), want, "{text}");
        }
        assert_eq!(Decimal::from_f64(1.999, 2).unwrap().to_string(), "2.00");
        assert_eq!(Decimal::from_f64(-0.125, 2).unwrap().to_string(), "-0.13");
        assert_eq!(Decimal::from_f64(0.1, 3).unwrap().to_string(), "0.100");
        assert_eq!(Decimal::from_f64(1e300, 2), None);
        assert_eq!(Decimal::from_f64(f64::NAN, 2), None);
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(
            d("1.10").checked_sub(d("2.005")).unwrap().to_string(),
            "-0.905"
        );
        assert_eq!(
            d("1.5").checked_mul(d("-0.25")).unwrap().to_string(),
            "-0.375"
        );
        assert_eq!(d("1").checked_div(d("3")).unwrap().to_string(), "0.3333");
        assert_eq!(
            d("2.00").checked_div(d("-3")).unwrap().to_string(),
            "-0.666667"
        );
        assert_eq!(d("7.5").checked_rem(d("-2")).unwrap().to_string(), "1.5");
        assert_eq!(d(&"9".repeat(38)).checked_add(d("1")), None);
    }

    #[test]
    fn compares_across_scales() {
        assert_eq!(d("0.30").cmp(&d("0.3")), Ordering::Equal);
        assert_eq!(d("-0.5").cmp(&d("-0.25")), Ordering::Less);
        assert_eq!(
            d("1.000000000000000000000000000001").cmp(&d("1")),
            Ordering::Greater
        );
        assert_eq!(
            d(&"9".repeat(38)).cmp(&d("0.000000000000000000000000000001")),
            Ordering::Greater
        );
        assert_eq!(d("-12.5").cmp(&d("-12.49")), Ordering::Less);
    }

    #[test]
    fn powers_of_ten_are_every_one_an_i128_holds() {
        for n in 0..=u8::MAX {
            assert_eq!(pow10(n), 10i128.checked_pow(n.into()), "10^{n}");
        }
    }

    #[test]
    fn fits_its_precision() {
        assert!(d("999.99").fits(5));
        assert!(!d("1000.00").fits(5));
        assert!(d("-999.99").fits(5));
        assert_eq!(Decimal::max_of(5, 2).to_string(), "999.99");
        assert_eq!(Decimal::max_of(2, 2).to_string(), "0.99");
    }
}
