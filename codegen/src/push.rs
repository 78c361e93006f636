//! Push topics: `api-specs/_push/<TOPIC>.json` → [`Push`].
//!
//! A topic's payload (`data`) is described like an API's response: fields and named types in
//! the same format, checked by the same rules and lowered by the same code (as the response of
//! a stand-in API named after the topic), so a payload field gets the same Rust type, naming
//! and loose decoding as a response field.

use crate::diag::Diagnostics;
use crate::ir::{Push, PushTopic};
use crate::load::{fields, types, Object};
use crate::shared::Shared;
use crate::spec::{Spec, TokenMode};
use crate::{lower, naming, validate};
use serde_json::Value;

/// The directory of push topic specs, under the specs dir.
pub const DIR: &str = "_push/";

const KEYS: &[&str] = &[
    "$schema", "topic", "group", "summary", "doc", "doc_url", "data", "types", "example",
];
/// Names the generated module declares itself.
const RESERVED: &[&str] = &["Payload", "Other"];

/// A loaded topic: its group and the stand-in spec its payload is checked and lowered as.
struct Topic {
    group: String,
    spec: Spec,
}

/// Loads, checks and lowers the topic files, given as `(path under the specs dir, text)`.
pub fn push(display_dir: &str, files: &[&(String, String)], diags: &mut Diagnostics) -> Push {
    let before = diags.0.len();
    let mut topics = Vec::new();
    for (rel, text) in files {
        let file = format!("{display_dir}/{rel}");
        if let Some(topic) = load(&file, rel, text, diags) {
            topics.push(topic);
        }
    }
    // Lowering expects valid specs.
    if diags.0.len() != before {
        return Push::default();
    }
    let specs: Vec<Spec> = topics.iter().map(|t| t.spec.clone()).collect();
    // Payload types are local to their topic: no shared-types files apply.
    let model = lower::lower(&specs, &Shared::default(), diags);
    if diags.0.len() != before {
        return Push::default();
    }
    let Some(ns) = model.namespaces.into_values().next() else {
        return Push::default();
    };
    let mut push = Push::default();
    let mut apis: Vec<_> = ns.apis.into_values().collect();
    apis.sort_by(|a, b| a.name.cmp(&b.name));
    for api in &apis {
        for (name, t) in &api.types {
            match push.types.get(name) {
                Some(other) if other != t => diags.push(
                    &api.source,
                    "/types",
                    format!("type \"{}\" is defined differently in another topic; push topics share one module, so give one of them another name", t.wire),
                ),
                _ => {
                    push.types.insert(name.clone(), t.clone());
                }
            }
        }
    }
    for api in apis {
        let topic = topics
            .iter()
            .find(|t| t.spec.name == api.name)
            .expect("every lowered topic was loaded");
        let name = naming::camel(&api.name);
        if push.types.contains_key(&name) || RESERVED.contains(&name.as_str()) {
            diags.push(&api.source, "/topic", format!("topic {} maps to the Rust name `{name}`, which a type of the push module already has; rename the type", api.name));
        }
        push.topics.push(PushTopic {
            topic: api.name.clone(),
            group: topic.group.clone(),
            summary: api.summary.clone(),
            doc: api.doc.clone(),
            doc_url: api.doc_url.clone(),
            fields: (!topic.spec.response.is_empty()).then_some(api.response_fields),
            source: api.source,
            name,
        });
    }
    push
}

fn load(file: &str, rel: &str, text: &str, diags: &mut Diagnostics) -> Option<Topic> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(file, "", format!("invalid JSON: {e}"));
            return None;
        }
    };
    let obj = Object::new(
        &value,
        String::new(),
        file,
        KEYS,
        "a push topic spec",
        diags,
    )?;
    let topic = obj.string("topic", true, diags)?;
    let expected = format!("{DIR}{topic}.json");
    if rel != expected {
        let dir = file.strip_suffix(rel).unwrap_or("");
        diags.push(
            file,
            "",
            format!("the file's path must be {dir}{expected} to match its topic"),
        );
    }
    if topic.is_empty() || !topic.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        diags.push(
            file,
            "/topic",
            format!("\"topic\" must be letters, digits and '_', like ORDER_BUYER_VIEW_ORDER_PAY, found \"{topic}\""),
        );
        return None;
    }
    let example = obj.get("example").map(|(v, _)| v.clone());
    if let Some(example) = &example {
        if example.get("type").and_then(Value::as_str) != Some(topic.as_str()) {
            diags.push(
                file,
                "/example/type",
                format!("the example envelope's \"type\" must be the topic, \"{topic}\""),
            );
        }
    }
    let spec = Spec {
        file: file.to_owned(),
        namespace: "push".into(),
        name: topic,
        version: 1,
        access_token: TokenMode::None,
        signed: true,
        idempotent: false,
        protocol: "param2".into(),
        summary: obj.string("summary", false, diags),
        doc: obj.string("doc", false, diags),
        doc_url: obj.string("doc_url", false, diags),
        params: Vec::new(),
        response: fields(&obj, "data", "a payload field", diags),
        response_value: None,
        types: types(&obj, diags),
        example_response: example.and_then(|e| e.get("data").cloned()),
        paging: None,
    };
    let group = obj.string("group", true, diags).unwrap_or_default();
    let _ = obj.string("$schema", false, diags);
    // The API rules, with their pointers mapped back to this file's keys.
    let before = diags.0.len();
    let stand_in = format!("{}/{}-1.json", spec.namespace, spec.name);
    let none = Shared::default();
    let scope = none.scope(&spec.namespace, Some((&spec.file, &spec.types)));
    validate::validate(&spec, &stand_in, &scope, diags);
    for d in &mut diags.0[before..] {
        d.pointer = d.pointer.replacen("/example_response", "/example/data", 1);
        d.message = d.message.replace("response field", "payload field");
    }
    Some(Topic { group, spec })
}
