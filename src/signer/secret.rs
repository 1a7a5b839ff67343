//! Passwords and PINs: where they come from and how they are held.
//!
//! They never come from a command-line argument (shell history, `ps`). The
//! command line reads them from an environment variable or, on a terminal, a
//! prompt without echo; tests hand them over directly through [`FixedSecrets`].
//! A [`Secret`] is wiped from memory when dropped and never printed.

use std::env;
use std::fmt;
use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

use super::SignerError;

/// The environment variable holding the password of an encrypted key file.
pub const KEY_PASSWORD_ENV: &str = "GAZETTE_KEY_PASSWORD";
/// The environment variable holding a token's user PIN.
pub const PIN_ENV: &str = "GAZETTE_PIN";

/// A password or PIN. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Supplies passwords and PINs on demand. `Ok(None)` means none is available;
/// the caller then explains which environment variable to set.
pub trait Secrets {
    /// The password that decrypts the key file at `key_file`.
    fn key_password(&self, key_file: &Path) -> Result<Option<Secret>, SignerError>;
    /// The user PIN of the token labelled `token`.
    fn token_pin(&self, token: &str) -> Result<Option<Secret>, SignerError>;
}

/// What the command line uses: the environment variable if set, else a prompt
/// without echo when standard input is a terminal, else nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnvironmentOrTerminal;

impl EnvironmentOrTerminal {
    fn lookup(variable: &str, prompt: &str) -> Result<Option<Secret>, SignerError> {
        if let Some(value) = env::var_os(variable) {
            return value
                .into_string()
                .map(|value| Some(Secret::new(value)))
                .map_err(|_| SignerError::new(format!("{variable} is not valid UTF-8")));
        }
        if !std::io::stdin().is_terminal() {
            return Ok(None);
        }
        rpassword::prompt_password(prompt)
            .map(|value| Some(Secret::new(value)))
            .map_err(|error| SignerError::new(format!("could not read from the terminal: {error}")))
    }
}

impl Secrets for EnvironmentOrTerminal {
    fn key_password(&self, key_file: &Path) -> Result<Option<Secret>, SignerError> {
        Self::lookup(
            KEY_PASSWORD_ENV,
            &format!("Password for {}: ", key_file.display()),
        )
    }

    fn token_pin(&self, token: &str) -> Result<Option<Secret>, SignerError> {
        Self::lookup(PIN_ENV, &format!("PIN for token '{token}': "))
    }
}

/// Secrets given in advance, for tests and for callers that already hold them.
#[derive(Debug, Default)]
pub struct FixedSecrets {
    pub key_password: Option<Secret>,
    pub pin: Option<Secret>,
}

impl Secrets for FixedSecrets {
    fn key_password(&self, _key_file: &Path) -> Result<Option<Secret>, SignerError> {
        Ok(self.key_password.clone())
    }

    fn token_pin(&self, _token: &str) -> Result<Option<Secret>, SignerError> {
        Ok(self.pin.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let secrets = FixedSecrets {
            key_password: Some(Secret::new("hunter2-gazette")),
            pin: Some(Secret::new("987654")),
        };
        let shown = format!("{secrets:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("987654"), "{shown}");
    }
}
