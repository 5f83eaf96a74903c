//! JSON-LD reading: lenient parsing of `<script type="application/ld+json">` blocks and the
//! walk that finds the article node among `@graph`s, arrays and `mainEntity` wrappers.
//!
//! Real blocks are often not valid JSON (trailing commas, raw newlines inside strings, HTML
//! comment or CDATA wrappers, invalid escapes), so parsing first tries strict JSON and then a
//! repaired copy. Nothing here can fail loudly: a block that cannot be read yields nothing.

use serde_json::{Map, Value};

/// Blocks larger than this are truncated away rather than parsed (they are not metadata).
const MAX_BLOCK_BYTES: usize = 4 << 20;
/// How deep the walk follows `@graph` / `mainEntity` nesting.
const MAX_DEPTH: usize = 6;

/// Parses one script body into its top-level values (several when a block holds JSON values
/// back to back).
pub(crate) fn parse_block(raw: &str) -> Vec<Value> {
    if raw.len() > MAX_BLOCK_BYTES {
        return Vec::new();
    }
    let body = strip_wrappers(raw);
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return vec![v];
    }
    let repaired = repair(body);
    if let Ok(v) = serde_json::from_str::<Value>(&repaired) {
        return vec![v];
    }
    serde_json::Deserializer::from_str(&repaired)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .collect()
}

/// Removes `<!-- -->`, `<![CDATA[ ]]>` (also behind `//`) and trailing `;` around a block.
fn strip_wrappers(raw: &str) -> &str {
    let mut s = raw.trim();
    loop {
        let before = s.len();
        for prefix in ["<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA["] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
            }
        }
        for suffix in ["-->", "//]]>", "/*]]>*/", "]]>", ";"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest.trim_end();
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Makes common breakage valid: control characters inside strings become spaces, invalid
/// escapes lose their backslash, and commas before `}` or `]` are dropped.
fn repair(body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            match c {
                '\\' => {
                    match chars.get(i + 1) {
                        Some(&n) if "\"\\/bfnrtu".contains(n) => {
                            out.push('\\');
                            out.push(n);
                        }
                        Some(&n) if (n as u32) < 0x20 => out.push(' '),
                        Some(&n) => out.push(n),
                        None => {}
                    }
                    i += 2;
                    continue;
                }
                '"' => in_string = false,
                c if (c as u32) < 0x20 => {
                    out.push(' ');
                    i += 1;
                    continue;
                }
                _ => {}
            }
            out.push(c);
        } else {
            if c == ',' {
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if matches!(next, Some('}') | Some(']') | None) {
                    i += 1;
                    continue;
                }
            }
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

/// How much a node's type says it is the page's article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    Article,
    Page,
}

/// A typed JSON-LD object worth reading.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub(crate) map: &'a Map<String, Value>,
    /// The schema.org type that qualified it, for provenance (`NewsArticle`).
    pub(crate) type_name: String,
    pub(crate) rank: Rank,
}

const ARTICLE_TYPES: [&str; 18] = [
    "Article",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "SatiricalArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Review",
    "Recipe",
];
const PAGE_TYPES: [&str; 5] = ["WebPage", "ItemPage", "VideoObject", "CreativeWork", "Blog"];

/// The schema.org types of a node, without `schema:` or `https://schema.org/` prefixes.
fn types(map: &Map<String, Value>) -> Vec<&str> {
    fn short(s: &str) -> &str {
        s.rsplit(['/', ':', '#']).next().unwrap_or(s)
    }
    match map.get("@type") {
        Some(Value::String(s)) => vec![short(s)],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(short).collect(),
        _ => Vec::new(),
    }
}

/// Collects the article-like and page-like nodes in document order, descending into
/// top-level arrays, `@graph` and `mainEntity`, but not into related items.
pub(crate) fn collect_nodes<'a>(values: &'a [Value], out: &mut Vec<Node<'a>>) {
    for v in values {
        walk(v, 0, out);
    }
}

fn walk<'a>(value: &'a Value, depth: usize, out: &mut Vec<Node<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| walk(v, depth + 1, out)),
        Value::Object(map) => {
            let types = types(map);
            let found = types
                .iter()
                .find(|t| ARTICLE_TYPES.contains(t))
                .map(|t| (Rank::Article, t))
                .or_else(|| {
                    types
                        .iter()
                        .find(|t| PAGE_TYPES.contains(t))
                        .map(|t| (Rank::Page, t))
                });
            if let Some((rank, t)) = found {
                out.push(Node {
                    map,
                    type_name: t.to_string(),
                    rank,
                });
            }
            for key in ["@graph", "mainEntity"] {
                if let Some(inner) = map.get(key) {
                    walk(inner, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// The site names a block states: `publisher.name` of article nodes and `WebSite`/
/// `Organization` names.
pub(crate) fn site_names(values: &[Value], out: &mut Vec<String>) {
    fn visit(v: &Value, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|v| visit(v, depth + 1, out)),
            Value::Object(map) => {
                let t = types(map);
                if t.iter()
                    .any(|t| matches!(*t, "WebSite" | "Organization" | "NewsMediaOrganization"))
                {
                    if let Some(name) = map.get("name").and_then(text) {
                        out.push(name);
                    }
                }
                for key in ["@graph", "publisher", "isPartOf"] {
                    if let Some(inner) = map.get(key) {
                        visit(inner, depth + 1, out);
                    }
                }
            }
            _ => {}
        }
    }
    values.iter().for_each(|v| visit(v, 0, out));
}

/// A scalar as text: strings, numbers, `{"@value": ...}`, or the first such item of an array.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(m) => m.get("@value").and_then(text),
        Value::Array(a) => a.iter().find_map(text),
        _ => None,
    }
}

