//! Emit: the model → `syn` syntax trees, ready for prettyplease. Prints only what lowering
//! decided. Data (docs, fields, attributes, the catalogue) is built as `syn` nodes directly
//! ([`syntax`]); code with bodies is written with `quote!` and parsed.

mod api;
mod catalogue;
mod common;
mod literal;
mod namespace;
mod paging;
mod push;
mod root;
mod syntax;
mod template;

pub use api::{api_file, global_types_file, shared_types_file};
pub use catalogue::{catalogue_part, catalogue_parts, CatalogueAt, CataloguePart};
pub use namespace::namespace_file;
pub use push::push_file;
pub use root::{api_table, features_region, root_file};
