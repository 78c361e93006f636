//! `syn` nodes built directly, for the parts of files that are mostly data (doc comments,
//! fields and their attributes, types): printing those as tokens only for `syn` to parse them
//! back was most of the generator's time. Code with bodies stays `quote!`, parsed by [`items`].

pub use super::literal::str_token;
use proc_macro2::{Ident, Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, Expr, ExprLit, Field, Fields, FieldsNamed, GenericArgument, Item,
    ItemStruct, Lit, MacroDelimiter, Meta, MetaList, MetaNameValue, Path, PathArguments,
    PathSegment, Type, TypePath, Visibility,
};

/// `#[doc = "text"]`.
pub fn doc(text: &str) -> Attribute {
    doc_attr(AttrStyle::Outer, text)
}

/// `#![doc = "text"]`.
pub fn inner_doc(text: &str) -> Attribute {
    doc_attr(AttrStyle::Inner(Default::default()), text)
}

fn doc_attr(style: AttrStyle, text: &str) -> Attribute {
    let value = Expr::Lit(ExprLit {
        attrs: Vec::new(),
        lit: doc_literal(text),
    });
    attribute(
        style,
        Meta::NameValue(MetaNameValue {
            path: Path::from(Ident::new("doc", Span::call_site())),
            eq_token: Default::default(),
            value,
        }),
    )
}

/// The literal of a doc line. prettyplease prints a one-line doc by its value, so its spelling
/// is free: a raw string is copied as it is, where a quoted one escapes every character
/// (costly for CJK text) only for prettyplease to unescape it again. Lines prettyplease would
/// print as `#[doc = ".."]` (with a line break, or starting with `/`) keep the usual spelling.
pub fn doc_literal(text: &str) -> Lit {
    // Byte searches: a `char` pattern decodes every character of the (mostly CJK) text.
    let hashes = if text.bytes().any(|b| b == b'\r' || b == b'\n') || text.starts_with('/') {
        None
    } else if !text.contains('"') {
        Some("")
    } else if !text.contains("\"#") {
        Some("#")
    } else {
        None
    };
    // Joined rather than `format!`ted: this runs once per doc line of every generated file.
    let raw = hashes.map(|hashes| ["r", hashes, "\"", text, "\"", hashes].concat());
    match raw.and_then(|raw| raw.parse::<proc_macro2::Literal>().ok()) {
        Some(literal) => Lit::new(literal),
        None => Lit::new(str_token(text)),
    }
}

/// `#[name(tokens)]`, e.g. `derive(..)` or `serde(..)`.
pub fn list_attr(name: &str, tokens: TokenStream) -> Attribute {
    attribute(
        AttrStyle::Outer,
        Meta::List(MetaList {
            path: path(name),
            delimiter: MacroDelimiter::Paren(Default::default()),
            tokens,
        }),
    )
}

/// `#[name]`, e.g. `non_exhaustive`.
pub fn word_attr(name: &str) -> Attribute {
    attribute(AttrStyle::Outer, Meta::Path(path(name)))
}

fn attribute(style: AttrStyle, meta: Meta) -> Attribute {
    Attribute {
        pound_token: Default::default(),
        style,
        bracket_token: Default::default(),
        meta,
    }
}

/// A path from its text, e.g. `::std::vec::Vec` or `doc` (segments are plain identifiers).
pub fn path(text: &str) -> Path {
    let (leading_colon, rest) = match text.strip_prefix("::") {
        Some(rest) => (Some(Default::default()), rest),
        None => (None, text),
    };
    // Split on `:` (a byte search) rather than `"::"`, whose searcher is costly to set up for
    // the many short paths of a file; segments never contain a colon.
    let segments = rest
        .split(':')
        .filter(|s| !s.is_empty())
        .map(|s| PathSegment::from(super::common::ident(s)))
        .collect();
    Path {
        leading_colon,
        segments,
    }
}

