//! [`Quantity`]: a Kubernetes resource quantity (`500m`, `2`, `1.5`, `512Mi`, `1G`, `2e3`),
//! parsed once into an exact value, so that defaults, comparisons and the conversion to
//! `docker run` limits all agree. The one quantity type of the crate.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Nano-units per unit: the finest scale a quantity keeps (Kubernetes keeps the same).
const NANO: i128 = 1_000_000_000;

/// A Kubernetes resource quantity with its exact value (in nano-units) and its text as given.
///
/// ```
/// use flyte_runtime::__private::pod::Quantity;
///
/// let cpu: Quantity = "500m".parse().unwrap();
/// assert_eq!(cpu.millis(), 500);
/// let mem: Quantity = "1Gi".parse().unwrap();
/// assert_eq!(mem.whole_units(), Some(1 << 30));
/// assert!("1.5".parse::<Quantity>().unwrap() > cpu);
/// assert!("1 GB".parse::<Quantity>().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    nanos: i128,
}

/// A string that is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a Kubernetes quantity (e.g. 500m, 2, 1.5, 500Mi, 1Gi, 1G)")]
pub struct NotAQuantity {
    /// The text given.
    pub value: String,
}

impl Quantity {
    /// The text as written (`500m`), which is what goes into a template or a pod.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value in thousandths, rounded up (`500m` → 500, `1.5` → 1500).
    pub fn millis(&self) -> i128 {
        div_ceil(self.nanos, NANO / 1000)
    }

    /// The value in whole units (bytes for memory) when it is whole, `None` for a fraction
    /// (`500m` of memory is half a byte: almost always a slip for `500Mi`).
    pub fn whole_units(&self) -> Option<u64> {
        (self.nanos % NANO == 0)
            .then(|| u64::try_from(self.nanos / NANO).ok())
            .flatten()
    }

    /// apimachinery's `Quantity.Value()`: whole units, rounded up (`600m` → 1).
    pub(crate) fn value(&self) -> i128 {
        div_ceil(self.nanos, NANO)
    }

    /// `0`.
    pub(crate) fn zero() -> Self {
        Self {
            text: "0".to_string(),
            nanos: 0,
        }
    }

    /// Whether the value is zero (propeller treats a zero quantity as unset).
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// The quantity as apimachinery's `Quantity.String()` writes it (what flyteadmin stores
    /// and the API server keeps): `0`; a binary quantity (`Ki`…`Ei`) of at least 1024 and
    /// whole as the largest power of 1024 that divides it (`1024Mi` → `1Gi`, `1.5Gi` →
    /// `1536Mi`); otherwise in its decimal form, the exponent a multiple of 3 with an integer
    /// mantissa (`1000m` → `1`, `0.5` → `500m`, `2000` → `2k`; `e` exponents stay `e`).
    pub fn canonical(&self) -> Quantity {
        let text = if self.nanos == 0 {
            "0".to_string()
        } else {
            self.canonical_text()
        };
        Quantity {
            text,
            nanos: self.nanos,
        }
    }

