//! The gateway pipeline for `/openapi/…` calls: app key → API → QPS limits → faults → signature → token →
//! parameters → answer.

use crate::answer::Answer;
use crate::faults::Fault;
use crate::oauth::{self, TokenEndpoint};
use crate::request::Received;
use crate::signature::{self, SignatureStatus};
use crate::state::Gateway;
use axum::http::Method;
use open1688_core::{ApiDoc, Secret, TokenMode};

/// Protocols the mock answers; all of them answer bare JSON here. The legacy `json` envelope
/// and the XML protocols are not implemented.
const PROTOCOLS: &[&str] = &["param2", "json2", "param", "http"];

/// A parsed `<protocol>/<version>/<namespace>/<name>/<appKey>` (the part after `/openapi/`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ApiPath<'a> {
    pub(crate) protocol: &'a str,
    pub(crate) version: u32,
    pub(crate) namespace: &'a str,
    pub(crate) name: &'a str,
    /// `None` when the segment is missing (`gw.AppKeyMissing`).
    pub(crate) app_key: Option<&'a str>,
}

impl<'a> ApiPath<'a> {
    /// Parses the URL path after `/openapi/`; `None` when it names no API.
    pub(crate) fn parse(url_path: &'a str) -> Option<ApiPath<'a>> {
        let segments: Vec<&str> = url_path.split('/').collect();
        let (protocol, version, namespace, name, app_key) = match segments.as_slice() {
            [p, v, ns, n] => (*p, *v, *ns, *n, None),
            [p, v, ns, n, key] => (*p, *v, *ns, *n, Some(*key).filter(|k| !k.is_empty())),
            _ => return None,
        };
        let version = version.parse().ok()?;
        (!namespace.is_empty() && !name.is_empty()).then_some(ApiPath {
            protocol,
            version,
            namespace,
            name,
            app_key,
        })
    }

    /// The API id as the docs write it: `namespace:name-version`.
    pub(crate) fn api_id(&self) -> String {
        format!("{}:{}-{}", self.namespace, self.name, self.version)
    }
}

/// What the path resolved to.
#[derive(Clone, Copy)]
enum Target {
    Token(TokenEndpoint),
    Api(&'static ApiDoc),
}

/// A `gw.*` refusal: status, code, message.
type Refusal = (u16, &'static str, String);

/// What a request's path resolved to.
struct Resolved<'g, 'p> {
    app_key: &'p str,
    secret: &'g Secret,
    target: Target,
    api_id: String,
}

/// The app and the API a request's method and path name, or why there is none.
fn resolve<'g, 'p>(
    gw: &'g Gateway,
    method: &Method,
    url_path: &'p str,
) -> Result<Resolved<'g, 'p>, Refusal> {
    if method != Method::GET && method != Method::POST {
        return Err((
            405,
            "gw.MethodNotAllowed",
            format!("{method} is not supported; use GET or POST"),
        ));
    }
    let Some(path) = ApiPath::parse(url_path) else {
        return Err((400, "gw.APIUnsupported", format!("`{url_path}` does not name an API: expected <protocol>/<version>/<namespace>/<name>/<appKey>")));
    };
    let Some(app_key) = path.app_key else {
        return Err((
            400,
            "gw.AppKeyMissing",
            "the URL has no appKey segment".into(),
        ));
    };
    let Some(secret) = gw.secret(app_key) else {
        return Err((
            400,
            "gw.AppKeyNotFound",
            format!("AppKey `{app_key}` is not found"),
        ));
    };
    let target = match (
        oauth::token_endpoint(path.namespace, path.name, path.version),
        gw.api(path.namespace, path.name, path.version),
    ) {
        (Some(endpoint), _) => Target::Token(endpoint),
        (None, Some(doc)) => Target::Api(doc),
        (None, None) => {
            return Err((
                400,
                "gw.APIUnsupported",
                format!("API {} is not supported", path.api_id()),
            ))
        }
    };
    if !PROTOCOLS.contains(&path.protocol) {
        return Err((
            400,
            "gw.APIUnsupported",
            format!(
                "protocol `{}` is not supported by the mock; use one of {PROTOCOLS:?}",
                path.protocol
            ),
        ));
    }
    Ok(Resolved {
        app_key,
        secret,
        target,
        api_id: path.api_id(),
    })
}

/// Answers one `/openapi/<url_path>` request, updating journal entry `seq` along the way.
pub(crate) async fn handle(
    gw: &Gateway,
    seq: u64,
    method: &Method,
    url_path: &str,
    received: &Received,
) -> Answer {
    let request_id = gw.request_id();
    let Resolved {
        app_key,
        secret,
        target,
        api_id,
    } = match resolve(gw, method, url_path) {
        Ok(resolved) => resolved,
        Err((status, code, message)) => return Answer::gateway(status, code, message, request_id),
    };

    let signature = match target {
        Target::Api(doc) if doc.api.signed => {
            signature::check(secret.expose(), url_path, &received.text)
        }
        _ => SignatureStatus::NotChecked,
    };
    gw.journal.update(seq, |e| e.signature = signature);

    if let Err((exceeded, qps)) = gw.qos.admit(app_key, &api_id) {
        return Answer::gateway(429, exceeded.code(), exceeded.message(qps), request_id);
    }

    if let Some(answer) = inject_fault(gw, seq, &api_id, target, received, &request_id).await {
        return answer;
    }
    match target {
        Target::Token(endpoint) => oauth::token_call(gw, endpoint, method, app_key, received),
        Target::Api(doc) => checked_call(gw, doc, app_key, signature, received, request_id),
    }
}

/// Applies the fault the rules pick for this call: `Some` answer replaces the call's,
/// `None` lets it proceed (after sleeping, for [`Fault::Delay`]).
async fn inject_fault(
    gw: &Gateway,
    seq: u64,
    api_id: &str,
    target: Target,
    received: &Received,
    request_id: &str,
) -> Option<Answer> {
    let fault = gw.faults.pick(api_id, std::time::Instant::now())?;
    // A scripted body may carry secrets: described through the one redaction rule.
    let described = open1688_core::names::redact(&format!("{fault:?}"));
    tracing::debug!(api = %api_id, fault = %described, "injecting fault");
    gw.journal.update(seq, |e| e.fault = Some(described));
    if let Fault::Delay(delay) = fault {
        tokio::time::sleep(delay).await;
        return None;
    }
    let success = || match target {
        Target::Api(doc) => success(gw, api_id, doc, received).body,
        Target::Token(_) => {
            r#"{"aliId":"8888888888","resource_owner":"mockbuyer","expires_in":"36000"}"#.to_owned()
        }
    };
    Answer::fault(&fault, success, request_id.to_owned())
}

/// The checks a known, signed-or-not API goes through once faults have passed.
fn checked_call(
    gw: &Gateway,
    doc: &'static ApiDoc,
    app_key: &str,
    signature: SignatureStatus,
    received: &Received,
    request_id: String,
) -> Answer {
    let api_id = doc.api.to_string();
    match signature {
        SignatureStatus::Missing => {
            return Answer::gateway(
                400,
                "gw.SignatureMissing",
                "Signature is missing: `_aop_signature` is required",
                request_id,
            )
        }
        SignatureStatus::Invalid => {
            return Answer::gateway(
                400,
                "gw.SignatureInvalid",
                "Signature is invalid",
                request_id,
            )
        }
        SignatureStatus::Valid | SignatureStatus::NotChecked => {}
    }
    let token = received.get("access_token");
    match (doc.api.access_token, token) {
        (TokenMode::None, Some(_)) => {
            // Core never sends a token to such APIs: some reject a signature covering one.
            let message = format!("{api_id} takes no access_token; a request carrying one (and a signature over it) is rejected");
            return Answer::gateway(400, "gw.SignatureInvalid", message, request_id);
        }
        (TokenMode::Required, None) => {
            return Answer::unauthenticated(format!(
                "{api_id} requires access_token and none was sent"
            ))
        }
        (_, Some(token)) => {
            if let Err(why) = gw.tokens.check_access(app_key, token) {
                return Answer::unauthenticated(format!("access token is {}", why.describe()));
            }
        }
        (_, None) => {}
    }
    if let Some(missing) = doc
        .params
        .iter()
        .find(|p| p.required && !received.has(p.name))
    {
        return Answer::gateway(
            400,
            "gw.ParamMissing",
            format!("Required parameter `{}` is missing", missing.name),
            request_id,
        );
    }
    success(gw, &api_id, doc, received)
}

/// The success answer: the configured reply, else the catalogue's default answer (the API's
/// example, else `{}`).
fn success(gw: &Gateway, api_id: &str, doc: &ApiDoc, received: &Received) -> Answer {
    match gw.reply(api_id) {
        Some(reply) => Answer::reply(reply, received),
        None => Answer::json(200, doc.default_response().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_or_name_what_is_missing() {
        let p = ApiPath::parse("param2/1/com.alibaba.product/alibaba.product.get/1000000").unwrap();
        assert_eq!(
            (p.protocol, p.version, p.namespace, p.name, p.app_key),
            (
                "param2",
                1,
                "com.alibaba.product",
                "alibaba.product.get",
                Some("1000000")
            )
        );
        assert_eq!(p.api_id(), "com.alibaba.product:alibaba.product.get-1");
        assert_eq!(ApiPath::parse("param2/1/ns/name").unwrap().app_key, None);
        assert_eq!(ApiPath::parse("param2/1/ns/name/").unwrap().app_key, None);
        assert!(ApiPath::parse("param2/x/ns/name/1").is_none());
        assert!(ApiPath::parse("param2/1/ns").is_none());
        assert!(ApiPath::parse("param2/1/ns/name/1/extra").is_none());
        assert!(ApiPath::parse("").is_none());
    }
}
