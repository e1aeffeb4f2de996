//! Points in time and spans: `DateTime<Utc>` (DATETIME) and `std::time::Duration` /
//! `chrono::Duration` (DURATION). In structs they are written as mashumaro writes them:
//! an ISO 8601 string and a number of seconds.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::json;

use super::describe::describe_literal;
use super::literal::{as_primitive, primitive_literal};
use super::literal_type::simple;
use super::primitives::msgpack_mismatch;
use super::{FlyteType, TypeError, TypeErrorKind};
use crate::proto::core::{primitive, Literal, LiteralType, SimpleType};

fn out_of_range(value: impl ToString, target: &'static str, range: &str) -> TypeError {
    TypeError::new(TypeErrorKind::OutOfRange {
        value: value.to_string(),
        target,
        range: range.to_string(),
    })
}

impl FlyteType for DateTime<Utc> {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Datetime)
    }
    fn type_tag() -> &'static str {
        "datetime"
    }
    fn to_literal(&self) -> Literal {
        primitive_literal(primitive::Value::Datetime(prost_types::Timestamp {
            seconds: self.timestamp(),
            // Below 10^9 except in a leap second, which the protobuf form cannot hold either.
            nanos: self.timestamp_subsec_nanos().min(999_999_999) as i32,
        }))
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        match as_primitive(literal, "DATETIME")? {
            primitive::Value::Datetime(ts) => u32::try_from(ts.nanos)
                .ok()
                .and_then(|nanos| DateTime::from_timestamp(ts.seconds, nanos))
                .ok_or_else(|| out_of_range(ts, "DateTime<Utc>", "years -262143..=262142")),
            _ => Err(TypeError::mismatch("DATETIME", describe_literal(literal))),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        // Python's isoformat(): microseconds unless zero, offset as +00:00.
        let format = match self.timestamp_subsec_nanos() {
            0 => SecondsFormat::Secs,
            n if n % 1000 == 0 => SecondsFormat::Micros,
            _ => SecondsFormat::Nanos,
        };
        rmpv::Value::from(self.to_rfc3339_opts(format, false))
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        let text = value
            .as_str()
            .ok_or_else(|| msgpack_mismatch::<Self>(value))?;
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Ok(dt.with_timezone(&Utc));
        }
        // Python writes naive datetimes without an offset; Flyte treats them as UTC.
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .map(|naive| naive.and_utc())
            .map_err(|_| TypeError::mismatch("an ISO 8601 datetime", format!("string {text:?}")))
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "string", "format": "date-time"})
    }
}

fn duration_parts(literal: &Literal) -> Result<(i64, i32), TypeError> {
    match as_primitive(literal, "DURATION")? {
        primitive::Value::Duration(d) => Ok((d.seconds, d.nanos)),
        _ => Err(TypeError::mismatch("DURATION", describe_literal(literal))),
    }
}

fn duration_literal(seconds: i64, nanos: i32) -> Literal {
    primitive_literal(primitive::Value::Duration(prost_types::Duration {
        seconds,
        nanos,
    }))
}

/// Float seconds as a span, rounded to the microsecond as Python's `timedelta(seconds=…)` does
/// (plain truncation would turn 8388608.083 into …082999). `None` if negative or not finite.
fn span_from_secs(secs: f64) -> Option<std::time::Duration> {
    let micros = (secs * 1e6).round();
    if (0.0..9.2e18).contains(&micros) {
        // In 0..2^63, so the cast is exact up to f64's own precision.
        Some(std::time::Duration::from_micros(micros as u64))
    } else {
        std::time::Duration::try_from_secs_f64(secs).ok()
    }
}

fn msgpack_seconds(value: &rmpv::Value) -> Option<f64> {
    match value {
        rmpv::Value::F64(f) => Some(*f),
        rmpv::Value::F32(f) => Some(f64::from(*f)),
        rmpv::Value::Integer(i) => i.as_f64(),
        _ => None,
    }
}

