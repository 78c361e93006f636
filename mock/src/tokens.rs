//! Access tokens, refresh tokens and authorization codes the gateway has issued.

use open1688_core::Secret;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// The user a grant belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Login id (`resource_owner`).
    pub login_id: String,
    /// Member id (`memberId`).
    pub member_id: String,
    /// Group-wide id (`aliId`).
    pub ali_id: String,
}

/// Tokens minted by the gateway. `Debug` never shows them.
#[derive(Clone, Debug)]
pub struct IssuedTokens {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token, when one was issued.
    pub refresh_token: Option<Secret>,
    /// The access token's lifetime.
    pub expires_in: Duration,
    /// When the refresh token expires (wall clock), when one was issued.
    pub refresh_expires_at: Option<SystemTime>,
    /// Whose tokens they are.
    pub user: User,
}

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    Unknown,
    Expired,
    Revoked,
    OtherApp,
}

impl Rejection {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Rejection::Unknown => "unknown",
            Rejection::Expired => "expired",
            Rejection::Revoked => "revoked",
            Rejection::OtherApp => "issued to another app",
        }
    }
}

/// What a token grants, and until when.
#[derive(Clone)]
pub(crate) struct Grant {
    app_key: String,
    pub(crate) user: User,
    pub(crate) expires_at: Instant,
    pub(crate) wall_expiry: SystemTime,
    revoked: bool,
}

impl Grant {
    fn check(&self, app_key: &str, now: Instant) -> Result<(), Rejection> {
        if self.app_key != app_key {
            Err(Rejection::OtherApp)
        } else if self.revoked {
            Err(Rejection::Revoked)
        } else if now >= self.expires_at {
            Err(Rejection::Expired)
        } else {
            Ok(())
        }
    }
}

/// An authorization code waiting to be exchanged.
struct Code {
    app_key: String,
    redirect_uri: String,
    expires_at: Instant,
}

/// Why a code exchange failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CodeError {
    Unknown,
    Expired,
    OtherApp,
    RedirectMismatch,
}

/// Lifetimes of what the gateway issues.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lifetimes {
    pub(crate) access: Duration,
    pub(crate) refresh: Duration,
    pub(crate) code: Duration,
}

struct State {
    rng: StdRng,
    users: u64,
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    codes: HashMap<String, Code>,
}

/// The token store.
pub(crate) struct Tokens {
    state: Mutex<State>,
    pub(crate) lifetimes: Lifetimes,
}