    fn canonical_text(&self) -> String {
        let suffix_start = self
            .text
            .trim_start_matches('+')
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map(|i| i + usize::from(self.text.starts_with('+')));
        let suffix = suffix_start.map_or("", |i| &self.text[i..]);
        let binary = suffix.ends_with('i');
        let exponent_form = suffix.starts_with(['e', 'E']);
        if binary && self.nanos >= 1024 * NANO && self.nanos % NANO == 0 {
            let mut amount = self.nanos / NANO;
            let mut power = 0;
            while amount % 1024 == 0 && power < 6 {
                amount /= 1024;
                power += 1;
            }
            let unit = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return format!("{amount}{unit}");
        }
        // Decimal: the mantissa without trailing zeros, its exponent raised to a multiple of 3.
        let (mut amount, mut exponent) = (self.nanos, -9i32);
        while amount % 10 == 0 {
            amount /= 10;
            exponent += 1;
        }
        while exponent.rem_euclid(3) != 0 {
            amount *= 10;
            exponent -= 1;
        }
        if exponent_form {
            return match exponent {
                0 => amount.to_string(),
                e => format!("{amount}e{e}"),
            };
        }
        let unit = match exponent {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            e => return format!("{amount}e{e}"),
        };
        format!("{amount}{unit}")
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    (a + b - 1).div_euclid(b)
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Quantity {
    type Err = NotAQuantity;

    /// Kubernetes' grammar: an optional sign (`+` only: resources are never negative), a
    /// decimal number, then a binary suffix (`Ki`…`Ei`), a decimal suffix (`n`, `u`, `m`,
    /// `k`, `M`…`E`) or a decimal exponent (`e3`, `E-2`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || NotAQuantity {
            value: s.to_string(),
        };
        let body = s.strip_prefix('+').unwrap_or(s);
        let number_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, suffix) = body.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(err());
        }
        // The number as an integer of `digits` with `scale` decimal places.
        let digits: String = format!("{whole}{fraction}");
        let significant = digits.trim_start_matches('0');
        let mantissa: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| err())?
        };
        let scale = i32::try_from(fraction.len()).map_err(|_| err())?;
        let (numerator, exponent10): (i128, i32) = match suffix {
            "" => (1, 0),
            "Ki" => (1 << 10, 0),
            "Mi" => (1 << 20, 0),
            "Gi" => (1 << 30, 0),
            "Ti" => (1 << 40, 0),
            "Pi" => (1 << 50, 0),
            "Ei" => (1 << 60, 0),
            "n" => (1, -9),
            "u" => (1, -6),
            "m" => (1, -3),
            "k" => (1, 3),
            "M" => (1, 6),
            "G" => (1, 9),
            "T" => (1, 12),
            "P" => (1, 15),
            "E" => (1, 18),
            e => {
                let exp = e.strip_prefix(['e', 'E']).ok_or_else(err)?;
                let digits = exp.trim_start_matches(['+', '-']);
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(err());
                }
                (1, exp.parse::<i32>().map_err(|_| err())?)
            }
        };
        // value = mantissa × 10^(exponent10 − scale) × numerator, in nano-units (× 10^9).
        let power = exponent10 - scale + 9;
        let scaled = if power >= 0 {
            10i128
                .checked_pow(u32::try_from(power).map_err(|_| err())?)
                .and_then(|p| mantissa.checked_mul(p))
        } else {
            10i128
                .checked_pow(u32::try_from(-power).map_err(|_| err())?)
                .map(|p| div_ceil(mantissa, p))
        };
        let nanos = scaled
            .and_then(|v| v.checked_mul(numerator))
            .ok_or_else(err)?;
        Ok(Self {
            text: s.to_string(),
            nanos,
        })
    }
}

/// The Kubernetes name of a Flyte resource, as flytekit and propeller write it (`gpu` is
/// the platform's GPU resource, `nvidia.com/gpu` by default, once propeller has it).
pub fn k8s_resource_name(
    name: crate::proto::core::resources::ResourceName,
) -> Option<&'static str> {
    use crate::proto::core::resources::ResourceName;
    match name {
        ResourceName::Cpu => Some("cpu"),
        ResourceName::Memory => Some("memory"),
        ResourceName::Gpu => Some("gpu"),
        ResourceName::EphemeralStorage => Some("ephemeral-storage"),
        _ => None,
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn values_are_exact() {
        assert_eq!(q("500m").millis(), 500);
        assert_eq!(q("0.5").millis(), 500);
        assert_eq!(q("2").millis(), 2000);
        assert_eq!(q("1Gi").whole_units(), Some(1 << 30));
        assert_eq!(q("1.5Gi").whole_units(), Some(3 << 29));
        assert_eq!(q("1G").whole_units(), Some(1_000_000_000));
        assert_eq!(q("2e3").whole_units(), Some(2000));
        assert_eq!(q("128974848").whole_units(), Some(128_974_848));
        assert_eq!(q("500m").whole_units(), None);
        assert_eq!(q("1n").millis(), 1, "rounded up");
        assert!(q("0").is_zero() && q("0.0").is_zero() && q("0Mi").is_zero());
        assert_eq!(q("1000m"), q("1"));
        assert!(q("1025Mi") > q("1Gi"));
    }

    #[test]
    fn what_kubernetes_refuses_is_refused() {
        for bad in [
            "", "1 GB", "Gi", "1.2.3", "-1", "1gb", "abc", "1e", ".", "1Ki2",
        ] {
            assert!(bad.parse::<Quantity>().is_err(), "{bad:?}");
        }
        assert_eq!(q("+1").millis(), 1000);
    }

    /// apimachinery's `CanonicalizeBytes`, the cases of its `TestQuantityString` that a
    /// resource can take.
    #[test]
    fn canonical_is_what_quantity_string_writes() {
        for (given, want) in [
            ("0", "0"),
            ("0Mi", "0"),
            ("1000m", "1"),
            ("1500m", "1500m"),
            ("0.5", "500m"),
            ("2", "2"),
            ("2000", "2k"),
            ("100k", "100k"),
            ("1024Mi", "1Gi"),
            ("1Gi", "1Gi"),
            ("1.5Gi", "1536Mi"),
            ("2048Ki", "2Mi"),
            ("200Mi", "200Mi"),
            ("512", "512"),
            ("0.5Ki", "512"),
            ("1536", "1536"),
            ("1e3", "1e3"),
            ("2e2", "200"),
            ("1G", "1G"),
            ("1000M", "1G"),
        ] {
            assert_eq!(q(given).canonical().as_str(), want, "{given}");
        }
    }
}
