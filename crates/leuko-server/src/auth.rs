//! CDS Hooks client authentication (CDS Hooks 2.0 §Trusting CDS Clients): a JWT in
//! `Authorization: Bearer`, signed with ES384 or RS384 (also ES256/RS256/PS384; never `none` or
//! HS*), by an allow-listed `iss` with its configured JWKS (a `jku` is followed only when the
//! issuer allow-lists that URL), `aud` equal to the service URL, `exp` and `iat` checked, `jti`
//! accepted once.

use axum::http::HeaderMap;
use chrono::{TimeZone, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::AppState;

/// A trusted CDS client.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The `iss` it signs with.
    pub iss: String,
    /// Its keys.
    pub keys: TrustedKeys,
}

/// Where an issuer's public keys come from.
#[derive(Debug, Clone)]
pub enum TrustedKeys {
    /// A key set configured out of band.
    Jwks(JwkSet),
    /// `jku` URLs this issuer may point at; the key set is fetched from the one the token names.
    Jku(Vec<String>),
}

const ALLOWED: [Algorithm; 5] =
    [Algorithm::ES384, Algorithm::RS384, Algorithm::ES256, Algorithm::RS256, Algorithm::PS384];

/// The verified caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) iss: String,
}

/// Why a token was refused (the 401 reason).
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    /// The issuer the token claimed, when it could be read.
    pub(crate) iss: Option<String>,
    pub(crate) reason: String,
}

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    exp: i64,
    iat: i64,
    jti: String,
}

#[derive(Debug, Deserialize)]
struct Unverified {
    iss: Option<String>,
}

fn refused(iss: Option<&str>, reason: impl Into<String>) -> Refused {
    Refused { iss: iss.map(str::to_owned), reason: reason.into() }
}

/// Verifies the bearer token of a hook or feedback call to `path`.
pub(crate) async fn verify(state: &AppState, headers: &HeaderMap, path: &str) -> Result<Caller, Refused> {
    if state.config.dev {
        return Ok(Caller { iss: "dev".to_owned() });
    }
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .ok_or_else(|| refused(None, "no bearer token"))?;
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| refused(None, format!("unreadable JWT header: {e}")))?;
    // The claims, unverified, only to find the issuer's keys.
    let mut peek = Validation::new(header.alg);
    peek.insecure_disable_signature_validation();
    peek.validate_exp = false;
    peek.validate_aud = false;
    peek.required_spec_claims.clear();
    let unverified = jsonwebtoken::decode::<Unverified>(token, &DecodingKey::from_secret(&[]), &peek)
        .map_err(|e| refused(None, format!("unreadable JWT claims: {e}")))?
        .claims;
    let iss = unverified.iss.ok_or_else(|| refused(None, "no iss claim"))?;
    if !ALLOWED.contains(&header.alg) {
        return Err(refused(Some(&iss), format!("algorithm {:?} is not accepted (ES384 or RS384)", header.alg)));
    }
    let issuer = state
        .config
        .issuers
        .iter()
        .find(|i| i.iss == iss)
        .ok_or_else(|| refused(Some(&iss), "issuer is not on the allow-list"))?;
    let keys = match &issuer.keys {
        TrustedKeys::Jwks(set) => set.clone(),
        TrustedKeys::Jku(allowed) => {
            let jku = header.jku.as_deref().ok_or_else(|| refused(Some(&iss), "no jku and no configured keys"))?;
            if !allowed.iter().any(|a| a == jku) {
                return Err(refused(Some(&iss), "jku is not allow-listed for this issuer"));
            }
            let response =
                state.http.get(jku).send().await.map_err(|e| refused(Some(&iss), format!("jku fetch failed: {e}")))?;
            response.json::<JwkSet>().await.map_err(|e| refused(Some(&iss), format!("jku is not a JWKS: {e}")))?
        }
    };
    let candidates: Vec<_> = keys
        .keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id.as_deref() == header.kid.as_deref())
        .collect();
    if candidates.is_empty() {
        return Err(refused(Some(&iss), "no configured key matches the token's kid"));
    }
    let base = state.config.public_url.trim_end_matches('/');
    let audiences = [base.to_owned(), format!("{base}{path}")];
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&audiences);
    validation.set_issuer(&[iss.as_str()]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss", "jti"]);
    validation.leeway = 30;
    let mut last = String::from("signature does not verify");
    for jwk in candidates {
        let Ok(key) = DecodingKey::from_jwk(jwk) else { continue };
        match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
            Ok(data) => {
                let claims = data.claims;
                let now = Utc::now().timestamp();
                if claims.iat > now + 60 {
                    return Err(refused(Some(&iss), "iat is in the future"));
                }
                let expires = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or_else(Utc::now);
                let fresh = state
                    .store
                    .remember_jti(&format!("{}|{}", claims.iss, claims.jti), expires)
                    .await
                    .map_err(|_| refused(Some(&iss), "replay check unavailable"))?;
                if !fresh {
                    return Err(refused(Some(&iss), "jti already used (replay)"));
                }
                return Ok(Caller { iss: claims.iss });
            }
            Err(error) => {
                last = match error.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => "token expired".to_owned(),
                    jsonwebtoken::errors::ErrorKind::InvalidAudience => "aud is not this service".to_owned(),
                    jsonwebtoken::errors::ErrorKind::InvalidSignature => "signature does not verify".to_owned(),
                    jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(claim) => format!("missing claim {claim}"),
                    other => format!("invalid token: {other:?}"),
                };
            }
        }
    }
    Err(refused(Some(&iss), last))
}
