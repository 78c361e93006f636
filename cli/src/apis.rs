//! `open1688 apis`: the APIs the SDK knows.

use crate::exit::{CliError, CliResult};
use crate::json;
use crate::resolve::{resolve, Target};
use crate::sign::token_mode;
use clap::Args;
use open1688_core::{ApiDoc, ParamType};

/// Arguments of `open1688 apis`.
#[derive(Args, Debug)]
pub struct ApisArgs {
    /// Show only APIs whose id or summary contains this text (case-insensitive); an exact id or
    /// name shows that API in detail.
    pub filter: Option<String>,
    /// List each API's parameters with their types and required flags.
    #[arg(long)]
    pub params: bool,
    /// With a single API: print its example response too.
    #[arg(long)]
    pub example: bool,
}

fn params_table(doc: &ApiDoc) -> String {
    if doc.params.is_empty() {
        return "    (no parameters)\n".into();
    }
    let name_w = doc.params.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let types: Vec<String> = doc.params.iter().map(|p| p.ty.to_string()).collect();
    let ty_w = types.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (p, ty) in doc.params.iter().zip(&types) {
        let required = if p.required { "required" } else { "optional" };
        let mut summary = p.doc.lines().next().unwrap_or("").trim().to_owned();
        if let ParamType::Enum(e) = p.ty {
            summary = format!("one of {}. {summary}", e.values.join(", "));
        }
        out.push_str(
            format!(
                "    {:name_w$}  {:ty_w$}  {required}  {summary}",
                p.name, ty
            )
            .trim_end(),
        );
        out.push('\n');
    }
    out
}

fn detail(doc: &ApiDoc, example: bool) -> String {
    let api = &doc.api;
    let mut out = format!(
        "{api}\n  {}\n  token: {}  signed: {}  protocol: {}  idempotent: {}\n  rust:  {}\n  docs:  {}\n  params:\n{}",
        doc.summary,
        token_mode(api.access_token),
        if api.signed { "yes" } else { "no" },
        api.protocol,
        if api.idempotent { "yes" } else { "no" },
        doc.method,
        doc.doc_url,
        params_table(doc),
    );
    if example {
        match doc.example_response {
            Some(text) => {
                let pretty = json::pretty(text).unwrap_or_else(|_| text.to_owned());
                out.push_str(&format!("  example response:\n{pretty}\n"));
            }
            None => out.push_str("  example response: none in the spec\n"),
        }
    }
    out
}

/// Runs `open1688 apis`.
pub fn run(args: ApisArgs) -> CliResult {
    let apis = open1688_catalogue::APIS;
    if let Some(filter) = &args.filter {
        let exact = apis.iter().any(|d| {
            d.api.to_string() == *filter
                || d.api.name == filter.as_str()
                || format!("{}:{}", d.api.namespace, d.api.name) == *filter
        });
        if exact {
            if let Target::Known(doc) = resolve(filter, apis)? {
                return crate::out::write(detail(doc, args.example).as_bytes());
            }
        }
    }
    let needle = args.filter.as_deref().unwrap_or("").to_lowercase();
    let mut shown: Vec<&ApiDoc> = apis
        .iter()
        .copied()
        .filter(|d| {
            needle.is_empty()
                || d.api.to_string().to_lowercase().contains(&needle)
                || d.summary.to_lowercase().contains(&needle)
        })
        .collect();
    shown.sort_by_key(|d| d.api.to_string());
    if shown.is_empty() {
        return Err(CliError::usage(format!(
            "no API matches `{}`",
            args.filter.unwrap_or_default()
        ))
        .hint("`open1688 apis` lists them all"));
    }
    let mut listing = String::new();
    for doc in &shown {
        listing.push_str(&format!(
            "{}  [token: {}]  {}\n    {}\n",
            doc.api,
            token_mode(doc.api.access_token),
            doc.summary,
            doc.doc_url
        ));
        if args.params {
            listing.push_str(&params_table(doc));
        }
    }
    crate::out::write(listing.as_bytes())?;
    eprintln!(
        "{} of {} APIs; `open1688 apis <id>` shows one with its parameters",
        shown.len(),
        apis.len()
    );
    Ok(())
}
