//! Paged list APIs as streams of items: the machinery behind the generated `*_stream` methods.
//!
//! An API whose spec declares `paging` gets a [`Paged`] impl on its request (which parameter
//! is the page number, and where the answer keeps the items and the total) and a companion
//! method returning [`stream`]: it asks for page after page through [`Client::call_with`] —
//! so every page has the client's retries and timeouts — and yields the items one by one,
//! until it has seen the total the API reports or gets an empty page.

use crate::{CallOptions, Client, Error, Request};
pub use futures_core::Stream;
use std::collections::VecDeque;

/// The most pages one stream asks for: a gateway that keeps answering full pages without a
/// total cannot make a stream run (and call) forever.
pub const MAX_PAGES: u32 = 10_000;

/// One page of answer, split into what the stream needs.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of items over all pages, when the API reports one.
    pub total: Option<i64>,
}

/// A request of an API that pages (generated from the spec's `paging`).
pub trait Paged: Request + Send + Sync + 'static {
    /// One item of the list.
    type Item: Send + 'static;
    /// The number of the first page (1 for every 1688 API seen so far).
    const FIRST_PAGE: u32;
    /// Sets the page number parameter.
    fn set_page(&mut self, page: u32);
    /// Takes the items and the total out of one page's answer.
    fn page(response: Self::Response) -> Page<Self::Item>;
}

struct Walk<R: Paged> {
    client: Client,
    request: R,
    options: CallOptions,
    next_page: u32,
    pages: u32,
    seen: i64,
    buffer: VecDeque<R::Item>,
    done: bool,
}

/// Every item of a paged list, in order, from the first page (whatever page the request
/// names). Ends after the page that completes the reported total, or at the first empty page;
/// a failed page (after the client's retries) is yielded as an error and ends the stream.
/// The stream owns a clone of the client (which shares its connections), so it can outlive
/// the borrow and be moved to another task.
pub fn stream<R: Paged>(
    client: &Client,
    request: R,
) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static
where
    R::Response: Send,
{
    stream_with(client, request, CallOptions::default())
}

/// [`stream`] with per-call options, applied to every page.
pub fn stream_with<R: Paged>(
    client: &Client,
    request: R,
    options: CallOptions,
) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static
where
    R::Response: Send,
{
    let walk = Walk {
        client: client.clone(),
        request,
        options,
        next_page: R::FIRST_PAGE,
        pages: 0,
        seen: 0,
        buffer: VecDeque::new(),
        done: false,
    };
    futures_util::stream::unfold(walk, |mut walk| async move {
        loop {
            if let Some(item) = walk.buffer.pop_front() {
                return Some((Ok(item), walk));
            }
            if walk.done {
                return None;
            }
            if walk.pages == MAX_PAGES {
                walk.done = true;
                let error = Error::Decode {
                    status: 200,
                    message: format!("the list did not end after {MAX_PAGES} pages (no empty page, and no total or a wrong one)"),
                    body_prefix: String::new(),
                };
                return Some((Err(error), walk));
            }
            walk.request.set_page(walk.next_page);
            let page = match walk.client.call_with(&walk.request, &walk.options).await {
                Ok(response) => R::page(response),
                Err(e) => {
                    walk.done = true;
                    return Some((Err(e), walk));
                }
            };
            walk.pages += 1;
            walk.next_page = walk.next_page.saturating_add(1);
            if page.items.is_empty() {
                return None;
            }
            walk.seen = walk
                .seen
                .saturating_add(i64::try_from(page.items.len()).unwrap_or(i64::MAX));
            walk.done = page.total.is_some_and(|total| walk.seen >= total);
            walk.buffer.extend(page.items);
        }
    })
}
