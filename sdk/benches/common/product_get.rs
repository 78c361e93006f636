//! A realistic `alibaba.product.get` answer of about 20 KB, grown from the spec's
//! `example_response` (more images, attributes, price ranges and SKUs), so no large fixture is
//! committed. Shared by `sdk/benches/product_get.rs` and the loopback bench (`bench/`).

use serde_json::{json, Value};

/// The spec's example response for `alibaba.product.get`, scaled up to at least `target` bytes
/// of compact JSON. Deterministic: the same bytes on every run.
pub fn product_get_body(example: &str, target: usize) -> String {
    let mut body: Value = serde_json::from_str(example).expect("the spec's example is JSON");
    let info = body["productInfo"]
        .as_object_mut()
        .expect("the example has productInfo");
    let images: Vec<Value> = (0..12)
        .map(|i| {
            json!(format!(
                "img/ibank/O1CN01bench{i:04}xYz2Q3R4s5_!!2206512345678-0-cib.jpg"
            ))
        })
        .collect();
    info.insert("image".into(), json!({ "images": images }));
    let names = [
        "材质", "货号", "风格", "图案", "袖长", "裙长", "领型", "腰型", "颜色", "尺码",
    ];
    let attributes: Vec<Value> = (0..30)
        .map(|i| {
            json!({
                "attributeID": 287 + i * 13,
                "attributeName": names[i % names.len()],
                "valueID": 3241 + i,
                "value": format!("属性值{i}"),
                "isCustom": i % 7 == 0,
            })
        })
        .collect();
    info.insert("attributes".into(), json!(attributes));
    info["saleInfo"]["priceRanges"] = json!([
        { "startQuantity": 2, "price": 45.8 },
        { "startQuantity": 50, "price": 42.5 },
        { "startQuantity": 200, "price": 39.9 },
    ]);
    let colors = ["白色", "黑色", "红色", "蓝色", "碎花"];
    let sizes = ["S", "M", "L", "XL", "XXL", "3XL"];
    let mut skus = Vec::new();
    loop {
        let i = skus.len();
        skus.push(json!({
            "skuId": 4821372051234u64 + i as u64,
            "specId": format!("{:032x}", 0xb265340beb52182c6bcfbff1fad02f0bu128.wrapping_mul(i as u128 + 1)),
            "amountOnSale": 1490 - (i as i64 * 7) % 1000,
            "price": 45.8,
            "consignPrice": 52.0,
            "cargoNumber": format!("LYQ-088-{}-{}", colors[i % colors.len()], sizes[i % sizes.len()]),
            "attributes": [
                {
                    "attributeID": 3216,
                    "attributeValue": colors[(i / sizes.len()) % colors.len()],
                    "skuImageUrl": format!("img/ibank/O1CN01sku{i}_!!2206512345678-0-cib.jpg"),
                },
                { "attributeID": 450, "attributeValue": sizes[i % sizes.len()] },
            ],
        }));
        body["productInfo"]["skuInfos"] = json!(skus);
        let text = body.to_string();
        if text.len() >= target {
            return text;
        }
    }
}
