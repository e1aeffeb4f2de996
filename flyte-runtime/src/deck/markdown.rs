//! Markdown as HTML (CommonMark with tables and strikethrough, by `pulldown-cmark`). Unlike
//! flytekit's `MarkdownRenderer` (markdown-it, raw HTML passed through), raw HTML in the text
//! is shown as text; a link keeps its target only for `http`, `https`, `mailto` and links
//! within the page, and an image becomes a link to it, so the page loads nothing.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// `text` (markdown) as HTML, safe to put in a deck.
pub(crate) fn to_html(text: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// `url` if its scheme is one a deck may link to, else `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split(['/', '?', '#']).next().unwrap_or("");
    match scheme.split_once(':') {
        None => url,
        Some(("http" | "https" | "mailto", _)) => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text_and_markdown_is_html() {
        let html = to_html("# Title\n\n*a* <script>alert(1)</script> & <b>b</b>\n\n| x | y |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.contains("<h1>Title</h1>") && html.contains("<em>a</em>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;b&gt;b&lt;/b&gt;") && html.contains("&amp;"),
            "{html}"
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        let block = to_html("<div onclick=\"x()\">\nhi\n</div>\n");
        assert!(!block.contains("<div"), "{block}");
    }

    #[test]
    fn links_keep_safe_targets_and_images_load_nothing() {
        let html =
            to_html("[a](https://x.org/p) [b](javascript:alert(1)) [c](#top) ![i](http://x/i.png)");
        assert!(html.contains("href=\"https://x.org/p\""), "{html}");
        assert!(html.contains("href=\"#\">b</a>"), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
        assert!(
            !html.contains("<img") && html.contains("href=\"http://x/i.png\">i</a>"),
            "{html}"
        );
    }
}
