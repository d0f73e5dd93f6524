//! Reading pages as a test looks at them: start tags, attributes, links and
//! text escaped as the templates escape it.

/// Every start tag named `name` in `html` (e.g. all `<img …>` tags).
pub fn tags(html: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '>')
        })
        .filter_map(|(i, _)| html[i..].find('>').map(|end| html[i..=i + end].to_owned()))
        .collect()
}

/// The value of attribute `name` in a start tag, if present.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// The `href` of the first link on a page whose `rel` is `rel` (a pager's
/// `prev` or `next`).
pub fn rel_link(html: &str, rel: &str) -> Option<String> {
    tags(html, "a")
        .into_iter()
        .find(|t| attr(t, "rel").as_deref() == Some(rel))
        .and_then(|t| attr(&t, "href"))
}

/// Local links (`href` and `src`/`srcset` URLs) in a page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in tags(html, "a").iter().chain(tags(html, "link").iter()) {
        if let Some(href) = attr(tag, "href") {
            out.push(href);
        }
    }
    for tag in tags(html, "img").iter().chain(tags(html, "source").iter()) {
        out.extend(attr(tag, "src"));
        if let Some(srcset) = attr(tag, "srcset") {
            out.extend(
                srcset
                    .split(',')
                    .filter_map(|s| s.split_whitespace().next().map(str::to_owned)),
            );
        }
    }
    for tag in tags(html, "script") {
        out.extend(attr(&tag, "src"));
    }
    out.into_iter()
        .filter(|l| l.starts_with('/'))
        .map(|l| l.split('#').next().unwrap_or_default().to_owned())
        .collect()
}

/// `text` escaped the way the templates escape it, to look for it in a page.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer word),
/// case-sensitively.
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}