/// An image URL from a string, an `ImageObject` (`url`, `contentUrl`) or an array of them,
/// preferring the one marked `representativeOfPage`.
pub(crate) fn image(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => ["url", "contentUrl", "@id"]
            .iter()
            .find_map(|k| m.get(*k).and_then(text))
            .filter(|u| !u.starts_with("_:") && !u.contains('#')),
        Value::Array(items) => items
            .iter()
            .find(|i| i.get("representativeOfPage").is_some_and(is_true))
            .and_then(image)
            .or_else(|| items.iter().find_map(image)),
        _ => None,
    }
}

fn is_true(v: &Value) -> bool {
    matches!(v, Value::Bool(true)) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

/// Person names from a string, an object with `name`, or an array of either.
pub(crate) fn names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Object(m) => {
            if let Some(n) = m.get("name").and_then(text) {
                out.push(n);
            }
        }
        Value::Array(items) => items.iter().take(50).for_each(|i| names(i, out)),
        _ => {}
    }
}

/// Keyword strings from a string, an array of strings, or `DefinedTerm`-like objects.
pub(crate) fn keyword_texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Object(m) => {
            if let Some(n) = m.get("name").and_then(text) {
                out.push(n);
            }
        }
        Value::Array(items) => items.iter().take(500).for_each(|i| keyword_texts(i, out)),
        _ => {}
    }
}

/// The URL a node says it is about (`url`, or `mainEntityOfPage` as a string or `@id`).
pub(crate) fn node_urls(map: &Map<String, Value>) -> Vec<String> {
    let mut urls = Vec::new();
    if let Some(u) = map.get("url").and_then(text) {
        urls.push(u);
    }
    match map.get("mainEntityOfPage") {
        Some(Value::String(s)) => urls.push(s.clone()),
        Some(Value::Object(m)) => {
            if let Some(u) = m.get("@id").or_else(|| m.get("url")).and_then(text) {
                urls.push(u);
            }
        }
        _ => {}
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_json_parses() {
        assert_eq!(parse_block(r#"{"a": 1}"#), vec![json!({"a": 1})]);
    }

    #[test]
    fn trailing_commas_raw_newlines_and_bad_escapes_are_repaired() {
        let raw =
            "{\"headline\": \"Line one\nline two\", \"k\": [\"a\", \"b\",], \"q\": \"it\\'s\",}";
        assert_eq!(
            parse_block(raw),
            vec![json!({"headline": "Line one line two", "k": ["a", "b"], "q": "it's"})]
        );
    }

    #[test]
    fn comment_and_cdata_wrappers_are_removed() {
        assert_eq!(parse_block("<!-- {\"a\": 1} -->"), vec![json!({"a": 1})]);
        assert_eq!(
            parse_block("//<![CDATA[\n{\"a\": 1};\n//]]>"),
            vec![json!({"a": 1})]
        );
    }

    #[test]
    fn back_to_back_values_are_all_read() {
        assert_eq!(
            parse_block(r#"{"a": 1} {"b": 2}"#),
            vec![json!({"a": 1}), json!({"b": 2})]
        );
    }

    #[test]
    fn garbage_yields_nothing() {
        assert!(parse_block("not json at all {").is_empty());
        assert!(parse_block("").is_empty());
        assert!(parse_block(&"[".repeat(10_000)).is_empty());
    }

    #[test]
    fn nodes_are_found_in_graph_arrays_and_main_entity() {
        let values = vec![
            json!({"@graph": [{"@type": "WebSite"}, {"@type": ["schema:NewsArticle"], "headline": "H"}]}),
            json!([{"@type": "WebPage", "mainEntity": {"@type": "BlogPosting"}}]),
        ];
        let mut nodes = Vec::new();
        collect_nodes(&values, &mut nodes);
        let seen: Vec<_> = nodes
            .iter()
            .map(|n| (n.type_name.as_str(), n.rank))
            .collect();
        assert_eq!(
            seen,
            [
                ("NewsArticle", Rank::Article),
                ("WebPage", Rank::Page),
                ("BlogPosting", Rank::Article)
            ]
        );
    }

    #[test]
    fn image_forms() {
        assert_eq!(image(&json!("a.jpg")).as_deref(), Some("a.jpg"));
        assert_eq!(
            image(&json!({"@type": "ImageObject", "contentUrl": "b.jpg"})).as_deref(),
            Some("b.jpg")
        );
        let list = json!([{"url": "c.jpg"}, {"url": "d.jpg", "representativeOfPage": true}]);
        assert_eq!(image(&list).as_deref(), Some("d.jpg"));
        assert_eq!(
            image(&json!([{"url": "c.jpg"}, "e.jpg"])).as_deref(),
            Some("c.jpg")
        );
    }

    #[test]
    fn names_and_keywords_forms() {
        let mut out = Vec::new();
        names(
            &json!([{"@type": "Person", "name": "A"}, "B", {"x": 1}]),
            &mut out,
        );
        assert_eq!(out, ["A", "B"]);
        let mut kws = Vec::new();
        keyword_texts(&json!(["x", {"name": "y"}]), &mut kws);
        assert_eq!(kws, ["x", "y"]);
    }

    #[test]
    fn site_names_from_publisher_and_website() {
        let values = vec![json!({"@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Example Media"}}
        ]})];
        let mut out = Vec::new();
        site_names(&values, &mut out);
        assert_eq!(out, ["Example News", "Example Media"]);
    }
}
