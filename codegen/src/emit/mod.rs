//! Emit: the model → token streams. Prints only what lowering decided.

mod api;
mod catalogue;
mod common;
mod namespace;
mod paging;
mod push;
mod root;
mod syntax;

pub use api::{api_file, global_types_file, shared_types_file};
pub use catalogue::{catalogue_part, catalogue_parts, CatalogueAt, CataloguePart};
pub use namespace::namespace_file;
pub use push::push_file;
pub use root::{api_table, features_region, root_file};