impl FlyteType for std::time::Duration {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Duration)
    }
    fn type_tag() -> &'static str {
        "timedelta"
    }
    fn to_literal(&self) -> Literal {
        // Spans beyond i64::MAX seconds (≈292 billion years) are clamped.
        let seconds = i64::try_from(self.as_secs()).unwrap_or(i64::MAX);
        duration_literal(seconds, self.subsec_nanos() as i32)
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let (seconds, nanos) = duration_parts(literal)?;
        match (u64::try_from(seconds), u32::try_from(nanos)) {
            (Ok(s), Ok(n)) if n < 1_000_000_000 => Ok(Self::new(s, n)),
            _ => Err(out_of_range(
                format!("{seconds}s {nanos}ns"),
                "std::time::Duration",
                "non-negative",
            )),
        }
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::F64(self.as_secs_f64())
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        let secs = msgpack_seconds(value).ok_or_else(|| msgpack_mismatch::<Self>(value))?;
        span_from_secs(secs)
            .ok_or_else(|| out_of_range(secs, "std::time::Duration", "non-negative"))
    }
    fn json_schema() -> serde_json::Value {
        json!({"type": "number", "format": "time-delta"})
    }
}

impl FlyteType for TimeDelta {
    fn literal_type() -> LiteralType {
        simple(SimpleType::Duration)
    }
    fn type_tag() -> &'static str {
        "timedelta"
    }
    fn to_literal(&self) -> Literal {
        // TimeDelta keeps nanos in 0..10^9 with the sign in the seconds; protobuf wants them
        // to share a sign.
        let mut seconds = self.num_seconds();
        let mut nanos = self.subsec_nanos();
        if seconds < 0 && nanos > 0 {
            seconds += 1;
            nanos -= 1_000_000_000;
        }
        duration_literal(seconds, nanos)
    }
    fn from_literal(literal: &Literal) -> Result<Self, TypeError> {
        let (seconds, nanos) = duration_parts(literal)?;
        TimeDelta::try_seconds(seconds)
            .and_then(|s| s.checked_add(&TimeDelta::nanoseconds(i64::from(nanos))))
            .ok_or_else(|| {
                out_of_range(
                    format!("{seconds}s {nanos}ns"),
                    "chrono::Duration",
                    "±i64::MAX ms",
                )
            })
    }
    fn to_msgpack(&self) -> rmpv::Value {
        rmpv::Value::F64(self.as_seconds_f64())
    }
    fn from_msgpack(value: &rmpv::Value) -> Result<Self, TypeError> {
        let secs = msgpack_seconds(value).ok_or_else(|| msgpack_mismatch::<Self>(value))?;
        span_from_secs(secs.abs())
            .and_then(|d| TimeDelta::from_std(d).ok())
            .map(|d| if secs < 0.0 { -d } else { d })
            .ok_or_else(|| out_of_range(secs, "chrono::Duration", "±i64::MAX ms"))
    }
    fn json_schema() -> serde_json::Value {
        std::time::Duration::json_schema()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_chrono_durations_keep_one_sign() {
        let d = TimeDelta::milliseconds(-1500);
        let lit = d.to_literal();
        assert_eq!(duration_parts(&lit).unwrap(), (-1, -500_000_000));
        assert_eq!(TimeDelta::from_literal(&lit).unwrap(), d);
    }

    #[test]
    fn std_duration_refuses_negative_spans() {
        let lit = TimeDelta::seconds(-3).to_literal();
        let err = std::time::Duration::from_literal(&lit).unwrap_err();
        assert!(err.to_string().contains("non-negative"), "{err}");
    }

    #[test]
    fn datetimes_in_structs_are_iso_strings() {
        let dt = DateTime::from_timestamp(1_715_949_045, 123_456_000).unwrap();
        let v = dt.to_msgpack();
        assert_eq!(v.as_str(), Some("2024-05-17T12:30:45.123456+00:00"));
        assert_eq!(DateTime::<Utc>::from_msgpack(&v).unwrap(), dt);
        let naive = rmpv::Value::from("2024-05-17T12:30:45");
        assert_eq!(
            DateTime::<Utc>::from_msgpack(&naive).unwrap().timestamp(),
            1_715_949_045
        );
    }
}
