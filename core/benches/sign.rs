//! The client's own CPU work per call, without the network: the signature (base + HMAC-SHA1,
//! against a bare HMAC-SHA1 over the same bytes, the floor) and parameter encoding.
//!
//! `cargo bench -p open1688-core --bench sign`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hmac::{Hmac, Mac};
use open1688_core::sign::{sign, signature_base};
use open1688_core::{Date, Params};
use serde::Serialize;
use sha1::Sha1;
use std::hint::black_box;

const SECRET: &str = "mock-app-secret-9f2c";
const URL_PATH: &str = "param2/1/com.alibaba.product/alibaba.product.get/1000000";

/// The wire parameters of one `alibaba.product.get` call, as `Client::send` signs them.
const WIRE: &[(&str, &str)] = &[
    ("productID", "624531232145"),
    ("webSite", "1688"),
    ("scene", "1688"),
    ("access_token", "9c7e4f1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"),
    ("_aop_timestamp", "1717000000000"),
];

/// A larger call (an order preview with a JSON address and cargo list), for scale.
fn order_wire() -> Vec<(&'static str, String)> {
    vec![
        ("flow", "general".into()),
        ("addressParam", r#"{"fullName":"张三","mobile":"13800000000","phone":"0571-88888888","postCode":"310000","cityText":"杭州市","provinceText":"浙江省","areaText":"余杭区","townText":"","address":"文一西路969号","districtCode":"330110"}"#.into()),
        ("cargoParamList", r#"[{"offerId":624531232145,"specId":"b265340beb52182c6bcfbff1fad02f0b","quantity":5},{"offerId":624531232146,"specId":"0f3a6e1c8d2b44e1a9c7d5f6b3e2a1c0","quantity":2}]"#.into()),
        ("message", "请尽快发货".into()),
        ("access_token", "9c7e4f1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b".into()),
        ("_aop_timestamp", "1717000000000".into()),
    ]
}

fn bare_hmac(message: &[u8]) -> [u8; 20] {
    let mut mac = Hmac::<Sha1>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn signature(c: &mut Criterion) {
    for (label, wire) in [
        (
            "product_get",
            WIRE.iter()
                .map(|&(k, v)| (k, v.to_owned()))
                .collect::<Vec<_>>(),
        ),
        ("order_preview", order_wire()),
    ] {
        let wire: Vec<(&str, &str)> = wire.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let base = signature_base(URL_PATH, &wire);
        let mut group = c.benchmark_group(format!("sign/{label}"));
        group.throughput(Throughput::Bytes(base.len() as u64));
        // The floor: HMAC-SHA1 alone over the already-built signature base.
        group.bench_function("bare_hmac_sha1", |b| {
            b.iter(|| bare_hmac(black_box(base.as_bytes())))
        });
        group.bench_function("signature_base", |b| {
            b.iter(|| signature_base(black_box(URL_PATH), black_box(&wire)))
        });
        // What the client runs: sort the factors, HMAC them, hex-encode.
        group.bench_function("sign", |b| {
            b.iter(|| sign(black_box(SECRET), black_box(URL_PATH), black_box(&wire)))
        });
        group.finish();
    }
}

#[derive(Serialize)]
struct Address<'a> {
    #[serde(rename = "fullName")]
    full_name: &'a str,
    mobile: &'a str,
    #[serde(rename = "cityText")]
    city_text: &'a str,
    address: &'a str,
    #[serde(rename = "postCode", skip_serializing_if = "Option::is_none")]
    post_code: Option<&'a str>,
}

fn params(c: &mut Criterion) {
    let mut group = c.benchmark_group("params");
    group.bench_function("product_get_scalars", |b| {
        b.iter(|| {
            let mut p = Params::new();
            p.put("productID", black_box(&624531232145i64));
            p.put("webSite", black_box("1688"));
            p.put("scene", black_box(&Some("1688".to_owned())));
            p
        })
    });
    let date = Date::from_millis(1_717_000_000_000).unwrap();
    let address = Address {
        full_name: "张三",
        mobile: "13800000000",
        city_text: "杭州市",
        address: "文一西路969号",
        post_code: None,
    };
    group.bench_function("mixed_with_json_and_date", |b| {
        b.iter(|| {
            let mut p = Params::new();
            p.put("flow", black_box("general"));
            p.put("quantity", black_box(&5i32));
            p.put("createStartTime", black_box(&date));
            p.put("isSuccess", black_box(&false));
            p.put_json("addressParam", black_box(&address));
            p.put_json("offerIds", black_box(&[624531232145i64, 624531232146]));
            p
        })
    });
    // The form body the transport sends (percent-encoding of every pair).
    let mut wire: Vec<(&str, &str)> = WIRE.to_vec();
    wire.push(("_aop_signature", "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88"));
    group.bench_function("form_body", |b| {
        b.iter(|| {
            let mut form = form_urlencoded::Serializer::new(String::with_capacity(256));
            form.extend_pairs(black_box(&wire));
            form.finish()
        })
    });
    group.finish();
}

criterion_group!(benches, signature, params);
criterion_main!(benches);
