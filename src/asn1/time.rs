//! GeneralizedTime as time-stamp authorities and OCSP responders write it.

use der::{DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Tag, Writer};

use crate::cms::UnixTime;

/// A GeneralizedTime that may carry fractional seconds.
///
/// RFC 3161 allows a fraction in genTime, and real responders use it (OCSP's
/// producedAt and thisUpdate too); `der::asn1::GeneralizedTime` refuses it.
/// The text is kept as read, so re-encoding gives the same bytes and a
/// signature over them still verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenTime(String);

impl GenTime {
    /// The time to the second (a fraction is dropped: certificates and
    /// reports have whole seconds).
    pub fn unix(&self) -> UnixTime {
        let digits = self.0.as_bytes();
        let number = |from: usize, to: usize| -> u64 {
            digits[from..to]
                .iter()
                .fold(0, |n, d| n * 10 + u64::from(d - b'0'))
        };
        let date_time = der::DateTime::new(
            number(0, 4) as u16,
            number(4, 6) as u8,
            number(6, 8) as u8,
            number(8, 10) as u8,
            number(10, 12) as u8,
            number(12, 14) as u8,
        );
        match date_time {
            Ok(date_time) => UnixTime(date_time.unix_duration().as_secs() as i64),
            // `is_well_formed` admits only real dates and times.
            Err(_) => UnixTime(i64::MIN),
        }
    }

    /// The time as written, e.g. `20261206034057.2058Z`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `YYYYMMDDHHMMSS[.f+]Z`, a real date and time in UTC.
    fn is_well_formed(text: &str) -> bool {
        let bytes = text.as_bytes();
        let Some(body) = text.strip_suffix('Z') else {
            return false;
        };
        if bytes.len() < 15 || !bytes[..14].iter().all(u8::is_ascii_digit) {
            return false;
        }
        let fraction_ok = match &body[14..] {
            "" => true,
            fraction => {
                fraction.len() > 1
                    && fraction.starts_with('.')
                    && fraction[1..].bytes().all(|b| b.is_ascii_digit())
                    && !fraction.ends_with('0')
            }
        };
        let number = |from: usize, to: usize| body[from..to].parse::<u16>().unwrap_or(u16::MAX);
        fraction_ok
            && der::DateTime::new(
                number(0, 4),
                number(4, 6) as u8,
                number(6, 8) as u8,
                number(8, 10) as u8,
                number(10, 12) as u8,
                number(12, 14) as u8,
            )
            .is_ok()
    }
}

impl From<UnixTime> for GenTime {
    fn from(time: UnixTime) -> Self {
        let text = u64::try_from(time.0)
            .ok()
            .and_then(|s| der::DateTime::from_unix_duration(std::time::Duration::from_secs(s)).ok())
            .map(|t| {
                format!(
                    "{:04}{:02}{:02}{:02}{:02}{:02}Z",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minutes(),
                    t.seconds()
                )
            })
            .unwrap_or_else(|| "19700101000000Z".to_owned());
        GenTime(text)
    }
}

impl FixedTag for GenTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

impl<'a> DecodeValue<'a> for GenTime {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let length = usize::try_from(header.length())?;
        // The longest sensible time: 14 digits, a point, nanoseconds, Z.
        if length > 32 {
            return Err(Tag::GeneralizedTime.value_error().into());
        }
        let mut text = vec![0u8; length];
        reader.read_into(&mut text)?;
        let text = String::from_utf8(text).map_err(|_| Tag::GeneralizedTime.value_error())?;
        if !GenTime::is_well_formed(&text) {
            return Err(Tag::GeneralizedTime.value_error().into());
        }
        Ok(GenTime(text))
    }
}

impl EncodeValue for GenTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(self.0.as_bytes())
    }
}
