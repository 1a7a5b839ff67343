//! HTTP to the authorities a seal relies on: a time-stamp authority (POST of
//! an RFC 3161 query), an OCSP responder (POST of an RFC 6960 request) and a
//! CRL server (GET). Each exchange is bounded in time and size, and an answer
//! counts only with a 2xx status and a content type that kind of server sends;
//! every error names the URL and says what to try.
//!
//! Plain HTTP is the rule here: what these servers answer is signed and
//! checked by the caller. `https://` needs the `https` cargo feature (TLS).

use std::fmt;
use std::time::Duration;

use ureq::Agent;
use ureq::http::Uri;

/// Time to open a connection (and, over HTTPS, to shake hands).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for a whole exchange, answer included.
const OVERALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed; a CRL may well sit behind one.
const MAX_REDIRECTS: u32 = 3;

/// The kind of server asked, which fixes what is sent and what may come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// An RFC 3161 time-stamp authority.
    TimeStamping,
    /// An RFC 6960 OCSP responder.
    Ocsp,
    /// A server of certificate revocation lists (a CRL distribution point).
    Crl,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::TimeStamping => "time-stamp authority",
            Service::Ocsp => "OCSP responder",
            Service::Crl => "CRL server",
        }
    }

    /// The Content-Type of what is posted to it.
    fn request_type(self) -> &'static str {
        match self {
            Service::TimeStamping => "application/timestamp-query",
            Service::Ocsp => "application/ocsp-request",
            Service::Crl => "application/octet-stream",
        }
    }

    /// Content types accepted in its answer, the standard one first. Real
    /// servers differ: older TSAs say timestamp-response, and CRLs are often
    /// served as plain files.
    fn reply_types(self) -> &'static [&'static str] {
        match self {
            Service::TimeStamping => &[
                "application/timestamp-reply",
                "application/timestamp-response",
            ],
            Service::Ocsp => &["application/ocsp-response"],
            Service::Crl => &[
                "application/pkix-crl",
                "application/x-pkcs7-crl",
                "application/x-x509-crl",
                "application/octet-stream",
                "binary/octet-stream",
            ],
        }
    }

    /// The largest answer accepted. Tokens and OCSP responses are a few
    /// kilobytes; a big CA's CRL can run to megabytes.
    fn size_cap(self) -> u64 {
        match self {
            Service::TimeStamping | Service::Ocsp => 1 << 20,
            Service::Crl => 32 << 20,
        }
    }
}

/// Why an exchange with a server gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub service: Service,
    pub url: String,
    pub problem: HttpProblem,
}

/// What went wrong in an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpProblem {
    /// The URL is not an http:// or https:// URL with a host.
    BadUrl(String),
    /// An https:// URL in a build without TLS.
    HttpsNotBuiltIn,
    /// No connection, or it broke: the server is down, the host unknown…
    Unreachable(String),
    /// No complete answer within the time allowed.
    TimedOut,
    /// An HTTP status other than 2xx, with its reason phrase.
    Status(u16, String),
    /// A 2xx answer of a content type this kind of server does not send.
    WrongContentType(String),
    /// An answer larger than allowed.
    TooLarge(u64),
}

