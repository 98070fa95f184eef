//! Passwords (argon2id PHC strings) and random tokens (sessions, CSRF, API tokens), of which
//! the store keeps only the SHA-256.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::DomainError;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks the password policy and hashes it with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, DomainError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.chars().count() > 1000 {
        return Err(DomainError::invalid(
            "password",
            "must be at most 1000 characters",
        ));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Storage(format!("hashing the password: {e}")))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time of a verification, so an unknown e-mail answers as slowly as a wrong
/// password.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"roei-dummy-password")
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    let _ = verify_password(password, hash);
}

/// 32 random bytes as hex, with a prefix (`roei_` for API tokens, empty for sessions).
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    format!("{prefix}{}", hex::encode(bytes))
}

/// Hex SHA-256 of a token: what the store keeps.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(
            hash_password("short")
                .unwrap_err()
                .to_string()
                .starts_with("password:")
        );
    }

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = random_token("roei_");
        assert!(a.starts_with("roei_") && a.len() == 69);
        assert_ne!(a, random_token("roei_"));
        assert_eq!(token_hash("x"), token_hash("x"));
        assert!(constant_time_eq("abc", "abc") && !constant_time_eq("abc", "abd"));
    }
}
