//! Timestamps as exports print them, without a clock. Age-based controls (keys not rotated in 90
//! days, credentials unused for 45) are judged against the export's own time — the credential
//! report's GeneratedTime or the bundle manifest's — so a report is reproducible next year.

use serde_json::Value;

/// Seconds since the Unix epoch, UTC.
pub type Epoch = i64;

/// Parses the timestamp spellings AWS exports use: RFC 3339 / ISO 8601 with `Z` or an offset,
/// with or without fractional seconds (`2016-05-16T18:13:11+00:00`, `2026-11-28T09:00:00.000Z`),
/// a bare date (`2026-11-28`), and botocore recordings' `{"__class__": "datetime", "year": …}`.
pub fn parse(v: &Value) -> Option<Epoch> {
    match v {
        Value::String(s) => parse_str(s),
        Value::Object(m) if m.get("__class__").and_then(Value::as_str) == Some("datetime") => {
            let n = |k: &str| m.get(k).and_then(Value::as_i64);
            Some(
                days_from_civil(n("year")?, n("month")?, n("day")?) * 86_400
                    + n("hour").unwrap_or(0) * 3600
                    + n("minute").unwrap_or(0) * 60
                    + n("second").unwrap_or(0),
            )
        }
        // Epoch seconds, as some SDK outputs print them.
        Value::Number(n) => n.as_f64().map(|f| f as Epoch),
        _ => None,
    }
}

pub fn parse_str(s: &str) -> Option<Epoch> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(secs);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let hms = rest.get(..8)?;
    let mut t = hms.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let m: i64 = t.next()?.parse().ok()?;
    let sec: i64 = t.next()?.parse().ok()?;
    secs += h * 3600 + m * 60 + sec;
    let mut zone = &rest[8..];
    if let Some(frac) = zone.strip_prefix('.') {
        zone = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    match zone {
        "" | "Z" | "z" => Some(secs),
        z => {
            let sign = match z.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = z[1..].replace(':', "");
            let oh: i64 = z.get(..2)?.parse().ok()?;
            let om: i64 = z.get(2..4).unwrap_or("00").parse().ok()?;
            Some(secs - sign * (oh * 3600 + om * 60))
        }
    }
}

/// Whole days from `earlier` to `later` (negative when `earlier` is after `later`).
pub fn days_between(earlier: Epoch, later: Epoch) -> i64 {
    (later - earlier).div_euclid(86_400)
}

/// `2026-11-28T09:00:00Z` for an epoch, for evidence notes.
pub fn format(t: Epoch) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_aws_spellings() {
        let z = parse_str("2016-05-16T18:13:11Z").expect("z");
        assert_eq!(parse_str("2016-05-16T18:13:11+00:00"), Some(z));
        assert_eq!(parse_str("2016-05-16T18:13:11.123Z"), Some(z));
        assert_eq!(parse_str("2016-05-16T20:13:11+02:00"), Some(z));
        assert_eq!(format(z), "2016-05-16T18:13:11Z");
        assert_eq!(parse_str("1970-01-02"), Some(86_400));
        let placebo = json!({"__class__": "datetime", "year": 2016, "month": 5, "day": 16,
            "hour": 18, "minute": 13, "second": 11, "microsecond": 0});
        assert_eq!(parse(&placebo), Some(z));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for s in ["N/A", "no_information", "not_supported", "2016-13-01", ""] {
            assert_eq!(parse_str(s), None, "{s}");
        }
    }

    #[test]
    fn days_round_down() {
        let a = parse_str("2026-01-01T00:00:00Z").expect("a");
        let b = parse_str("2026-03-31T23:59:59Z").expect("b");
        assert_eq!(days_between(a, b), 89);
        assert_eq!(
            format(parse_str("2000-02-29").expect("leap")),
            "2000-02-29T00:00:00Z"
        );
    }
}
