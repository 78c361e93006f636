//! A few typed calls: a product, a category, an order preview and a logistics query.
//!
//! ```sh
//! cargo run -p open1688-examples --example quickstart
//! ```
//!
//! Without credentials it starts the local mock gateway in-process and talks to it. With
//! `OPEN1688_APP_KEY`, `OPEN1688_APP_SECRET` and `OPEN1688_ACCESS_TOKEN` set, the same calls go to
//! the real gateway (`OPEN1688_BASE_URL` overrides its address).

use open1688::logistics::TradeGetLogisticsInfosBuyerViewRequest;
use open1688::product::{CategoryGetRequest, ProductGetRequest};
use open1688::trade::create_order_preview::PreviewCargoParam;
use open1688::trade::types::AddressParam;
use open1688::trade::CreateOrderPreviewRequest;
use open1688::types::WebSite;
use open1688::{Client, Credentials, Error};
use open1688_mock::MockGateway;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // Keep the mock alive for the whole run when there is one.
    let (client, _mock) = match (
        env("OPEN1688_APP_KEY"),
        env("OPEN1688_APP_SECRET"),
        env("OPEN1688_ACCESS_TOKEN"),
    ) {
        (Some(key), Some(secret), Some(token)) => {
            let mut builder = Client::builder(Credentials::new(key, secret)).access_token(token);
            if let Some(url) = env("OPEN1688_BASE_URL") {
                builder = builder.base_url(url);
            }
            println!(
                "Talking to {}",
                env("OPEN1688_BASE_URL").unwrap_or_else(|| open1688::DEFAULT_BASE_URL.into())
            );
            (builder.build()?, None)
        }
        _ => {
            let mock = MockGateway::builder().start().await?;
            let tokens = mock.issue_tokens();
            let credentials = Credentials::new(
                open1688_mock::DEFAULT_APP_KEY,
                open1688_mock::DEFAULT_APP_SECRET,
            );
            let client = Client::builder(credentials)
                .base_url(mock.url())
                .access_token(tokens.access_token.clone())
                .build()?;
            println!(
                "No OPEN1688_* credentials set: talking to the local mock gateway at {}\n",
                mock.url()
            );
            (client, Some(mock))
        }
    };

    let product = client
        .product()
        .product_get(ProductGetRequest::new(694567890123, WebSite::V1688))
        .await?;
    if let Some(info) = &product.product_info {
        println!(
            "Product {}: {}",
            info.product_id.unwrap_or_default(),
            info.subject.as_deref().unwrap_or("(no subject)")
        );
        println!(
            "  category {} · status {}",
            info.category_name.as_deref().unwrap_or("?"),
            info.status.as_deref().unwrap_or("?")
        );
    }

    let categories = client
        .product()
        .category_get(CategoryGetRequest::new(0))
        .await?;
    for c in categories.category_info.iter().take(3) {
        println!(
            "Category {}: {} (leaf: {})",
            c.category_id.unwrap_or_default(),
            c.name.as_deref().unwrap_or("?"),
            c.is_leaf.unwrap_or(false)
        );
    }

    let address = AddressParam::new()
        .full_name("张三")
        .mobile("13800000000")
        .province_text("浙江省")
        .city_text("杭州市")
        .area_text("余杭区")
        .address("文一西路969号");
    let preview = client
        .trade()
        .create_order_preview(CreateOrderPreviewRequest::new(
            address,
            vec![PreviewCargoParam::new(694567890123, 2.0)
                .spec_id("b266e0726506185beaf205cbae88a204")],
        ))
        .await;
    match preview {
        Ok(p) => {
            for r in &p.order_preview_result {
                println!(
                    "Order preview: total {} fen, of which carriage {} fen",
                    r.sum_payment.unwrap_or_default(),
                    r.sum_carriage.unwrap_or_default()
                );
            }
        }
        // The real gateway refuses previews for apps without the trade ACL: show, don't crash.
        Err(e @ Error::Gateway { .. }) if e.is_configuration() => {
            println!("Order preview not allowed for this app: {e}")
        }
        Err(e) => return Err(e.into()),
    }

    let logistics = client
        .logistics()
        .trade_get_logistics_infos_buyer_view(TradeGetLogisticsInfosBuyerViewRequest::new(
            3535260697417660107,
            WebSite::V1688,
        ))
        .await?;
    for order in &logistics.result {
        println!(
            "Logistics {}: {} via {}",
            order.logistics_id.as_deref().unwrap_or("?"),
            order
                .status
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "?".into()),
            order.logistics_company_name.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}
