//! `alibaba.product.get` end to end without the network: the typed request to the signed form
//! body (the steps of `Client::execute` → `send` → `Transport::post`, in order), and the ~20 KB
//! answer through the business-status pass and the typed, lenient decode.
//!
//! `cargo bench -p open1688 --bench product_get`

#[path = "common/product_get.rs"]
mod fixture;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use open1688::product::product_get::WebSite;
use open1688::product::{ProductGetRequest, ProductGetResponse};
use open1688::{Params, Request};
use open1688_core::response;
use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

const APP_KEY: &str = "1000000";
const SECRET: &str = "mock-app-secret-9f2c";
const TOKEN: &str = "9c7e4f1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
const BASE_URL: &str = "http://127.0.0.1:8688";

/// Everything the client computes before handing the request to reqwest.
fn build(request: &ProductGetRequest) -> (String, String) {
    let mut params = Params::new();
    request.write_params(&mut params);
    let (text, _files) = params.into_parts().expect("valid params");
    let url_path = ProductGetRequest::API.url_path(APP_KEY);
    let mut wire: Vec<(&str, &str)> = Vec::with_capacity(text.len() + 3);
    wire.extend(text.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    wire.push(("access_token", TOKEN));
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let timestamp = millis.to_string();
    wire.push(("_aop_timestamp", &timestamp));
    let signature = open1688::sign::sign(SECRET, &url_path, &wire);
    wire.push(("_aop_signature", &signature));
    let url = format!("{BASE_URL}/openapi/{url_path}");
    let mut form = form_urlencoded::Serializer::new(String::with_capacity(256));
    form.extend_pairs(&wire);
    (url, form.finish())
}

fn request(c: &mut Criterion) {
    let request = ProductGetRequest::new(624531232145, WebSite::V1688).scene("1688");
    let mut group = c.benchmark_group("product_get/request");
    group.bench_function("write_params", |b| {
        b.iter(|| {
            let mut params = Params::new();
            black_box(&request).write_params(&mut params);
            params
        })
    });
    group.bench_function("build_signed_form", |b| {
        b.iter(|| build(black_box(&request)))
    });
    group.finish();
}

fn response(c: &mut Criterion) {
    let example = open1688::catalogue::product::PRODUCT_GET_DOC
        .example_response
        .expect("product.get has an example");
    let body = fixture::product_get_body(example, 20 * 1024);
    let body = body.as_bytes();
    let mut group = c.benchmark_group("product_get/response_20k");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("status_check", |b| {
        b.iter(|| response::check(200, black_box(body)))
    });
    group.bench_function("typed_decode", |b| {
        b.iter(|| response::decode::<ProductGetResponse>(200, black_box(body)).unwrap())
    });
    // What a bare reqwest client decoding the same types runs (`bare_decode` in the loopback
    // bench): plain serde_json, no leniency, no status fields.
    group.bench_function("serde_json_typed", |b| {
        b.iter(|| serde_json::from_slice::<ProductGetResponse>(black_box(body)).unwrap())
    });
    // The lenient reader over bytes, as `de::from_slice` read before it checked the body's
    // UTF-8 once and read it as text (the baseline of that change).
    group.bench_function("loose_over_bytes", |b| {
        b.iter(|| {
            let mut de = serde_json::Deserializer::from_slice(black_box(body));
            let value: ProductGetResponse =
                serde::Deserialize::deserialize(open1688_core::de::Loose(&mut de)).unwrap();
            de.end().unwrap();
            value
        })
    });
    group.bench_function("untyped_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
    });
    // What `Client::call` did before: the status pass, then the typed decode.
    group.bench_function("check_then_decode", |b| {
        b.iter(|| {
            response::check(200, black_box(body)).unwrap();
            response::decode::<ProductGetResponse>(200, black_box(body)).unwrap()
        })
    });
    // What it does now: one pass noting the status fields while decoding.
    group.bench_function("check_and_decode", |b| {
        b.iter(|| response::check_and_decode::<ProductGetResponse>(200, black_box(body)).unwrap())
    });
    group.finish();

    // The spec's own ~2 KB example: small answers, where fixed costs (the status fields,
    // dates) weigh more than in the 20 KB one.
    let small = example.as_bytes();
    let mut group = c.benchmark_group("product_get/response_2k");
    group.throughput(Throughput::Bytes(small.len() as u64));
    group.bench_function("serde_json_typed", |b| {
        b.iter(|| serde_json::from_slice::<ProductGetResponse>(black_box(small)).unwrap())
    });
    group.bench_function("check_and_decode", |b| {
        b.iter(|| response::check_and_decode::<ProductGetResponse>(200, black_box(small)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, request, response);
criterion_main!(benches);