impl HttpError {
    fn new(service: Service, url: &str, problem: HttpProblem) -> Self {
        HttpError {
            service,
            url: url.to_owned(),
            problem,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (service, url) = (self.service.name(), &self.url);
        match &self.problem {
            HttpProblem::BadUrl(why) => write!(
                f,
                "the {service} URL '{url}' is not an http:// or https:// URL: {why}"
            ),
            HttpProblem::HttpsNotBuiltIn => write!(
                f,
                "the {service} URL {url} uses https://, but this gazette was built without \
                 HTTPS support: use the server's http:// URL (what it answers is signed, so \
                 plain HTTP is safe) or a gazette built with `--features https`"
            ),
            HttpProblem::Unreachable(why) => write!(
                f,
                "could not reach the {service} at {url}: {why}; check the URL and that the \
                 server is up and reachable from this machine"
            ),
            HttpProblem::TimedOut => write!(
                f,
                "the {service} at {url} did not answer within {} seconds; try again later, \
                 or check the URL",
                OVERALL_TIMEOUT.as_secs()
            ),
            HttpProblem::Status(code, reason) => write!(
                f,
                "the {service} at {url} answered HTTP {code} {reason}; check that the URL is \
                 the {service}'s own address"
            ),
            HttpProblem::WrongContentType(found) => write!(
                f,
                "the {service} at {url} answered with content of type '{found}' instead of {}: \
                 the URL does not seem to be a {service}",
                self.service.reply_types()[0]
            ),
            HttpProblem::TooLarge(cap) => write!(
                f,
                "the answer of the {service} at {url} is larger than {cap} bytes, more than \
                 any {service} sends; refused"
            ),
        }
    }
}

impl std::error::Error for HttpError {}

/// POSTs `body` (a DER request) to a time-stamp authority or OCSP responder
/// and returns its answer's bytes.
pub fn post(service: Service, url: &str, body: &[u8]) -> Result<Vec<u8>, HttpError> {
    check(service, url)?;
    let answer = agent()
        .post(url)
        .header("Content-Type", service.request_type())
        .header("Accept", service.reply_types()[0])
        .send(body);
    read_answer(service, answer).map_err(|problem| HttpError::new(service, url, problem))
}

/// GETs a CRL (or any file a [`Service`] serves) and returns its bytes.
pub fn get(service: Service, url: &str) -> Result<Vec<u8>, HttpError> {
    check(service, url)?;
    let answer = agent().get(url).call();
    read_answer(service, answer).map_err(|problem| HttpError::new(service, url, problem))
}

/// Whether `url` can be asked at all, before any connection is tried: an
/// http:// or https:// URL with a host, https:// only with TLS built in.
pub fn check(service: Service, url: &str) -> Result<(), HttpError> {
    check_url(url).map_err(|problem| HttpError::new(service, url, problem))
}

fn check_url(url: &str) -> Result<(), HttpProblem> {
    let uri: Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| HttpProblem::BadUrl(e.to_string()))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(HttpProblem::BadUrl("it names no host".to_owned()));
    }
    match uri.scheme_str() {
        Some("http") => Ok(()),
        Some("https") if cfg!(feature = "https") => Ok(()),
        Some("https") => Err(HttpProblem::HttpsNotBuiltIn),
        _ => Err(HttpProblem::BadUrl(
            "only http:// and https:// are supported".to_owned(),
        )),
    }
}

fn agent() -> Agent {
    Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(OVERALL_TIMEOUT))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!("gazette/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn read_answer(
    service: Service,
    answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Vec<u8>, HttpProblem> {
    let mut response = answer.map_err(problem_of)?;
    let status = response.status();
    if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or_default().to_owned();
        return Err(HttpProblem::Status(status.as_u16(), reason));
    }
    // No Content-Type at all is let through: the DER decoder judges the bytes.
    if let Some(found) = response.body().mime_type()
        && !service
            .reply_types()
            .iter()
            .any(|accepted| found.eq_ignore_ascii_case(accepted))
    {
        return Err(HttpProblem::WrongContentType(found.to_owned()));
    }
    response
        .body_mut()
        .with_config()
        .limit(service.size_cap())
        .read_to_vec()
        .map_err(problem_of)
}

fn problem_of(error: ureq::Error) -> HttpProblem {
    match error {
        ureq::Error::Timeout(_) => HttpProblem::TimedOut,
        ureq::Error::BodyExceedsLimit(cap) => HttpProblem::TooLarge(cap),
        ureq::Error::BadUri(why) => HttpProblem::BadUrl(why),
        // A redirect to https:// in a build without TLS.
        ureq::Error::TlsRequired => HttpProblem::HttpsNotBuiltIn,
        ureq::Error::HostNotFound => {
            HttpProblem::Unreachable("the host name is not known".to_owned())
        }
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                HttpProblem::Unreachable("the connection was refused".to_owned())
            }
            std::io::ErrorKind::TimedOut => HttpProblem::TimedOut,
            _ => HttpProblem::Unreachable(io.to_string()),
        },
        other => HttpProblem::Unreachable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed_port_url() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/tsa")
    }

    #[test]
    fn a_server_that_is_down_is_named_with_what_to_do() {
        let url = closed_port_url();
        let error = post(Service::TimeStamping, &url, b"query").unwrap_err();
        assert!(matches!(error.problem, HttpProblem::Unreachable(_)));
        let message = error.to_string();
        assert!(message.contains(&url), "{message}");
        assert!(message.contains("time-stamp authority"), "{message}");
        assert!(message.contains("refused"), "{message}");
    }

    #[test]
    fn urls_that_are_not_http_are_refused_before_connecting() {
        for url in ["ftp://example.org/crl", "not a url", "/relative/path"] {
            let error = get(Service::Crl, url).unwrap_err();
            assert!(matches!(error.problem, HttpProblem::BadUrl(_)), "{url}");
            assert!(error.to_string().contains("CRL server"));
        }
    }

    #[test]
    fn https_needs_the_https_feature() {
        let result = check_url("https://tsa.example.org/");
        if cfg!(feature = "https") {
            assert_eq!(result, Ok(()));
        } else {
            assert_eq!(result, Err(HttpProblem::HttpsNotBuiltIn));
            let error = HttpError {
                service: Service::TimeStamping,
                url: "https://tsa.example.org/".to_owned(),
                problem: HttpProblem::HttpsNotBuiltIn,
            };
            assert!(error.to_string().contains("--features https"));
        }
    }
}