/// The type at a path, with type arguments on its last segment: `path<args..>`.
pub fn path_ty(path: Path, args: impl IntoIterator<Item = Type>) -> Type {
    Type::Path(TypePath {
        attrs: Vec::new(),
        qself: None,
        path: with_args(path, args),
    })
}

/// `path<args..>`: type arguments on the last segment (none: the path as it is).
pub fn with_args(mut path: Path, args: impl IntoIterator<Item = Type>) -> Path {
    let args: Punctuated<GenericArgument, syn::Token![,]> =
        args.into_iter().map(GenericArgument::Type).collect();
    if !args.is_empty() {
        if let Some(last) = path.segments.last_mut() {
            last.arguments = PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
                colon2_token: None,
                lt_token: Default::default(),
                args,
                gt_token: Default::default(),
            });
        }
    }
    path
}

/// `impl trait_`, e.g. `impl ::std::convert::Into<String>`.
pub fn impl_trait(trait_: Path) -> Type {
    let bound = syn::TraitBound {
        paren_token: None,
        lifetimes: None,
        modifiers: Default::default(),
        maybe: None,
        path: trait_,
    };
    Type::ImplTrait(syn::TypeImplTrait {
        attrs: Vec::new(),
        impl_token: Default::default(),
        bounds: [syn::TypeParamBound::Trait(bound)].into_iter().collect(),
    })
}

/// `receiver.method(args..)`.
pub fn method_call(receiver: Expr, method: &str, args: Vec<Expr>) -> Expr {
    Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: super::common::ident(method),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `self.name`.
pub fn self_field(name: Ident) -> Expr {
    Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(path_expr(path("self"))),
        dot_token: Default::default(),
        member: syn::Member::Named(name),
    })
}

/// A builder method, `#[inline]` after `attrs`:
/// `pub fn name(mut self, value: ty) -> Self { self.name = stored; self }`.
pub fn setter(mut attrs: Vec<Attribute>, name: Ident, ty: Type, stored: Expr) -> syn::ImplItem {
    attrs.push(word_attr("inline"));
    let receiver = syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        mutability: Some(Default::default()),
        self_token: Default::default(),
        kind: syn::ReceiverKind::Value,
    });
    let value = syn::FnArg::Typed(syn::PatType {
        attrs: Vec::new(),
        pat: Box::new(syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: super::common::ident("value"),
            subpat: None,
        })),
        colon_token: Default::default(),
        ty: Box::new(ty),
    });
    let assign = Expr::Assign(syn::ExprAssign {
        attrs: Vec::new(),
        left: Box::new(self_field(name.clone())),
        eq_token: Default::default(),
        right: Box::new(stored),
    });
    syn::ImplItem::Fn(syn::ImplItemFn {
        attrs,
        vis: Visibility::Public(Default::default()),
        modifiers: Default::default(),
        sig: syn::Signature {
            constness: None,
            asyncness: None,
            safety: Default::default(),
            abi: None,
            fn_token: Default::default(),
            ident: name,
            generics: Default::default(),
            paren_token: Default::default(),
            inputs: [receiver, value].into_iter().collect(),
            variadic: None,
            output: syn::ReturnType::Type(Default::default(), Box::new(path_ty(path("Self"), []))),
        },
        block: syn::Block {
            brace_token: Default::default(),
            stmts: vec![
                syn::Stmt::Expr(assign, Some(Default::default())),
                syn::Stmt::Expr(path_expr(path("self")), None),
            ],
        },
    })
}

/// `attrs pub name: ty`.
pub fn pub_field(attrs: Vec<Attribute>, name: Ident, ty: Type) -> Field {
    Field {
        attrs,
        vis: Visibility::Public(Default::default()),
        modifiers: Default::default(),
        ident: Some(name),
        colon_token: Some(Default::default()),
        ty,
        default: None,
    }
}

/// `attrs pub struct name { fields }`.
pub fn pub_struct(attrs: Vec<Attribute>, name: Ident, fields: Vec<Field>) -> Item {
    Item::Struct(ItemStruct {
        attrs,
        vis: Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: name,
        generics: Default::default(),
        fields: Fields::Named(FieldsNamed {
            brace_token: Default::default(),
            named: fields.into_iter().collect(),
        }),
        semi_token: None,
    })
}

