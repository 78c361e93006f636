//! Property tests ("fuzzing on stable"): hostile or random input never panics and never breaks
//! a promise. Short by default; a long run:
//! `PROPTEST_CASES=200000 cargo test --release -p open1688-core --test fuzz`.

use open1688_core::names::{redact, SECRET_PARAMS, STATUS_KEYS};
use open1688_core::push::{verify, verify_with, VerifyOptions};
use open1688_core::response::{check, check_and_decode, decode};
use open1688_core::sign::sign;
use open1688_core::{Date, Params};
use proptest::prelude::*;
use serde_json::Value;

/// JSON values leaning towards the shapes status detection looks at.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("true"),
            Just("false"),
            Just("0"),
            Just("gw.QosAppFrequencyLimit")
        ]
        .prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let key = prop_oneof![
            proptest::sample::select(STATUS_KEYS).prop_map(str::to_owned),
            Just("result".to_owned()),
            "[a-z]{1,4}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(400),
        Just(401),
        Just(429),
        Just(503),
        100u16..600
    ]
}

/// One spelling of a secret name: as listed, upper-cased, or dashed.
fn secret_name() -> impl Strategy<Value = String> {
    (proptest::sample::select(SECRET_PARAMS), 0..3u8).prop_map(|(name, how)| match how {
        0 => name.to_owned(),
        1 => name.to_ascii_uppercase(),
        _ => name.replace('_', "-"),
    })
}

proptest! {
    /// The one-pass check+decode gives the same verdict and value as check, then decode.
    #[test]
    fn one_pass_equals_two(status in status(), body in json()) {
        let bytes = serde_json::to_vec(&body).unwrap();
        let one = check_and_decode::<Value>(status, &bytes);
        let two = check(status, &bytes).and_then(|()| decode::<Value>(status, &bytes));
        match (&one, &two) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "one pass {:?} vs two {:?}", one, two),
        }
    }

    /// Arbitrary bytes never panic the response path.
    #[test]
    fn any_body_is_judged_without_panic(status in 0u16..1000, body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = check_and_decode::<Value>(status, &body);
        let _ = check(status, &body);
        let _ = open1688_core::redact(&body);
    }

    /// A canary after a secret name never survives redaction, in JSON, form or text form.
    #[test]
    fn a_canary_never_survives_redaction(
        name in secret_name(),
        canary in "CANARY[A-Za-z0-9._~+/-]{4,24}",
        form in 0..6u8,
        before in "\\PC{0,20}",
        after in "[ ,&}\\]]\\PC{0,20}",
    ) {
        let pair = match form {
            0 => format!(r#""{name}":"{canary}""#),
            1 => format!(r#""{name}" :  "{canary}""#),
            2 => format!("{name}={canary}"),
            3 => format!("{name}: {canary}"),
            4 => format!(r#"\"{name}\":\"{canary}\""#),
            _ => format!("{name}\t=\t'{canary}'"),
        };
        let text = format!("{before} {pair}{after}");
        let masked = redact(&text);
        prop_assert!(!masked.contains(&canary), "{} -> {}", text, masked);
        let prefix = open1688_core::redact(text.as_bytes());
        prop_assert!(!prefix.contains(&canary), "{} -> {}", text, prefix);
    }

    /// Redaction never panics and is idempotent on arbitrary text.
    #[test]
    fn redaction_is_total_and_idempotent(text in "\\PC{0,80}") {
        let once = redact(&text);
        prop_assert_eq!(redact(&once), once);
    }

    /// A genuinely signed `message` re-split into other fields (same concatenation, so the same
    /// HMAC) never verifies by default; the original does.
    #[test]
    fn no_re_split_push_verifies(id in 1i64..1_000_000_000, topic in "[A-Z_]{1,20}", cut in 1usize..40) {
        let message = format!(r#"{{"msgId":{id},"type":"{topic}","data":{{}}}}"#);
        let signature = sign("push-secret", "", &[("message", &message)]);
        let genuine = [("message", message.as_str()), ("_aop_signature", signature.as_str())];
        prop_assert!(verify("push-secret", &genuine).is_ok());
        let joined = format!("message{message}");
        let cut = cut.min(joined.len() - 1);
        let (k, v) = joined.split_at(cut);
        prop_assume!(k != "message");
        let resplit = [(k, v), ("_aop_signature", signature.as_str())];
        prop_assert!(verify("push-secret", &resplit).is_err());
        // Even with other layouts allowed, adding a field breaks the signature.
        let any = VerifyOptions { any_layout: true, ..VerifyOptions::default() };
        let extra = [("message", message.as_str()), ("x", "1"), ("_aop_signature", signature.as_str())];
        prop_assert!(verify_with("push-secret", &extra, any).is_err());
    }

    /// Dates: any text parses or errs without panic; a wire date round-trips.
    #[test]
    fn dates_round_trip_and_never_panic(text in "\\PC{0,30}", millis in -62_000_000_000_000i64..250_000_000_000_000) {
        let _ = text.parse::<Date>();
        if let Some(date) = Date::from_millis(millis) {
            let back: Date = date.to_wire().parse().unwrap();
            prop_assert_eq!(back.millis(), date.millis());
        }
    }

    /// No float, however odd, is sent as `null`.
    #[test]
    fn floats_are_never_sent_as_null(x in any::<f64>()) {
        let mut p = Params::new();
        p.put_json("list", &[x]);
        match p.into_parts() {
            Ok((text, _)) => prop_assert!(x.is_finite() && !text[0].1.contains("null")),
            Err(e) => prop_assert!(!x.is_finite() && e.to_string().contains("`list`")),
        }
    }
}