impl Tokens {
    pub(crate) fn new(seed: u64, lifetimes: Lifetimes) -> Self {
        // A different stream from the fault generator's, so faults and tokens stay independent.
        let rng = StdRng::seed_from_u64(seed ^ 0x1688_7070_0000_0001);
        Tokens {
            state: Mutex::new(State {
                rng,
                users: 0,
                access: HashMap::new(),
                refresh: HashMap::new(),
                codes: HashMap::new(),
            }),
            lifetimes,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn new_user(s: &mut State) -> User {
        s.users += 1;
        let n = s.users;
        User {
            login_id: format!("mockbuyer{n}"),
            member_id: format!("b2b-{:010}", 2_200_000_000 + n),
            ali_id: format!("{}", 8_888_880_000u64 + n),
        }
    }

    /// A fresh random token: 32 hex digits in the usual 8-4-4-4-12 layout.
    fn token(rng: &mut StdRng) -> String {
        let h = format!("{:032x}", rng.random::<u128>());
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }

    fn grant(app_key: &str, user: &User, lifetime: Duration) -> Grant {
        let now = Instant::now();
        Grant {
            app_key: app_key.to_owned(),
            user: user.clone(),
            expires_at: now + lifetime,
            wall_expiry: SystemTime::now() + lifetime,
            revoked: false,
        }
    }

    /// Issues an access token (and a refresh token when `with_refresh`) for `user`, or a new user.
    pub(crate) fn issue(
        &self,
        app_key: &str,
        user: Option<User>,
        access: Duration,
        with_refresh: bool,
    ) -> IssuedTokens {
        let mut s = self.lock();
        let user = user.unwrap_or_else(|| Self::new_user(&mut s));
        let access_token = Self::token(&mut s.rng);
        s.access
            .insert(access_token.clone(), Self::grant(app_key, &user, access));
        let refresh = with_refresh.then(|| {
            let token = Self::token(&mut s.rng);
            let grant = Self::grant(app_key, &user, self.lifetimes.refresh);
            let expiry = grant.wall_expiry;
            s.refresh.insert(token.clone(), grant);
            (Secret::new(token), expiry)
        });
        IssuedTokens {
            access_token: Secret::new(access_token),
            refresh_expires_at: refresh.as_ref().map(|(_, at)| *at),
            refresh_token: refresh.map(|(t, _)| t),
            expires_in: access,
            user,
        }
    }

    /// Registers a caller-chosen access token.
    pub(crate) fn register(&self, app_key: &str, token: &str, lifetime: Duration) {
        let mut s = self.lock();
        let user = Self::new_user(&mut s);
        s.access
            .insert(token.to_owned(), Self::grant(app_key, &user, lifetime));
    }

    /// Checks an access token presented to an API.
    pub(crate) fn check_access(&self, app_key: &str, token: &str) -> Result<Grant, Rejection> {
        let s = self.lock();
        let grant = s.access.get(token).ok_or(Rejection::Unknown)?;
        grant.check(app_key, Instant::now()).map(|()| grant.clone())
    }

    /// Checks a refresh token.
    pub(crate) fn check_refresh(&self, app_key: &str, token: &str) -> Result<Grant, Rejection> {
        let s = self.lock();
        let grant = s.refresh.get(token).ok_or(Rejection::Unknown)?;
        grant.check(app_key, Instant::now()).map(|()| grant.clone())
    }

    /// Issues a new refresh token for the same user and revokes the old one (`postponeToken`).
    pub(crate) fn postpone(&self, app_key: &str, old: &str, user: &User) -> (Secret, SystemTime) {
        let mut s = self.lock();
        if let Some(grant) = s.refresh.get_mut(old) {
            grant.revoked = true;
        }
        let token = Self::token(&mut s.rng);
        let grant = Self::grant(app_key, user, self.lifetimes.refresh);
        let expiry = grant.wall_expiry;
        s.refresh.insert(token.clone(), grant);
        (Secret::new(token), expiry)
    }

    /// Marks an access or refresh token expired now. Returns whether it was known.
    pub(crate) fn expire(&self, token: &str) -> bool {
        self.update(token, |g| g.expires_at = Instant::now())
    }

    /// Revokes an access or refresh token. Returns whether it was known.
    pub(crate) fn revoke(&self, token: &str) -> bool {
        self.update(token, |g| g.revoked = true)
    }

    fn update(&self, token: &str, f: impl Fn(&mut Grant)) -> bool {
        let mut guard = self.lock();
        let s = &mut *guard;
        let mut found = false;
        for grant in s
            .access
            .get_mut(token)
            .into_iter()
            .chain(s.refresh.get_mut(token))
        {
            f(grant);
            found = true;
        }
        found
    }

    /// Issues a single-use authorization code.
    pub(crate) fn issue_code(&self, app_key: &str, redirect_uri: &str) -> String {
        let mut s = self.lock();
        // Codes never exchanged would otherwise pile up for the gateway's lifetime.
        let now = Instant::now();
        s.codes.retain(|_, c| c.expires_at > now);
        let code = Self::token(&mut s.rng);
        s.codes.insert(
            code.clone(),
            Code {
                app_key: app_key.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                expires_at: Instant::now() + self.lifetimes.code,
            },
        );
        code
    }

    /// Consumes a code: it is gone afterwards whether the exchange succeeds or not.
    /// `redirect_uri` must match the authorize request unless absent or `default`
    /// (what the official Java/PHP SDKs send).
    pub(crate) fn take_code(
        &self,
        app_key: &str,
        code: &str,
        redirect_uri: Option<&str>,
    ) -> Result<(), CodeError> {
        let entry = self.lock().codes.remove(code).ok_or(CodeError::Unknown)?;
        if entry.app_key != app_key {
            return Err(CodeError::OtherApp);
        }
        if Instant::now() >= entry.expires_at {
            return Err(CodeError::Expired);
        }
        match redirect_uri {
            Some(uri) if uri != "default" && uri != entry.redirect_uri => {
                Err(CodeError::RedirectMismatch)
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Tokens {
        Tokens::new(
            3,
            Lifetimes {
                access: Duration::from_secs(60),
                refresh: Duration::from_secs(600),
                code: Duration::from_secs(120),
            },
        )
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let t = store();
        let issued = t.issue("app", None, Duration::from_secs(60), true);
        let access = issued.access_token.expose();
        assert_eq!(
            t.check_access("app", access).map(|g| g.user.login_id).ok(),
            Some("mockbuyer1".to_owned())
        );
        assert_eq!(
            t.check_access("other", access).err(),
            Some(Rejection::OtherApp)
        );
        assert!(t.expire(access));
        assert_eq!(
            t.check_access("app", access).err(),
            Some(Rejection::Expired)
        );
        let refresh = issued.refresh_token.clone().unwrap();
        assert!(t.check_refresh("app", refresh.expose()).is_ok());
        assert!(t.revoke(refresh.expose()));
        assert_eq!(
            t.check_refresh("app", refresh.expose()).err(),
            Some(Rejection::Revoked)
        );
        assert!(!t.expire("nope"));
        assert!(!format!("{issued:?}").contains(access));
    }

    #[test]
    fn expired_codes_are_purged() {
        let mut t = store();
        t.lifetimes.code = Duration::ZERO;
        for _ in 0..100 {
            t.issue_code("app", "http://cb/x");
        }
        assert_eq!(
            t.lock().codes.len(),
            1,
            "only the newest, itself already expired"
        );
    }

    #[test]
    fn codes_are_single_use_and_bound_to_redirect() {
        let t = store();
        let code = t.issue_code("app", "http://cb/x");
        assert_eq!(
            t.take_code("app", &code, Some("http://evil/")),
            Err(CodeError::RedirectMismatch)
        );
        assert_eq!(
            t.take_code("app", &code, Some("http://cb/x")),
            Err(CodeError::Unknown),
            "a failed exchange still uses the code"
        );
        let code = t.issue_code("app", "http://cb/x");
        assert_eq!(t.take_code("app", &code, Some("default")), Ok(()));
        assert_eq!(t.take_code("app", &code, None), Err(CodeError::Unknown));
    }
}