/// The items of generated code given as tokens.
pub fn items(tokens: TokenStream) -> syn::Result<Vec<Item>> {
    Ok(syn::parse2::<syn::File>(tokens)?.items)
}

/// A file of inner attributes and items.
pub fn file(attrs: Vec<Attribute>, items: Vec<Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items,
    }
}

/// A string literal, spelled as `quote!` spells it. prettyplease prints a literal's token as it
/// is, so it is kept verbatim: `Lit::new` would print it to text and parse it back.
pub fn str_lit(value: &str) -> Expr {
    lit(Lit::Verbatim(str_token(value)))
}

/// `true` or `false`.
pub fn bool_lit(value: bool) -> Expr {
    lit(Lit::Bool(syn::LitBool::new(value, Span::call_site())))
}

/// A `u32` literal with its suffix, as `quote!` spells it: `1u32`.
pub fn u32_lit(value: u32) -> Expr {
    lit(Lit::new(proc_macro2::Literal::u32_suffixed(value)))
}

fn lit(lit: Lit) -> Expr {
    Expr::Lit(ExprLit {
        attrs: Vec::new(),
        lit,
    })
}

/// A path as an expression: a constant, a static, a unit variant.
pub fn path_expr(path: Path) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

/// `&expr`.
pub fn reference(expr: Expr) -> Expr {
    Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// `[elems..]`.
pub fn array(elems: Vec<Expr>) -> Expr {
    Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `func(args..)`.
pub fn call(func: Path, args: Vec<Expr>) -> Expr {
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(path_expr(func)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `path { field: value, .. }`.
pub fn struct_expr<'a>(path: Path, fields: impl IntoIterator<Item = (&'a str, Expr)>) -> Expr {
    let fields = fields
        .into_iter()
        .map(|(name, expr)| field_value(super::common::ident(name), Some(expr)));
    struct_of(path, fields)
}

/// `name: value`, or `name` alone (shorthand) without a value.
pub fn field_value(name: Ident, value: Option<Expr>) -> syn::FieldValue {
    let (colon_token, expr) = match value {
        Some(expr) => (Some(Default::default()), expr),
        None => (None, path_expr(Path::from(name.clone()))),
    };
    syn::FieldValue {
        attrs: Vec::new(),
        member: syn::Member::Named(name),
        colon_token,
        expr,
    }
}

/// `path { fields.. }`.
pub fn struct_of(path: Path, fields: impl IntoIterator<Item = syn::FieldValue>) -> Expr {
    Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path,
        brace_token: Default::default(),
        fields: fields.into_iter().collect(),
        dot2_token: None,
        rest: None,
    })
}

/// `attrs pub const name: ty = expr;`.
pub fn pub_const(attrs: Vec<Attribute>, name: Ident, ty: Type, expr: Expr) -> Item {
    Item::Const(syn::ItemConst {
        attrs,
        vis: Visibility::Public(Default::default()),
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: name,
        generics: Default::default(),
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// `attrs vis static name: ty = expr;`.
pub fn static_item(attrs: Vec<Attribute>, public: bool, name: Ident, ty: Type, expr: Expr) -> Item {
    Item::Static(syn::ItemStatic {
        attrs,
        vis: if public {
            Visibility::Public(Default::default())
        } else {
            Visibility::Inherited
        },
        static_token: Default::default(),
        mutability: syn::StaticMutability::None,
        ident: name,
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// `attrs pub mod name { items }`.
pub fn pub_mod(attrs: Vec<Attribute>, name: Ident, items: Vec<Item>) -> Item {
    Item::Mod(syn::ItemMod {
        attrs,
        vis: Visibility::Public(Default::default()),
        unsafety: None,
        mod_token: Default::default(),
        ident: name,
        content: Some((Default::default(), items)),
        semi: None,
    })
}
