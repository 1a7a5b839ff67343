//! The validation time a reader asks for with `--at`: RFC 3339, or a date.

use crate::cms::UnixTime;
use crate::verify::date;

/// Reads `2031-06-01`, `2031-06-01T12:00:00Z` or `2031-06-01T12:00:00+08:00`
/// (fractions of a second are dropped); a date alone is its midnight UTC.
pub fn parse_time(text: &str) -> Result<UnixTime, String> {
    let wrong = || {
        format!(
            "`{text}` is not a time: give RFC 3339 (2031-06-01T12:00:00Z, \
             2031-06-01T12:00:00+08:00) or a date (2031-06-01)"
        )
    };
    let (day, rest) = text.split_at_checked(10).ok_or_else(wrong)?;
    let day_form = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    if !day_form {
        return Err(wrong());
    }
    let clock = match rest {
        "" => "Z".to_owned(),
        _ => clock_of(rest).ok_or_else(wrong)?,
    };
    let pdf_date = format!("D:{}{clock}", day.replace('-', ""));
    date::parse(&pdf_date)
        .map(|(time, _)| time)
        .ok_or_else(wrong)
}

/// `T12:00:00Z` or `T12:00:00.5+08:00` as the PDF date's `120000Z` or
/// `120000+08'00'`.
fn clock_of(rest: &str) -> Option<String> {
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hms, zone) = rest.split_at_checked(8)?;
    let [h, m, s] = <[&str; 3]>::try_from(hms.split(':').collect::<Vec<_>>()).ok()?;
    let digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(h) && digits(m) && digits(s)) {
        return None;
    }
    let zone = match zone.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => zone,
    };
    let zone = match zone {
        "Z" | "z" => "Z".to_owned(),
        _ => {
            let (sign, offset) = zone.split_at_checked(1)?;
            let (oh, om) = offset.split_once(':')?;
            if !matches!(sign, "+" | "-") || !digits(oh) || !digits(om) {
                return None;
            }
            format!("{sign}{oh}'{om}'")
        }
    };
    Some(format!("{h}{m}{s}{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3339_times_and_dates_are_read_with_their_offsets() {
        let utc = parse_time("2031-06-01T12:00:00Z").unwrap();
        assert_eq!(utc.to_string(), "2031-06-01T12:00:00Z");
        assert_eq!(parse_time("2031-06-01T20:00:00+08:00").unwrap(), utc);
        assert_eq!(parse_time("2031-06-01T07:00:00.250-05:00").unwrap(), utc);
        assert_eq!(
            parse_time("2031-06-01").unwrap().to_string(),
            "2031-06-01T00:00:00Z"
        );
        for wrong in [
            "",
            "2031-6-1",
            "yesterday",
            "2031-06-01T12:00",
            "2031-06-01T12:00:00",
            "2031-06-01T12:00:00+0800",
            "2031-13-01",
        ] {
            assert!(parse_time(wrong).is_err(), "{wrong}");
        }
    }
}
