//! PDF dates (`D:YYYYMMDDHHmmSSOHH'mm'`), read into instants.

use crate::cms::UnixTime;

/// A PDF date as an instant and as RFC 3339 text in its own offset.
pub fn parse(text: &str) -> Option<(UnixTime, String)> {
    let digits = text.strip_prefix("D:").unwrap_or(text);
    let field = |range: std::ops::Range<usize>, default: i64| -> Option<i64> {
        match digits.get(range) {
            Some(s) if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() => s.parse().ok(),
            _ => Some(default),
        }
    };
    if digits.len() < 4 || !digits.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = field(0..4, 0)?;
    let month = field(4..6, 1)?;
    let day = field(6..8, 1)?;
    let hour = field(8..10, 0)?;
    let minute = field(10..12, 0)?;
    let second = field(12..14, 0)?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let zone = digits.get(14..).unwrap_or("");
    let (sign, rest) = match zone.chars().next() {
        Some('+') => (1, &zone[1..]),
        Some('-') => (-1, &zone[1..]),
        _ => (0, ""),
    };
    let zone_digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let offset_hours: i64 = zone_digits
        .get(0..2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let offset_minutes: i64 = zone_digits
        .get(2..4)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let offset = sign * (offset_hours * 3600 + offset_minutes * 60);

    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let zone_text = if sign == 0 {
        "Z".to_string()
    } else {
        format!(
            "{}{offset_hours:02}:{offset_minutes:02}",
            if sign > 0 { '+' } else { '-' }
        )
    };
    Some((
        UnixTime(local - offset),
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone_text}"),
    ))
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `text` is `YYYY-MM-DD` naming a day of the (proleptic Gregorian)
/// calendar: 2024-02-29 is one, 2025-02-29 and 2025-06-31 are not.
pub(crate) fn is_calendar_date(text: &str) -> bool {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_date_is_a_day_that_exists() {
        for day in ["2025-08-15", "2024-02-29", "2000-02-29", "2025-12-31"] {
            assert!(is_calendar_date(day), "{day}");
        }
        for not_a_day in [
            "2025-02-29",
            "1900-02-29",
            "2025-06-31",
            "2025-08-32",
            "2025-13-01",
            "2025-00-10",
            "2025-08-00",
            "2025-8-15",
            "20250815",
            "2025-08-15T00:00:00",
        ] {
            assert!(!is_calendar_date(not_a_day), "{not_a_day}");
        }
    }

    #[test]
    fn reads_a_full_date_with_offset() {
        let (at, text) = parse("D:20250815000000+08'00'").unwrap();
        assert_eq!(text, "2025-08-15T00:00:00+08:00");
        // 2025-08-14T16:00:00Z
        assert_eq!(at, UnixTime(1_755_187_200));
    }

    #[test]
    fn reads_partial_dates_and_utc() {
        assert_eq!(parse("D:2025").unwrap().1, "2025-01-01T00:00:00Z");
        assert_eq!(parse("D:19700101000000Z").unwrap().0, UnixTime(0));
    }

    #[test]
    fn refuses_nonsense() {
        assert!(parse("yesterday").is_none());
        assert!(parse("D:20251301").is_none());
    }
}
