#!/usr/bin/env python3
"""Prepares the JSON parser evaluation (see BENCHMARKS.md §7): turns the generated
`alibaba.product.get` response types into src/types.rs with plain serde derives (the
`wire_struct!` invocations become `#[derive(Deserialize)]` structs, keys renamed, optional fields
`default`; Date as String, Decimal as f64, text as `CompactString` as in the SDK; no
`open1688_core` leniency, so every parser decodes the same derives) and writes the same ~20 KB
answer the criterion and loopback benches use (sdk/benches/common/product_get.rs) to body.json."""
import json, pathlib, re

root = pathlib.Path(__file__).resolve().parents[2]
here = pathlib.Path(__file__).resolve().parent
gen = root / "sdk/src/generated/product"


def wire_structs(text):
    """The `wire_struct!` invocations of a generated file, as plain serde structs."""
    out = []
    for body in re.findall(r"(?ms)^::open1688_core::wire_struct! \{\n(.*?)^\}\n", text):
        body = re.sub(r"(?m)^    ", "", body)  # the macro's indent
        body = re.sub(r"#\[derive\((Clone, Debug, (?:Default, )?PartialEq)\)\]", r"#[derive(\1, serde::Deserialize)]", body)

        def field(m):
            # `#[wire("key", flags..)]`: only `required` changes what serde is told.
            default = "" if "required" in m.group(2) else ", default"
            return f'#[serde(rename = "{m.group(1)}"{default})]'

        body = re.sub(r'#\[wire\("([^"]*)"([^)]*)\)\]', field, body)
        out.append(body)
    return "\n".join(out)


sources = [gen.parent / "types.rs", gen / "types.rs", gen / "product_get.rs"]
types = "\n".join(wire_structs(p.read_text()) for p in sources)
types = types.replace("::open1688_core::Date", "::std::string::String")
types = types.replace("::open1688_core::Decimal", "f64")
types = types.replace("::open1688_core::CompactString", "::compact_str::CompactString")
assert "open1688_core" not in types, "a core type the evaluation does not model"
(here / "src/types.rs").write_text("#![allow(dead_code)]\n" + types)

spec = json.loads((root / "api-specs/com.alibaba.product/alibaba.product.get-1.json").read_text())
body = spec["example_response"]
info = body["productInfo"]
info["image"] = {"images": [f"img/ibank/O1CN01bench{i:04}xYz2Q3R4s5_!!2206512345678-0-cib.jpg" for i in range(12)]}
names = ["材质", "货号", "风格", "图案", "袖长", "裙长", "领型", "腰型", "颜色", "尺码"]
info["attributes"] = [
    {"attributeID": 287 + i * 13, "attributeName": names[i % 10], "valueID": 3241 + i,
     "value": f"属性值{i}", "isCustom": i % 7 == 0}
    for i in range(30)
]
info["saleInfo"]["priceRanges"] = [
    {"startQuantity": 2, "price": 45.8}, {"startQuantity": 50, "price": 42.5},
    {"startQuantity": 200, "price": 39.9},
]
colors, sizes = ["白色", "黑色", "红色", "蓝色", "碎花"], ["S", "M", "L", "XL", "XXL", "3XL"]
skus = []
while True:
    i = len(skus)
    skus.append({
        "skuId": 4821372051234 + i,
        "specId": format((0xB265340BEB52182C6BCFBFF1FAD02F0B * (i + 1)) % (1 << 128), "032x"),
        "amountOnSale": 1490 - (i * 7) % 1000, "price": 45.8, "consignPrice": 52.0,
        "cargoNumber": f"LYQ-088-{colors[i % 5]}-{sizes[i % 6]}",
        "attributes": [
            {"attributeID": 3216, "attributeValue": colors[(i // 6) % 5],
             "skuImageUrl": f"img/ibank/O1CN01sku{i}_!!2206512345678-0-cib.jpg"},
            {"attributeID": 450, "attributeValue": sizes[i % 6]},
        ],
    })
    info["skuInfos"] = skus
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if len(text.encode()) >= 20 * 1024:
        break
(here / "body.json").write_text(text)
print(f"body.json: {len(text.encode())} bytes, {len(skus)} SKUs")
